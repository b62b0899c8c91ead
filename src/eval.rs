//! Scoring against a gold file (JSON Lines of records a careful reader found): precision
//! and recall on (doc, indicator, value, total), and, among matched figures, how often
//! locality and period agree.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::record::{Locality, Period, Record};

#[derive(Debug, Clone, Deserialize)]
pub struct GoldRecord {
    pub doc: String,
    pub indicator: String,
    pub value: f64,
    #[serde(default)]
    pub total: Option<f64>,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub locality: Option<Locality>,
    #[serde(default)]
    pub quote: String,
}

/// The matching key: values compared to 1e-6 so 97.3 equals 97.30000001.
type Key = (String, String, i64, Option<i64>);

fn key(doc: &str, indicator: &str, value: f64, total: Option<f64>) -> Key {
    let q = |v: f64| (v * 1e6).round() as i64;
    (
        doc.to_string(),
        indicator.to_string(),
        q(value),
        total.map(q),
    )
}

#[derive(Debug, Default, Clone)]
pub struct Score {
    pub true_positives: usize,
    pub false_positives: Vec<String>,
    pub false_negatives: Vec<String>,
    pub locality_agree: usize,
    pub period_agree: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives.len(),
        )
    }
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives.len(),
        )
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    pub fn render(&self) -> String {
        let mut s = format!(
            "matched {} | precision {:.3} | recall {:.3} | F1 {:.3} | district+commune agree {:.3} | period agrees {:.3}\n",
            self.true_positives,
            self.precision(),
            self.recall(),
            self.f1(),
            ratio(self.locality_agree, self.true_positives),
            ratio(self.period_agree, self.true_positives),
        );
        for (title, list) in [
            ("false positives", &self.false_positives),
            ("missed", &self.false_negatives),
        ] {
            if !list.is_empty() {
                s.push_str(&format!("{title} ({}):\n", list.len()));
                for l in list {
                    s.push_str(&format!("  {l}\n"));
                }
            }
        }
        s
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

pub fn load_gold(path: &Path) -> Result<Vec<GoldRecord>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_jsonl(path, &text)
}

/// JSON Lines into values; blank lines are skipped, a bad line is an error at its line.
pub fn parse_jsonl<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<Vec<T>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// Compare records with gold. Only documents present in `docs` are scored (so a gold file
/// may cover more documents than one run reads).
pub fn score(gold: &[GoldRecord], got: &[Record], docs: &[String]) -> Score {
    let mut pool: BTreeMap<Key, Vec<&GoldRecord>> = BTreeMap::new();
    for g in gold.iter().filter(|g| docs.contains(&g.doc)) {
        pool.entry(key(&g.doc, &g.indicator, g.value, g.total))
            .or_default()
            .push(g);
    }
    let mut s = Score::default();
    for r in got {
        let k = key(&r.doc, &r.indicator, r.value, r.total);
        match pool.get_mut(&k).and_then(Vec::pop) {
            Some(g) => {
                s.true_positives += 1;
                let gl = g.locality.clone().unwrap_or_default();
                if gl.district == r.locality.district && gl.commune == r.locality.commune {
                    s.locality_agree += 1;
                }
                if g.period == r.period {
                    s.period_agree += 1;
                }
            }
            None => s.false_positives.push(format!(
                "{} {} = {} «{}»",
                r.doc,
                r.indicator,
                show(r.value, r.total),
                r.quote
            )),
        }
    }
    for list in pool.values() {
        for g in list {
            s.false_negatives.push(format!(
                "{} {} = {} «{}»",
                g.doc,
                g.indicator,
                show(g.value, g.total),
                g.quote
            ));
        }
    }
    s.false_negatives.sort();
    s
}

fn show(v: f64, t: Option<f64>) -> String {
    let v = crate::record::format_number(v);
    match t {
        Some(t) => format!("{v}/{}", crate::record::format_number(t)),
        None => v,
    }
}
