//! Vietnamese documents as they arrive: every sample re-encoded in every supported encoding
//! (and, in `formats`, wrapped as HTML, DOCX and PDF) yields the records of the UTF-8
//! original, spans pointing at the same words.

mod common;

use std::sync::LazyLock;

use chiso::encoding::{encode, Encoding};
use chiso::{extract, Document, Record, Ruleset};
use unicode_normalization::UnicodeNormalization;

static RS: LazyLock<Ruleset> = LazyLock::new(common::bundled);

fn records_of(id: &str, bytes: &[u8]) -> (Document, Vec<Record>) {
    let doc = Document::from_bytes(id, bytes).unwrap_or_else(|e| panic!("{id}: {e}"));
    let records = extract(&RS, &doc).unwrap();
    (doc, records)
}

/// What must not change with the encoding: every field of every record, but `source_span`,
/// which points into the text as decoded (and NFD text is longer).
fn key(r: &Record) -> String {
    let mut r = r.clone();
    r.source_span = [0, 0];
    serde_json::to_string(&r).unwrap()
}

fn with_bom(bom: &[u8], body: Vec<u8>) -> Vec<u8> {
    let mut v = bom.to_vec();
    v.extend(body);
    v
}

#[test]
fn every_unicode_form_yields_the_same_records() {
    for (id, text) in common::samples() {
        let (_, original) = records_of(&id, text.as_bytes());
        assert!(!original.is_empty());
        let variants: Vec<(&str, Vec<u8>)> = vec![
            (
                "utf-8 with BOM",
                with_bom(b"\xEF\xBB\xBF", text.as_bytes().to_vec()),
            ),
            ("NFD", text.nfd().collect::<String>().into_bytes()),
            ("utf-16le", encode(&text, Encoding::Utf16Le)),
            (
                "utf-16le with BOM",
                with_bom(b"\xFF\xFE", encode(&text, Encoding::Utf16Le)),
            ),
            ("utf-16be", encode(&text, Encoding::Utf16Be)),
            (
                "utf-16be with BOM",
                with_bom(b"\xFE\xFF", encode(&text, Encoding::Utf16Be)),
            ),
            ("windows-1258", encode(&text, Encoding::Windows1258)),
            ("vni", encode(&text, Encoding::Vni)),
        ];
        for (name, bytes) in variants {
            let (doc, got) = records_of(&id, &bytes);
            assert_eq!(
                got.iter().map(key).collect::<Vec<_>>(),
                original.iter().map(key).collect::<Vec<_>>(),
                "{id} as {name} (detected {:?})",
                doc.meta.get("encoding")
            );
        }
    }
}

/// TCVN3 (ABC) cannot encode capitals with tone marks: fonts like `.VnTimeH` draw them from
/// the lower-case codes. The figures, their spans and their words are the same; only the case
/// of such capitals in quotes differs.
#[test]
fn tcvn3_yields_the_same_figures_at_the_same_spans() {
    for (id, text) in common::samples() {
        let (_, original) = records_of(&id, text.as_bytes());
        let (doc, got) = records_of(&id, &encode(&text, Encoding::Tcvn3));
        assert_eq!(
            doc.meta.get("encoding").map(String::as_str),
            Some("tcvn3"),
            "{id}"
        );
        // indicator, value, total, span and quote (lower-cased) of each record
        let figures = |rs: &[Record]| -> Vec<String> {
            rs.iter()
                .map(|r| {
                    format!(
                        "{} {:?} {:?} {:?} {}",
                        r.indicator,
                        r.value,
                        r.total,
                        r.span,
                        r.quote.to_lowercase()
                    )
                })
                .collect()
        };
        assert_eq!(figures(&got), figures(&original), "{id} as tcvn3");
    }
}

/// Spans count characters of the normalised text; `source_offset` leads back to the text as
/// decoded, here a decomposed (NFD) one, where the same words stand.
#[test]
fn spans_lead_back_to_the_decoded_original() {
    for (id, text) in common::samples() {
        let nfd: String = text.nfd().collect();
        let (doc, records) = records_of(&id, nfd.as_bytes());
        let original: Vec<char> = nfd.chars().collect();
        for r in records {
            let [a, b] = r.source_span;
            assert_eq!(
                [a, b],
                [doc.source_offset(r.span[0]), doc.source_offset(r.span[1])]
            );
            let words: String = original[a..b].iter().collect();
            assert_eq!(words.nfc().collect::<String>(), r.quote, "{id}");
        }
    }
}

#[test]
fn a_forced_encoding_overrides_detection() {
    let text = "Năm 2022, huyện Yên Thế kết nạp được 236 đảng viên mới.";
    let opts = chiso::document::ReadOptions {
        encoding: Some(Encoding::Vni),
        ..Default::default()
    };
    let doc = Document::from_bytes_with("v.txt", &encode(text, Encoding::Vni), &opts).unwrap();
    assert_eq!(doc.text, text);
    assert_eq!(doc.meta["encoding"], "vni");
}

#[test]
fn tone_placement_and_missing_accents() {
    // Old-style tone placement in the text ("Hoà") matches a rule written the new way.
    let r = extract(
        &RS,
        &Document::from_text("t", "Năm 2022, huyện Đông Hoà kết nạp được 150 đảng viên."),
    )
    .unwrap();
    assert_eq!(r[0].locality.district.as_deref(), Some("Đông Hòa"));
    assert_eq!(r[0].quote, "kết nạp được 150 đảng viên");
}
