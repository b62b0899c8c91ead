//! Scoring against a gold file (JSON Lines of records a careful reader found): precision
//! and recall on (doc, indicator, value, total), overall and per indicator; the false figures
//! and the misses with their quotes; confusions (the right number under another indicator,
//! or another number for the right indicator); how confidence tracks correctness; and, among
//! matched figures, how often locality and period agree.

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

fn q(v: f64) -> i64 {
    (v * 1e6).round() as i64
}

fn key(doc: &str, indicator: &str, value: f64, total: Option<f64>) -> Key {
    (
        doc.to_string(),
        indicator.to_string(),
        q(value),
        total.map(q),
    )
}

/// One figure on either side: chiso's record or the gold's.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub doc: String,
    pub indicator: String,
    pub value: f64,
    pub total: Option<f64>,
    pub quote: String,
    /// chiso's confidence (gold figures: none).
    pub confidence: Option<f64>,
}

impl Figure {
    fn of_record(r: &Record) -> Figure {
        Figure {
            doc: r.doc.clone(),
            indicator: r.indicator.to_string(),
            value: r.value,
            total: r.total,
            quote: r.quote.clone(),
            confidence: Some(r.confidence),
        }
    }

    fn of_gold(g: &GoldRecord) -> Figure {
        Figure {
            doc: g.doc.clone(),
            indicator: g.indicator.clone(),
            value: g.value,
            total: g.total,
            quote: g.quote.clone(),
            confidence: None,
        }
    }

    fn number(&self) -> String {
        show(self.value, self.total)
    }

    fn line(&self) -> String {
        let conf = self
            .confidence
            .map_or(String::new(), |c| format!(" (confidence {c:.2})"));
        format!(
            "{} {} = {} «{}»{conf}",
            self.doc,
            self.indicator,
            self.number(),
            self.quote
        )
    }
}

/// A false figure and a miss of the same document that look like one mistake.
#[derive(Debug, Clone, PartialEq)]
pub struct Confusion {
    pub gold: Figure,
    pub found: Figure,
}

/// Counts for one indicator.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub gold: usize,
    pub found: usize,
    pub matched: usize,
}

impl Tally {
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.found)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.gold)
    }
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }
}

#[derive(Debug, Default, Clone)]
pub struct Score {
    pub matched: Vec<Figure>,
    /// Records the gold does not hold.
    pub false_figures: Vec<Figure>,
    /// Gold figures no record matched.
    pub missed: Vec<Figure>,
    /// The gold's number under another indicator (`gold.indicator != found.indicator`).
    pub wrong_indicator: Vec<Confusion>,
    /// Another number for the gold's indicator in the same document (a total taken for the
    /// value, a sub-count, a rounded headline).
    pub wrong_number: Vec<Confusion>,
    pub per_indicator: BTreeMap<String, Tally>,
    pub locality_agree: usize,
    pub period_agree: usize,
}

impl Score {
    /// Among matched figures, the share whose locality agrees with the gold.
    pub fn locality_agreement(&self) -> f64 {
        ratio(self.locality_agree, self.matched.len())
    }
    /// Among matched figures, the share whose period agrees with the gold.
    pub fn period_agreement(&self) -> f64 {
        ratio(self.period_agree, self.matched.len())
    }
    pub fn true_positives(&self) -> usize {
        self.matched.len()
    }
    pub fn precision(&self) -> f64 {
        ratio(
            self.matched.len(),
            self.matched.len() + self.false_figures.len(),
        )
    }
    pub fn recall(&self) -> f64 {
        ratio(self.matched.len(), self.matched.len() + self.missed.len())
    }
    pub fn f1(&self) -> f64 {
        f1(self.precision(), self.recall())
    }

    /// The whole report: the headline, the per-indicator table, confidence bands, the
    /// confusions, the false figures and the misses that are not part of a confusion.
    pub fn render(&self) -> String {
        let n = self.matched.len();
        let mut s = format!(
            "matched {n} | precision {:.3} | recall {:.3} | F1 {:.3} | locality agrees {:.3} | period agrees {:.3}\n",
            self.precision(),
            self.recall(),
            self.f1(),
            ratio(self.locality_agree, n),
            ratio(self.period_agree, n),
        );
        s.push_str(&self.render_table());
        s.push_str(&self.render_confidence());
        let confused: Vec<&Confusion> = self
            .wrong_indicator
            .iter()
            .chain(&self.wrong_number)
            .collect();
        for (title, list) in [
            (
                "wrong indicator (gold says A, chiso said B)",
                &self.wrong_indicator,
            ),
            ("wrong number (same indicator)", &self.wrong_number),
        ] {
            if !list.is_empty() {
                s.push_str(&format!("\n{title} ({}):\n", list.len()));
                for c in list {
                    s.push_str(&format!(
                        "  {} gold {} = {} «{}»\n  {:width$} chiso {} = {} «{}»{}\n",
                        c.gold.doc,
                        c.gold.indicator,
                        c.gold.number(),
                        c.gold.quote,
                        "",
                        c.found.indicator,
                        c.found.number(),
                        c.found.quote,
                        c.found
                            .confidence
                            .map_or(String::new(), |x| format!(" (confidence {x:.2})")),
                        width = c.gold.doc.chars().count(),
                    ));
                }
            }
        }
        for (title, list, side) in [
            ("false figures", &self.false_figures, true),
            ("missed", &self.missed, false),
        ] {
            let rest: Vec<&Figure> = list
                .iter()
                .filter(|f| {
                    !confused
                        .iter()
                        .any(|c| if side { &c.found } else { &c.gold } == *f)
                })
                .collect();
            if !rest.is_empty() {
                s.push_str(&format!("\n{title} ({}):\n", rest.len()));
                for f in rest {
                    s.push_str(&format!("  {}\n", f.line()));
                }
            }
        }
        s
    }

    fn render_table(&self) -> String {
        let width = self
            .per_indicator
            .keys()
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(9)
            .max(9);
        let mut s = format!(
            "\n{:width$}  {:>5} {:>5} {:>7}  {:>5} {:>5} {:>5}\n",
            "indicator", "gold", "found", "matched", "P", "R", "F1"
        );
        let mut total = Tally::default();
        for (ind, t) in &self.per_indicator {
            total.gold += t.gold;
            total.found += t.found;
            total.matched += t.matched;
            s.push_str(&format!(
                "{ind:width$}  {:>5} {:>5} {:>7}  {:>5.2} {:>5.2} {:>5.2}\n",
                t.gold,
                t.found,
                t.matched,
                t.precision(),
                t.recall(),
                t.f1()
            ));
        }
        s.push_str(&format!(
            "{:width$}  {:>5} {:>5} {:>7}  {:>5.2} {:>5.2} {:>5.2}\n",
            "all",
            total.gold,
            total.found,
            total.matched,
            total.precision(),
            total.recall(),
            total.f1()
        ));
        s
    }

    /// Found and matched per band of confidence: where a `--min-confidence` would cut.
    fn render_confidence(&self) -> String {
        let bands = [0.0, 0.5, 0.6, 0.7, 0.8, 0.9];
        let band = |c: f64| bands.iter().rposition(|b| c >= *b).unwrap_or(0);
        let mut found = [0usize; 6];
        let mut matched = [0usize; 6];
        for f in self.matched.iter().chain(&self.false_figures) {
            found[band(f.confidence.unwrap_or(0.0))] += 1;
        }
        for f in &self.matched {
            matched[band(f.confidence.unwrap_or(0.0))] += 1;
        }
        let mut s = String::from("\nconfidence   found matched  precision\n");
        for (i, b) in bands.iter().enumerate() {
            if found[i] == 0 {
                continue;
            }
            let upper = bands.get(i + 1).copied().unwrap_or(1.0);
            s.push_str(&format!(
                "{b:.1}–{upper:.1}  {:>7} {:>7}  {:>9.2}\n",
                found[i],
                matched[i],
                ratio(matched[i], found[i])
            ));
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

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
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
    let mut s = Score::default();
    for g in gold.iter().filter(|g| docs.contains(&g.doc)) {
        pool.entry(key(&g.doc, &g.indicator, g.value, g.total))
            .or_default()
            .push(g);
        s.per_indicator.entry(g.indicator.clone()).or_default().gold += 1;
    }
    for r in got {
        let t = s.per_indicator.entry(r.indicator.to_string()).or_default();
        t.found += 1;
        let k = key(&r.doc, &r.indicator, r.value, r.total);
        match pool.get_mut(&k).and_then(Vec::pop) {
            Some(g) => {
                t.matched += 1;
                s.matched.push(Figure::of_record(r));
                let gl = g.locality.clone().unwrap_or_default();
                if gl == r.locality {
                    s.locality_agree += 1;
                }
                if g.period == r.period {
                    s.period_agree += 1;
                }
            }
            None => s.false_figures.push(Figure::of_record(r)),
        }
    }
    s.missed = pool
        .values()
        .flatten()
        .map(|g| Figure::of_gold(g))
        .collect();
    s.missed
        .sort_by(|a, b| (&a.doc, &a.indicator).cmp(&(&b.doc, &b.indicator)));
    // Pair each miss with at most one false figure of its document: the same number under
    // another indicator first, then another number of the same indicator.
    let mut used = vec![false; s.false_figures.len()];
    for g in &s.missed {
        let same_number = |f: &Figure| {
            f.doc == g.doc
                && f.indicator != g.indicator
                && q(f.value) == q(g.value)
                && f.total.map(q) == g.total.map(q)
        };
        let same_indicator = |f: &Figure| f.doc == g.doc && f.indicator == g.indicator;
        for (test, list) in [
            (
                &same_number as &dyn Fn(&Figure) -> bool,
                &mut s.wrong_indicator,
            ),
            (&same_indicator, &mut s.wrong_number),
        ] {
            if let Some(i) = (0..used.len()).find(|&i| !used[i] && test(&s.false_figures[i])) {
                used[i] = true;
                list.push(Confusion {
                    gold: g.clone(),
                    found: s.false_figures[i].clone(),
                });
                break;
            }
        }
    }
    s
}

fn show(v: f64, t: Option<f64>) -> String {
    let v = crate::record::format_number(v);
    match t {
        Some(t) => format!("{v}/{}", crate::record::format_number(t)),
        None => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(doc: &str, ind: &str, value: f64, total: Option<f64>) -> GoldRecord {
        GoldRecord {
            doc: doc.into(),
            indicator: ind.into(),
            value,
            total,
            period: None,
            locality: None,
            quote: format!("{value} gold"),
        }
    }

    fn record(doc: &str, ind: &str, value: f64, total: Option<f64>, conf: f64) -> Record {
        Record {
            doc: doc.into(),
            indicator: ind.into(),
            value,
            total,
            unit: "person".into(),
            qualifier: crate::number::Qualifier::Exact,
            period: None,
            locality: Locality::default(),
            counterpart: None,
            span: [0, 1],
            quote: format!("{value} found"),
            plugin: String::new(),
            rule: "r".into(),
            confidence: conf,
            locality_source: Default::default(),
            period_source: Default::default(),
            source_span: [0, 1],
        }
    }

    #[test]
    fn tables_confusions_and_bands() {
        let g = vec![
            gold("a", "new_party_members", 120.0, None),
            gold("a", "village_heads_party_members", 77.0, Some(108.0)),
            gold("b", "ntm_communes", 12.0, None),
            gold("c", "land_donated", 500.0, None),
        ];
        let r = vec![
            record("a", "new_party_members", 120.0, None, 0.95),
            // The total taken for the value.
            record("a", "village_heads_party_members", 108.0, None, 0.6),
            // The right number, another indicator.
            record("b", "ntm_advanced_communes", 12.0, None, 0.55),
            record("d", "commended_individuals", 8.0, None, 0.52),
        ];
        let docs: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        let s = score(&g, &r, &docs);
        assert_eq!(s.true_positives(), 1);
        assert_eq!((s.false_figures.len(), s.missed.len()), (3, 3));
        assert!((s.precision() - 0.25).abs() < 1e-9);
        assert_eq!(s.wrong_indicator.len(), 1);
        assert_eq!(
            s.wrong_indicator[0].found.indicator,
            "ntm_advanced_communes"
        );
        assert_eq!(s.wrong_number.len(), 1);
        assert_eq!(s.wrong_number[0].found.value, 108.0);
        assert_eq!(
            s.per_indicator["new_party_members"],
            Tally {
                gold: 1,
                found: 1,
                matched: 1
            }
        );
        assert_eq!(s.per_indicator["land_donated"].gold, 1);
        let out = s.render();
        // The unpaired false figure and miss are listed; the paired ones only as confusions.
        assert!(
            out.contains("false figures (1):\n  d commended_individuals = 8"),
            "{out}"
        );
        assert!(out.contains("missed (1):\n  c land_donated = 500"), "{out}");
        assert!(out.contains("0.9–1.0        1       1       1.00"), "{out}");
        assert!(out.contains("0.5–0.6        2       0       0.00"), "{out}");
    }

    #[test]
    fn documents_outside_the_run_are_not_scored() {
        let g = vec![gold("z", "ntm_communes", 3.0, None)];
        let s = score(&g, &[], &["a".to_string()]);
        assert_eq!((s.missed.len(), s.recall()), (0, 1.0));
    }
}
