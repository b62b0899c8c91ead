//! Documents in: bytes decoded, text normalised, split into paragraphs and sentences.
//!
//! Spans in records are character offsets into the *normalised* text this module produces
//! (NFC, odd spaces made plain, line ends unified), so a record's quote is always exactly
//! `text[span]`.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use unicode_normalization::UnicodeNormalization;

/// Biggest document read whole; larger files are a per-document error, never an OOM.
pub const MAX_DOCUMENT_BYTES: u64 = 256 * 1024 * 1024;

/// A document ready for extraction.
#[derive(Debug, Clone)]
pub struct Document {
    /// What records call the document: the path relative to the folder given, or the file name.
    pub id: String,
    /// Where it was read from, if from a file.
    pub path: Option<PathBuf>,
    /// The normalised text.
    pub text: String,
    /// Metadata from the input (file name, encoding…); plugins may match on it.
    pub meta: BTreeMap<String, String>,
    /// Split on first use: most documents of a corpus never need it.
    sentences: OnceLock<Vec<Range<usize>>>,
}

/// Why a document could not be read. Each becomes a line of the run summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Io(String),
    Empty,
    TooLarge(u64),
    Binary,
    InvalidUtf8 {
        byte: usize,
        line: usize,
        column: usize,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::Empty => write!(f, "empty document (no text)"),
            ReadError::TooLarge(n) => write!(
                f,
                "too large: {n} bytes (the limit is {MAX_DOCUMENT_BYTES} bytes); split it first"
            ),
            ReadError::Binary => write!(f, "binary data, not text (NUL bytes found)"),
            ReadError::InvalidUtf8 { byte, line, column } => write!(
                f,
                "not UTF-8: invalid byte at line {line}, column {column} (byte offset {byte}); \
                 chiso reads UTF-8, and UTF-16 with a byte-order mark"
            ),
        }
    }
}

impl Document {
    /// Build a document from text already decoded.
    pub fn from_text(id: impl Into<String>, text: &str) -> Document {
        Document {
            id: id.into(),
            path: None,
            text: normalize(text),
            meta: BTreeMap::new(),
            sentences: OnceLock::new(),
        }
    }

    /// Read and decode a file.
    pub fn read(path: &Path, id: impl Into<String>) -> Result<Document, ReadError> {
        let len = std::fs::metadata(path)
            .map_err(|e| ReadError::Io(e.to_string()))?
            .len();
        if len > MAX_DOCUMENT_BYTES {
            return Err(ReadError::TooLarge(len));
        }
        let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.to_string()))?;
        let mut doc = Document::from_bytes(id, &bytes)?;
        doc.path = Some(path.to_path_buf());
        Ok(doc)
    }

    /// Decode bytes (UTF-8 with or without BOM, UTF-16 with BOM) into a document.
    pub fn from_bytes(id: impl Into<String>, bytes: &[u8]) -> Result<Document, ReadError> {
        let (text, encoding) = decode(bytes)?;
        if text.trim().is_empty() {
            return Err(ReadError::Empty);
        }
        let mut doc = Document::from_text(id, &text);
        doc.meta.insert("encoding".into(), encoding.into());
        Ok(doc)
    }

    /// The first non-empty line.
    pub fn title(&self) -> &str {
        self.text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("")
    }

    /// Byte ranges of the sentences, in order.
    pub fn sentences(&self) -> &[Range<usize>] {
        self.sentences.get_or_init(|| split_sentences(&self.text))
    }

    /// Byte ranges of non-empty lines.
    pub fn paragraphs(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for line in self.text.split_inclusive('\n') {
            let trimmed = trim_range(&self.text, start..start + line.len());
            if !trimmed.is_empty() {
                out.push(trimmed);
            }
            start += line.len();
        }
        out
    }

    /// The sentence holding byte `at`.
    pub fn sentence_at(&self, at: usize) -> Option<Range<usize>> {
        let sentences = self.sentences();
        let i = sentences.partition_point(|s| s.end <= at);
        sentences.get(i).filter(|s| s.start <= at).cloned()
    }
}

fn decode(bytes: &[u8]) -> Result<(String, &'static str), ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest).map(|s| (s, "utf-8-bom"));
    }
    for (bom, le, name) in [
        (b"\xFF\xFE", true, "utf-16le"),
        (b"\xFE\xFF", false, "utf-16be"),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let units: Vec<u16> = rest
                .chunks(2)
                .map(|c| {
                    let pair = [c[0], *c.get(1).unwrap_or(&0)];
                    if le {
                        u16::from_le_bytes(pair)
                    } else {
                        u16::from_be_bytes(pair)
                    }
                })
                .collect();
            return String::from_utf16(&units)
                .map(|s| (s, name))
                .map_err(|_| ReadError::Binary);
        }
    }
    if bytes[..bytes.len().min(64 * 1024)].contains(&0) {
        return Err(ReadError::Binary);
    }
    utf8(bytes).map(|s| (s, "utf-8"))
}

fn utf8(bytes: &[u8]) -> Result<String, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let byte = e.valid_up_to();
            let good = std::str::from_utf8(&bytes[..byte]).unwrap_or("");
            let line = good.matches('\n').count() + 1;
            let column = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            Err(ReadError::InvalidUtf8 { byte, line, column })
        }
    }
}

/// NFC, plain spaces for no-break and other odd spaces, `\n` line ends, no zero-width marks.
pub fn normalize(text: &str) -> String {
    // Most text arrives already clean: check that in one cheap pass and copy it. Characters
    // below U+0300 and precomposed Vietnamese letters (U+1EA0–U+1EF9) are always NFC.
    let mut plain = true;
    let mut needs_nfc_check = false;
    for c in text.chars() {
        match c {
            '\r'
            | '\u{00A0}'
            | '\u{00AD}'
            | '\u{2000}'..='\u{200D}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{FEFF}' => {
                plain = false;
                break;
            }
            c if (c as u32) < 0x300 || ('\u{1EA0}'..='\u{1EF9}').contains(&c) => {}
            _ => needs_nfc_check = true,
        }
    }
    if plain
        && (!needs_nfc_check
            || unicode_normalization::is_nfc_quick(text.chars())
                == unicode_normalization::IsNormalized::Yes)
    {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut prev_cr = false;
    for c in text.nfc() {
        match c {
            '\r' => {
                out.push('\n');
                prev_cr = true;
                continue;
            }
            '\n' if prev_cr => {}
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => {
                out.push(' ')
            }
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}' => {}
            c => out.push(c),
        }
        prev_cr = false;
    }
    out
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: [&str; 16] = [
    "TP", "Tp", "tp", "TS", "ThS", "PGS", "GS", "BS", "KS", "CN", "Th", "St", "Mr", "Q", "P", "Ô",
];

/// Byte ranges of sentences: lines, cut further at `.`, `!`, `?` or `…` followed by a space
/// and a capital, digit or quote; not inside numbers ("36.700") nor after abbreviations ("TP.").
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.len();
        let mut start = line_start;
        for (i, c) in line.char_indices() {
            if !matches!(c, '.' | '!' | '?' | '…') {
                continue;
            }
            let end = line_start + i + c.len_utf8();
            let rest = &text[end..line_end];
            let next_visible = rest.trim_start_matches([' ', '\t', '.', '…']);
            let spaced = rest.starts_with([' ', '\t']) || c == '…';
            let starts_new = next_visible.chars().next().is_some_and(|n| {
                n.is_uppercase()
                    || n.is_ascii_digit()
                    || matches!(n, '“' | '"' | '(' | '•' | '-' | '–')
            });
            if !(spaced && starts_new)
                || (c == '.' && ends_with_abbreviation(&text[start..end - 1]))
            {
                continue;
            }
            let r = trim_range(text, start..end);
            if !r.is_empty() {
                out.push(r);
            }
            start = end;
        }
        let r = trim_range(text, start..line_end);
        if !r.is_empty() {
            out.push(r);
        }
        line_start = line_end;
    }
    out
}

fn ends_with_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    ABBREVIATIONS.contains(&word)
        || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
}

fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead == s.len() {
        return r.start..r.start;
    }
    r.start + lead..r.end - trail
}

/// Converts byte offsets to character offsets, fast for offsets asked in increasing order.
pub struct CharIndex<'a> {
    text: &'a str,
    last: (usize, usize),
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        CharIndex { text, last: (0, 0) }
    }

    pub fn char_offset(&mut self, byte: usize) -> usize {
        let (b0, c0) = if byte >= self.last.0 {
            self.last
        } else {
            (0, 0)
        };
        let c = c0 + self.text[b0..byte].chars().count();
        self.last = (byte, c);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_do_not_split_numbers_or_abbreviations() {
        let t = "Hiến đất trên 36.700m2. Tại TP. Hồ Chí Minh có 5 xã. năm 2021";
        let s: Vec<&str> = split_sentences(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            s,
            vec![
                "Hiến đất trên 36.700m2.",
                "Tại TP. Hồ Chí Minh có 5 xã. năm 2021"
            ]
        );
    }

    #[test]
    fn normalizes_to_nfc_and_plain_spaces() {
        let decomposed = "Ho\u{0300}a\u{00A0}bi\u{0300}nh\r\nx";
        assert_eq!(normalize(decomposed), "Hòa bình\nx");
    }

    #[test]
    fn reports_where_utf8_breaks() {
        let err = Document::from_bytes("x", b"ab\ncd\xFFe").unwrap_err();
        assert_eq!(
            err,
            ReadError::InvalidUtf8 {
                byte: 5,
                line: 2,
                column: 3
            }
        );
        assert_eq!(
            Document::from_bytes("x", b"  \n").unwrap_err(),
            ReadError::Empty
        );
        assert_eq!(
            Document::from_bytes("x", b"a\0b").unwrap_err(),
            ReadError::Binary
        );
    }

    #[test]
    fn decodes_utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "Đảng viên".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        assert_eq!(Document::from_bytes("x", &bytes).unwrap().text, "Đảng viên");
    }

    #[test]
    fn char_index_counts_scalars() {
        let t = "Đảng viên 172";
        let mut ix = CharIndex::new(t);
        assert_eq!(ix.char_offset(t.find("172").unwrap()), 10);
        assert_eq!(ix.char_offset(t.len()), 13);
    }
}
