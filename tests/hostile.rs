//! Hostile and careless input (issue 12): what one document or one plugin may cost a batch.

mod common;

use common::{chiso, write};

#[test]
fn a_script_that_prints_in_a_loop_shows_twenty_lines_per_document_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("chatty");
    write(
        &p.join("plugin.toml"),
        "name = \"chatty\"\nversion = \"0.1.0\"\n[applies]\nalways = true\n[[script]]\npath = \"scripts/chatty.rhai\"\n",
    );
    write(
        &p.join("scripts/chatty.rhai"),
        "fn extract(doc) {\n    let n = 0;\n    loop { n += 1; print(`line ${n}`); debug(n); }\n}\n",
    );
    let docs = dir.path().join("docs");
    for i in 0..5 {
        write(
            &docs.join(format!("d{i}.txt")),
            "Năm 2023, huyện Yên Thế kết nạp 120 đảng viên mới.",
        );
    }
    let out = chiso()
        .args(["extract", "-j", "2"])
        .arg(&docs)
        .arg("--plugins")
        .arg(&p)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "the budget stops each script");
    for i in 0..5 {
        let shown = stderr
            .lines()
            .filter(|l| l.starts_with(&format!("script (d{i}.txt): ")) && !l.contains("not shown"))
            .count();
        assert_eq!(shown, 20, "d{i}.txt:\n{stderr}");
        assert_eq!(
            stderr
                .lines()
                .filter(|l| l.starts_with(&format!("script (d{i}.txt): "))
                    && l.contains("more lines of print/debug output not shown"))
                .count(),
            1,
            "{stderr}"
        );
    }
    assert!(
        stderr.lines().count() < 200,
        "{} lines",
        stderr.lines().count()
    );
    let total = stderr
        .lines()
        .find(|l| {
            l.contains(
                "lines of script print/debug output not shown (the first 20 of each document are)",
            )
        })
        .unwrap_or_else(|| panic!("the summary counts them:\n{stderr}"));
    let n: usize = total.split_whitespace().next().unwrap().parse().unwrap();
    assert!(n > 1000, "{total}");
}

/// Clauses of our own, each with its own figure: `n` new party members of a district.
fn clauses(count: usize) -> Vec<String> {
    let districts = ["Yên Thế", "Lục Ngạn", "Sơn Động", "Hiệp Hòa", "Tân Yên"];
    (0..count)
        .map(|i| {
            format!(
                "huyện {} kết nạp {} đảng viên mới, các chi bộ duy trì sinh hoạt chuyên đề",
                districts[i % districts.len()],
                1000 + i
            )
        })
        .collect()
}

fn values(stdout: &[u8]) -> std::collections::BTreeSet<u64> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|r| r["indicator"] == "new_party_members")
        .map(|r| r["value"].as_f64().unwrap() as u64)
        .collect()
}

#[test]
fn a_document_that_is_one_long_sentence_loses_no_figure_where_it_is_cut() {
    // 2,000 clauses joined by commas on one line (about 180 KB): the sentence is cut into
    // windows at clause boundaries, and every figure is still found, once.
    let dir = tempfile::tempdir().unwrap();
    let clauses = clauses(2000);
    let one = dir.path().join("one.txt");
    write(&one, &format!("{}.", clauses.join(", ")));
    assert!(std::fs::metadata(&one).unwrap().len() > 100 * chiso::document::MAX_SENTENCE as u64);
    let split = dir.path().join("split.txt");
    let sentences: Vec<String> = clauses.iter().map(|c| format!("Năm 2023, {c}.")).collect();
    write(&split, &sentences.join(" "));
    let expected: std::collections::BTreeSet<u64> = (1000..3000).collect();
    for doc in [&one, &split] {
        let out = chiso().args(["extract", "-q"]).arg(doc).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let found = values(&out.stdout);
        let missing: Vec<_> = expected.difference(&found).collect();
        assert!(missing.is_empty(), "{}: missing {missing:?}", doc.display());
        assert_eq!(
            found.len(),
            String::from_utf8_lossy(&out.stdout).lines().count()
        );
    }
}

#[test]
fn a_document_over_its_time_budget_fails_alone_with_how_far_it_got() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    // About 4 MB on one line: seconds of work (a second in a release build), against a
    // quarter of a second allowed; the small one takes milliseconds.
    write(&docs.join("big.txt"), &clauses(40_000).join(", "));
    write(
        &docs.join("small.txt"),
        "Năm 2023, huyện Yên Thế kết nạp 120 đảng viên mới.",
    );
    let out = chiso()
        .args(["extract", "-j", "2", "--doc-timeout", "0.25"])
        .arg(&docs)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| {
            l.contains("big.txt")
                && l.contains("over its time budget of 0.25 s (--doc-timeout): stopped while")
        })
        .unwrap_or_else(|| panic!("the big document's failure is named:\n{stderr}"));
    assert!(line.contains("its records are not written"), "{line}");
    assert!(!stderr.contains("small.txt:"), "{stderr}");
    // The small document's record, and nothing of the big one's.
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains("\"doc\":\"small.txt\""), "{stdout}");

    // No limit: 0.
    let out = chiso()
        .args(["extract", "-q", "--doc-timeout", "0"])
        .arg(docs.join("small.txt"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(values(&out.stdout).len(), 1);
}

#[test]
fn a_script_over_the_time_budget_stops_with_its_document() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("slow");
    write(
        &p.join("plugin.toml"),
        "name = \"slow\"\nversion = \"0.1.0\"\n[applies]\nalways = true\n[[script]]\npath = \"scripts/slow.rhai\"\n",
    );
    // Slow in few operations (each call reads the whole document): far from its operation
    // budget when the clock stops it.
    write(
        &p.join("scripts/slow.rhai"),
        "fn extract(doc) {\n    for i in 0..1000000 { find_all(doc.text, \"đảng viên\"); }\n    []\n}\n",
    );
    let doc = dir.path().join("d.txt");
    write(&doc, &"Các chi bộ duy trì sinh hoạt đều đặn. ".repeat(5000));
    let out = chiso()
        .args(["extract", "--doc-timeout", "1"])
        .arg(&doc)
        .arg("--plugins")
        .arg(&p)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "d.txt: over its time budget of 1 s (--doc-timeout): stopped while running scripts"
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
