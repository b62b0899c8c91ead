//! `chiso extract --stdin-jsonl --numbered --stdin-name NAME`: a corpus split into pieces (as
//! Spark splits it into partitions), each piped through its own chiso process with every line
//! prefixed by its line number in the corpus, gives the same records and error records, line
//! for line, as `chiso extract --errors-as-records corpus.jsonl` on the whole file.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::{chiso, write};

/// The corpus: documents with and without ids, and lines that fail in every way a JSONL line
/// can (not JSON, not an object, no text, text not a string, empty text, too long), with a
/// blank line that still counts in the numbering.
fn corpus() -> Vec<String> {
    let long = format!(
        "{{\"id\":\"long\",\"text\":\"{}\"}}",
        "đảng viên ".repeat(500)
    );
    [
        r#"{"id":"a","text":"Năm 2022, huyện Yên Thế kết nạp 120 đảng viên.","date":"2022-12-30"}"#,
        "not json",
        r#"{"id":"no-text","body":"x"}"#,
        "",
        r#"{"text":"Năm 2021, huyện Lục Nam kết nạp 95 đảng viên."}"#,
        long.as_str(),
        "[1, 2]",
        r#"{"id":42,"text":"Năm 2021, huyện Lục Nam kết nạp 95 đảng viên."}"#,
        r#"{"id":"number-text","text":5}"#,
        r#"{"id":"empty","text":""}"#,
        r#"{"text":"Năm 2020, huyện Tân Yên kết nạp 87 đảng viên."}"#,
        "{\"id\":\"broken\",",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = chiso()
        .args([
            "extract",
            "--stdin-jsonl",
            "--quiet",
            "--max-doc-size",
            "4000",
        ])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn docs(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let kind = if v["error"].is_null() {
                "record"
            } else {
                "error"
            };
            format!("{}:{kind}", v["doc"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn numbered_pieces_give_the_whole_file_s_records_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.jsonl");
    let corpus = corpus();
    write(&path, &format!("{}\n", corpus.join("\n")));
    let whole = chiso()
        .arg("extract")
        .arg(&path)
        .args(["--errors-as-records", "--quiet", "--max-doc-size", "4000"])
        .output()
        .unwrap();
    assert_eq!(whole.status.code(), Some(0));
    let mut expected = lines(&whole);
    assert_eq!(
        docs(&expected),
        [
            "a:record",
            "corpus.jsonl:2:error",
            "no-text:error",
            "corpus.jsonl:5:record",
            "corpus.jsonl:6:error",
            "corpus.jsonl:7:error",
            "42:record",
            "number-text:error",
            "empty:error",
            "corpus.jsonl:11:record",
            "corpus.jsonl:12:error",
        ]
    );

    // Three pieces, each its own process, as three Spark partitions; numbered from 1.
    let numbered: Vec<String> = corpus
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{}\t{l}\n", i + 1))
        .collect();
    let mut got = Vec::new();
    for piece in [&numbered[..3], &numbered[3..7], &numbered[7..]] {
        let out = run_stdin(
            &["--numbered", "--stdin-name", "corpus.jsonl"],
            &piece.concat(),
        );
        assert_eq!(out.status.code(), Some(0));
        got.extend(lines(&out));
    }
    // Each piece keeps its order: the pieces in order are the file's output as it is.
    assert_eq!(got, expected);
    // And in any order of the pieces, sorted, the same lines.
    got.reverse();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}

#[test]
fn a_numbered_piece_names_lines_by_their_number_not_their_place() {
    // Lines 41 and 43 of some corpus, the first of its piece and the third (a blank line 42).
    let input =
        "41\tnot json\n42\t\n43\t{\"text\":\"Năm 2021, huyện Lục Nam kết nạp 95 đảng viên.\"}\n";
    let out = run_stdin(&["--numbered", "--stdin-name", "big.jsonl"], input);
    assert_eq!(out.status.code(), Some(0));
    let got = lines(&out);
    assert_eq!(docs(&got), ["big.jsonl:41:error", "big.jsonl:43:record"]);
    let error: serde_json::Value = serde_json::from_str(&got[0]).unwrap();
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .starts_with("line 41: not a JSON object"),
        "{error}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("big.jsonl:41: line 41: not a JSON object"),
        "{stderr}"
    );
}

#[test]
fn the_size_cap_counts_the_line_not_its_number() {
    // A line of exactly 4000 bytes (its newline included) is read; one byte more is not.
    let doc = |n: usize| {
        let head = r#"{"id":"x","text":"Năm 2021, huyện Lục Nam kết nạp 95 đảng viên."#;
        let pad = n - head.len() - r#""}"#.len() - 1;
        format!("{head}{}\"}}", " ".repeat(pad))
    };
    assert_eq!(doc(4000).len() + 1, 4000);
    let input = format!("1234567\t{}\n1234568\t{}\n", doc(4000), doc(4001));
    let out = run_stdin(&["--numbered"], &input);
    let got = lines(&out);
    assert_eq!(docs(&got), ["x:record", "-:1234568:error"]);
    assert!(
        got[1].contains("line 1234568 is longer than 4000 bytes"),
        "{}",
        got[1]
    );
    // Without --numbered the same lines are named by their place on stdin, as before.
    let plain = format!("{}\n{}\n", doc(4000), doc(4001));
    let got = lines(&run_stdin(&[], &plain));
    assert_eq!(docs(&got), ["x:record", "-:2:error"]);
}

#[test]
fn a_line_without_its_number_is_that_line_s_error() {
    let input = "7\t{\"id\":\"a\",\"text\":\"Năm 2021, huyện Lục Nam kết nạp 95 đảng viên.\"}\n{\"id\":\"b\",\"text\":\"x\"}\n\n";
    let out = run_stdin(&["--numbered", "--stdin-name", "c.jsonl"], input);
    assert_eq!(out.status.code(), Some(0));
    let got = lines(&out);
    assert_eq!(docs(&got), ["a:record", "c.jsonl:2:error"]);
    assert!(
        got[1].contains("line 2 of the input has no number"),
        "{}",
        got[1]
    );
}

#[test]
fn numbered_and_stdin_name_need_stdin_jsonl() {
    for flag in [&["--numbered"][..], &["--stdin-name", "c.jsonl"][..]] {
        let out = chiso()
            .args(["extract", "samples"])
            .args(flag)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("--stdin-jsonl"), "{stderr}");
    }
}
