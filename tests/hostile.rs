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
