//! `chiso report` and `chiso extract --report`: the page's content from the command line. The
//! page in a real browser is tested by `tests/browser/report.py` (run by `.ci/browser.sh`).

mod common;

use common::{chiso, root, write};

/// The JSON object the page draws from.
fn data(html: &str) -> serde_json::Value {
    let start = html
        .find("<script id=\"chiso-data\" type=\"application/json\">")
        .unwrap();
    let json = &html[start..];
    let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
    serde_json::from_str(&json.replace("<\\/", "</")).unwrap()
}

#[test]
fn extract_writes_the_report_of_its_run_with_every_figure_in_its_paragraph() {
    let dir = tempfile::tempdir().unwrap();
    let docs = dir.path().join("docs");
    for entry in std::fs::read_dir(root().join("samples")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::copy(&p, docs.join(p.file_name().unwrap())).unwrap();
    }
    std::fs::write(docs.join("broken.txt"), [0u8, 1, 2, 255].repeat(50)).unwrap();
    write(&docs.join("notes.xyz"), "không phải văn bản");
    let html = dir.path().join("report.html");
    let out = chiso()
        .arg("extract")
        .arg(&docs)
        .args(["-q", "--report"])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a document failed");
    let records = String::from_utf8(out.stdout).unwrap().lines().count();
    let page = std::fs::read_to_string(&html).unwrap();
    let d = data(&page);
    let figures = d["figures"].as_array().unwrap();
    assert_eq!(figures.len(), records);
    assert!(records >= 40);
    let paras = d["paras"].as_array().unwrap();
    for f in figures {
        let x = f["x"].as_array().expect("every figure has its paragraph");
        let para: Vec<u16> = paras[x[0].as_u64().unwrap() as usize]
            .as_str()
            .unwrap()
            .encode_utf16()
            .collect();
        let (s, e) = (
            x[1].as_u64().unwrap() as usize,
            x[2].as_u64().unwrap() as usize,
        );
        assert_eq!(
            String::from_utf16(&para[s..e]).unwrap(),
            f["w"].as_str().unwrap()
        );
    }
    assert!(page.contains("<ul id=\"failed\" class=\"reasons\">\n<li><code>broken.txt</code>"));
    assert!(page.contains("<code>notes.xyz</code>: not a document chiso reads"));
    assert_eq!(
        d["indicators"]["new_party_members"]["label"],
        "Kết nạp đảng viên mới"
    );
    // The same bytes on the next run: nothing in the page depends on the clock.
    chiso()
        .arg("extract")
        .arg(&docs)
        .args(["-q", "-j", "1", "--report"])
        .arg(dir.path().join("again.html"))
        .output()
        .unwrap();
    let again = std::fs::read_to_string(dir.path().join("again.html")).unwrap();
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("<th>command</th>"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&page), strip(&again));
}

#[test]
fn report_reads_records_back_names_bad_lines_and_says_which_paragraphs_are_missing() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("out.jsonl");
    let status = chiso()
        .args(["extract", "-q", "samples/", "-o"])
        .arg(&records)
        .status()
        .unwrap();
    assert!(status.success());
    let mut text = std::fs::read_to_string(&records).unwrap();
    let n = text.lines().count();
    text.push_str("{\"doc\":\"gone.txt\",\"error\":\"not UTF-8\"}\nnot json\n");
    std::fs::write(&records, text).unwrap();
    let html = dir.path().join("r.html");
    // Without the documents: the quotes only, and the page says so.
    let out = chiso()
        .arg("report")
        .arg(&records)
        .arg("-o")
        .arg(&html)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("out.jsonl:{}: not JSON", n + 2)),
        "{stderr}"
    );
    assert!(
        stderr.contains("5 documents' paragraphs not shown"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(data(&page)["figures"].as_array().unwrap().len(), n);
    assert!(page.contains("<code>gone.txt</code>: not UTF-8"));
    assert!(page.contains("the document was not given or could not be read again"));
    assert!(
        page.contains("chiso_meta"),
        "the run's header from out.jsonl.meta.jsonl"
    );
    // With them: every paragraph.
    let out = chiso()
        .arg("report")
        .arg(&records)
        .arg("samples/")
        .arg("-o")
        .arg(&html)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("paragraphs not shown"), "{stderr}");
    let d = data(&std::fs::read_to_string(&html).unwrap());
    assert!(d["figures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f.get("x").is_some()));
}

#[test]
fn report_of_a_jsonl_corpus_finds_its_documents_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.jsonl");
    write(
        &corpus,
        "{\"id\":\"a\",\"text\":\"Huyện Yên Thế\\nNăm 2023, huyện Yên Thế kết nạp 120 đảng viên mới.\",\"source\":\"Báo Bắc Giang\",\"date\":\"2024-01-05\"}\n",
    );
    let html = dir.path().join("r.html");
    let out = chiso()
        .args(["extract", "-q"])
        .arg(&corpus)
        .arg("--report")
        .arg(&html)
        .output()
        .unwrap();
    assert!(out.status.success());
    let d = data(&std::fs::read_to_string(&html).unwrap());
    assert_eq!(d["docs"][0]["id"], "a");
    assert_eq!(d["docs"][0]["outlet"], "Báo Bắc Giang");
    assert_eq!(d["docs"][0]["date"], "2024-01-05");
    assert!(d["figures"][0].get("x").is_some());
}
