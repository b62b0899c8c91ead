//! Word 2007+ documents (.docx): the text of `word/document.xml`, in document order.
//!
//! Paragraphs become lines; a table becomes one line per row, cells joined by `" | "`.
//! Runs set in a legacy Vietnamese font (".VnTime" → TCVN3, "VNI-Times" → VNI…) are
//! converted to Unicode through [`crate::encoding`]. The font of a run is its own
//! `w:rFonts`, else its character style's, else its paragraph style's (or the default
//! paragraph style's), else the document default from `word/styles.xml`.
//!
//! Zip bombs are refused: a part is read through a bounded reader that stops past
//! [`MAX_DOCUMENT_XML`] bytes or past a [`MAX_RATIO`]:1 expansion, whatever the zip
//! headers declare.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::{Extracted, FormatError};
use crate::encoding;

/// Largest `word/document.xml` read, uncompressed.
pub const MAX_DOCUMENT_XML: u64 = 64 * 1024 * 1024;
/// Largest other part read (`word/styles.xml`, `docProps/core.xml`), uncompressed.
pub const MAX_SIDE_PART: u64 = 16 * 1024 * 1024;
/// Highest expansion accepted for a part once it is past [`RATIO_FLOOR`] bytes.
pub const MAX_RATIO: u64 = 200;
/// Parts smaller than this are never refused for their compression ratio.
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// Paragraphs and tables in document order (table rows as cells joined by " | ", one row per line).
///
/// Metadata: `title`, `date` (dcterms:created), `author` from `docProps/core.xml` when
/// present, and `legacy_fonts` (comma-separated) when runs were converted from a legacy
/// Vietnamese font encoding.
pub fn docx_to_text(bytes: &[u8]) -> Result<Extracted, FormatError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        FormatError::Corrupt(format!(
            "not a valid .docx file: cannot open it as a zip archive ({e})"
        ))
    })?;
    let document =
        read_part(&mut zip, "word/document.xml", MAX_DOCUMENT_XML)?.ok_or_else(|| {
            FormatError::Corrupt(
                "no word/document.xml inside the zip: not a Word (.docx) document".to_string(),
            )
        })?;
    // Side parts are optional: a damaged one only costs its information.
    let styles = match read_part(&mut zip, "word/styles.xml", MAX_SIDE_PART) {
        Ok(Some(xml)) => Styles::parse(&xml),
        _ => Styles::default(),
    };
    let mut meta = match read_part(&mut zip, "docProps/core.xml", MAX_SIDE_PART) {
        Ok(Some(xml)) => core_properties(&xml),
        _ => BTreeMap::new(),
    };

    let (text, legacy_fonts) = walk_document(&document, &styles)?;
    if !legacy_fonts.is_empty() {
        meta.insert("legacy_fonts".to_string(), legacy_fonts.join(","));
    }
    Ok(Extracted { text, meta })
}

/// Read one part of the archive, bounded. `Ok(None)` when the part is absent.
fn read_part<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, FormatError> {
    let mut file = match zip.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(zip::result::ZipError::UnsupportedArchive(why)) => {
            return Err(FormatError::Unsupported(format!(
                "{name} in this .docx cannot be read: {why}"
            )))
        }
        Err(e) => {
            return Err(FormatError::Corrupt(format!(
                "cannot read {name} in the .docx: {e}"
            )))
        }
    };
    let too_large = FormatError::TooLarge { limit };
    let compressed = file.compressed_size().max(1);
    let declared = file.size();
    if declared > limit || (declared > RATIO_FLOOR && declared / compressed > MAX_RATIO) {
        return Err(too_large);
    }
    // Do not trust the declared size: read in chunks and stop at the limits.
    let mut out = Vec::with_capacity(declared.min(limit) as usize);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(FormatError::Corrupt(format!(
                    "cannot decompress {name} in the .docx: {e}"
                )))
            }
        };
        out.extend_from_slice(&chunk[..n]);
        let len = out.len() as u64;
        if len > limit || (len > RATIO_FLOOR && len / compressed > MAX_RATIO) {
            return Err(too_large);
        }
    }
    Ok(Some(out))
}

/// UTF-8 view of an XML part (Word writes UTF-8; UTF-16 with a BOM is converted).
fn xml_utf8(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let utf16 = |be: bool| {
        let units = bytes[2..].chunks_exact(2).map(|c| {
            if be {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        });
        let s: String = char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect();
        std::borrow::Cow::Owned(s.into_bytes())
    };
    if bytes.starts_with(&[0xFF, 0xFE]) {
        utf16(false)
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        utf16(true)
    } else {
        std::borrow::Cow::Borrowed(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
    }
}

fn xml_reader(xml: &[u8]) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(xml);
    let config = reader.config_mut();
    config.trim_text(false);
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    reader
}

/// Value of the attribute whose local name is `local` (any prefix), entities decoded.
fn attr(e: &BytesStart<'_>, local: &[u8]) -> Option<String> {
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.local_name().as_ref() == local {
            return Some(unescape(&String::from_utf8_lossy(&a.value)));
        }
    }
    None
}

/// Decode the XML predefined entities and character references in `s`.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match rest[1..].find(';').filter(|&j| j <= 12) {
            Some(j) => {
                let name = &rest[1..1 + j];
                match entity(name) {
                    Some(c) => out.push(c),
                    None => out.push_str(&rest[..j + 2]),
                }
                rest = &rest[j + 2..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character an XML entity or character reference (without `&` and `;`) stands for.
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Fonts declared in `word/styles.xml`.
#[derive(Debug, Default)]
struct Styles {
    /// `w:docDefaults/w:rPrDefault/w:rPr/w:rFonts`.
    default_font: Option<String>,
    /// The paragraph style with `w:default="1"` (usually "Normal").
    default_paragraph: Option<String>,
    /// styleId → (its own font, the style it is based on).
    styles: HashMap<String, (Option<String>, Option<String>)>,
}

impl Styles {
    fn parse(bytes: &[u8]) -> Styles {
        let xml = xml_utf8(bytes);
        let mut reader = xml_reader(&xml);
        let mut styles = Styles::default();
        let mut path: Vec<Vec<u8>> = Vec::new();
        // The style being read: (id, font, based on).
        let mut current: Option<(String, Option<String>, Option<String>)> = None;
        loop {
            let (e, is_start) = match reader.read_event() {
                Ok(Event::Start(e)) => (e, true),
                Ok(Event::Empty(e)) => (e, false),
                Ok(Event::End(_)) => {
                    if path.pop().as_deref() == Some(b"style".as_slice()) {
                        if let Some((id, font, based)) = current.take() {
                            styles.styles.insert(id, (font, based));
                        }
                    }
                    continue;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => continue,
            };
            let local = e.local_name().as_ref().to_vec();
            match local.as_slice() {
                b"style" if is_start => {
                    let id = attr(&e, b"styleId").unwrap_or_default();
                    let is_default = matches!(attr(&e, b"default").as_deref(), Some("1" | "true"));
                    if is_default && attr(&e, b"type").as_deref() == Some("paragraph") {
                        styles.default_paragraph = Some(id.clone());
                    }
                    current = Some((id, None, None));
                }
                b"basedOn" => {
                    if let Some(cur) = current.as_mut() {
                        cur.2 = attr(&e, b"val");
                    }
                }
                b"rFonts" if path.last().map(Vec::as_slice) == Some(b"rPr") => {
                    let font = attr(&e, b"ascii").or_else(|| attr(&e, b"hAnsi"));
                    let parent = path.len().checked_sub(2).map(|i| path[i].as_slice());
                    if let Some(cur) = current.as_mut() {
                        if parent == Some(b"style") && font.is_some() {
                            cur.1 = font;
                        }
                    } else if parent == Some(b"rPrDefault") && font.is_some() {
                        styles.default_font = font;
                    }
                }
                _ => {}
            }
            if is_start {
                path.push(local);
            }
        }
        styles
    }

    /// The font a style gives, following `w:basedOn` (bounded, cycles are harmless).
    fn style_font(&self, id: Option<&str>) -> Option<&str> {
        let mut id = id?;
        for _ in 0..32 {
            let (font, based) = self.styles.get(id)?;
            if let Some(font) = font {
                return Some(font);
            }
            id = based.as_deref()?;
        }
        None
    }
}

/// Elements of `word/document.xml` the walker keeps track of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum El {
    P,
    R,
    RPr,
    PPr,
    T,
    Tbl,
    Tr,
    Tc,
    /// A subtree whose text is not shown (mc:Fallback duplicates, moved-from text…).
    Skip,
    Other,
}

fn classify(local: &[u8]) -> El {
    match local {
        b"p" => El::P,
        b"r" => El::R,
        b"rPr" => El::RPr,
        b"pPr" => El::PPr,
        b"t" => El::T,
        b"tbl" => El::Tbl,
        b"tr" => El::Tr,
        b"tc" => El::Tc,
        b"Fallback" | b"moveFrom" | b"del" | b"delText" | b"instrText" | b"commentReference" => {
            El::Skip
        }
        _ => El::Other,
    }
}

#[derive(Default)]
struct Run {
    font: Option<String>,
    style: Option<String>,
    text: String,
}

#[derive(Default)]
struct Para {
    style: Option<String>,
    text: String,
    /// Consecutive legacy-font runs are converted together: (font, raw text).
    pending: Option<(String, String)>,
}

impl Para {
    fn flush(&mut self, used: &mut Vec<String>) {
        if let Some((font, raw)) = self.pending.take() {
            match encoding::legacy_font_encoding(&font) {
                Some(enc) => self
                    .text
                    .push_str(&encoding::convert_legacy_font_text(&raw, enc)),
                None => self.text.push_str(&raw),
            }
            if !used.contains(&font) {
                used.push(font);
            }
        }
    }
}

#[derive(Default)]
struct Table {
    rows: Vec<String>,
    row: Option<Vec<String>>,
    cell: Option<Vec<String>>,
}

impl Table {
    fn end_cell(&mut self) {
        if let Some(paras) = self.cell.take() {
            let text = paras.join(" ");
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            self.row.get_or_insert_with(Vec::new).push(text);
        }
    }

    fn end_row(&mut self) {
        self.end_cell();
        if let Some(cells) = self.row.take() {
            if cells.iter().any(|c| !c.is_empty()) {
                self.rows.push(cells.join(" | "));
            }
        }
    }
}

/// Text of `word/document.xml`, and the legacy fonts whose runs were converted.
fn walk_document(bytes: &[u8], styles: &Styles) -> Result<(String, Vec<String>), FormatError> {
    let xml = xml_utf8(bytes);
    let mut reader = xml_reader(&xml);
    let mut stack: Vec<El> = Vec::new();
    let mut skipping = 0usize;
    let mut st = State::default();
    let mut saw_body = false;

    loop {
        let event = reader.read_event().map_err(|e| {
            FormatError::Corrupt(format!(
                "word/document.xml is not well-formed XML (near byte {}): {e}",
                reader.buffer_position()
            ))
        })?;
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                let el = classify(local.as_ref());
                if local.as_ref() == b"body" {
                    saw_body = true;
                }
                if skipping > 0 || el == El::Skip {
                    skipping += 1;
                    stack.push(El::Skip);
                    continue;
                }
                match el {
                    El::P => st.paras.push(Para::default()),
                    El::R => st.runs.push(Run::default()),
                    El::Tbl => st.tables.push(Table::default()),
                    El::Tr => {
                        if let Some(t) = st.tables.last_mut() {
                            t.end_row();
                            t.row = Some(Vec::new());
                        }
                    }
                    El::Tc => {
                        if let Some(t) = st.tables.last_mut() {
                            t.end_cell();
                            t.cell = Some(Vec::new());
                        }
                    }
                    _ => {}
                }
                stack.push(el);
            }
            Event::Empty(e) => {
                if skipping > 0 {
                    continue;
                }
                let parent = stack.last().copied();
                let grand = stack.len().checked_sub(2).map(|i| stack[i]);
                match e.local_name().as_ref() {
                    b"p" => {
                        // An empty paragraph: nothing to show.
                    }
                    b"tab" if parent == Some(El::R) => push_run(&mut st.runs, "\t"),
                    b"br" | b"cr" if parent == Some(El::R) => push_run(&mut st.runs, "\n"),
                    b"noBreakHyphen" if parent == Some(El::R) => push_run(&mut st.runs, "-"),
                    b"rFonts" if parent == Some(El::RPr) && grand == Some(El::R) => {
                        if let Some(run) = st.runs.last_mut() {
                            run.font = attr(&e, b"ascii").or_else(|| attr(&e, b"hAnsi"));
                        }
                    }
                    b"rStyle" if parent == Some(El::RPr) && grand == Some(El::R) => {
                        if let Some(run) = st.runs.last_mut() {
                            run.style = attr(&e, b"val");
                        }
                    }
                    b"pStyle" if parent == Some(El::PPr) && grand == Some(El::P) => {
                        if let Some(p) = st.paras.last_mut() {
                            p.style = attr(&e, b"val");
                        }
                    }
                    b"tc" => {
                        if let Some(t) = st.tables.last_mut() {
                            t.end_cell();
                            t.row.get_or_insert_with(Vec::new).push(String::new());
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if skipping == 0 && stack.last() == Some(&El::T) => {
                let text = String::from_utf8_lossy(t.as_ref());
                push_run(&mut st.runs, &text.replace("\r\n", "\n"));
            }
            Event::CData(t) if skipping == 0 && stack.last() == Some(&El::T) => {
                push_run(&mut st.runs, &String::from_utf8_lossy(t.as_ref()));
            }
            Event::GeneralRef(r) if skipping == 0 && stack.last() == Some(&El::T) => {
                let name = String::from_utf8_lossy(r.as_ref()).into_owned();
                match entity(&name) {
                    Some(c) => push_run(&mut st.runs, c.encode_utf8(&mut [0u8; 4])),
                    None => push_run(&mut st.runs, &format!("&{name};")),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else { continue };
                if el == El::Skip {
                    skipping = skipping.saturating_sub(1);
                } else {
                    st.close(el, styles);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // A document cut short still gives what it has.
    while let Some(el) = stack.pop() {
        if el != El::Skip {
            st.close(el, styles);
        }
    }
    let State {
        lines, legacy_used, ..
    } = st;
    if !saw_body && lines.is_empty() {
        return Err(FormatError::Corrupt(
            "word/document.xml has no w:body: not a Word document body".to_string(),
        ));
    }
    Ok((lines.join("\n"), legacy_used))
}

/// What the walker is building.
#[derive(Default)]
struct State {
    paras: Vec<Para>,
    runs: Vec<Run>,
    tables: Vec<Table>,
    lines: Vec<String>,
    legacy_used: Vec<String>,
}

impl State {
    /// An element ends (or the document ends while it is open).
    fn close(&mut self, el: El, styles: &Styles) {
        match el {
            El::R => {
                if let Some(run) = self.runs.pop() {
                    end_run(run, &mut self.paras, styles, &mut self.legacy_used);
                }
            }
            El::P => {
                if let Some(mut p) = self.paras.pop() {
                    p.flush(&mut self.legacy_used);
                    let text = p.text.trim();
                    if !text.is_empty() {
                        match self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                            Some(cell) => cell.push(text.to_string()),
                            None => self.lines.push(text.to_string()),
                        }
                    }
                }
            }
            El::Tc => {
                if let Some(t) = self.tables.last_mut() {
                    t.end_cell();
                }
            }
            El::Tr => {
                if let Some(t) = self.tables.last_mut() {
                    t.end_row();
                }
            }
            El::Tbl => {
                if let Some(mut t) = self.tables.pop() {
                    t.end_row();
                    match self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                        Some(cell) => {
                            if !t.rows.is_empty() {
                                cell.push(t.rows.join("; "));
                            }
                        }
                        None => self.lines.extend(t.rows),
                    }
                }
            }
            _ => {}
        }
    }
}

fn push_run(runs: &mut [Run], s: &str) {
    if let Some(run) = runs.last_mut() {
        run.text.push_str(s);
    }
}

fn end_run(run: Run, paras: &mut [Para], styles: &Styles, used: &mut Vec<String>) {
    let Some(p) = paras.last_mut() else { return };
    if run.text.is_empty() {
        return;
    }
    let font = run
        .font
        .as_deref()
        .or_else(|| styles.style_font(run.style.as_deref()))
        .or_else(|| styles.style_font(p.style.as_deref().or(styles.default_paragraph.as_deref())))
        .or(styles.default_font.as_deref());
    let legacy = font.filter(|f| encoding::legacy_font_encoding(f).is_some());
    match legacy {
        Some(font) => {
            if let Some((pending_font, raw)) = p.pending.as_mut() {
                if pending_font == font {
                    raw.push_str(&run.text);
                    return;
                }
            }
            p.flush(used);
            p.pending = Some((font.to_string(), run.text));
        }
        None => {
            p.flush(used);
            p.text.push_str(&run.text);
        }
    }
}

/// `title`, `date` (dcterms:created) and `author` from `docProps/core.xml`.
fn core_properties(bytes: &[u8]) -> BTreeMap<String, String> {
    let xml = xml_utf8(bytes);
    let mut reader = xml_reader(&xml);
    let mut meta = BTreeMap::new();
    let mut key: Option<&'static str> = None;
    let mut value = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                key = match e.local_name().as_ref() {
                    b"title" => Some("title"),
                    b"created" => Some("date"),
                    b"creator" => Some("author"),
                    _ => None,
                };
                value.clear();
            }
            Ok(Event::Text(t)) if key.is_some() => value.push_str(&String::from_utf8_lossy(&t)),
            Ok(Event::GeneralRef(r)) if key.is_some() => {
                if let Some(c) = entity(&String::from_utf8_lossy(&r)) {
                    value.push(c);
                }
            }
            Ok(Event::End(_)) => {
                if let Some(k) = key.take() {
                    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !v.is_empty() {
                        meta.entry(k.to_string()).or_insert(v);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn document(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}<w:sectPr/></w:body></w:document>"#
        )
    }

    fn para(text: &str) -> String {
        format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
    }

    /// TCVN3 bytes of "đảng viên" as Word stores them (each byte as a Latin-1 char).
    const VNTIME_RAW: &str = "\u{AE}\u{B6}ng vi\u{AA}n";

    fn sample_docx() -> Vec<u8> {
        let body = [
            r#"<w:p><w:pPr><w:pStyle w:val="Title"/><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>BÁO CÁO</w:t></w:r><w:r><w:t xml:space="preserve"> tổng kết công tác xây dựng Đảng</w:t></w:r></w:p>"#.to_string(),
            para("Toàn Đảng bộ có 1.234 đảng viên, tăng 5,2% so với năm 2022."),
            r#"<w:p><w:r><w:t>Kết nạp</w:t></w:r><w:r><w:tab/><w:t>87</w:t></w:r><w:r><w:br/><w:t>đảng viên mới &amp; 12 tổ chức cơ sở Đảng</w:t></w:r></w:p>"#.to_string(),
            "<w:p/>".to_string(),
            r#"<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>Chỉ tiêu</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Số lượng</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:tcPr/><w:p><w:r><w:t>Chi bộ</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>45</w:t></w:r></w:p><w:p><w:r><w:t>(trong đó 3 mới)</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#.to_string(),
            format!(
                r#"<w:p><w:r><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr><w:t>{VNTIME_RAW}</w:t></w:r><w:r><w:rPr><w:rFonts w:ascii="Times New Roman"/></w:rPr><w:t xml:space="preserve"> (Unicode)</w:t></w:r></w:p>"#
            ),
            r#"<w:p><w:r><w:t>Kept</w:t></w:r><w:r><w:delText>deleted</w:delText></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t> once</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t> twice</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"#.to_string(),
        ]
        .concat();
        let core = r#"<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>Báo cáo năm 2023</dc:title><dc:creator>Ban Tổ chức</dc:creator><dcterms:created>2023-12-20T08:00:00Z</dcterms:created></cp:coreProperties>"#;
        docx(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", document(&body).as_bytes()),
            ("docProps/core.xml", core.as_bytes()),
        ])
    }

    fn converted(raw: &str, font: &str) -> String {
        let enc = encoding::legacy_font_encoding(font).expect("a legacy font");
        encoding::convert_legacy_font_text(raw, enc)
    }

    #[test]
    fn paragraphs_tables_and_metadata() {
        let out = docx_to_text(&sample_docx()).unwrap();
        let lines: Vec<&str> = out.text.lines().collect();
        assert_eq!(lines[0], "BÁO CÁO tổng kết công tác xây dựng Đảng");
        assert_eq!(
            lines[1],
            "Toàn Đảng bộ có 1.234 đảng viên, tăng 5,2% so với năm 2022."
        );
        assert_eq!(lines[2], "Kết nạp\t87");
        assert_eq!(lines[3], "đảng viên mới & 12 tổ chức cơ sở Đảng");
        assert_eq!(lines[4], "Chỉ tiêu | Số lượng");
        assert_eq!(lines[5], "Chi bộ | 45 (trong đó 3 mới)");
        assert_eq!(
            lines[6],
            format!("{} (Unicode)", converted(VNTIME_RAW, ".VnTime"))
        );
        assert_eq!(lines[7], "Kept once");
        assert_eq!(lines.len(), 8, "{}", out.text);
        assert_eq!(out.meta["title"], "Báo cáo năm 2023");
        assert_eq!(out.meta["date"], "2023-12-20T08:00:00Z");
        assert_eq!(out.meta["author"], "Ban Tổ chức");
        assert_eq!(out.meta["legacy_fonts"], ".VnTime");
    }

    #[test]
    fn legacy_font_from_styles() {
        let styles = format!(
            r#"<?xml version="1.0"?><w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:rPr><w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Plain"><w:rPr><w:rFonts w:ascii="Times New Roman"/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Vni"><w:rPr><w:rFonts w:ascii="VNI-Times"/></w:rPr></w:style></w:styles>"#
        );
        let body = [
            para(VNTIME_RAW),
            format!(
                r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>{VNTIME_RAW}</w:t></w:r></w:p>"#
            ),
            format!(
                r#"<w:p><w:pPr><w:pStyle w:val="Plain"/></w:pPr><w:r><w:t>{VNTIME_RAW}</w:t></w:r></w:p>"#
            ),
            r#"<w:p><w:pPr><w:pStyle w:val="Plain"/></w:pPr><w:r><w:rPr><w:rStyle w:val="Vni"/></w:rPr><w:t>ñaûng</w:t></w:r></w:p>"#.to_string(),
        ]
        .concat();
        let bytes = docx(&[
            ("word/document.xml", document(&body).as_bytes()),
            ("word/styles.xml", styles.as_bytes()),
        ]);
        let out = docx_to_text(&bytes).unwrap();
        let lines: Vec<&str> = out.text.lines().collect();
        let vn = converted(VNTIME_RAW, ".VnTime");
        assert_eq!(
            lines,
            [
                vn.as_str(),
                vn.as_str(),
                VNTIME_RAW,
                &converted("ñaûng", "VNI-Times")
            ]
        );
        assert_eq!(out.meta["legacy_fonts"], ".VnTime,VNI-Times");
        assert!(!out.meta.contains_key("title"));
    }

    #[test]
    fn runs_of_one_legacy_font_are_converted_together() {
        // Word splits runs freely (spell-check marks, revisions): VNI puts a letter and
        // its tone mark in two bytes, which may land in two runs.
        let body = r#"<w:p><w:r><w:rPr><w:rFonts w:ascii="VNI-Times"/></w:rPr><w:t>ña</w:t></w:r><w:proofErr w:type="spellStart"/><w:r><w:rPr><w:rFonts w:ascii="VNI-Times"/></w:rPr><w:t>ûng</w:t></w:r></w:p>"#;
        let out = docx_to_text(&docx(&[("word/document.xml", document(body).as_bytes())])).unwrap();
        assert_eq!(out.text, converted("ñaûng", "VNI-Times"));
    }

    #[test]
    fn corrupt_inputs_are_errors() {
        for bad in [
            &b""[..],
            b"not a zip at all",
            b"PK\x03\x04 truncated",
            &sample_docx()[..200],
        ] {
            match docx_to_text(bad) {
                Err(FormatError::Corrupt(msg)) => assert!(msg.contains("zip"), "{msg}"),
                other => panic!("expected Corrupt, got {other:?}"),
            }
        }
        let no_doc = docx(&[("xl/workbook.xml", b"<workbook/>")]);
        match docx_to_text(&no_doc) {
            Err(FormatError::Corrupt(msg)) => assert!(msg.contains("word/document.xml"), "{msg}"),
            other => panic!("expected Corrupt, got {other:?}"),
        }
        // Cut short: what was there is kept.
        let cut = docx(&[(
            "word/document.xml",
            "<w:document><w:body><w:p><w:r><w:t>Chi bộ 12</w:t>".as_bytes(),
        )]);
        assert_eq!(docx_to_text(&cut).unwrap().text, "Chi bộ 12");
        // Not XML at all: an error, never a panic.
        let not_xml = docx(&[("word/document.xml", b"\x00\x01 garbage <<<>>> &&& </")]);
        assert!(matches!(
            docx_to_text(&not_xml),
            Err(FormatError::Corrupt(_))
        ));
    }

    /// A document.xml of 1 GiB of zeros, compressed as it is generated (about 1 MiB).
    fn zeros_bomb() -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(6))
            .large_file(true);
        zip.start_file("word/document.xml", opts).unwrap();
        let block = vec![0u8; 1 << 20];
        for _ in 0..1024 {
            zip.write_all(&block).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn zip_bomb_is_refused_quickly() {
        let bomb = zeros_bomb();
        assert!(bomb.len() < 8 << 20, "bomb is {} bytes", bomb.len());
        let start = std::time::Instant::now();
        assert_eq!(
            docx_to_text(&bomb),
            Err(FormatError::TooLarge {
                limit: MAX_DOCUMENT_XML
            })
        );
        assert!(start.elapsed().as_secs() < 5);
    }

    /// Patch the sizes in both zip headers of the single entry of `zip` to claim `size`.
    fn lie_about_size(zip: &mut [u8], size: u32) {
        // Local header: uncompressed size at offset 22.
        assert_eq!(&zip[..4], b"PK\x03\x04");
        zip[22..26].copy_from_slice(&size.to_le_bytes());
        // Central directory header: uncompressed size at offset 24.
        let cd = super::super::find(zip, b"PK\x01\x02").unwrap();
        zip[cd + 24..cd + 28].copy_from_slice(&size.to_le_bytes());
    }

    #[test]
    fn bounded_reader_does_not_trust_declared_size() {
        // 96 MiB of spaces behind a valid opening, but headers claiming 1 KiB: the
        // ratio guard trips as soon as 1 MiB has come out (ratio ~1000:1).
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1));
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(document("").as_bytes()).unwrap();
        let block = vec![b' '; 1 << 20];
        for _ in 0..96 {
            zip.write_all(&block).unwrap();
        }
        let mut bytes = zip.finish().unwrap().into_inner();
        lie_about_size(&mut bytes, 1024);
        let start = std::time::Instant::now();
        assert_eq!(
            docx_to_text(&bytes),
            Err(FormatError::TooLarge {
                limit: MAX_DOCUMENT_XML
            })
        );
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn big_but_plausible_document_is_read() {
        // 3 MiB of varied paragraphs compresses far less than 200:1.
        let mut body = String::new();
        for i in 0..40_000u32 {
            body.push_str(&para(&format!(
                "Chi bộ {i} có {} đảng viên",
                i.wrapping_mul(2_654_435_761) % 997
            )));
        }
        let bytes = docx(&[("word/document.xml", document(&body).as_bytes())]);
        let out = docx_to_text(&bytes).unwrap();
        assert_eq!(out.text.lines().count(), 40_000);
    }

    #[test]
    fn unescape_attribute_values() {
        assert_eq!(
            unescape("A&amp;B &#7889; &#x1EBF; &bogus; & x"),
            "A&B ố ế &bogus; & x"
        );
    }
}
