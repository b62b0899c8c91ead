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
    assert!(!rs.scripts.is_empty());
    assert!(rs.vocabulary.readings.len() >= 40);
}

/// The JSON schemas editors use must list exactly the fields chiso accepts. The accepted
/// fields are read from chiso's own error for an unknown field, so the two cannot drift.
#[test]
fn json_schemas_match_the_fields_chiso_accepts() {
    fn accepted(dir: &std::path::Path, toml_text: &str, file: &str) -> Vec<String> {
        std::fs::write(dir.join(file), toml_text).unwrap();
        let out = common::chiso()
            .args(["check", "--no-default-plugins", "--plugins"])
            .arg(dir)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        // serde says "expected one of `a`, `b`" or, for two, "expected `a` or `b`".
        let list = text
            .split("expected one of")
            .nth(1)
            .or_else(|| text.split("unknown field `bogus`, expected").nth(1))
            .unwrap_or_else(|| panic!("{text}"));
        let list = list.lines().next().unwrap();
        let mut fields: Vec<String> = list
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        fields.sort();
        fields
    }
    fn schema_props(path: &str, pointer: &str) -> Vec<String> {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut props: Vec<String> = v
            .pointer(pointer)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        props.sort();
        props
    }
    let dir = tempfile::tempdir().unwrap();
    let plugin = "name = \"x\"\nversion = \"0.1.0\"\n[applies]\nalways = true\n";
    std::fs::create_dir_all(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("plugin.toml"), plugin).unwrap();
    let rule_fields = accepted(dir.path(), "[[rule]]\nbogus = 1\n", "rules/r.toml");
    assert_eq!(
        rule_fields,
        schema_props(
            "rules/schema/rules.schema.json",
            "/properties/rule/items/properties"
        )
    );
    std::fs::remove_file(dir.path().join("rules/r.toml")).unwrap();
    let plugin_fields = accepted(dir.path(), &format!("bogus = 1\n{plugin}"), "plugin.toml");
    assert_eq!(
        plugin_fields,
        schema_props("rules/schema/plugin.schema.json", "/properties")
    );
    std::fs::write(dir.path().join("plugin.toml"), plugin).unwrap();
    let reading_fields = accepted(
        dir.path(),
        "[[reading]]\nindicator = \"new_party_members\"\nbogus = 1\n",
        "readings.toml",
    );
    assert_eq!(
        reading_fields,
        schema_props(
            "rules/schema/readings.schema.json",
            "/properties/reading/items/properties"
        )
    );
    let file_fields = accepted(dir.path(), "bogus = 1\n", "readings.toml");
    assert_eq!(
        file_fields,
        schema_props("rules/schema/readings.schema.json", "/properties")
    );
}
