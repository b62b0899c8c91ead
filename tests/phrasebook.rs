//! The phrasebook (rules/phrasebook/*.txt): every entry gives exactly the figures it lists.
//! It is the measure of how chiso reads sentences it was not written for, so it must cover
//! every indicator in many phrasings and the traps, and pass in full.

mod common;

use std::collections::BTreeMap;

use chiso::phrasebook;

fn entries() -> Vec<phrasebook::Entry> {
    let rs = common::bundled();
    let mut out = Vec::new();
    for file in phrasebook::files(&rs) {
        let source = std::fs::read_to_string(&file).unwrap();
        out.extend(
            phrasebook::parse(&file, &source)
                .unwrap_or_else(|d| panic!("{} does not parse:\n{d}", file.display())),
        );
    }
    out
}

#[test]
fn every_entry_gives_exactly_its_figures() {
    let rs = common::bundled();
    let all = entries();
    let failures: Vec<String> = all
        .iter()
        .filter_map(|e| phrasebook::check(&rs, e))
        .map(|f| {
            format!(
                "{}:{}: {}\n  missing: {:?}\n  unexpected: {:?}{}",
                f.entry.file.display(),
                f.entry.line,
                f.entry.text.replace('\n', " ⏎ "),
                f.missing
                    .iter()
                    .map(|m| format!("{} {}", m.indicator, m.value))
                    .collect::<Vec<_>>(),
                f.unexpected,
                f.error
                    .map(|e| format!("\n  error: {e}"))
                    .unwrap_or_default()
            )
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} phrasebook entries fail:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

/// At least 400 entries; every indicator of the catalogue has phrasings to give and most
/// files have traps (`=> nothing`).
#[test]
fn the_phrasebook_covers_every_indicator_and_the_traps() {
    let rs = common::bundled();
    let all = entries();
    assert!(all.len() >= 400, "{} entries", all.len());
    let mut per_indicator: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &all {
        for x in &e.expect {
            *per_indicator.entry(x.indicator.as_str()).or_default() += 1;
        }
    }
    for ind in rs.catalog.ids() {
        let n = per_indicator.get(ind).copied().unwrap_or(0);
        assert!(n >= 3, "indicator {ind}: {n} phrasebook figures");
    }
    let nothing = all.iter().filter(|e| e.expect.is_empty()).count();
    assert!(nothing >= 100, "{nothing} entries expect nothing");
}
