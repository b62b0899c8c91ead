//! The command line end to end: formats, exit codes, the run summary, bad input, broken
//! rules, determinism across thread counts, and plugins added without a rebuild.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;

use common::{chiso, write};
use insta_cmd::assert_cmd_snapshot;

fn with_filters(f: impl FnOnce()) {
    let mut settings = insta::Settings::clone_current();
    for (re, with) in common::filters() {
        settings.add_filter(&re, with);
    }
    settings.bind(f);
}

#[test]
fn extract_jsonl() {
    with_filters(|| assert_cmd_snapshot!(chiso().args(["extract", "samples"])));
}

#[test]
fn extract_csv() {
    with_filters(|| assert_cmd_snapshot!(chiso().args(["extract", "samples", "--format", "csv"])));
}

#[test]
fn extract_table() {
    // Fitted to $COLUMNS: the quote and the other long columns cut with an ellipsis, the rule
    // column left out.
    with_filters(|| {
        assert_cmd_snapshot!(chiso().env("COLUMNS", "120").args([
            "extract",
            "samples/003_2bb0146b02c3cca8.txt",
            "--format",
            "table"
        ]))
    });
}

#[test]
fn csv_bom_for_excel() {
    let out = chiso()
        .args(["extract", "samples", "--format", "csv", "--bom", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(out
        .stdout
        .starts_with("\u{FEFF}doc,indicator,value".as_bytes()));
}

#[test]
fn bad_documents_are_named_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::copy("samples/002_f2f3efdb097cd65c.txt", d.join("good.txt")).unwrap();
    write(&d.join("empty.txt"), "");
    std::fs::write(
        d.join("binary.txt"),
        b"\x00\x01\x02PK\x03\x04\x00\x00\x00\x00",
    )
    .unwrap();
    write(&d.join("huge.txt"), &"đảng viên ".repeat(1000));
    // Not UTF-8: detection reads it as a legacy Vietnamese encoding rather than failing.
    std::fs::write(d.join("legacy.txt"), b"Chi b\xe9 \xae\xb6ng vi\xaan\n").unwrap();
    write(&d.join("notes.xyz"), "%PDF-1.4");
    let out = chiso()
        .arg("extract")
        .arg(d)
        .args(["--max-doc-size", "8000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "some documents failed → exit 1");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count(),
        2,
        "the good document still yields its records"
    );
    with_filters(|| {
        insta::assert_snapshot!(String::from_utf8(out.stderr)
            .unwrap()
            .replace(&d.display().to_string(), "[DIR]"))
    });
}

#[test]
fn fail_fast_stops_at_the_first_bad_document() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a.txt"), "");
    std::fs::copy("samples/002_f2f3efdb097cd65c.txt", dir.path().join("b.txt")).unwrap();
    let out = chiso()
        .arg("extract")
        .arg(dir.path())
        .arg("--fail-fast")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("0 documents read") && stderr.contains("a.txt: empty document"),
        "{stderr}"
    );
}

#[test]
fn broken_plugin_is_an_error_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken");
    write(
        &p.join("plugin.toml"),
        "name = \"broken\"\nversion = \"0.1.0\"\n[applies]\nalways = true\n",
    );
    write(
        &p.join("rules/r.toml"),
        "[[rule]]\nid = \"broken.x\"\nindicator = \"new_party_member\"\npattern = 'kết nạp %{QNUMM:value}'\ntriggers = [\"kết nạp\"]\n",
    );
    let out = chiso()
        .args(["extract", "samples", "--plugins"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "nothing is extracted with broken rules"
    );
    with_filters(|| {
        insta::assert_snapshot!(String::from_utf8(out.stderr)
            .unwrap()
            .replace(&dir.path().display().to_string(), "[DIR]"))
    });
}

/// The core of "rules are data": a plugin written to a temporary folder changes what the
/// same binary extracts; nothing is rebuilt.
#[test]
fn a_new_plugin_folder_changes_the_output_without_rebuilding() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("docs/ha-giang.txt");
    write(
        &doc,
        "HÀ GIANG – Năm 2023, Đảng bộ huyện Vị Xuyên bổ sung 84 đảng viên mới cho các chi bộ thôn bản.\n\
         Toàn huyện có 40/41 xã đạt chuẩn nông thôn mới.\n",
    );
    let before = chiso().arg("extract").arg(&doc).arg("-q").output().unwrap();
    let before = String::from_utf8(before.stdout).unwrap();
    assert!(
        !before.contains("new_party_members"),
        "the readings do not know 'bổ sung … đảng viên mới'"
    );
    assert!(before.contains("\"ntm_communes\""));

    let p = dir.path().join("plugins/ha-giang");
    write(
        &p.join("plugin.toml"),
        r#"name = "ha-giang"
version = "0.1.0"
description = "Hà Giang outlets"
priority = 60
disable = ["reading.ntm_communes.reached"]
[applies]
text = ["HÀ GIANG –"]
[locality]
province = "Hà Giang"
"#,
    );
    write(
        &p.join("rules/members.toml"),
        r#"[[rule]]
id = "ha-giang.new_party_members.bo_sung"
indicator = "new_party_members"
pattern = 'bổ sung\s+%{QNUM:value}\s+%{PARTY_MEMBER}\s+mới'
triggers = ["bổ sung"]
examples = [{ text = "bổ sung 12 đảng viên mới", value = 12 }]
negative_examples = ["bổ sung hồ sơ đảng viên"]
"#,
    );
    let after = chiso()
        .arg("extract")
        .arg(&doc)
        .arg("-q")
        .arg("--plugins")
        .arg(dir.path().join("plugins"))
        .output()
        .unwrap();
    assert!(after.status.success());
    let after = String::from_utf8(after.stdout).unwrap();
    let rec: serde_json::Value = serde_json::from_str(after.lines().next().unwrap()).unwrap();
    assert_eq!(rec["indicator"], "new_party_members");
    assert_eq!(rec["value"], 84);
    assert_eq!(rec["plugin"], "ha-giang");
    assert_eq!(rec["rule"], "ha-giang.new_party_members.bo_sung");
    assert_eq!(rec["locality"]["province"], "Hà Giang");
    assert_eq!(rec["locality"]["district"], "Vị Xuyên");
    assert_eq!(rec["period"]["from"], 2023);
    assert!(
        !after.contains("\"ntm_communes\""),
        "the plugin switched the core rule off for its documents"
    );

    // The same plugin found through CHISO_PLUGIN_PATH.
    let env = chiso()
        .arg("extract")
        .arg(&doc)
        .arg("-q")
        .env("CHISO_PLUGIN_PATH", dir.path().join("plugins"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(env.stdout).unwrap(), after);
}

#[test]
fn a_runaway_script_fails_its_document_only() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("loop");
    write(
        &p.join("plugin.toml"),
        "name = \"loop\"\nversion = \"0.1.0\"\n[applies]\ntext = [\"Lê Chân\"]\n[[script]]\npath = \"scripts/spin.rhai\"\n",
    );
    write(
        &p.join("scripts/spin.rhai"),
        "fn extract(doc) {\n    let n = 0;\n    loop { n += 1; }\n}\n",
    );
    let out = chiso()
        .args(["extract", "samples", "--plugins"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("4 documents read") && stderr.contains("1 failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("003_2bb0146b02c3cca8.txt: script") && stderr.contains("spin.rhai"),
        "{stderr}"
    );
    assert!(
        stderr.to_lowercase().contains("too many operations"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains("003_2bb0146b02c3cca8.txt") && stdout.contains("004_e95f4bbb7de52a5c.txt")
    );
}

/// Builds a corpus that spans several chunks so that ordering across chunks is exercised.
fn big_corpus(dir: &Path, copies: usize) {
    let samples: Vec<_> = std::fs::read_dir("samples")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for i in 0..copies {
        let src = &samples[i % samples.len()];
        let sub = dir.join(format!("batch{:02}", i % 7));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::copy(src, sub.join(format!("{i:05}.txt"))).unwrap();
    }
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    big_corpus(dir.path(), 1200);
    let run = |threads: &str| {
        let out = chiso()
            .arg("extract")
            .arg(dir.path())
            .args(["--threads", threads, "-q"])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = run("1");
    assert_eq!(one.iter().filter(|b| **b == b'\n').count(), 1200 / 5 * 45);
    assert!(one == run("4"), "--threads 1 and --threads 4 differ");
}

#[test]
fn output_file_is_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("records.csv");
    let out = chiso()
        .args(["extract", "samples", "-f", "csv", "-q", "-o"])
        .arg(&target)
        .output()
        .unwrap();
    assert!(out.status.success() && out.stdout.is_empty());
    let csv = std::fs::read_to_string(&target).unwrap();
    assert_eq!(csv.lines().count(), 46);
    let mut leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    leftovers.sort();
    assert_eq!(
        leftovers,
        ["records.csv", "records.csv.meta.jsonl"],
        "the records and their metadata, no temporary file"
    );
}

#[test]
fn reads_standard_input() {
    let mut child = chiso()
        .args(["extract", "-", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Năm 2022, Đảng bộ xã kết nạp được 14 đảng viên.".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.contains("\"doc\":\"-\"") && line.contains("\"value\":14"),
        "{line}"
    );
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let dir = tempfile::tempdir().unwrap();
    big_corpus(dir.path(), 600);
    let mut child = chiso()
        .arg("extract")
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // stdout is dropped here: the reader went away, like `| head -1`.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(first.starts_with("{\"doc\""));
    assert!(status.success(), "exit {status:?}, stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let out = chiso().args(["extract"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = chiso()
        .args(["extract", "samples", "--format", "xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lists_indicators_and_plugins() {
    let out = chiso().args(["indicators"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 30);
    assert!(text.contains("village_heads_party_members") && text.contains("(+total)"));
    let out = chiso()
        .args(["plugins", "--no-default-plugins", "--plugins", "plugins"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("bac-giang 0.1.0") && text.contains("generic 0.1.0"),
        "{text}"
    );
}

#[test]
fn lists_the_lexicon_with_plugin_aliases() {
    let out = chiso().args(["lexicon"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("%{QNUM}  (quantity)") && text.contains("%{NUMBER}  (number)"),
        "{text}"
    );
    assert!(text.contains("\"TCĐ\" from plugin bac-giang"), "{text}");
}

#[test]
fn a_plugin_rule_reads_what_the_readings_do_not_and_wins_on_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("a.txt");
    write(&doc, "QUẢNG NINH – Toàn tỉnh có 120 xã hoàn thành nông thôn mới; có 40/41 xã đạt chuẩn nông thôn mới.\n");
    let before = chiso().arg("extract").arg(&doc).arg("-q").output().unwrap();
    let before = String::from_utf8(before.stdout).unwrap();
    assert_eq!(before.lines().count(), 1, "{before}");
    assert!(before.contains("\"value\":40"), "{before}");
    let p = dir.path().join("quang-ninh");
    write(
        &p.join("plugin.toml"),
        "name = \"quang-ninh\"\nversion = \"0.1.0\"\n[applies]\ntext = [\"QUẢNG NINH –\"]\n",
    );
    write(
        &p.join("rules/ntm.toml"),
        r#"[[rule]]
id = "quang-ninh.ntm_communes.hoan_thanh"
indicator = "ntm_communes"
pattern = '%{COUNT_OF:value}\s+xã\s+(?:hoàn thành|đạt)\s+%{NTM}'
triggers = ["nông thôn mới"]
examples = [{ text = "có 12 xã hoàn thành nông thôn mới", value = 12 }, { text = "có 5 xã đạt nông thôn mới", value = 5 }]
negative_examples = ["xã đạt chuẩn nông thôn mới"]
"#,
    );
    let out = chiso()
        .arg("extract")
        .arg(&doc)
        .arg("-q")
        .arg("--plugins")
        .arg(&p)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["value"], 120);
    assert_eq!(first["rule"], "quang-ninh.ntm_communes.hoan_thanh");
    assert!(
        text.contains("\"rule\":\"reading.ntm_communes.reached\""),
        "{text}"
    );
}

#[test]
fn a_script_naming_an_unknown_indicator_fails_at_load_time() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("typo");
    write(&p.join("plugin.toml"), "name = \"typo\"\nversion = \"0.1.0\"\n[applies]\nalways = true\n[[script]]\npath = \"s.rhai\"\n");
    write(&p.join("s.rhai"), "fn extract(doc) {\n    [#{ indicator: \"new_party_member\", value: 1, start: 0, end: 1 }]\n}\n");
    let out = chiso()
        .args(["extract", "samples", "--plugins"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("s.rhai:2:21: unknown indicator `new_party_member`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `new_party_members`"),
        "{stderr}"
    );
}

#[test]
fn jsonl_corpora_stream_and_a_bad_line_is_that_line_s_error() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.jsonl");
    let long = format!(
        "{{\"id\":\"long\",\"text\":\"{}\"}}",
        "đảng viên ".repeat(500)
    );
    write(
        &corpus,
        &format!(
            "{}\nnot json\n{{\"id\":\"no-text\",\"body\":\"x\"}}\n\n{long}\n{}\n",
            r#"{"id":"a","text":"Năm 2022, huyện Yên Thế kết nạp 120 đảng viên.","date":"2022-12-30"}"#,
            r#"{"id":42,"text":"Năm 2021, huyện Lục Nam kết nạp 95 đảng viên."}"#
        ),
    );
    let out = chiso()
        .arg("extract")
        .arg(&corpus)
        .args(["--max-doc-size", "4000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let docs: Vec<String> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["doc"].to_string())
        .collect();
    assert_eq!(docs, vec!["\"a\"", "\"42\""]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("corpus.jsonl:2: line 2: not a JSON object"),
        "{stderr}"
    );
    assert!(
        stderr.contains("no-text: line 3: no string field \"text\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("corpus.jsonl:5: line 5 is longer than 4000 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("read as: jsonl 2"), "{stderr}");

    // Streaming mode: the same corpus on stdin, errors as records, exit 0.
    let mut child = chiso()
        .args(["extract", "--stdin-jsonl", "--max-doc-size", "4000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&std::fs::read(&corpus).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<String> = lines
        .iter()
        .map(|v| {
            format!(
                "{}:{}",
                v["doc"],
                if v["error"].is_null() {
                    "record"
                } else {
                    "error"
                }
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            "\"a\":record",
            "\"-:2\":error",
            "\"no-text\":error",
            "\"-:5\":error",
            "\"42\":record"
        ]
    );
}

#[test]
fn min_confidence_leaves_out_weak_records_and_says_how_many() {
    let run = |extra: &[&str]| {
        let out = chiso()
            .args(["extract", "samples"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        let confidences: Vec<f64> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["confidence"].as_f64().unwrap()
            })
            .collect();
        (confidences, String::from_utf8(out.stderr).unwrap())
    };
    let (all, _) = run(&[]);
    assert!(all.iter().all(|c| (0.0..=1.0).contains(c)), "{all:?}");
    let floor = 0.7;
    let below = all.iter().filter(|c| **c < floor).count();
    assert!(below > 0 && below < all.len(), "{all:?}");
    let (kept, stderr) = run(&["--min-confidence", "0.7"]);
    assert_eq!(kept.len(), all.len() - below);
    assert!(kept.iter().all(|c| *c >= floor));
    assert!(
        stderr.contains(&format!(
            "{below} records left out for a confidence below 0.7"
        )),
        "{stderr}"
    );
    let bad = chiso()
        .args(["extract", "samples", "--min-confidence", "high"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a number"));
}

#[test]
fn a_plugin_readings_file_teaches_a_phrasing_without_rebuilding() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("a.txt");
    write(
        &doc,
        "HÀ GIANG – Năm 2023, huyện Mèo Vạc có 96 thanh niên dân tộc Mông được đứng trong hàng ngũ Đảng.\n",
    );
    let run = |plugin: Option<&Path>| {
        let mut cmd = chiso();
        cmd.arg("extract").arg(&doc).arg("-q");
        if let Some(p) = plugin {
            cmd.arg("--plugins").arg(p);
        }
        cmd.output().unwrap()
    };
    assert_eq!(run(None).stdout.len(), 0);
    let p = dir.path().join("ha-giang");
    write(
        &p.join("plugin.toml"),
        "name = \"ha-giang\"\nversion = \"0.1.0\"\n[applies]\ntext = [\"HÀ GIANG –\"]\n",
    );
    write(
        &p.join("readings.toml"),
        r#"[words]
new_members = ["thanh niên"]

[[reading]]
indicator = "new_party_members"
id = "ha-giang.vao_hang_ngu"
nouns = ["@new_members"]
cues = ["after: đứng trong hàng ngũ Đảng"]
"#,
    );
    let out = run(Some(&p));
    let text = String::from_utf8(out.stdout).unwrap();
    let r: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert_eq!(r["value"], 96);
    assert_eq!(r["rule"], "ha-giang.vao_hang_ngu");
    assert_eq!(r["plugin"], "ha-giang");
    // A mistake in it is named with its line and column, and nothing runs.
    write(
        &p.join("readings.toml"),
        "[[reading]]\nindicator = \"new_party_members\"\ncues = [\"nearby: đứng trong hàng ngũ\"]\n",
    );
    let out = run(Some(&p));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("readings.toml:3:"), "{stderr}");
    assert!(stderr.contains("nearby"), "{stderr}");
}

/// A plugin whose script gives each "Tên (a/b)" figure the commune named before it.
fn place_plugin(dir: &std::path::Path, constant: &str) -> std::path::PathBuf {
    let p = dir.join("places");
    write(
        &p.join("plugin.toml"),
        "name = \"places\"\nversion = \"0.1.0\"\n[applies]\nalways = true\n[locality]\nprovince = \"Bắc Giang\"\n[[script]]\npath = \"s.rhai\"\n",
    );
    write(
        &p.join("s.rhai"),
        &format!(
            "fn extract(doc) {{\n    let out = [];\n    for it in find_all(doc.text, `(?-i)(?P<name>\\p{{Lu}}\\p{{Ll}}*(?:\\s\\p{{Lu}}\\p{{Ll}}*)?)\\s*\\((?P<a>\\d+)/(?P<b>\\d+)\\)`) {{\n        out.push(#{{ indicator: \"village_heads_party_members\", value: parse_number(it.groups.a), total: parse_number(it.groups.b),\n                    start: it.start, end: it.end, locality: #{{ commune: it.groups.name, district: {constant} }} }});\n    }}\n    out\n}}\n"
        ),
    );
    p
}

#[test]
fn a_script_setting_an_unknown_place_fails_check_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = place_plugin(dir.path(), "\"Atlantis\"");
    let out = chiso()
        .args(["check", "--plugins"])
        .arg(&p)
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert_ne!(out.status.code(), Some(0), "{report}");
    assert!(
        report.contains("s.rhai:5:")
            && report.contains("sets district «Atlantis», which the gazetteer does not know"),
        "{report}"
    );
    // A known district passes.
    let p = place_plugin(&dir.path().join("ok"), "\"Lạng Giang\"");
    let out = chiso()
        .args(["check", "--plugins"])
        .arg(&p)
        .output()
        .unwrap();
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(!report.contains("does not know"), "{report}");
}

#[test]
fn a_place_a_script_computes_is_checked_when_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let p = place_plugin(dir.path(), "()");
    let docs = dir.path().join("docs");
    write(
        &docs.join("a.txt"),
        "Huyện Lạng Giang có nhiều trưởng thôn là đảng viên\nHuyện ủy Lạng Giang cho biết số trưởng thôn là đảng viên ở các xã: Nghĩa Hưng (8/8), Atlantis (3/9).\n",
    );
    let out = chiso()
        .args([
            "extract",
            "--format",
            "csv",
            "--no-default-plugins",
            "--plugins",
        ])
        .arg(&p)
        .arg(&docs)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("set the commune «Atlantis», which the gazetteer does not know"),
        "{stderr}"
    );
    // The known commune is used; the unknown one is not, the figure keeps chiso's locality.
    assert!(
        stdout.contains("Bắc Giang,Lạng Giang,Nghĩa Hưng"),
        "{stdout}"
    );
    assert!(!stdout.contains("Atlantis,"), "{stdout}");
    assert!(stdout.contains(",3,9,"), "{stdout}");
}

#[test]
fn explain_shows_the_ladders_walked_and_the_other_map() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("a.txt");
    write(
        &doc,
        "Kết quả xây dựng Đảng ở Yên Định\nNăm 2021 là năm đầu triển khai nghị quyết đại hội. Đảng bộ huyện Yên Định kết nạp 156 đảng viên mới.\n",
    );
    let out = chiso().arg("explain").arg(&doc).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("ladder: clause → sentence → paragraph ✓"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ladder: whole province → clause ✓"),
        "{stdout}"
    );
    assert!(stdout.contains("on the 2025 map: Thanh Hóa"), "{stdout}");
}
