//! PDF: the text of each page in the order the PDF draws it (which for most office
//! exports is reading order), pages separated by a blank line ("\n\n").
//!
//! Text comes from the `pdf-extract` crate (pure Rust, on `lopdf`). PDF crates panic on
//! odd files, so every call into them runs under `catch_unwind`, one page at a time: a
//! bad page is skipped and counted, a file with no readable page is an error. Before
//! extraction the document is made safe for it: images are emptied (never decoded),
//! each page gets its inherited `MediaBox`/`Resources` directly (no walks up a cyclic
//! page tree), and a page whose form XObjects call each other in a cycle, or nest past
//! [`MAX_FORM_DEPTH`], is skipped instead of overflowing the stack.
//!
//! Pages set entirely in a legacy Vietnamese font (".VnTime", "VNI-Times"…) are
//! converted to Unicode through [`crate::encoding`].

use std::any::Any;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId};

use super::{find, Extracted, FormatError};
use crate::encoding;

/// Largest PDF read.
pub const MAX_PDF_BYTES: u64 = 256 * 1024 * 1024;
/// Deepest nesting of form XObjects followed on a page.
pub const MAX_FORM_DEPTH: usize = 16;
/// Most form XObject invocations followed on one page.
const MAX_FORM_CALLS: usize = 10_000;

/// The text of a PDF, pages separated by "\n\n".
///
/// Metadata: `title`, `author`, `date` (CreationDate as `YYYY-MM-DD[THH:MM:SS]`) from the
/// Info dictionary when present, `pages` (the page count), `pages_unreadable` when some
/// pages could not be read, `legacy_fonts` when pages were converted from a legacy
/// Vietnamese font encoding, and `warning` when no page has any text (a scan).
pub fn pdf_to_text(bytes: &[u8]) -> Result<Extracted, FormatError> {
    if bytes.len() as u64 > MAX_PDF_BYTES {
        return Err(FormatError::TooLarge {
            limit: MAX_PDF_BYTES,
        });
    }
    if find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_none() {
        return Err(FormatError::Corrupt(
            "not a PDF file (no %PDF- header at the start)".to_string(),
        ));
    }
    let mut doc = match guarded(|| Document::load_mem(bytes)) {
        Ok(Ok(doc)) => doc,
        Ok(Err(_)) | Err(_) if find(bytes, b"/Encrypt").is_some() => {
            return Err(FormatError::Unsupported("encrypted PDF".to_string()))
        }
        Ok(Err(e)) => return Err(FormatError::Corrupt(format!("cannot parse the PDF: {e}"))),
        Err(why) => return Err(FormatError::Corrupt(format!("cannot parse the PDF: {why}"))),
    };
    // lopdf opens files protected only by an owner password (empty user password);
    // anything still encrypted needs a password chiso does not have.
    if doc.is_encrypted() {
        return Err(FormatError::Unsupported("encrypted PDF".to_string()));
    }

    let mut meta = guarded(|| info_metadata(&doc)).unwrap_or_default();
    let pages = match guarded(|| prepare(&mut doc)) {
        Ok(pages) => pages,
        Err(why) => {
            return Err(FormatError::Corrupt(format!(
                "cannot read the page tree: {why}"
            )))
        }
    };
    if pages.is_empty() {
        return Err(FormatError::Corrupt("the PDF has no pages".to_string()));
    }

    let mut texts = Vec::new();
    let mut unreadable = 0usize;
    let mut legacy_used: Vec<String> = Vec::new();
    for page in &pages {
        if !page.safe {
            unreadable += 1;
            continue;
        }
        match guarded(|| page_text(&doc, page.number)) {
            Ok(Some(raw)) => {
                let mut text = tidy(&raw);
                if let Some(font) = &page.legacy_font {
                    if let Some(enc) = encoding::legacy_font_encoding(font) {
                        text = encoding::convert_legacy_font_text(&text, enc);
                        if !legacy_used.contains(font) {
                            legacy_used.push(font.clone());
                        }
                    }
                }
                if !text.is_empty() {
                    texts.push(text);
                }
            }
            Ok(None) | Err(_) => unreadable += 1,
        }
    }
    if unreadable == pages.len() {
        return Err(FormatError::Corrupt(format!(
            "no text could be read from any of the {} page(s)",
            pages.len()
        )));
    }
    meta.insert("pages".to_string(), pages.len().to_string());
    if unreadable > 0 {
        meta.insert("pages_unreadable".to_string(), unreadable.to_string());
    }
    if !legacy_used.is_empty() {
        meta.insert("legacy_fonts".to_string(), legacy_used.join(","));
    }
    if texts.is_empty() {
        meta.insert(
            "warning".to_string(),
            "no text layer: probably scanned images (chiso does no OCR)".to_string(),
        );
    }
    Ok(Extracted {
        text: texts.join("\n\n"),
        meta,
    })
}

// ---------------------------------------------------------------------------------------
// Panics

thread_local! {
    /// Set while this thread runs PDF code under `guarded`: its panics are expected.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}
static QUIET_HOOK: Once = Once::new();

/// Run `f`, turning a panic into `Err(message)`. The panic message is not printed
/// (the previous panic hook still runs for every other panic of the process).
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result.map_err(|payload| panic_message(payload.as_ref()))
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unexpected structure".to_string());
    format!("the PDF reader failed ({msg})")
}

// ---------------------------------------------------------------------------------------
// Making the document safe to extract

struct Page {
    number: u32,
    /// False when following its form XObjects would recurse without end.
    safe: bool,
    /// The legacy font every font of the page is set in, if so.
    legacy_font: Option<String>,
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    doc.dereference(obj).ok().map(|(_, o)| o)
}

fn dict_of<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Dictionary> {
    deref(doc, obj)?.as_dict().ok()
}

/// Value of `key` on the page or inherited from its ancestors (cycle-safe).
fn inherited(doc: &Document, page: ObjectId, key: &[u8]) -> Option<Object> {
    let mut id = page;
    let mut seen = Vec::new();
    for _ in 0..64 {
        if seen.contains(&id) {
            return None;
        }
        seen.push(id);
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(v) = dict.get(key) {
            return Some(v.clone());
        }
        id = dict.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

/// Make the document safe for the extractor; the pages to read, in order.
fn prepare(doc: &mut Document) -> Vec<Page> {
    for obj in doc.objects.values_mut() {
        // A simple font with a /ToUnicode map that misses a code falls back to the
        // font's /Encoding, and the extractor gives up on the page when there is none.
        if let Object::Dictionary(font) = obj {
            let simple_font = font
                .get(b"Type")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"Font")
                && font
                    .get(b"Subtype")
                    .and_then(Object::as_name)
                    .is_ok_and(|n| matches!(n, b"Type1" | b"TrueType" | b"MMType1"));
            if simple_font && font.has(b"ToUnicode") && !font.has(b"Encoding") {
                font.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
            }
        }
        // Images are never needed for text; empty them so `Do` on them is a no-op.
        if let Object::Stream(stream) = obj {
            let is_image = stream
                .dict
                .get(b"Subtype")
                .and_then(Object::as_name)
                .is_ok_and(|n| n == b"Image");
            if is_image {
                stream.set_plain_content(Vec::new());
            }
        }
    }

    let page_ids: Vec<(u32, ObjectId)> = doc.get_pages().into_iter().collect();
    for &(_, id) in &page_ids {
        let media_box = inherited(doc, id, b"MediaBox").filter(|b| {
            deref(doc, b)
                .and_then(|b| b.as_array().ok())
                .is_some_and(|a| {
                    a.len() == 4
                        && a.iter()
                            .all(|v| matches!(v, Object::Integer(_) | Object::Real(_)))
                })
        });
        let media_box = media_box.map(|b| deref(doc, &b).cloned().unwrap_or(b));
        let resources = inherited(doc, id, b"Resources");
        if let Ok(page) = doc.get_object_mut(id).and_then(Object::as_dict_mut) {
            page.set(
                "MediaBox",
                media_box.unwrap_or_else(|| {
                    Object::Array(vec![0.into(), 0.into(), 612.into(), 792.into()])
                }),
            );
            page.set(
                "Resources",
                resources.unwrap_or_else(|| Object::Dictionary(Dictionary::new())),
            );
        }
    }

    page_ids
        .into_iter()
        .map(|(number, id)| {
            let resources = doc
                .get_dictionary(id)
                .ok()
                .and_then(|p| p.get(b"Resources").ok())
                .and_then(|r| dict_of(doc, r));
            // Only pages that can call a form XObject need their content checked.
            let safe = match resources.filter(|r| has_forms(doc, r)) {
                Some(res) => match doc.get_page_content(id) {
                    Ok(content) => {
                        let mut calls = MAX_FORM_CALLS;
                        forms_terminate(doc, &content, res, &mut Vec::new(), &mut calls)
                    }
                    Err(_) => true,
                },
                None => true,
            };
            let legacy_font = resources.and_then(|r| page_legacy_font(doc, r));
            Page {
                number,
                safe,
                legacy_font,
            }
        })
        .collect()
}

/// Whether the resources name a form XObject.
fn has_forms(doc: &Document, resources: &Dictionary) -> bool {
    let Some(xobjects) = resources.get(b"XObject").ok().and_then(|x| dict_of(doc, x)) else {
        return false;
    };
    xobjects.iter().any(|(_, x)| {
        deref(doc, x)
            .and_then(|x| x.as_stream().ok())
            .is_some_and(|s| {
                s.dict
                    .get(b"Subtype")
                    .and_then(Object::as_name)
                    .is_ok_and(|n| n == b"Form")
            })
    })
}

/// Whether running the `Do` operators of `content` ends: no form XObject calls itself
/// (directly or not), nesting stays within [`MAX_FORM_DEPTH`], calls within a budget.
/// Resources are resolved the way the extractor does (a form without its own
/// `/Resources` uses its caller's).
fn forms_terminate(
    doc: &Document,
    content: &[u8],
    resources: &Dictionary,
    path: &mut Vec<ObjectId>,
    calls: &mut usize,
) -> bool {
    let Ok(ops) = Content::decode(content) else {
        return true;
    };
    let xobjects = resources.get(b"XObject").ok().and_then(|x| dict_of(doc, x));
    for op in &ops.operations {
        if op.operator != "Do" {
            continue;
        }
        let Some(xobjects) = xobjects else { continue };
        let Some(name) = op.operands.first().and_then(|n| n.as_name().ok()) else {
            continue;
        };
        let Ok(Object::Reference(id)) = xobjects.get(name) else {
            continue;
        };
        if path.contains(id) || path.len() >= MAX_FORM_DEPTH || *calls == 0 {
            return false;
        }
        *calls -= 1;
        let Ok(Object::Stream(form)) = doc.get_object(*id) else {
            continue;
        };
        let inner = form
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| dict_of(doc, r))
            .unwrap_or(resources);
        let data = if form.filters().is_ok() {
            form.decompressed_content()
                .unwrap_or_else(|_| form.content.clone())
        } else {
            form.content.clone()
        };
        path.push(*id);
        let ok = forms_terminate(doc, &data, inner, path, calls);
        path.pop();
        if !ok {
            return false;
        }
    }
    true
}

/// The legacy font (".VnTime"…) of a page whose fonts are all of one legacy encoding.
fn page_legacy_font(doc: &Document, resources: &Dictionary) -> Option<String> {
    let fonts = resources.get(b"Font").ok().and_then(|f| dict_of(doc, f))?;
    let mut legacy: Option<String> = None;
    for (_, font) in fonts.iter() {
        let base = dict_of(doc, font)?.get(b"BaseFont").ok()?.as_name().ok()?;
        let base = String::from_utf8_lossy(base);
        // "ABCDEF+.VnTime,Bold" → ".VnTime"
        let name = match base.split_once('+') {
            Some((tag, rest)) if tag.len() == 6 && tag.bytes().all(|b| b.is_ascii_uppercase()) => {
                rest
            }
            _ => &base,
        };
        let name = name.split(',').next().unwrap_or(name);
        encoding::legacy_font_encoding(name)?;
        match &legacy {
            None => legacy = Some(name.to_string()),
            Some(first) => {
                let same = encoding::legacy_font_encoding(first)
                    .map(|e| std::mem::discriminant(&e))
                    == encoding::legacy_font_encoding(name).map(|e| std::mem::discriminant(&e));
                if !same {
                    return None;
                }
            }
        }
    }
    legacy
}

// ---------------------------------------------------------------------------------------
// Extraction

fn page_text(doc: &Document, number: u32) -> Option<String> {
    let mut text = String::new();
    {
        let mut out = pdf_extract::PlainTextOutput::new(&mut text);
        pdf_extract::output_doc_page(doc, &mut out, number).ok()?;
    }
    Some(text)
}

/// Lines trimmed, blank lines and control characters removed (so that "\n\n" only
/// ever separates pages).
fn tidy(raw: &str) -> String {
    raw.lines()
        .map(|l| {
            l.chars()
                .filter(|&c| c == '\t' || !c.is_control())
                .collect::<String>()
                .trim()
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn info_metadata(doc: &Document) -> BTreeMap<String, String> {
    let mut meta = BTreeMap::new();
    let Some(info) = doc.trailer.get(b"Info").ok().and_then(|i| dict_of(doc, i)) else {
        return meta;
    };
    for (key, name) in [
        (&b"Title"[..], "title"),
        (b"Author", "author"),
        (b"CreationDate", "date"),
    ] {
        let Some(value) = info.get(key).ok().and_then(|v| deref(doc, v)) else {
            continue;
        };
        let Ok(text) = pdf_extract::decode_text_string(value) else {
            continue;
        };
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = if name == "date" {
            pdf_date(&text)
        } else {
            text
        };
        if !text.is_empty() {
            meta.insert(name.to_string(), text);
        }
    }
    meta
}

/// "D:20240115083000+07'00'" → "2024-01-15T08:30:00"; "D:20240115" → "2024-01-15".
fn pdf_date(s: &str) -> String {
    let digits: String = s
        .trim_start_matches("D:")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.len() {
        0..=3 => s.to_string(),
        4..=7 => digits[..4].to_string(),
        8..=11 => format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8]),
        _ => {
            let d = format!("{:0<14}", &digits[..digits.len().min(14)]);
            format!(
                "{}-{}-{}T{}:{}:{}",
                &d[..4],
                &d[4..6],
                &d[6..8],
                &d[8..10],
                &d[10..12],
                &d[12..14]
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF from object bodies (object i+1 is `objects[i]`), with a correct xref table.
    fn build_pdf(objects: &[Vec<u8>], trailer_extra: &str) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    fn obj(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }

    fn stream(dict: &str, content: &[u8]) -> Vec<u8> {
        let mut v = format!("<< {dict} /Length {} >>\nstream\n", content.len()).into_bytes();
        v.extend_from_slice(content);
        v.extend_from_slice(b"\nendstream");
        v
    }

    /// UTF-16BE text string with BOM, as hex.
    fn utf16_hex(s: &str) -> String {
        let mut hex = String::from("<FEFF");
        for u in s.encode_utf16() {
            hex.push_str(&format!("{u:04X}"));
        }
        hex.push('>');
        hex
    }

    /// Two pages in Helvetica (WinAnsi), with an Info dictionary.
    fn sample_pdf() -> Vec<u8> {
        let page1 = b"BT /F1 12 Tf 72 720 Td (Party committee report: 1,234 new members in 2023.) Tj 0 -20 Td (Second line of page one.) Tj ET";
        let page2 = b"BT /F1 12 Tf 72 720 Td (H\\340 T\\342y c\\363 45 chi) Tj ET";
        build_pdf(
            &[
                obj("<< /Type /Catalog /Pages 2 0 R >>"),
                obj("<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> >> >>"),
                obj("<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>"),
                obj("<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>"),
                stream("", page1),
                stream("", page2),
                obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
                obj(&format!(
                    "<< /Title {} /Author (Ban To chuc) /CreationDate (D:20240115083000+07'00') >>",
                    utf16_hex("Báo cáo công tác Đảng")
                )),
            ],
            "/Info 8 0 R",
        )
    }

    #[test]
    fn text_pages_and_metadata() {
        let out = pdf_to_text(&sample_pdf()).unwrap();
        assert_eq!(
            out.text,
            "Party committee report: 1,234 new members in 2023.\nSecond line of page one.\n\nHà Tây có 45 chi"
        );
        assert_eq!(out.meta["title"], "Báo cáo công tác Đảng");
        assert_eq!(out.meta["author"], "Ban To chuc");
        assert_eq!(out.meta["date"], "2024-01-15T08:30:00");
        assert_eq!(out.meta["pages"], "2");
        assert!(!out.meta.contains_key("pages_unreadable"));
    }

    #[test]
    fn vietnamese_through_to_unicode_cmap() {
        // A simple font whose codes 1..=6 map to Vietnamese letters via /ToUnicode.
        let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Viet def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
6 beginbfchar
<01> <0111> <02> <1EA3> <03> <00EA> <04> <1ED5> <05> <1ED1> <06> <0110>
endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end";
        let content =
            b"BT /F1 12 Tf 72 720 Td (T\\004ng s\\005 \\001\\002ng vi\\003n: 98.765) Tj ET";
        let pdf = build_pdf(
            &[
                obj("<< /Type /Catalog /Pages 2 0 R >>"),
                obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"),
                stream("", content),
                obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 0 /LastChar 255 /Widths [256 * 0] /ToUnicode 6 0 R >>".replace("[256 * 0]", &format!("[{}]", vec!["500"; 256].join(" "))).as_str()),
                stream("", cmap),
            ],
            "",
        );
        let out = pdf_to_text(&pdf).unwrap();
        assert_eq!(out.text, "Tổng số đảng viên: 98.765");
    }

    #[test]
    fn pages_in_a_legacy_font_are_converted() {
        // TCVN3 bytes of "Tổng số đảng viên" set in .VnTime (WinAnsi bytes in the PDF).
        let content = b"BT /F1 12 Tf 72 720 Td (T\\346ng s\\350 \\256\\266ng vi\\252n: 45) Tj ET";
        let pdf = build_pdf(
            &[
                obj("<< /Type /Catalog /Pages 2 0 R >>"),
                obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>"),
                stream("", content),
                obj("<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+.VnTime /Encoding /WinAnsiEncoding >>"),
                obj("<< /Type /Font /Subtype /TrueType /BaseFont /.VnTimeH,Bold /Encoding /WinAnsiEncoding >>"),
            ],
            "",
        );
        let out = pdf_to_text(&pdf).unwrap();
        let raw = "T\u{E6}ng s\u{E8} \u{AE}\u{B6}ng vi\u{AA}n: 45";
        let enc = encoding::legacy_font_encoding(".VnTime").unwrap();
        assert_eq!(out.text, encoding::convert_legacy_font_text(raw, enc));
        assert_eq!(out.meta["legacy_fonts"], ".VnTime");
    }

    #[test]
    fn images_cycles_and_missing_boxes_do_not_break_extraction() {
        // Page 1: text, an image XObject and a harmless nested form. Its parent chain
        // is a cycle and it has no MediaBox.
        // Page 2: a form XObject that calls itself (would recurse without end).
        let pdf = build_pdf(
            &[
                obj("<< /Type /Catalog /Pages 2 0 R >>"),
                obj("<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>"),
                obj("<< /Type /Page /Parent 10 0 R /Resources << /Font << /F1 7 0 R >> /XObject << /Im1 8 0 R /Fm1 11 0 R >> >> /Contents 5 0 R >>"),
                obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 7 0 R >> /XObject << /X1 9 0 R >> >> /Contents 6 0 R >>"),
                stream("", b"q 100 0 0 100 0 0 cm /Im1 Do Q /Fm1 Do BT /F1 12 Tf 72 720 Td (Page one survives.) Tj ET"),
                stream("", b"BT /F1 12 Tf 72 720 Td (Never shown) Tj ET /X1 Do"),
                obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
                stream("/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8", b"\x00\xFF\x00\xFF BT ) ( garbage"),
                stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10]", b"/X1 Do"),
                obj("<< /Type /Pages /Parent 10 0 R /Kids [3 0 R] /Count 1 >>"),
                stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /Im1 8 0 R >> >>", b"/Im1 Do"),
            ],
            "",
        );
        let out = pdf_to_text(&pdf).unwrap();
        assert_eq!(out.text, "Page one survives.");
        assert_eq!(out.meta["pages"], "2");
        assert_eq!(out.meta["pages_unreadable"], "1");
    }

    #[test]
    fn scanned_pdf_has_no_text_and_says_so() {
        let pdf = build_pdf(
            &[
                obj("<< /Type /Catalog /Pages 2 0 R >>"),
                obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"),
                stream("", b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
                stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8", b"\x80"),
            ],
            "",
        );
        let out = pdf_to_text(&pdf).unwrap();
        assert_eq!(out.text, "");
        assert!(out.meta["warning"].contains("OCR"));
    }

    #[test]
    fn encrypted_pdf_is_unsupported() {
        let hex32 = |seed: u8| -> String {
            (0..32u8)
                .map(|i| format!("{:02X}", i.wrapping_mul(37).wrapping_add(seed)))
                .collect()
        };
        let pdf = build_pdf(
            &[
                obj("<< /Type /Catalog /Pages 2 0 R >>"),
                obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
                obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"),
                stream("", b"\x8a\x13\x99\x01\x42"),
                obj(&format!(
                    "<< /Filter /Standard /V 1 /R 2 /O <{}> /U <{}> /P -44 >>",
                    hex32(7),
                    hex32(99)
                )),
            ],
            "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]",
        );
        assert_eq!(
            pdf_to_text(&pdf),
            Err(FormatError::Unsupported("encrypted PDF".to_string()))
        );
    }

    #[test]
    fn garbage_and_truncated_pdfs_are_errors_not_panics() {
        assert!(matches!(pdf_to_text(b""), Err(FormatError::Corrupt(_))));
        assert!(matches!(
            pdf_to_text(b"hello"),
            Err(FormatError::Corrupt(_))
        ));
        assert!(matches!(
            pdf_to_text(b"%PDF-1.7\n garbage"),
            Err(FormatError::Corrupt(_))
        ));
        let good = sample_pdf();
        for end in (0..good.len()).step_by(11) {
            let _ = pdf_to_text(&good[..end]);
        }
        // Flipped bytes all over a valid file.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..300 {
            let mut bad = good.clone();
            for _ in 0..4 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let i = (state % bad.len() as u64) as usize;
                bad[i] = (state >> 32) as u8;
            }
            let _ = pdf_to_text(&bad);
        }
        // Deep nesting in an object.
        let deep = format!("%PDF-1.4\n1 0 obj\n{}\nendobj\n", "[".repeat(100_000));
        assert!(pdf_to_text(deep.as_bytes()).is_err());
    }

    #[test]
    fn panics_become_errors() {
        assert_eq!(guarded(|| 7), Ok(7));
        let err = guarded(|| -> u8 { panic!("boom") }).unwrap_err();
        assert!(err.contains("boom"), "{err}");
    }

    #[test]
    fn pdf_dates() {
        assert_eq!(pdf_date("D:20240115083000+07'00'"), "2024-01-15T08:30:00");
        assert_eq!(pdf_date("D:20240115"), "2024-01-15");
        assert_eq!(pdf_date("D:2024"), "2024");
        assert_eq!(pdf_date("yesterday"), "yesterday");
    }
}
