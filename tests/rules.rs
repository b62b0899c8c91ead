//! Every rule of the bundled pack and plugins proves itself: its examples match with the
//! value they state, its negative examples match nothing.

mod common;

#[test]
fn every_rule_example_passes() {
    let rs = common::bundled();
    let mut failures = Vec::new();
    for rule in &rs.rules {
        for f in rule.check_examples() {
            failures.push(format!(
                "{} ({}:{}): {f}",
                rule.id,
                rule.origin.file.display(),
                rule.origin.line
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} example failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_positive_and_negative_examples() {
    let rs = common::bundled();
    let missing: Vec<&str> = rs
        .rules
        .iter()
        .filter(|r| r.examples.is_empty() || r.negative_examples.is_empty())
        .map(|r| r.id.as_str())
        .collect();
    assert!(missing.is_empty(), "rules without examples: {missing:?}");
}

#[test]
fn every_rule_names_a_catalogue_indicator_and_has_triggers() {
    let rs = common::bundled();
    for r in &rs.rules {
        assert!(rs.catalog.get(&r.indicator).is_some(), "{}", r.id);
        assert!(!r.triggers.is_empty(), "{} has no triggers", r.id);
    }
    assert!(
        rs.warnings.0.is_empty(),
        "bundled rules load with warnings:\n{}",
        rs.warnings
    );
}

#[test]
fn the_shipped_plugins_load() {
    let rs = common::bundled();
    let names: Vec<&str> = rs.plugins.iter().map(|p| p.name.as_str()).collect();
    for expected in [
        "generic",
        "bac-giang",
        "hai-phong",
        "vinh-phuc",
        "tap-chi-xay-dung-dang",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    assert!(rs.scripts.len() >= 2);
}
