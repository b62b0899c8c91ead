//! Each bundled sample wrapped as an HTML page with boilerplate, as a DOCX (Unicode, and in a
//! `.VnTime` TCVN3 font) and as a PDF yields the figures of the plain-text original, each
//! quote standing at its span. The fixtures are generated here, not stored.

mod common;

use std::sync::LazyLock;

use chiso::document::ReadOptions;
use chiso::encoding::{encode, Encoding};
use chiso::formats::Format;
use chiso::{extract, Document, Record, Ruleset};
use common::makers::{docx, html_page, pdf};

static RS: LazyLock<Ruleset> = LazyLock::new(common::bundled);

/// The figures of a record set: indicator, value, total, and the quoted words.
fn figures(records: &[Record], lower: bool) -> Vec<String> {
    let mut v: Vec<String> = records
        .iter()
        .map(|r| {
            let q = if lower {
                r.quote.to_lowercase()
            } else {
                r.quote.clone()
            };
            format!("{} {:?} {:?} «{q}»", r.indicator, r.value, r.total)
        })
        .collect();
    v.sort();
    v
}

fn read(id: &str, bytes: Vec<u8>, format: Format) -> (Document, Vec<Record>) {
    let doc = Document::from_format(id, bytes, format, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    let records = extract(&RS, &doc).unwrap();
    for r in &records {
        let at: String = doc
            .text
            .chars()
            .skip(r.span[0])
            .take(r.span[1] - r.span[0])
            .collect();
        assert_eq!(at, r.quote, "{id}: the span points at the quoted words");
    }
    (doc, records)
}

#[test]
fn html_pages_yield_the_article_figures_not_the_comments() {
    for (id, text) in common::samples() {
        let (_, original) = read(&id, text.clone().into_bytes(), Format::Text);
        let (doc, got) = read(&id, html_page(&text).into_bytes(), Format::Html);
        assert_eq!(
            figures(&got, false),
            figures(&original, false),
            "{id} as HTML"
        );
        assert!(
            !doc.text.contains("1.500 đảng viên"),
            "{id}: a reader's comment is not the article"
        );
        assert!(!doc.text.contains("Tin khác"), "{id}");
        assert_eq!(doc.meta.get("format").map(String::as_str), Some("html"));
    }
}

#[test]
fn docx_documents_yield_the_same_figures() {
    for (id, text) in common::samples() {
        let (_, original) = read(&id, text.clone().into_bytes(), Format::Text);
        let (_, got) = read(&id, docx(&text, None, str::to_string), Format::Docx);
        assert_eq!(
            figures(&got, false),
            figures(&original, false),
            "{id} as DOCX"
        );
    }
}

/// A DOCX typed in a `.VnTime` font: the runs hold TCVN3 bytes shown as Latin-1 characters,
/// converted per run. (TCVN3 has no capitals with tone marks, hence the lower-casing.)
#[test]
fn docx_runs_in_legacy_fonts_are_converted() {
    let latin1_view = |p: &str| -> String {
        encode(p, Encoding::Tcvn3)
            .into_iter()
            .map(char::from)
            .collect()
    };
    for (id, text) in common::samples() {
        let (_, original) = read(&id, text.clone().into_bytes(), Format::Text);
        let (_, got) = read(&id, docx(&text, Some(".VnTime"), latin1_view), Format::Docx);
        assert_eq!(
            figures(&got, true),
            figures(&original, true),
            "{id} as DOCX in .VnTime"
        );
    }
}

#[test]
fn pdf_documents_yield_the_same_figures() {
    for (id, text) in common::samples() {
        let (_, original) = read(&id, text.clone().into_bytes(), Format::Text);
        let (doc, got) = read(&id, pdf(&text), Format::Pdf);
        assert_eq!(
            figures(&got, false),
            figures(&original, false),
            "{id} as PDF:\n{}",
            &doc.text[..300.min(doc.text.len())]
        );
    }
}

#[test]
fn unreadable_containers_are_per_document_errors() {
    let opts = ReadOptions::default();
    let err = Document::from_format(
        "x.pdf",
        b"%PDF-1.4\n1 0 obj <<".to_vec(),
        Format::Pdf,
        &opts,
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("PDF:"), "{err}");
    let err = Document::from_format("x.docx", b"PK\x03\x04garbage".to_vec(), Format::Docx, &opts)
        .unwrap_err();
    assert!(err.to_string().starts_with("DOCX:"), "{err}");
}
