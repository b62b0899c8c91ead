//! Document formats other than plain text: web pages (HTML), Word files (.docx) and PDF.
//!
//! Each reader turns the bytes of one document into an [`Extracted`]: the text, one
//! paragraph per line, and the metadata the document carries (title, date, source…).
//! Readers never panic on bad input: a file they cannot read is a [`FormatError`].

pub mod docx;
pub mod html;
pub mod pdf;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The kinds of document chiso reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    Docx,
    Pdf,
}

impl Format {
    /// By file extension (case-insensitive): txt/md/text → Text, html/htm/xhtml → Html,
    /// docx → Docx, pdf → Pdf.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "md" | "text" => Some(Format::Text),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    /// By content sniffing: `%PDF-` in the first KiB, a zip (`PK\x03\x04`) that holds
    /// `word/document.xml`, or `<!doctype html` / `<html` near the start.
    /// `None` when nothing matches (plain text is not guessed).
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        let head = &bytes[..bytes.len().min(1024)];
        if find(head, b"%PDF-").is_some() {
            return Some(Format::Pdf);
        }
        if bytes.starts_with(b"PK\x03\x04") {
            return find(bytes, b"word/document.xml").map(|_| Format::Docx);
        }
        let mut start = head;
        if let Some(rest) = start.strip_prefix(b"\xEF\xBB\xBF") {
            start = rest;
        }
        let lower = start.to_ascii_lowercase();
        if find(&lower, b"<!doctype html").is_some() || find(&lower, b"<html").is_some() {
            return Some(Format::Html);
        }
        None
    }

    /// A short lowercase name: "text", "html", "docx" or "pdf".
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a document in one of these formats could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The file is damaged or is not what its format says.
    Corrupt(String),
    /// The content would exceed a safety limit (e.g. a zip bomb).
    TooLarge { limit: u64 },
    /// A valid file using a feature chiso does not read (e.g. an encrypted PDF).
    Unsupported(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Corrupt(why) => write!(f, "damaged or unreadable file: {why}"),
            FormatError::TooLarge { limit } => write!(
                f,
                "too large: the content exceeds the safety limit of {} ({limit} bytes); \
                 a damaged or malicious file (e.g. a zip bomb), or a document to split first",
                human_bytes(*limit)
            ),
            FormatError::Unsupported(what) => write!(f, "not supported: {what}"),
        }
    }
}

impl std::error::Error for FormatError {}

/// What a reader returns: the text, and metadata found in the document (title, date, source...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub text: String,
    pub meta: BTreeMap<String, String>,
}

fn human_bytes(n: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} bytes")
    }
}

/// Position of `needle` in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_path() {
        assert_eq!(Format::from_path(Path::new("a/b.HTM")), Some(Format::Html));
        assert_eq!(Format::from_path(Path::new("x.xhtml")), Some(Format::Html));
        assert_eq!(
            Format::from_path(Path::new("bao-cao.DOCX")),
            Some(Format::Docx)
        );
        assert_eq!(Format::from_path(Path::new("r.pdf")), Some(Format::Pdf));
        assert_eq!(Format::from_path(Path::new("r.Md")), Some(Format::Text));
        assert_eq!(Format::from_path(Path::new("r.text")), Some(Format::Text));
        assert_eq!(Format::from_path(Path::new("r.doc")), None);
        assert_eq!(Format::from_path(Path::new("noext")), None);
    }

    #[test]
    fn format_sniff() {
        assert_eq!(Format::sniff(b"%PDF-1.7\n..."), Some(Format::Pdf));
        assert_eq!(Format::sniff(b"\r\n%PDF-1.4"), Some(Format::Pdf));
        assert_eq!(
            Format::sniff(b"\xEF\xBB\xBF  <!DOCTYPE HTML><html>"),
            Some(Format::Html)
        );
        assert_eq!(
            Format::sniff(b"<?xml version=\"1.0\"?>\n<html xmlns=\"x\">"),
            Some(Format::Html)
        );
        assert_eq!(
            Format::sniff(b"PK\x03\x04....word/document.xml...."),
            Some(Format::Docx)
        );
        assert_eq!(Format::sniff(b"PK\x03\x04....xl/workbook.xml"), None);
        assert_eq!(Format::sniff("Báo cáo số 12".as_bytes()), None);
        assert_eq!(Format::sniff(b""), None);
        assert_eq!(Format::Docx.name(), "docx");
    }

    #[test]
    fn error_messages() {
        let e = FormatError::TooLarge {
            limit: 64 * 1024 * 1024,
        };
        assert!(e.to_string().contains("64 MiB"), "{e}");
        let e = FormatError::Unsupported("encrypted PDF".into());
        assert_eq!(e.to_string(), "not supported: encrypted PDF");
        let e = FormatError::Corrupt("no word/document.xml".into());
        assert!(e.to_string().contains("no word/document.xml"));
    }
}
