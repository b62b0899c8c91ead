//! Who and when: the locality and period attached to each figure.
//!
//! Locality: the document's subject unit (the applying plugin's province; the district most
//! named as "huyện/quận/thị xã … X"), overridden by a district named in the figure's own
//! sentence, or lifted to the province by "toàn tỉnh". Period: the years the figure's clause
//! states ("Năm 2021", "02 năm (2020 - 2021)", "từ năm 2020 đến nay", "từ đầu nhiệm kỳ đến
//! nay", "nhiệm kỳ 2015-2020", "giai đoạn 2021 - 2025"), never invented.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::document::Document;
use crate::plugin::Plugin;
use crate::record::{Locality, Period};

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?-u:\b)").expect("date regex")
});
static TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)nhiệm kỳ\s+((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})").expect("term regex")
});
static DISTRICT_MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:[Hh]uyện|[Qq]uận|[Tt]hị xã)(?:\s+(?:ủy|uỷ))?\s+(\p{Lu}\p{Ll}+(?:\s\p{Lu}\p{Ll}+){0,2})")
        .expect("district regex")
});
static PROVINCE_WIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:toàn tỉnh|trên địa bàn tỉnh|toàn thành phố|ngành [^,;.]{0,40} tỉnh)(?-u:\b)",
    )
    .expect("province regex")
});

/// Period phrases, tried in order on the figure's clause; the nearest match wins.
static PERIODS: LazyLock<Vec<(Regex, PeriodForm)>> = LazyLock::new(|| {
    let y = r"((?:19|20)\d{2})";
    vec![
        (
            Regex::new(&format!(r"(?i)(?-u:\b)năm\s*\(\s*{y}\s*[-–]\s*{y}\s*\)")).unwrap(),
            PeriodForm::Range,
        ),
        (
            Regex::new(&format!(r"(?i)(?:giai đoạn|thời kỳ)\s+{y}\s*[-–]\s*{y}")).unwrap(),
            PeriodForm::Range,
        ),
        (
            Regex::new(&format!(
                r"(?i)(?-u:\b)từ\s+(?:đầu\s+)?năm\s+{y}\s+(?:đến|tới)\s+nay"
            ))
            .unwrap(),
            PeriodForm::SinceUntilNow,
        ),
        (
            Regex::new(r"(?i)(?-u:\b)từ\s+đầu\s+nhiệm kỳ(?:\s+[^,;.]{0,40}?)?\s+(?:đến|tới)\s+nay")
                .unwrap(),
            PeriodForm::TermUntilNow,
        ),
        (
            Regex::new(&format!(
                r"(?i)(?:bầu cử[^;.]{{0,120}}?)nhiệm kỳ\s+{y}\s*[-–]\s*{y}"
            ))
            .unwrap(),
            PeriodForm::ElectionYear,
        ),
        (
            Regex::new(&format!(r"(?i)nhiệm kỳ\s+{y}\s*[-–]\s*{y}")).unwrap(),
            PeriodForm::Range,
        ),
        (
            Regex::new(&format!(
                r"(?i)(?:^|[^\p{{L}}])(?:trong\s+)?năm\s+{y}(?-u:\b)"
            ))
            .unwrap(),
            PeriodForm::Year,
        ),
    ]
});

#[derive(Clone, Copy)]
enum PeriodForm {
    Range,
    SinceUntilNow,
    TermUntilNow,
    ElectionYear,
    Year,
}

/// What the whole document says about place and time.
#[derive(Debug, Clone, Default)]
pub struct DocContext {
    /// The year of the document's date (dateline, byline), if it shows one.
    pub year: Option<i32>,
    /// The first year of the party term the document talks about ("nhiệm kỳ 2020 - 2025").
    pub term_start: Option<i32>,
    /// The document's subject unit.
    pub locality: Locality,
    /// District names known for the province (from the applying plugin).
    districts: Vec<String>,
}

impl DocContext {
    pub fn new(doc: &Document, plugins: &[&Plugin]) -> DocContext {
        let head_end = doc
            .text
            .char_indices()
            .nth(1500)
            .map_or(doc.text.len(), |(i, _)| i);
        let year = DATE
            .captures(&doc.text[..head_end])
            .and_then(|c| c[3].parse().ok())
            .or_else(|| doc.meta.get("year").and_then(|y| y.parse().ok()));
        let mut terms: BTreeMap<i32, usize> = BTreeMap::new();
        for c in TERM.captures_iter(&doc.text) {
            if let Ok(a) = c[1].parse::<i32>() {
                *terms.entry(a).or_default() += 1;
            }
        }
        // Party congress terms start in years divisible by five (2015, 2020, 2025); other terms
        // (village heads', assemblies') are not "the term". The latest congress term named
        // that has started by the document's year is the current one.
        let term_start = terms
            .keys()
            .copied()
            .filter(|y| y % 5 == 0 && year.is_none_or(|d| *y <= d))
            .max();

        let province = plugins.iter().find_map(|p| p.province.clone());
        let districts: Vec<String> = plugins
            .iter()
            .find(|p| p.province.is_some())
            .map(|p| p.districts.clone())
            .unwrap_or_default();
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (i, c) in DISTRICT_MENTION.captures_iter(&doc.text).enumerate() {
            let name = c[1].to_string();
            let known = districts
                .iter()
                .find(|d| name.starts_with(d.as_str()))
                .cloned();
            let name = match (known, districts.is_empty()) {
                (Some(d), _) => d,
                (None, true) => name,
                (None, false) => continue,
            };
            let e = counts.entry(name).or_insert((0, usize::MAX - i));
            e.0 += 1;
        }
        let district = counts.into_iter().max_by_key(|(_, v)| *v).map(|(k, _)| k);
        DocContext {
            year,
            term_start,
            locality: Locality {
                province,
                district,
                commune: None,
            },
            districts,
        }
    }

    /// The locality of a figure found in `sentence`.
    pub fn locality_for(&self, sentence: &str) -> Locality {
        let mut loc = self.locality.clone();
        if PROVINCE_WIDE.is_match(sentence) {
            loc.district = None;
            return loc;
        }
        let named: Vec<String> = DISTRICT_MENTION
            .captures_iter(sentence)
            .filter_map(|c| {
                self.districts
                    .iter()
                    .find(|d| c[1].starts_with(d.as_str()))
                    .cloned()
            })
            .collect();
        if let [only] = named.as_slice() {
            loc.district = Some(only.clone());
        }
        loc
    }

    /// The period a clause states for a figure at `at` (byte offset inside `clause`).
    pub fn period_for(&self, clause: &str, at: usize) -> Option<Period> {
        for (re, form) in PERIODS.iter() {
            let best = re
                .captures_iter(clause)
                .min_by_key(|c| c.get(0).map_or(usize::MAX, |m| distance(m.range(), at)));
            let Some(c) = best else { continue };
            let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i32>().ok());
            return match form {
                PeriodForm::Range => Some(Period {
                    from: num(1),
                    to: num(2),
                }),
                PeriodForm::SinceUntilNow => Some(Period {
                    from: num(1),
                    to: self.year,
                }),
                PeriodForm::TermUntilNow => Some(Period {
                    from: self.term_start,
                    to: self.year,
                }),
                PeriodForm::ElectionYear => Some(Period {
                    from: num(1),
                    to: num(1),
                }),
                PeriodForm::Year => {
                    // "đến năm 2025" / "vào năm 2025" name a deadline, not the figure's year.
                    let m = c.get(0).expect("group 0");
                    let before = clause[..m.start()].trim_end();
                    if before.ends_with("đến") || before.ends_with("vào") || before.ends_with("tới")
                    {
                        continue;
                    }
                    Some(Period {
                        from: num(1),
                        to: num(1),
                    })
                }
            };
        }
        None
    }
}

fn distance(r: Range<usize>, at: usize) -> usize {
    if at < r.start {
        r.start - at
    } else {
        at.saturating_sub(r.end)
    }
}

/// The clause around `span` inside `sentence_range` of `text`: bounded by `;`.
pub fn clause(text: &str, sentence: Range<usize>, span: &Range<usize>) -> Range<usize> {
    let s = &text[sentence.clone()];
    let rel = span.start.saturating_sub(sentence.start);
    let rel_end = span.end.saturating_sub(sentence.start).min(s.len());
    let start = s[..rel].rfind(';').map_or(0, |i| i + 1);
    let end = s[rel_end..].find(';').map_or(s.len(), |i| rel_end + i);
    sentence.start + start..sentence.start + end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(year: Option<i32>, term: Option<i32>) -> DocContext {
        DocContext {
            year,
            term_start: term,
            ..DocContext::default()
        }
    }

    #[test]
    fn period_forms() {
        let c = ctx(Some(2022), Some(2020));
        let p = |s: &str| c.period_for(s, s.find("12").unwrap_or(0));
        assert_eq!(
            p("Năm 2019 kết nạp 12 đảng viên"),
            Some(Period {
                from: Some(2019),
                to: Some(2019)
            })
        );
        assert_eq!(
            p("vốn huy động trong 02 năm (2018 - 2019) đạt 12 tỷ"),
            Some(Period {
                from: Some(2018),
                to: Some(2019)
            })
        );
        assert_eq!(
            p("từ năm 2020 đến nay, thành lập 12 chi bộ"),
            Some(Period {
                from: Some(2020),
                to: Some(2022)
            })
        );
        assert_eq!(
            p("từ đầu nhiệm kỳ đến nay có 12 hội nghị"),
            Some(Period {
                from: Some(2020),
                to: Some(2022)
            })
        );
        assert_eq!(p("phấn đấu đến năm 2025 có 12 xã"), None);
        assert_eq!(p("có 12 chi bộ"), None);
    }
}
