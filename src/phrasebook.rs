//! The phrasebook: short texts with the figures a careful reader takes from them (or none).
//! `rules/phrasebook/*.txt` and each plugin's `phrasebook/*.txt`; the format is in
//! `rules/phrasebook/README.md`. `chiso test` and `cargo test` run every entry.
//!
//! An expectation line is `=> indicator value[/total] [qualifier]`, optionally followed by
//! `| period FROM[-TO]` and `| province NAME`, `| district NAME`, `| commune NAME` (`-` for
//! none), which are then checked too; `=> nothing` expects no figure.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::Document;
use crate::number::Qualifier;
use crate::record::Record;
use crate::ruleset::Ruleset;

/// One entry: a text (one document) and what it must give.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub file: PathBuf,
    /// 1-based line of the entry's first text line.
    pub line: usize,
    pub text: String,
    /// Empty: the entry expects no figure.
    pub expect: Vec<Expect>,
}

/// One expected figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub indicator: String,
    pub value: f64,
    pub total: Option<f64>,
    pub qualifier: Qualifier,
    /// `Some(None)`: the figure must have no period.
    pub period: Option<Option<(Option<i32>, Option<i32>)>>,
    pub province: Option<Option<String>>,
    pub district: Option<Option<String>>,
    pub commune: Option<Option<String>>,
}

impl Expect {
    fn matches(&self, r: &Record) -> bool {
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(1.0);
        let field = |want: &Option<Option<String>>, got: &Option<String>| {
            want.as_ref().is_none_or(|w| w == got)
        };
        r.indicator == self.indicator
            && same(r.value, self.value)
            && match (self.total, r.total) {
                (None, None) => true,
                (Some(a), Some(b)) => same(a, b),
                _ => false,
            }
            && r.qualifier == self.qualifier
            && self
                .period
                .as_ref()
                .is_none_or(|p| *p == r.period.map(|p| (p.from, p.to)))
            && field(&self.province, &r.locality.province)
            && field(&self.district, &r.locality.district)
            && field(&self.commune, &r.locality.commune)
    }
}

impl std::fmt::Display for Expect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.indicator,
            crate::record::format_number(self.value)
        )?;
        if let Some(t) = self.total {
            write!(f, "/{}", crate::record::format_number(t))?;
        }
        if self.qualifier != Qualifier::Exact {
            write!(f, " {}", self.qualifier.as_str())?;
        }
        if let Some(p) = &self.period {
            match p {
                None => write!(f, " | period -")?,
                Some((a, b)) => {
                    let y = |v: &Option<i32>| v.map_or("?".into(), |v| v.to_string());
                    write!(f, " | period {}-{}", y(a), y(b))?
                }
            }
        }
        for (k, v) in [
            ("province", &self.province),
            ("district", &self.district),
            ("commune", &self.commune),
        ] {
            if let Some(v) = v {
                write!(f, " | {k} {}", v.as_deref().unwrap_or("-"))?;
            }
        }
        Ok(())
    }
}

/// An entry that did not give what it expects.
#[derive(Debug, Clone)]
pub struct Failure {
    pub entry: Entry,
    pub missing: Vec<Expect>,
    /// Figures chiso gave that the entry does not list: "indicator value … «quote» (rule)".
    pub unexpected: Vec<String>,
    pub error: Option<String>,
}

/// Parse a phrasebook file. Every malformed line is a diagnostic at its line.
pub fn parse(path: &Path, source: &str) -> Result<Vec<Entry>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut entries = Vec::new();
    let mut text: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut expect: Vec<Expect> = Vec::new();
    let mut nothing = false;
    // A `=>` line that did not parse (already reported): the entry needs no second error.
    let mut bad = false;
    let mut flush = |text: &mut Vec<&str>,
                     expect: &mut Vec<Expect>,
                     nothing: &mut bool,
                     bad: &mut bool,
                     start: usize,
                     diags: &mut Diagnostics| {
        if !text.is_empty() {
            if expect.is_empty() && !*nothing && !*bad {
                diags.push(
                    Diagnostic::error(path, "an entry without `=>` lines")
                        .at_offset(source, line_offset(source, start))
                        .with_hint("add `=> indicator value` lines, or `=> nothing`"),
                );
            } else {
                entries.push(Entry {
                    file: path.to_path_buf(),
                    line: start,
                    text: text.join("\n"),
                    expect: std::mem::take(expect),
                });
            }
        }
        text.clear();
        expect.clear();
        *nothing = false;
        *bad = false;
    };
    for (i, raw) in source.lines().enumerate() {
        let line = raw.trim_end();
        let n = i + 1;
        if line.trim_start().starts_with('#') {
            continue;
        }
        if line.trim().is_empty() {
            flush(
                &mut text,
                &mut expect,
                &mut nothing,
                &mut bad,
                start,
                &mut diags,
            );
            continue;
        }
        if let Some(rest) = line.trim_start().strip_prefix("=>") {
            let at = line_offset(source, n);
            if text.is_empty() {
                diags.push(Diagnostic::error(path, "`=>` before any text").at_offset(source, at));
                continue;
            }
            if rest.trim() == "nothing" {
                if !expect.is_empty() {
                    diags.push(
                        Diagnostic::error(path, "`=> nothing` beside other expectations")
                            .at_offset(source, at),
                    );
                }
                nothing = true;
                continue;
            }
            if nothing {
                diags.push(
                    Diagnostic::error(path, "`=> nothing` beside other expectations")
                        .at_offset(source, at),
                );
                continue;
            }
            match parse_expect(rest) {
                Ok(e) => expect.push(e),
                Err(msg) => {
                    diags.push(
                        Diagnostic::error(path, msg)
                            .at_offset(source, at)
                            .with_hint("`=> indicator value[/total] [at_least|at_most|approx]`"),
                    );
                    bad = true;
                }
            }
            continue;
        }
        if !expect.is_empty() || nothing || bad {
            diags.push(
                Diagnostic::error(path, "text after the `=>` lines of an entry")
                    .at_offset(source, line_offset(source, n))
                    .with_hint("separate entries with a blank line"),
            );
            continue;
        }
        if text.is_empty() {
            start = n;
        }
        text.push(line.trim());
    }
    flush(
        &mut text,
        &mut expect,
        &mut nothing,
        &mut bad,
        start,
        &mut diags,
    );
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(entries)
    }
}

/// The byte offset of 1-based line `n` of `source`.
fn line_offset(source: &str, n: usize) -> usize {
    source
        .split_inclusive('\n')
        .take(n.saturating_sub(1))
        .map(str::len)
        .sum()
}

fn parse_expect(text: &str) -> Result<Expect, String> {
    let mut parts = text.split('|');
    let head = parts.next().unwrap_or("").trim();
    let words: Vec<&str> = head.split_whitespace().collect();
    let (indicator, figure) = match words.as_slice() {
        [i, f, ..] => (*i, *f),
        _ => return Err(format!("expected `indicator value`, got {head:?}")),
    };
    let num = |s: &str| -> Result<f64, String> {
        s.parse::<f64>()
            .map_err(|_| format!("{s:?} is not a plain number (write 36700, 97.3)"))
    };
    let (value, total) = match figure.split_once('/') {
        Some((v, t)) => (num(v)?, Some(num(t)?)),
        None => (num(figure)?, None),
    };
    let qualifier = match words.get(2).copied() {
        None | Some("exact") => Qualifier::Exact,
        Some("at_least") => Qualifier::AtLeast,
        Some("at_most") => Qualifier::AtMost,
        Some("approx") => Qualifier::Approx,
        Some(q) => return Err(format!("unknown qualifier {q:?}")),
    };
    if words.len() > 3 {
        return Err(format!("unexpected words after the qualifier in {head:?}"));
    }
    let mut e = Expect {
        indicator: indicator.to_string(),
        value,
        total,
        qualifier,
        period: None,
        province: None,
        district: None,
        commune: None,
    };
    for part in parts {
        let part = part.trim();
        let (key, val) = part.split_once(' ').unwrap_or((part, ""));
        let val = val.trim();
        let name = (val != "-").then(|| val.to_string());
        match key {
            "period" => {
                e.period = Some(if val == "-" {
                    None
                } else {
                    let year = |s: &str| -> Result<Option<i32>, String> {
                        if s == "?" {
                            Ok(None)
                        } else {
                            s.parse().map(Some).map_err(|_| format!("bad year {s:?}"))
                        }
                    };
                    match val.split_once('-') {
                        Some((a, b)) => Some((year(a)?, year(b)?)),
                        None => Some((year(val)?, year(val)?)),
                    }
                });
            }
            "province" => e.province = Some(name),
            "district" => e.district = Some(name),
            "commune" => e.commune = Some(name),
            _ => {
                return Err(format!(
                    "unknown attribute {key:?} (period, province, district, commune)"
                ))
            }
        }
    }
    Ok(e)
}

/// The phrasebook files a ruleset carries: the core ones, then each plugin's.
pub fn files(rs: &Ruleset) -> Vec<PathBuf> {
    let mut dirs = vec![rs.rules_dir.join("phrasebook")];
    dirs.extend(rs.plugins.iter().map(|p| p.dir.join("phrasebook")));
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// Run one entry.
pub fn check(rs: &Ruleset, entry: &Entry) -> Option<Failure> {
    let id = format!(
        "{}:{}",
        entry
            .file
            .file_name()
            .map_or(String::new(), |n| n.to_string_lossy().into_owned()),
        entry.line
    );
    let doc = Document::from_text(id, &entry.text);
    let records = match crate::extract::extract(rs, &doc) {
        Ok(r) => r,
        Err(e) => {
            return Some(Failure {
                entry: entry.clone(),
                missing: entry.expect.clone(),
                unexpected: Vec::new(),
                error: Some(e.to_string()),
            })
        }
    };
    let mut left: Vec<&Record> = records.iter().collect();
    let mut missing = Vec::new();
    for e in &entry.expect {
        match left.iter().position(|r| e.matches(r)) {
            Some(i) => {
                left.remove(i);
            }
            None => missing.push(e.clone()),
        }
    }
    if missing.is_empty() && left.is_empty() {
        return None;
    }
    let unexpected = left
        .iter()
        .map(|r| {
            let mut s = format!("{} {}", r.indicator, crate::record::format_number(r.value));
            if let Some(t) = r.total {
                s.push_str(&format!("/{}", crate::record::format_number(t)));
            }
            if r.qualifier != Qualifier::Exact {
                s.push_str(&format!(" {}", r.qualifier.as_str()));
            }
            if let Some(p) = r.period {
                let y = |v: Option<i32>| v.map_or("?".into(), |v| v.to_string());
                s.push_str(&format!(" | period {}-{}", y(p.from), y(p.to)));
            }
            s.push_str(&format!(" «{}» ({}, {:.2})", r.quote, r.rule, r.confidence));
            s
        })
        .collect();
    Some(Failure {
        entry: entry.clone(),
        missing,
        unexpected,
        error: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_reports_bad_lines() {
        let src = "# c\nKết nạp 12 đảng viên.\n=> new_party_members 12\n\nPhấn đấu 5 xã.\n=> nothing\n\nHai dòng\nmột văn bản\n=> ntm_communes 4/19 at_least | period 2021 | district Tân Yên\n";
        let e = parse(Path::new("x.txt"), src).unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].line, 2);
        assert_eq!(e[1].expect, vec![]);
        assert_eq!(e[2].text, "Hai dòng\nmột văn bản");
        let x = &e[2].expect[0];
        assert_eq!(
            (x.value, x.total, x.qualifier),
            (4.0, Some(19.0), Qualifier::AtLeast)
        );
        assert_eq!(x.period, Some(Some((Some(2021), Some(2021)))));
        assert_eq!(x.district, Some(Some("Tân Yên".into())));
        let bad = "Text\n=> new_party_members 1.234,5\n\nMore\n\n=> nothing\n";
        let d = parse(Path::new("x.txt"), bad).unwrap_err();
        assert_eq!(d.errors().count(), 3, "{d:?}");
    }
}
