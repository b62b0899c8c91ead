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

/// One plugin with many mistakes: a misspelt field no longer hides the rest of its file or
/// plugin, and a rule with an error still counts for duplicate ids.
#[test]
fn check_reports_every_error_of_a_plugin_in_one_run() {
    let dir = "tests/fixtures/broken/many_errors";
    let (code, stdout, _) = run(&["check", "--no-default-plugins", "--plugins", dir]);
    assert_eq!(code, 2, "{stdout}");
    let r = "tests/fixtures/broken/many_errors/rules/r.toml";
    for (place, message) in [
        ("plugin.toml:3:1", "unknown field `descripton`"),
        ("r.toml:6:1", "unknown field `exmples`"),
        (
            "r.toml:12:11",
            "rule `x.bad_regex`: the pattern is not a valid regex",
        ),
        ("r.toml:19:1", "unknown field `indicatr`"),
        ("r.toml:22:15", "unknown field `txt`"),
        ("r.toml:19:12", "unknown indicator `new_party_member`"),
        (
            "r.toml:28:11",
            "rule `x.twice`: the pattern has no capture named `value`",
        ),
        ("r.toml:34:6", "duplicate rule id `x.twice`"),
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("error: ") && l.contains(place) && l.contains(message)),
            "{place} {message}: {stdout}"
        );
    }
    assert!(
        stdout.contains(&format!("first defined at {r}:26")),
        "{stdout}"
    );
    assert!(
        stdout.contains("chiso check: 8 errors, 0 warnings"),
        "{stdout}"
    );
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

/// A plugin's `[aliases]` reach the trigger prefilter: a rule whose pattern uses the entry is
/// woken by a sentence holding only the alias, though its written triggers are the entry's
/// own words.
#[test]
fn an_alias_wakes_the_rules_that_use_its_entry() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("xom");
    write(
        &p.join("plugin.toml"),
        "name = \"xom\"\nversion = \"0.1.0\"\n[applies]\nalways = true\n\
         [aliases]\nVILLAGE_HEAD = [\"trưởng xóm\"]\n",
    );
    write(
        &p.join("rules/r.toml"),
        r#"[[rule]]
id = "xom.village_heads"
indicator = "village_heads_party_members"
pattern = '%{COUNT_OF:value}\s+%{VILLAGE_HEAD}\s+là đảng viên'
priority = 100
triggers = ["trưởng thôn", "trưởng bản", "trưởng ấp"]
examples = [{ text = "có 12 trưởng thôn là đảng viên", value = 12 }]
negative_examples = ["trưởng thôn là đảng viên"]
"#,
    );
    let doc = dir.path().join("xom.txt");
    write(
        &doc,
        "Năm 2023, xã Yên Lạc có 37 trưởng xóm là đảng viên.\n",
    );
    let (code, stdout, stderr) = run(&[
        "extract",
        "-q",
        "--no-default-plugins",
        "--plugins",
        p.to_str().unwrap(),
        doc.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("\"value\":37") && l.contains("\"rule\":\"xom.village_heads\"")),
        "{stdout}"
    );
    let (_, stdout, _) = run(&[
        "explain",
        doc.to_str().unwrap(),
        "--no-default-plugins",
        "--plugins",
        p.to_str().unwrap(),
        "--rule",
        "xom.village_heads",
    ]);
    assert!(
        stdout.contains("triggers found: [\"trưởng xóm\"]"),
        "{stdout}"
    );
}

/// `explain --rule` lists the sentences where a rule that fired elsewhere did not, and
/// `explain` says which `[applies]` condition of a plugin failed.
#[test]
fn explain_shows_misses_beside_hits_and_why_a_plugin_did_not_apply() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("kon-tum.txt");
    write(
        &doc,
        "KON TUM – Năm 2022, Đảng bộ huyện Đắk Hà kết nạp được 118 đảng viên mới.\n\
         Công tác kết nạp đảng viên trong đoàn viên thanh niên còn gặp khó khăn.\n",
    );
    let kt = dir.path().join("kon-tum");
    write(
        &kt.join("plugin.toml"),
        "name = \"kon-tum\"\nversion = \"0.1.0\"\n[applies]\ntext = [\"KON TUM –\"]\n",
    );
    write(
        &kt.join("rules/rules.toml"),
        r#"[[rule]]
id = "kon-tum.new_party_members.ket_nap"
indicator = "new_party_members"
pattern = 'kết nạp(?:\s+được)?\s+%{QNUM:value}\s+%{PARTY_MEMBER}'
triggers = ["kết nạp"]
examples = [{ text = "kết nạp được 12 đảng viên", value = 12 }]
negative_examples = ["kết nạp đảng viên"]
"#,
    );
    let lc = dir.path().join("lai-chau");
    write(
        &lc.join("plugin.toml"),
        "name = \"lai-chau\"\nversion = \"0.1.0\"\n[applies]\ntext = [\"LAI CHÂU –\"]\n\
         title = [\"Lai Châu\"]\n",
    );
    let (code, stdout, stderr) = run(&[
        "explain",
        doc.to_str().unwrap(),
        "--no-default-plugins",
        "--plugins",
        kt.to_str().unwrap(),
        "--plugins",
        lc.to_str().unwrap(),
        "--rule",
        "kon-tum.new_party_members.ket_nap",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("rule kon-tum.new_party_members.ket_nap: fired"),
        "{stdout}"
    );
    assert!(
        stdout.contains("its pattern does not match 1 of the 2 sentence(s) holding a trigger"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "no match in «Công tác kết nạp đảng viên trong đoàn viên thanh niên còn gặp khó khăn.»"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("nearest partial match: `kết nạp"),
        "{stdout}"
    );
    assert!(stdout.contains("plugins not applied:"), "{stdout}");
    assert!(
        stdout.contains("text: the text mentions none of \"LAI CHÂU –\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("title: the title «KON TUM – Năm 2022"),
        "{stdout}"
    );
}
