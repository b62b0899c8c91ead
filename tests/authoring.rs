//! Rule and plugin authoring: `check` finds every kind of defect and points at it, `test`
//! runs examples and fixtures, `explain` says why, `new-plugin` scaffolds a working plugin.

mod common;

use common::{chiso, write};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = chiso().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// One plugin per defect in tests/fixtures/broken; `chiso check`'s exact output is the snapshot.
#[test]
fn check_reports_each_defect_with_line_and_column() {
    let mut cases: Vec<String> = std::fs::read_dir("tests/fixtures/broken")
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "{cases:?}");
    for case in cases {
        let dir = format!("tests/fixtures/broken/{case}");
        let (code, stdout, stderr) = run(&["check", "--no-default-plugins", "--plugins", &dir]);
        let expected = if case.ends_with("_warning") { 0 } else { 2 };
        assert_eq!(code, expected, "{case}: {stdout}{stderr}");
        // The shipped vocabulary grows; its size is not what these snapshots pin down.
        insta::with_settings!({filters => vec![(r"\d+ readings", "[n] readings")]}, {
            insta::assert_snapshot!(format!("check_{case}"), stdout);
        });
    }
}

#[test]
fn check_is_clean_on_everything_shipped() {
    let (code, stdout, _) = run(&["check"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("chiso check: 0 errors, 0 warnings"),
        "{stdout}"
    );
}

#[test]
fn bundled_plugin_fixtures_pass() {
    let rs = common::bundled();
    let fixtures = chiso::fixtures::discover(&rs);
    let plugins: std::collections::BTreeSet<&str> =
        fixtures.iter().map(|f| f.plugin.as_str()).collect();
    assert_eq!(
        plugins.len(),
        rs.plugins.len(),
        "every shipped plugin has a fixture"
    );
    for fx in &fixtures {
        let o = chiso::fixtures::run(&rs, fx);
        assert!(o.passed(), "{}: {:?}", fx.document.display(), o);
    }
}

#[test]
fn test_passes_on_everything_shipped() {
    let (code, stdout, _) = run(&["test"]);
    assert_eq!(code, 0, "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with("result: ") && last.ends_with(" passed, 0 failed"),
        "{last}"
    );
}

#[test]
fn test_fails_readably_when_an_expectation_changes() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("hai-phong");
    std::fs::create_dir_all(plugin.join("tests")).unwrap();
    std::fs::copy("plugins/hai-phong/plugin.toml", plugin.join("plugin.toml")).unwrap();
    std::fs::copy(
        "plugins/hai-phong/tests/ngo-quyen.txt",
        plugin.join("tests/ngo-quyen.txt"),
    )
    .unwrap();
    let expected =
        std::fs::read_to_string("plugins/hai-phong/tests/ngo-quyen.expected.jsonl").unwrap();
    write(
        &plugin.join("tests/ngo-quyen.expected.jsonl"),
        &expected.replace("\"value\":246", "\"value\":264"),
    );
    let (code, stdout, _) = run(&[
        "test",
        "--no-default-plugins",
        "--plugins",
        plugin.to_str().unwrap(),
        "--filter",
        "hai-phong",
    ]);
    assert_eq!(code, 1);
    let report = stdout.replace(&dir.path().display().to_string(), "[DIR]");
    insta::assert_snapshot!(report);

    // --update writes what chiso yields now; then the fixture passes.
    let (code, _, _) = run(&[
        "test",
        "--no-default-plugins",
        "--plugins",
        plugin.to_str().unwrap(),
        "--update",
    ]);
    assert_eq!(code, 0);
    let (code, stdout, _) = run(&[
        "test",
        "--no-default-plugins",
        "--plugins",
        plugin.to_str().unwrap(),
        "--filter",
        "hai-phong",
    ]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn a_failing_rule_example_is_reported_as_expected_versus_got() {
    let (code, stdout, _) = run(&[
        "test",
        "--no-default-plugins",
        "--plugins",
        "tests/fixtures/broken/failing_example",
    ]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains("FAIL rule x.ok  tests/fixtures/broken/failing_example/rules/r.toml:6:22"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expected: 21") && stdout.contains("got:      12"),
        "{stdout}"
    );
}

/// Scaffold, check, test, add a rule, test and extract again: the binary's output changes
/// and nothing is rebuilt.
#[test]
fn scaffold_a_plugin_and_extend_it_without_rebuilding() {
    let dir = tempfile::tempdir().unwrap();
    let plugin = dir.path().join("ha-giang");
    let p = plugin.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "new-plugin",
        "ha-giang",
        "--province",
        "Hà Giang",
        "--dir",
        p,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, _) = run(&["check", "--plugins", p]);
    assert_eq!(code, 0, "{stdout}");
    let (code, stdout, _) = run(&["test", "--plugins", p, "--filter", "ha-giang"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("6 passed, 0 failed"), "{stdout}");

    let doc = dir.path().join("bao-ha-giang.txt");
    write(&doc, "HÀ GIANG – Năm 2023, huyện Bắc Mê bổ sung 61 đảng viên mới và trao tặng Huy hiệu Đảng cho 412 đảng viên.\n");
    let extract = || run(&["extract", "-q", "--plugins", p, doc.to_str().unwrap()]).1;
    let before = extract();
    assert!(
        before.contains("\"value\":61") && before.contains("\"plugin\":\"ha-giang\""),
        "{before}"
    );
    assert!(!before.contains("\"value\":412"));

    // A rule the analyst adds: badges awarded are members honoured, mapped here to party_members_total
    // only for the test's sake — what matters is that a new rule file changes the output.
    write(
        &plugin.join("rules/huy-hieu.toml"),
        r#"[[rule]]
id = "ha-giang.party_members_total.huy_hieu"
indicator = "party_members_total"
pattern = 'Huy hiệu Đảng cho\s+%{QNUM:value}\s+%{PARTY_MEMBER}'
triggers = ["huy hiệu"]
examples = [{ text = "trao Huy hiệu Đảng cho 30 đảng viên", value = 30 }]
negative_examples = ["trao Huy hiệu Đảng cho các đảng viên"]
"#,
    );
    let (code, stdout, _) = run(&["test", "--plugins", p, "--filter", "ha-giang"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("8 passed, 0 failed"), "{stdout}");
    let after = extract();
    assert!(
        after.contains("\"value\":412") && after.contains("ha-giang.party_members_total.huy_hieu"),
        "{after}"
    );
}

#[test]
fn explain_says_why_a_rule_did_not_fire() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("kon-tum.txt");
    write(
        &doc,
        "KON TUM – Năm 2022, Đảng bộ huyện Đắk Hà kết nạp được 118 đảng viên mới.\n\
         Phấn đấu năm 2023 kết nạp 150 đảng viên.\n\
         Toàn huyện có 7 xã đã hoàn thành các tiêu chí nông thôn mới.\n",
    );
    // An analyst's plugin with two pattern rules: one fires, one never does.
    let p = dir.path().join("kon-tum");
    write(
        &p.join("plugin.toml"),
        "name = \"kon-tum\"\nversion = \"0.1.0\"\n[applies]\ntext = [\"KON TUM –\"]\n",
    );
    write(
        &p.join("rules/rules.toml"),
        r#"[[rule]]
id = "kon-tum.new_party_members.ket_nap"
indicator = "new_party_members"
pattern = 'kết nạp(?:\s+được)?\s+%{QNUM:value}\s+%{PARTY_MEMBER}'
triggers = ["kết nạp"]
reject_before = ["@plan"]
examples = [{ text = "kết nạp được 12 đảng viên", value = 12 }]
negative_examples = ["phấn đấu kết nạp 12 đảng viên"]

[[rule]]
id = "kon-tum.ntm_communes"
indicator = "ntm_communes"
pattern = '%{COUNT_OF:value}\s+xã\s+%{REACHED}\s+(?:xã\s+)?%{NTM}'
triggers = ["nông thôn mới"]
examples = [{ text = "có 7 xã đạt chuẩn nông thôn mới", value = 7 }]
negative_examples = ["xã đạt chuẩn nông thôn mới"]
"#,
    );
    let (d, p) = (doc.to_str().unwrap(), p.to_str().unwrap());
    let explain = |rule: &str, json: bool| {
        let mut args = vec!["explain", d, "--plugins", p, "--rule", rule];
        if json {
            args.extend(["--format", "json"]);
        }
        run(&args)
    };
    let (code, stdout, _) = explain("kon-tum.new_party_members.ket_nap", false);
    assert_eq!(code, 0);
    assert!(stdout.contains("«kết nạp được 118 đảng viên»"), "{stdout}");
    assert!(stdout.contains("matched «kết nạp 150 đảng viên» but was dropped: guard reject_before matched «Phấn đấu»"), "{stdout}");
    let (_, stdout, _) = explain("kon-tum.ntm_communes", false);
    assert!(
        stdout.contains("its pattern matches none of the 1 sentence(s) holding a trigger"),
        "{stdout}"
    );
    assert!(stdout.contains("nearest partial match:"), "{stdout}");
    // The readings saw the same sentences: the plan is a plan, "đã hoàn thành các tiêu chí"
    // is not "đạt chuẩn".
    assert!(
        stdout.contains("not a figure: a plan or target: «Phấn đấu» before it"),
        "{stdout}"
    );
    let (_, stdout, _) = explain("kon-tum.ntm_communes", true);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["rule"]["fired"], false);
    assert_eq!(v["records"][0]["record"]["value"], 118);
    assert_eq!(
        v["records"][0]["record"]["rule"],
        "kon-tum.new_party_members.ket_nap"
    );
    let (code, _, stderr) = explain("kon-tum.ntm_commune", false);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("did you mean `kon-tum.ntm_communes`"),
        "{stderr}"
    );
}
