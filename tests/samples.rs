//! The bundled sample corpus: one snapshot of the records of each document, and the score
//! against the gold figures a careful reader found in them.

mod common;

use chiso::eval::{load_gold, score};
use chiso::{extract, Document, Record};

fn sample_records() -> Vec<(String, Vec<Record>)> {
    let rs = common::bundled();
    let mut files: Vec<_> = std::fs::read_dir(common::root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            let id = p.file_name().unwrap().to_string_lossy().into_owned();
            let doc = Document::read(p, id.clone()).unwrap();
            (id, extract(&rs, &doc).unwrap())
        })
        .collect()
}

#[test]
fn records_of_each_sample_document() {
    for (id, records) in sample_records() {
        let name = id.trim_end_matches(".txt").to_string();
        insta::assert_json_snapshot!(name, records);
    }
}

#[test]
fn precision_and_recall_against_gold() {
    let gold = load_gold(&common::root().join("tests/fixtures/gold/seeds.jsonl")).unwrap();
    let all: Vec<(String, Vec<Record>)> = sample_records();
    let docs: Vec<String> = all.iter().map(|(id, _)| id.clone()).collect();
    let records: Vec<Record> = all.into_iter().flat_map(|(_, r)| r).collect();
    let s = score(&gold, &records, &docs);
    assert!(
        s.precision() >= 0.90 && s.recall() >= 0.90,
        "{}",
        s.render()
    );
}

#[test]
fn spans_point_at_the_quote() {
    for (id, records) in sample_records() {
        let text = Document::read(&common::root().join("samples").join(&id), id.clone())
            .unwrap()
            .text;
        for r in records {
            let quote: String = text
                .chars()
                .skip(r.span[0])
                .take(r.span[1] - r.span[0])
                .collect();
            assert_eq!(quote, r.quote, "{id}");
        }
    }
}

/// The spec's "What is not a figure": identifiers, terms, ordinals, plans, and deltas or
/// shares of a plan ("tăng 12,8%", "đạt 87,7% mục tiêu").
#[test]
fn nothing_from_the_not_a_figure_list() {
    let not_figures = regex::Regex::new(
        r"(?i)số\s+\d+\s*-\s*[A-ZĐ]|\d+\s*kV|đường tỉnh|nhiệm kỳ \d{4}|lần thứ|phấn đấu|chỉ tiêu\s+\d|(?:đến|vào) năm \d{4}|^(?:tăng|giảm|vượt)\s",
    )
    .unwrap();
    let share_of_plan = regex::Regex::new(r"^\s*(?:mục tiêu|kế hoạch|chỉ tiêu|so với)").unwrap();
    for (id, records) in sample_records() {
        let text = Document::read(&common::root().join("samples").join(&id), id.clone())
            .unwrap()
            .text;
        for r in records {
            assert!(
                !not_figures.is_match(&r.quote),
                "{id}: {} from «{}»",
                r.indicator,
                r.quote
            );
            let after: String = text.chars().skip(r.span[1]).take(15).collect();
            assert!(
                !share_of_plan.is_match(&after),
                "{id}: {} «{}» is a share of a plan: «{after}»",
                r.indicator,
                r.quote
            );
        }
    }
}
