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

use crate::encoding::{self, DecodeError, Encoding};
use crate::formats::{self, Format};
use crate::normalize::{normalize_owned, OffsetMap};

/// Biggest document read whole by default; larger files are a per-document error, never an
/// out-of-memory (`--max-doc-size` changes it).
pub const MAX_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;

/// How documents are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Skip detection and decode with this encoding (the user's `--encoding`).
    pub encoding: Option<Encoding>,
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: None,
            max_bytes: MAX_DOCUMENT_BYTES,
        }
    }
}

/// A document ready for extraction.
#[derive(Debug, Clone)]
pub struct Document {
    /// What records call the document: the path relative to the folder given, or the file name.
    pub id: String,
    /// Where it was read from, if from a file.
    pub path: Option<PathBuf>,
    /// The normalised text.
    pub text: String,
    /// Metadata from the input (encoding, format, title, date, JSONL fields…); plugins may
    /// match on it.
    pub meta: BTreeMap<String, String>,
    /// Normalised character offsets → offsets in the text as decoded; `None`: the same.
    source_map: Option<OffsetMap>,
    /// Split on first use: most documents of a corpus never need it.
    sentences: OnceLock<Vec<Range<usize>>>,
}

/// Why a document could not be read. Each becomes a line of the run summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Io(String),
    Empty,
    TooLarge {
        size: u64,
        limit: u64,
    },
    Binary,
    Undecodable {
        encoding: Encoding,
        byte: usize,
        line: usize,
        column: usize,
    },
    Format(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::Empty => write!(f, "empty document (no text)"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "too large: {size} bytes (the limit is {limit} bytes; split it, or raise --max-doc-size)"
            ),
            ReadError::Binary => write!(f, "binary data, not text"),
            ReadError::Undecodable { encoding, byte, line, column } => write!(
                f,
                "not valid {}: undecodable byte at line {line}, column {column} (byte offset {byte})",
                encoding.name()
            ),
            ReadError::Format(e) => f.write_str(e),
        }
    }
}

impl Document {
    /// Build a document from text already decoded.
    pub fn from_text(id: impl Into<String>, text: &str) -> Document {
        Document::from_string(id, text.to_string())
    }

    /// Build a document from text it owns (not copied when already normalised).
    pub fn from_string(id: impl Into<String>, text: String) -> Document {
        let n = normalize_owned(text);
        Document {
            id: id.into(),
            path: None,
            text: n.text,
            meta: BTreeMap::new(),
            source_map: n.map,
            sentences: OnceLock::new(),
        }
    }

    /// Read and decode a file with the default options.
    pub fn read(path: &Path, id: impl Into<String>) -> Result<Document, ReadError> {
        Document::read_with(path, id, &ReadOptions::default())
    }

    /// Read a file: its format from its extension (or its content), its encoding detected
    /// unless forced.
    pub fn read_with(
        path: &Path,
        id: impl Into<String>,
        opts: &ReadOptions,
    ) -> Result<Document, ReadError> {
        let bytes = Document::read_bytes(path, opts)?;
        Document::from_path_bytes(path, id, bytes, opts)
    }

    /// The raw bytes of a file, refused beyond `opts.max_bytes`.
    pub fn read_bytes(path: &Path, opts: &ReadOptions) -> Result<Vec<u8>, ReadError> {
        use std::io::Read;
        let io = |e: std::io::Error| ReadError::Io(e.to_string());
        let file = std::fs::File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::Io("no such file or folder".into()),
            _ => io(e),
        })?;
        let len = file.metadata().map_err(io)?.len();
        if len > opts.max_bytes {
            return Err(ReadError::TooLarge {
                size: len,
                limit: opts.max_bytes,
            });
        }
        // The size can change under us: never read past the limit whatever it says now.
        let mut bytes = Vec::with_capacity(len as usize + 1);
        file.take(opts.max_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if bytes.len() as u64 > opts.max_bytes {
            return Err(ReadError::TooLarge {
                size: bytes.len() as u64,
                limit: opts.max_bytes,
            });
        }
        Ok(bytes)
    }

    /// A file's bytes, already read, as a document: the format from the extension or the
    /// bytes themselves.
    pub fn from_path_bytes(
        path: &Path,
        id: impl Into<String>,
        bytes: Vec<u8>,
        opts: &ReadOptions,
    ) -> Result<Document, ReadError> {
        let format = Format::from_path(path)
            .or_else(|| Format::sniff(&bytes))
            .unwrap_or(Format::Text);
        let mut doc = Document::from_format(id, bytes, format, opts)?;
        doc.path = Some(path.to_path_buf());
        Ok(doc)
    }

    /// Read bytes in a known format: text (any encoding), HTML (main article text), DOCX
    /// (paragraphs and tables in order), PDF (text layer). Metadata the format carries
    /// (title, date, source…) goes into `meta`.
    pub fn from_format(
        id: impl Into<String>,
        bytes: Vec<u8>,
        format: Format,
        opts: &ReadOptions,
    ) -> Result<Document, ReadError> {
        let extracted = match format {
            Format::Text => return Document::from_vec_with(id, bytes, opts),
            Format::Html => {
                let page = Document::from_bytes_with("", &bytes, opts)?;
                let mut e = formats::html::html_to_text(&page.text);
                if let Some(enc) = page.meta.get("encoding") {
                    e.meta.insert("encoding".into(), enc.clone());
                }
                e
            }
            Format::Docx => formats::docx::docx_to_text(&bytes)
                .map_err(|e| ReadError::Format(format!("DOCX: {e}")))?,
            Format::Pdf => formats::pdf::pdf_to_text(&bytes)
                .map_err(|e| ReadError::Format(format!("PDF: {e}")))?,
        };
        if extracted.text.trim().is_empty() {
            let why = extracted
                .meta
                .get("warning")
                .cloned()
                .unwrap_or_else(|| "no text in it".into());
            return Err(ReadError::Format(format!("{}: {why}", format.name())));
        }
        let mut doc = Document::from_string(id, extracted.text);
        doc.meta.extend(extracted.meta);
        doc.meta.insert("format".into(), format.name().to_string());
        Ok(doc)
    }

    /// Decode bytes (UTF-8, UTF-16, Windows-1258, TCVN3, VNI; detected) into a document.
    pub fn from_bytes(id: impl Into<String>, bytes: &[u8]) -> Result<Document, ReadError> {
        Document::from_bytes_with(id, bytes, &ReadOptions::default())
    }

    /// Like [`Document::from_bytes_with`], taking the bytes: plain UTF-8 text (the usual case)
    /// becomes the document's text without a copy.
    pub fn from_vec_with(
        id: impl Into<String>,
        bytes: Vec<u8>,
        opts: &ReadOptions,
    ) -> Result<Document, ReadError> {
        let plain = matches!(opts.encoding, None | Some(Encoding::Utf8))
            && !bytes.starts_with(b"\xEF\xBB\xBF")
            && !looks_binary(&bytes)
            && simdutf8::basic::from_utf8(&bytes).is_ok();
        if !plain || bytes.len() as u64 > opts.max_bytes {
            return Document::from_bytes_with(id, &bytes, opts);
        }
        // SAFETY: validated as UTF-8 just above (simdutf8).
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        if text.trim().is_empty() {
            return Err(ReadError::Empty);
        }
        let mut doc = Document::from_string(id, text);
        doc.meta.insert("encoding".into(), "utf-8".into());
        Ok(doc)
    }

    pub fn from_bytes_with(
        id: impl Into<String>,
        bytes: &[u8],
        opts: &ReadOptions,
    ) -> Result<Document, ReadError> {
        if bytes.len() as u64 > opts.max_bytes {
            return Err(ReadError::TooLarge {
                size: bytes.len() as u64,
                limit: opts.max_bytes,
            });
        }
        if bytes.is_empty() {
            return Err(ReadError::Empty);
        }
        let decoded = encoding::decode(bytes, opts.encoding).map_err(|e| match e {
            DecodeError::Binary => ReadError::Binary,
            DecodeError::Invalid { encoding, byte } => {
                let good = String::from_utf8_lossy(&bytes[..byte.min(bytes.len())]);
                let line = good.matches('\n').count() + 1;
                let column = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                ReadError::Undecodable {
                    encoding,
                    byte,
                    line,
                    column,
                }
            }
        })?;
        if decoded.text.trim().is_empty() {
            return Err(ReadError::Empty);
        }
        let mut doc = Document::from_string(id, decoded.text);
        let mut name = decoded.encoding.name().to_string();
        if decoded.bom {
            name.push_str("-bom");
        }
        doc.meta.insert("encoding".into(), name);
        Ok(doc)
    }

    /// The character offset in the decoded original of normalised character offset `c`.
    pub fn source_offset(&self, c: usize) -> usize {
        self.source_map.as_ref().map_or(c, |m| m.original(c))
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

/// What the decoder would call binary (or UTF-16): NUL bytes, or many control bytes, near the
/// start. Such input takes the slow path through [`crate::encoding::decode`].
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        return true;
    }
    let sample = &head[..head.len().min(8 * 1024)];
    let controls = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    controls * 10 > sample.len()
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: [&str; 16] = [
    "TP", "Tp", "tp", "TS", "ThS", "PGS", "GS", "BS", "KS", "CN", "Th", "St", "Mr", "Q", "P", "Ô",
];

/// The longest sentence, in bytes, that the steps looking around a figure see whole. A longer
/// one (a table flattened to one line, a PDF text layer without full stops) is cut into windows
/// at clause boundaries, so that the work per figure stays bounded and the time to read a
/// document grows with its length, not with the square of its longest sentence. Real
/// sentences are far shorter: in 35,440 news articles 99.99% are under 1,700 bytes.
pub const MAX_SENTENCE: usize = 2048;

/// Byte ranges of sentences: lines, cut further at `.`, `!`, `?` or `…` followed by a space
/// and a capital, digit or quote; not inside numbers ("36.700") nor after abbreviations ("TP.").
/// A sentence longer than [`MAX_SENTENCE`] is cut into windows (see [`window_cuts`]).
pub fn split_sentences(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut push = |r: Range<usize>| {
        let r = trim_range(text, r);
        if r.len() > MAX_SENTENCE {
            let mut start = r.start;
            for cut in window_cuts(text, r.clone()) {
                let w = trim_range(text, start..cut);
                if !w.is_empty() {
                    out.push(w);
                }
                start = cut;
            }
        } else if !r.is_empty() {
            out.push(r);
        }
    };
    let mut start = 0;
    let mut i = 0;
    // Only line ends and the bytes that begin a terminator need a look: two SIMD searches,
    // each resumed past its last find, give them in order.
    let mut common = memchr::memchr3_iter(b'\n', b'.', 0xE2, bytes).peekable();
    let mut rare = memchr::memchr2_iter(b'!', b'?', bytes).peekable();
    loop {
        while common.next_if(|&p| p < i).is_some() {}
        while rare.next_if(|&p| p < i).is_some() {}
        let at = match (common.peek(), rare.peek()) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        let (c, end) = match bytes[at] {
            b'\n' => {
                push(start..at + 1);
                start = at + 1;
                i = at + 1;
                continue;
            }
            0xE2 if bytes[at..].starts_with("…".as_bytes()) => ('…', at + 3),
            0xE2 => {
                i = at + 1;
                continue;
            }
            b => (b as char, at + 1),
        };
        i = end;
        // The rest of the line: the trimmed characters never include a line end.
        let rest = &text[end..];
        let next_visible = rest.trim_start_matches([' ', '\t', '.', '…']);
        let spaced = rest.starts_with([' ', '\t']) || c == '…';
        let starts_new = next_visible.chars().next().is_some_and(|n| {
            n.is_uppercase() || n.is_ascii_digit() || matches!(n, '“' | '"' | '(' | '•' | '-' | '–')
        });
        if !(spaced && starts_new) || (c == '.' && ends_with_abbreviation(&text[start..end - 1])) {
            continue;
        }
        push(start..end);
        start = end;
    }
    push(start..text.len());
    out
}

/// Where a sentence longer than [`MAX_SENTENCE`] is cut: the ends of its windows, the last
/// being `r.end`. Each window ends after the last clause boundary of its second half: a `;`,
/// else a `,` followed by a space (not the decimal comma of "57,4"), else a space, else any
/// character boundary. A figure and its words sit inside one clause, so a cut between
/// clauses leaves each figure whole.
pub fn window_cuts(text: &str, r: Range<usize>) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut start = r.start;
    while r.end - start > MAX_SENTENCE {
        let mut hi = start + MAX_SENTENCE;
        while !text.is_char_boundary(hi) {
            hi -= 1;
        }
        let mut lo = start + MAX_SENTENCE / 2;
        while !text.is_char_boundary(lo) {
            lo += 1;
        }
        let half = &text[lo..hi];
        let after = |p: usize, len: usize| lo + p + len;
        let cut = half
            .rfind("; ")
            .map(|p| after(p, 1))
            .or_else(|| half.rfind(", ").map(|p| after(p, 1)))
            .or_else(|| half.rfind(char::is_whitespace).map(|p| after(p, 1)))
            .unwrap_or(hi);
        cuts.push(cut);
        start = cut;
    }
    cuts.push(r.end);
    cuts
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

/// Converts byte offsets to character offsets: fast for offsets asked in increasing order, and
/// for an offset a little before one asked already (it counts from the nearest point it
/// knows), so a document's records and the spans of their sources cost one pass.
pub struct CharIndex<'a> {
    text: &'a str,
    /// (byte, char) of every offset asked in increasing order, increasing.
    known: Vec<(usize, usize)>,
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        CharIndex {
            text,
            known: vec![(0, 0)],
        }
    }

    pub fn char_offset(&mut self, byte: usize) -> usize {
        let i = self.known.partition_point(|&(b, _)| b <= byte) - 1;
        let (b0, c0) = self.known[i];
        let c = c0 + self.text[b0..byte].chars().count();
        if i + 1 == self.known.len() && byte > b0 {
            self.known.push((byte, c));
        }
        c
    }
}

#[cfg(test)]
mod tests {
    /// The splitter as first written, character by character: the fast one must agree.
    fn split_sentences_reference(text: &str) -> Vec<Range<usize>> {
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

    #[test]
    fn the_fast_splitter_agrees_with_the_reference() {
        let mut texts: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/samples"))
                .unwrap()
                .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect();
        for t in [
            "",
            "\n\n",
            "A. B",
            "Ông A… Bà B",
            "TP. Hồ Chí Minh. Năm 2021! Có 36.700 người? “Đúng”.",
            "x.\n.Y",
            "Kết thúc…",
            "… Mở đầu",
            "a — b — “c”. (D) • E. - F. – G.",
            "Dòng 1.\r\nDòng 2.",
            "Số 1.2. 3 người. Ông H. Nam đến.",
            "\u{2026}\u{2026}A",
            "đ.Đ. Đ",
            "ở. Ở",
        ] {
            texts.push(t.to_string());
        }
        for t in &texts {
            assert_eq!(split_sentences(t), split_sentences_reference(t), "{t:?}");
        }
    }

    use super::*;

    #[test]
    fn a_long_sentence_is_cut_into_windows_between_its_clauses() {
        let clause = "xã Tân Lập có 57,4% hộ dân đạt chuẩn";
        let text = vec![clause; 400].join(", ") + ".";
        let windows = split_sentences(&text);
        assert!(windows.len() > 1);
        for w in &windows {
            assert!(w.len() <= MAX_SENTENCE, "{}", w.len());
            // Each window is whole clauses: it starts at a clause and ends after one.
            assert!(
                text[w.clone()].starts_with("xã Tân Lập"),
                "{:?}",
                &text[w.clone()]
            );
            assert!(text[w.clone()].ends_with("chuẩn,") || w.end == text.len());
        }
        // Together they are the sentence, less the spaces between them.
        let joined: Vec<&str> = windows.iter().map(|w| &text[w.clone()]).collect();
        assert_eq!(joined.join(" "), text);
        // A text with no clause boundary is cut at spaces, then anywhere, on characters.
        for text in ["đảng viên ".repeat(600), "đ".repeat(3000)] {
            let windows = split_sentences(&text);
            assert!(windows.iter().all(|w| w.len() <= MAX_SENTENCE));
            let covered: usize = windows.iter().map(|w| w.len()).sum();
            assert!(covered + windows.len() >= text.trim().len());
        }
        // Short sentences are left alone.
        assert_eq!(split_sentences(clause), vec![0..clause.len()]);
    }

    #[test]
    fn char_offsets_are_right_in_any_order() {
        let t = "Đảng bộ xã Tân Lập kết nạp 12 đảng viên; năm 2024 đạt 100%.";
        let mut ix = CharIndex::new(t);
        let all: Vec<usize> = t.char_indices().map(|(b, _)| b).chain([t.len()]).collect();
        let mut order: Vec<usize> = all.clone();
        order.extend(all.iter().rev());
        order.extend(all.iter().step_by(3));
        for b in order {
            assert_eq!(ix.char_offset(b), t[..b].chars().count(), "byte {b}");
        }
    }

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
    fn normalizes_and_maps_back_to_the_decoded_text() {
        let doc = Document::from_text("x", "Ho\u{0300}a\u{00A0}bi\u{0300}nh\r\nx");
        assert_eq!(doc.text, "Hòa bình\nx");
        assert_eq!(doc.source_offset(4), 5);
    }

    #[test]
    fn reports_where_forced_utf8_breaks() {
        let opts = ReadOptions {
            encoding: Some(Encoding::Utf8),
            ..ReadOptions::default()
        };
        let err = Document::from_bytes_with("x", b"ab\ncd\xFFe", &opts).unwrap_err();
        assert_eq!(
            err,
            ReadError::Undecodable {
                encoding: Encoding::Utf8,
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
            Document::from_bytes("x", b"a\0b\0c\0\0\0\0").unwrap_err(),
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
