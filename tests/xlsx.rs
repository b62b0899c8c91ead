//! `--format xlsx`, read back with an independent reader (calamine): typed cells, the
//! Records sheet against the JSONL of the same run, the pivot's shape, failed documents, and
//! the same bytes from run to run.

mod common;

use std::path::Path;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};
use common::{chiso, write};

fn extract_xlsx(args: &[&str], out: &Path) -> std::process::Output {
    chiso()
        .arg("extract")
        .args(args)
        .args(["-f", "xlsx", "-q", "-o"])
        .arg(out)
        .output()
        .unwrap()
}

fn sheets(path: &Path) -> (Vec<String>, Xlsx<std::io::BufReader<std::fs::File>>) {
    let wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (wb.sheet_names(), wb)
}

fn range(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>, name: &str) -> Range<Data> {
    wb.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn number(cell: &Data) -> Option<f64> {
    match cell {
        Data::Float(v) => Some(*v),
        Data::Int(v) => Some(*v as f64),
        _ => None,
    }
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, found {other:?}"),
    }
}

#[test]
fn the_workbook_holds_every_record_with_typed_cells() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chiso.xlsx");
    let out = extract_xlsx(&["samples"], &path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "stdout is for data; -o took it");

    let jsonl = chiso().args(["extract", "samples", "-q"]).output().unwrap();
    let records: Vec<serde_json::Value> = String::from_utf8(jsonl.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.len() >= 40);

    let (names, mut wb) = sheets(&path);
    assert_eq!(names, ["Records", "Pivot", "Errors", "Run"]);

    // Records: the CSV's columns with the label beside the indicator, one row per record.
    let sheet = range(&mut wb, "Records");
    assert_eq!(sheet.start(), Some((0, 0)));
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(text).collect();
    let mut expected: Vec<String> = chiso::output::CSV_HEADER
        .iter()
        .map(|h| h.to_string())
        .collect();
    expected.insert(2, "label".to_string());
    assert_eq!(header, expected);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(
        sheet.height(),
        records.len() + 1,
        "header + one row per record"
    );

    let rs = common::bundled();
    for (row, rec) in sheet.rows().skip(1).zip(&records) {
        assert_eq!(text(&row[col("doc")]), rec["doc"].as_str().unwrap());
        let id = rec["indicator"].as_str().unwrap();
        assert_eq!(text(&row[col("indicator")]), id);
        assert_eq!(
            text(&row[col("label")]),
            rs.catalog.get(id).unwrap().label,
            "the catalogue's Vietnamese label"
        );
        // Numbers are numeric cells, equal to the JSONL's.
        let value = number(&row[col("value")]).expect("value is a number cell");
        assert_eq!(value, rec["value"].as_f64().unwrap());
        match rec["total"].as_f64() {
            Some(t) => assert_eq!(number(&row[col("total")]), Some(t)),
            None => assert_eq!(row[col("total")], Data::Empty),
        }
        let conf = number(&row[col("confidence")]).expect("confidence is a number cell");
        assert!((conf - rec["confidence"].as_f64().unwrap()).abs() < 1e-12);
        assert_eq!(
            number(&row[col("span_start")]),
            rec["span"][0].as_f64(),
            "offsets are numbers"
        );
        assert_eq!(number(&row[col("span_end")]), rec["span"][1].as_f64());
        for (column, side) in [("period_from", "from"), ("period_to", "to")] {
            let year = rec["period"].get(side).and_then(|y| y.as_f64());
            assert_eq!(number(&row[col(column)]), year, "{column} is a number");
        }
        assert_eq!(text(&row[col("unit")]), rec["unit"].as_str().unwrap());
        assert_eq!(
            text(&row[col("qualifier")]),
            rec["qualifier"].as_str().unwrap()
        );
        assert_eq!(text(&row[col("quote")]), rec["quote"].as_str().unwrap());
        let province = rec["locality"]["province"].as_str().unwrap_or("");
        assert_eq!(text(&row[col("province")]), province);
    }

    // Pivot: label, province, district, indicator, unit; then a value and a count per period.
    let pivot = range(&mut wb, "Pivot");
    let header: Vec<String> = pivot.rows().next().unwrap().iter().map(text).collect();
    assert_eq!(
        &header[..5],
        ["label", "province", "district", "indicator", "unit"]
    );
    let periods = &header[5..];
    assert!(!periods.is_empty() && periods.len() % 2 == 0, "{header:?}");
    let (values, counts) = periods.split_at(periods.len() / 2);
    for (v, c) in values.iter().zip(counts) {
        assert_eq!(c, &format!("figures {v}"));
    }
    assert!(values.iter().any(|v| v == "no period"), "{values:?}");
    let mut figures = 0.0;
    for row in pivot.rows().skip(1) {
        assert!(!text(&row[0]).is_empty(), "every row has its label");
        for (v, c) in row[5..5 + values.len()]
            .iter()
            .zip(&row[5 + values.len()..])
        {
            match number(c) {
                Some(n) => {
                    assert!(n >= 1.0);
                    figures += n;
                    assert!(number(v).is_some(), "a count has its value");
                }
                None => assert_eq!(*v, Data::Empty),
            }
        }
    }
    assert_eq!(figures as usize, records.len(), "every record counted once");
    let rows: std::collections::BTreeSet<(String, String, String)> = records
        .iter()
        .map(|r| {
            let s = |k: &str| r["locality"][k].as_str().unwrap_or("").to_string();
            (
                r["indicator"].as_str().unwrap().to_string(),
                s("province"),
                s("district"),
            )
        })
        .collect();
    assert_eq!(pivot.height(), rows.len() + 1);

    // Errors: none here, but the sheet is there with its header.
    let errors = range(&mut wb, "Errors");
    assert_eq!(errors.height(), 1);

    // Run: the version and the counts, no date.
    let run = range(&mut wb, "Run");
    let item = |name: &str| {
        run.rows()
            .find(|r| text(&r[0]) == name)
            .unwrap_or_else(|| panic!("Run has no {name}"))[1]
            .clone()
    };
    assert_eq!(text(&item("chiso")), env!("CARGO_PKG_VERSION"));
    assert_eq!(number(&item("records")), Some(records.len() as f64));
    assert_eq!(number(&item("documents failed")), Some(0.0));
}

#[test]
fn same_input_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
    assert!(extract_xlsx(&["samples", "-j", "1"], &a).status.success());
    assert!(extract_xlsx(&["samples", "-j", "2"], &b).status.success());
    let a = std::fs::read(a).unwrap();
    assert_eq!(a, std::fs::read(b).unwrap());
    assert!(a.starts_with(b"PK\x03\x04"));
    // No date but a fixed one: every zip entry and the document properties say 1980-01-01.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).unwrap();
        let t = entry.last_modified().unwrap_or_default();
        assert_eq!(
            (
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute(),
                t.second()
            ),
            (1980, 1, 1, 0, 0, 0),
            "{}",
            entry.name()
        );
    }
    let mut core = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("docProps/core.xml").unwrap(), &mut core)
        .unwrap();
    for date in ["<dcterms:created", "<dcterms:modified"] {
        let at = core.find(date).unwrap_or_else(|| panic!("{core}"));
        assert!(core[at..].contains("1980-01-01T00:00:00Z"), "{core}");
    }
    assert!(core.contains("<dc:creator>chiso "), "{core}");
    // To a pipe or a redirect, the same workbook as -o writes.
    let out = chiso()
        .args(["extract", "samples", "-f", "xlsx", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, a);
}

#[test]
fn failed_documents_are_listed_in_the_errors_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("docs");
    std::fs::create_dir(&d).unwrap();
    std::fs::copy("samples/002_f2f3efdb097cd65c.txt", d.join("good.txt")).unwrap();
    std::fs::write(
        d.join("binary.txt"),
        b"\x00\x01\x02PK\x03\x04\x00\x00\x00\x00",
    )
    .unwrap();
    let path = dir.path().join("out.xlsx");
    let d = d.to_str().unwrap();

    let out = extract_xlsx(&[d], &path);
    assert_eq!(out.status.code(), Some(1), "a failed document → exit 1");
    let (_, mut wb) = sheets(&path);
    let errors = range(&mut wb, "Errors");
    assert_eq!(errors.height(), 2);
    let row: Vec<String> = errors.rows().nth(1).unwrap().iter().map(text).collect();
    assert!(row[0].ends_with("binary.txt"), "{row:?}");
    assert!(!row[1].is_empty());
    assert!(
        range(&mut wb, "Records").height() > 1,
        "the good document's records"
    );

    // With --errors-as-records the failures are part of the output: exit 0.
    let out = extract_xlsx(&[d, "--errors-as-records"], &path);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn resume_is_refused_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.xlsx");
    let out = extract_xlsx(&["samples", "--resume"], &path);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--resume") && err.contains("xlsx"), "{err}");
    assert!(err.contains("r.xlsx"), "{err}");
    assert!(!path.exists());
}

#[test]
fn text_that_xml_cannot_hold_survives() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("a&b <c>.txt");
    write(
        &doc,
        "Đảng bộ huyện Bắc Mê, tỉnh Hà Giang kết nạp 125 đảng viên mới trong năm 2023.\n",
    );
    let path = dir.path().join("out.xlsx");
    let out = extract_xlsx(&[doc.to_str().unwrap()], &path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, mut wb) = sheets(&path);
    let records = range(&mut wb, "Records");
    assert!(records.height() > 1);
    let doc = text(&records.rows().nth(1).unwrap()[0]);
    assert!(doc.ends_with("a&b <c>.txt"), "{doc}");
}
