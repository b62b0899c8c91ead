//! The review report: one self-contained HTML file (no network: its style, script and data are
//! inline) in which an analyst checks figures by eye before publishing them.
//!
//! It holds a pivot of indicator × locality × year whose cells lead to their evidence, a bar
//! chart per indicator across localities and years (inline SVG), every figure with its quote
//! highlighted inside its paragraph and where its period and locality came from, filters, the
//! documents that failed or were skipped, and the run's settings.
//!
//! Records come from a run (`chiso extract --report`) or from a JSONL output read back
//! (`chiso report`); the documents are read again for the paragraphs. The page is built in
//! the browser from one JSON object embedded in it, so that 20,000 figures stay responsive:
//! the figures are drawn a page at a time, and paragraphs shared by figures are stored once.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::document::Document;
use crate::record::Record;

/// Paragraphs longer than this (bytes) are cut to a window around the figure.
const LONGEST_PARAGRAPH: usize = 1500;
/// How much of a long paragraph is kept on each side of the figure (bytes, about).
const WINDOW: usize = 500;

/// A record as the report reads it: the fields of chiso's JSONL output that it shows.
#[derive(Debug, Deserialize)]
struct RecordIn {
    doc: String,
    indicator: String,
    value: f64,
    #[serde(default)]
    total: Option<f64>,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    qualifier: String,
    #[serde(default)]
    period: Option<PeriodIn>,
    #[serde(default)]
    locality: LocalityIn,
    #[serde(default)]
    span: Option<[usize; 2]>,
    #[serde(default)]
    quote: String,
    #[serde(default)]
    plugin: String,
    #[serde(default)]
    rule: String,
    #[serde(default)]
    confidence: f64,
    #[serde(default)]
    locality_source: SourceIn,
    #[serde(default)]
    period_source: SourceIn,
}

#[derive(Debug, Default, Deserialize)]
struct PeriodIn {
    from: Option<i32>,
    to: Option<i32>,
}

#[derive(Debug, Default, Deserialize)]
struct LocalityIn {
    province: Option<String>,
    district: Option<String>,
    commune: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct SourceIn {
    #[serde(default)]
    reason: String,
}

/// One figure on the page. Short keys: the page may carry tens of thousands of them.
#[derive(Debug, Serialize)]
struct Figure {
    /// The document's index in `docs`.
    d: usize,
    i: String,
    v: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    t: Option<f64>,
    u: String,
    q: String,
    /// Period: from, to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pf: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pt: Option<i32>,
    /// Province, district, commune ("" when not known).
    pr: String,
    di: String,
    co: String,
    /// The exact words.
    w: String,
    /// Its paragraph: (index in `paras`, start, end of the quote in UTF-16 units), when the
    /// document could be read again and still says the same words there.
    #[serde(skip_serializing_if = "Option::is_none")]
    x: Option<(usize, usize, usize)>,
    r: String,
    p: String,
    c: f64,
    /// Why this locality, why this period.
    ls: String,
    ps: String,
    /// Character span in the document.
    s: [usize; 2],
}

#[derive(Debug, Default, Serialize)]
struct Doc {
    id: String,
    title: String,
    date: String,
    outlet: String,
}

#[derive(Debug, Serialize)]
struct Label {
    label: String,
    unit: String,
    kind: String,
}

/// What the page's script receives.
#[derive(Serialize)]
struct Data<'a> {
    figures: &'a [Figure],
    docs: &'a [Doc],
    paras: &'a [String],
    indicators: BTreeMap<&'a str, Label>,
}

/// A report being put together: records, then the documents' text, then HTML.
#[derive(Debug, Default)]
pub struct Report {
    title: String,
    figures: Vec<Figure>,
    docs: Vec<Doc>,
    doc_index: HashMap<String, usize>,
    /// For each document, its figures.
    doc_figures: Vec<Vec<usize>>,
    paras: Vec<String>,
    para_index: HashMap<String, usize>,
    failed: Vec<(String, String)>,
    skipped: Vec<(String, String)>,
    settings: Vec<(String, String)>,
    /// Documents whose text no longer says what their records quote.
    changed: Vec<String>,
}

impl Report {
    pub fn new(title: impl Into<String>) -> Report {
        Report {
            title: title.into(),
            ..Report::default()
        }
    }

    /// A setting of the run, shown in the report's "Run" section.
    pub fn setting(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.settings.push((key.into(), value.into()));
    }

    /// A document that could not be read or extracted.
    pub fn failed(&mut self, doc: impl Into<String>, why: impl Into<String>) {
        self.failed.push((doc.into(), why.into()));
    }

    /// A path passed over (not a document chiso reads, or not found).
    pub fn skipped(&mut self, doc: impl Into<String>, why: impl Into<String>) {
        self.skipped.push((doc.into(), why.into()));
    }

    pub fn add_record(&mut self, record: &Record) {
        let value = serde_json::to_value(record).expect("a record serialises");
        let record: RecordIn = serde_json::from_value(value).expect("a record reads back");
        self.add(record);
    }

    /// One line of chiso's JSONL output: a record, or a failed document's error record.
    /// `Err` says why the line is not one.
    pub fn add_json_line(&mut self, line: &str) -> Result<(), String> {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
        if let (Some(doc), Some(error)) = (
            value.get("doc").and_then(|d| d.as_str()),
            value.get("error").and_then(|e| e.as_str()),
        ) {
            self.failed(doc, error);
            return Ok(());
        }
        let record: RecordIn =
            serde_json::from_value(value).map_err(|e| format!("not a chiso record: {e}"))?;
        self.add(record);
        Ok(())
    }

    fn add(&mut self, r: RecordIn) {
        let d = match self.doc_index.get(&r.doc) {
            Some(&d) => d,
            None => {
                let d = self.docs.len();
                self.doc_index.insert(r.doc.clone(), d);
                self.docs.push(Doc {
                    id: r.doc.clone(),
                    ..Doc::default()
                });
                self.doc_figures.push(Vec::new());
                d
            }
        };
        self.doc_figures[d].push(self.figures.len());
        let period = r.period.unwrap_or_default();
        self.figures.push(Figure {
            d,
            i: r.indicator,
            v: r.value,
            t: r.total,
            u: r.unit,
            q: r.qualifier,
            pf: period.from,
            pt: period.to,
            pr: r.locality.province.unwrap_or_default(),
            di: r.locality.district.unwrap_or_default(),
            co: r.locality.commune.unwrap_or_default(),
            w: r.quote,
            x: None,
            r: r.rule,
            p: r.plugin,
            c: r.confidence,
            ls: r.locality_source.reason,
            ps: r.period_source.reason,
            s: r.span.unwrap_or_default(),
        });
    }

    pub fn figures(&self) -> usize {
        self.figures.len()
    }

    /// The documents the report holds figures of, whose text is wanted.
    pub fn documents(&self) -> impl Iterator<Item = &str> {
        self.docs.iter().map(|d| d.id.as_str())
    }

    /// Documents whose text was not found again or no longer says what the records quote.
    pub fn without_text(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.changed.iter().map(String::as_str).collect();
        out.extend(
            self.docs
                .iter()
                .zip(&self.doc_figures)
                .filter(|(d, figs)| {
                    !self.changed.contains(&d.id)
                        && figs.iter().all(|&f| self.figures[f].x.is_none())
                })
                .map(|(d, _)| d.id.as_str()),
        );
        out
    }

    /// A document read again: its title, date and outlet, and each figure's paragraph.
    pub fn attach(&mut self, doc: &Document) {
        let Some(&d) = self.doc_index.get(&doc.id) else {
            return;
        };
        let meta = |k: &str| doc.meta.get(k).cloned().unwrap_or_default();
        let title = doc
            .meta
            .get("title")
            .cloned()
            .unwrap_or_else(|| doc.title().to_string());
        self.docs[d].title = shorten(&title, 200);
        self.docs[d].date = meta("date");
        self.docs[d].outlet = ["source", "outlet", "site"]
            .iter()
            .find_map(|k| doc.meta.get(*k).cloned())
            .unwrap_or_default();
        // Character offsets → byte offsets, for this document's figures only.
        let bytes: Vec<usize> = doc
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain(std::iter::once(doc.text.len()))
            .collect();
        let mut changed = false;
        for k in 0..self.doc_figures[d].len() {
            let f = self.doc_figures[d][k];
            let [s, e] = self.figures[f].s;
            let (Some(&b0), Some(&b1)) = (bytes.get(s), bytes.get(e)) else {
                changed = true;
                continue;
            };
            if b0 > b1 || doc.text[b0..b1] != self.figures[f].w {
                changed = true;
                continue;
            }
            let (para, start, end) = paragraph(&doc.text, b0, b1);
            let at = match self.para_index.get(&para) {
                Some(&at) => at,
                None => {
                    self.paras.push(para.clone());
                    self.para_index.insert(para, self.paras.len() - 1);
                    self.paras.len() - 1
                }
            };
            self.figures[f].x = Some((at, start, end));
        }
        if changed {
            self.changed.push(doc.id.clone());
        }
    }

    /// The whole page.
    pub fn write_html(&self, catalog: &Catalog, out: &mut dyn Write) -> io::Result<()> {
        let indicators = catalog
            .iter()
            .map(|i| {
                (
                    i.id.as_str(),
                    Label {
                        label: i.label.clone(),
                        unit: i.unit.clone(),
                        kind: i.kind.as_str().to_string(),
                    },
                )
            })
            .collect();
        let data = Data {
            figures: &self.figures,
            docs: &self.docs,
            paras: &self.paras,
            indicators,
        };
        let json = serde_json::to_string(&data).map_err(io::Error::other)?;
        let title = if self.title.is_empty() {
            "chiso".to_string()
        } else {
            format!("chiso — {}", self.title)
        };
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"chiso {}\">\n<title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n",
            env!("CARGO_PKG_VERSION"),
            escape(&title),
            include_str!("report.css")
        )?;
        writeln!(out, "<header><h1>{}</h1>", escape(&title))?;
        let located = self.figures.iter().filter(|f| f.x.is_some()).count();
        writeln!(
            out,
            "<p class=\"counts\">{} số liệu từ {} văn bản · {} văn bản lỗi · {} bỏ qua · {} số liệu có đoạn văn gốc</p></header>",
            self.figures.len(),
            self.docs.len(),
            self.failed.len(),
            self.skipped.len(),
            located
        )?;
        writeln!(
            out,
            "<noscript><p class=\"warn\">Báo cáo cần JavaScript để vẽ bảng và biểu đồ (The report needs JavaScript).</p></noscript>"
        )?;
        out.write_all(include_str!("body.html").as_bytes())?;
        self.write_run(out)?;
        // `</` cannot appear inside the script element: JSON escapes it as `<\/`.
        let json = json.replace("</", "<\\/");
        writeln!(
            out,
            "<script id=\"chiso-data\" type=\"application/json\">{json}</script>"
        )?;
        writeln!(out, "<script>\n{}</script>", include_str!("report.js"))?;
        writeln!(out, "</body>\n</html>")
    }

    /// Failed and skipped documents, documents without text, and the run's settings.
    fn write_run(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "<section id=\"run\"><h2>Lượt chạy <small>(run)</small></h2>"
        )?;
        let lists = [
            ("failed", "Văn bản lỗi (failed)", &self.failed),
            ("skipped", "Bỏ qua (skipped)", &self.skipped),
        ];
        for (id, heading, list) in lists {
            writeln!(
                out,
                "<h3>{heading}: {}</h3><ul id=\"{id}\" class=\"reasons\">",
                list.len()
            )?;
            for (doc, why) in list.iter() {
                writeln!(
                    out,
                    "<li><code>{}</code>: {}</li>",
                    escape(doc),
                    escape(why)
                )?;
            }
            writeln!(out, "</ul>")?;
        }
        let without = self.without_text();
        if !without.is_empty() {
            writeln!(
                out,
                "<h3>Không đọc lại được đoạn văn (paragraphs not shown): {}</h3><ul class=\"reasons\">",
                without.len()
            )?;
            for doc in without {
                let why = if self.changed.iter().any(|c| c == doc) {
                    "the document no longer says what its records quote (changed since the run?)"
                } else {
                    "the document was not given or could not be read again"
                };
                writeln!(out, "<li><code>{}</code>: {why}</li>", escape(doc))?;
            }
            writeln!(out, "</ul>")?;
        }
        writeln!(out, "<h3>Cài đặt (settings)</h3><table id=\"settings\">")?;
        for (k, v) in &self.settings {
            writeln!(
                out,
                "<tr><th>{}</th><td><code>{}</code></td></tr>",
                escape(k),
                escape(v)
            )?;
        }
        writeln!(out, "</table></section>")
    }
}

/// The paragraph (line) holding bytes `b0..b1`, cut to a window around them when long; with
/// the figure's place in it in UTF-16 units, as the page's script counts.
fn paragraph(text: &str, b0: usize, b1: usize) -> (String, usize, usize) {
    let mut start = text[..b0].rfind('\n').map_or(0, |i| i + 1);
    let mut end = text[b1..].find('\n').map_or(text.len(), |i| b1 + i);
    let mut before = "";
    let mut after = "";
    if end - start > LONGEST_PARAGRAPH {
        if b0 - start > WINDOW {
            start = floor_char(text, b0 - WINDOW);
            before = "… ";
        }
        if end - b1 > WINDOW {
            end = floor_char(text, b1 + WINDOW);
            after = " …";
        }
    }
    let lead = text[start..b0].trim_start();
    let tail = text[b1..end].trim_end();
    let para = format!("{before}{lead}{}{tail}{after}", &text[b0..b1]);
    let s = before.encode_utf16().count() + lead.encode_utf16().count();
    let e = s + text[b0..b1].encode_utf16().count();
    (para, s, e)
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn shorten(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((b, _)) => format!("{}…", &s[..b]),
        None => s.to_string(),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paragraph_is_the_line_and_the_quote_is_found_in_utf16_units() {
        let text = "Tiêu đề\nNăm 2023, huyện kết nạp 120 đảng viên mới. Câu sau.\nĐoạn khác";
        let b0 = text.find("120").unwrap();
        let b1 = b0 + "120 đảng viên".len();
        let (para, s, e) = paragraph(text, b0, b1);
        assert_eq!(para, "Năm 2023, huyện kết nạp 120 đảng viên mới. Câu sau.");
        let units: Vec<u16> = para.encode_utf16().collect();
        assert_eq!(String::from_utf16(&units[s..e]).unwrap(), "120 đảng viên");
    }

    #[test]
    fn a_long_paragraph_is_cut_around_the_figure() {
        let filler = "chữ ".repeat(800);
        let text = format!("{filler}kết nạp 7 đảng viên{filler}");
        let b0 = text.find("7 đảng").unwrap();
        let (para, s, e) = paragraph(&text, b0, b0 + "7 đảng viên".len());
        assert!(para.len() < 1200, "{}", para.len());
        assert!(para.starts_with("… ") && para.ends_with(" …"));
        let units: Vec<u16> = para.encode_utf16().collect();
        assert_eq!(String::from_utf16(&units[s..e]).unwrap(), "7 đảng viên");
    }

    #[test]
    fn records_are_placed_in_their_paragraph_and_changed_documents_are_named() {
        let text = "Báo cáo\nNăm 2023 kết nạp 120 đảng viên mới.";
        let quote = "120 đảng viên";
        let start = text[..text.find(quote).unwrap()].chars().count();
        let line = format!(
            r#"{{"doc":"a.txt","indicator":"new_party_members","value":120,"unit":"person","qualifier":"exact","period":{{"from":2023,"to":2023}},"locality":{{"province":"Hà Giang"}},"span":[{start},{}],"quote":"{quote}","plugin":"core","rule":"r","confidence":0.9}}"#,
            start + quote.chars().count()
        );
        let mut report = Report::new("test");
        report.add_json_line(&line).unwrap();
        report
            .add_json_line(r#"{"doc":"b.txt","error":"not UTF-8"}"#)
            .unwrap();
        assert!(report.add_json_line("{\"doc\": 1}").is_err());
        assert_eq!(report.documents().collect::<Vec<_>>(), ["a.txt"]);
        report.attach(&Document::from_text("a.txt", text));
        assert_eq!(report.figures[0].x, Some((0, 17, 17 + 13)));
        assert_eq!(report.docs[0].title, "Báo cáo");
        assert!(report.without_text().is_empty());
        assert_eq!(report.failed, [("b.txt".into(), "not UTF-8".into())]);

        let mut changed = Report::new("test");
        changed.add_json_line(&line).unwrap();
        changed.attach(&Document::from_text("a.txt", "Báo cáo\nđã sửa"));
        assert_eq!(changed.without_text(), ["a.txt"]);
    }

    #[test]
    fn the_page_is_self_contained_and_its_data_cannot_close_the_script() {
        let mut report = Report::new("x");
        report.failed("</script><b>", "why");
        report
            .add_json_line(r#"{"doc":"</script>","indicator":"i","value":1,"quote":"</script>"}"#)
            .unwrap();
        let catalog = Catalog::parse(
            std::path::Path::new("i.toml"),
            "[[indicator]]\nid = \"i\"\nlabel = \"Nhãn\"\nkind = \"count\"\nunit = \"person\"\n",
        )
        .unwrap();
        let mut html = Vec::new();
        report.write_html(&catalog, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert_eq!(
            html.matches("</script>").count(),
            2,
            "only the two script ends"
        );
        assert!(!html.contains("http://") && !html.contains("https://"));
        assert!(!html.contains("src=") && !html.contains("<link"));
        assert!(html.contains("&lt;/script&gt;&lt;b&gt;"));
        assert!(html.contains("\"label\":\"Nhãn\""));
    }
}
