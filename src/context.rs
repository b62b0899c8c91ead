//! Who and when: the locality and period attached to each figure, each with where it came
//! from.
//!
//! **Locality.** Units named in the text ("huyện Lạng Giang", "Quận ủy Lê Chân", "Tỉnh ủy
//! Bắc Giang", a dateline "BẮC GIANG –", "xã Nghĩa Hưng") are found and resolved through the
//! gazetteer. The document's subject is the applying plugin's province (or the most-named
//! province) and the most-named district. The province follows from the district when the
//! text never names it (Vĩnh Tường → Vĩnh Phúc). A district name that exists in several
//! provinces is resolved from the document's other mentions, or left without a province
//! rather than guessed. A figure's own sentence can override the subject: a district or
//! commune named before it in its clause, a list item ("Nghĩa Hưng (8/8)", set by a script),
//! or "toàn tỉnh", which lifts it to the province.
//!
//! **Period.** The years a figure's clause states (or a period phrase that opens its
//! sentence): "Năm 2021", "năm qua", "6 tháng đầu năm 2018", "quý III/2014",
//! "02 năm (2020 - 2021)", "từ năm 2020 đến nay" (to = the document's year), "từ đầu nhiệm kỳ
//! đến nay" (from = the current term's first year), "giai đoạn 2021 - 2025", "nhiệm kỳ
//! 2015-2020". Null when nothing says; never invented.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use crate::document::Document;
use crate::gazetteer::{Gazetteer, Level};
use crate::plugin::Plugin;
use crate::record::{Locality, Period};

/// Where a figure's locality came from: a reason, and the words in the text (if any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct LocalitySource {
    pub reason: String,
    /// Byte range in the document text of the decisive mention.
    #[serde(skip)]
    pub bytes: Option<Range<usize>>,
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?-u:\b)|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+((?:19|20)\d{2})")
        .expect("date regex")
});
static TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)nhiệm kỳ\s+((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})").expect("term regex")
});
/// A unit named with its type word, or a party committee of a unit.
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<kind>(?i:tỉnh\s+(?:ủy|uỷ)|thành\s+(?:ủy|uỷ)|huyện\s+(?:ủy|uỷ)|quận\s+(?:ủy|uỷ)|thị\s+(?:ủy|uỷ)|",
        r"tỉnh|thành phố|tp\.|tp|huyện|quận|thị xã|tx\.|thị trấn|xã|phường))",
        r"(?:\s+|(?-u:\b))(?P<name>\p{Lu}[\p{L}\p{M}]*(?:\.\p{Lu}+)?(?:[ \-–]+\p{Lu}[\p{L}\p{M}]*){0,4}|\d{1,2}(?-u:\b))"
    ))
    .expect("mention regex")
});
/// A dateline: a line opening with a place in capitals and a dash ("BẮC GIANG – …").
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(?P<name>\p{Lu}[\p{Lu} .]{1,40}?)\s*[–-]\s").expect("dateline regex")
});
static PROVINCE_WIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:toàn tỉnh|trên địa bàn tỉnh|toàn thành phố|trên địa bàn thành phố|ngành [^,;.]{0,40} tỉnh)")
        .expect("province regex")
});

/// Period phrases, tried in order on the figure's clause; the nearest match of the first form
/// that matches wins.
static PERIODS: LazyLock<Vec<(Regex, PeriodForm)>> = LazyLock::new(|| {
    let y = r"((?:19|20)\d{2})";
    let r = |s: String| Regex::new(&s).expect("period regex");
    vec![
        (
            r(format!(r"(?i)(?-u:\b)năm\s*\(\s*{y}\s*[-–]\s*{y}\s*\)")),
            PeriodForm::Range,
        ),
        (
            r(format!(
                r"(?i)(?:giai đoạn|thời kỳ)\s+(?:từ\s+)?(?:năm\s+)?{y}\s*(?:[-–]|đến)\s*(?:năm\s+)?{y}"
            )),
            PeriodForm::Range,
        ),
        (
            r(format!(
                r"(?i)(?-u:\b)từ\s+(?:đầu\s+)?(?:năm\s+)?{y}\s+(?:đến|tới)\s+nay"
            )),
            PeriodForm::SinceUntilNow,
        ),
        (
            r(
                r"(?i)(?-u:\b)từ\s+đầu\s+nhiệm kỳ(?:\s+[^,;.]{0,40}?)?\s+(?:đến|tới)\s+nay"
                    .to_string(),
            ),
            PeriodForm::TermUntilNow,
        ),
        (
            r(format!(
                r"(?i)(?:bầu cử[^;.]{{0,120}}?)nhiệm kỳ\s+{y}\s*[-–]\s*{y}"
            )),
            PeriodForm::ElectionYear,
        ),
        (
            r(format!(r"(?i)nhiệm kỳ\s+{y}\s*[-–]\s*{y}")),
            PeriodForm::Range,
        ),
        (
            r(format!(r"(?i)quý\s+(?:[IV]+|[1-4])\s*(?:[/-]|năm)\s*{y}")),
            PeriodForm::Year,
        ),
        (
            r(format!(r"(?i)tháng\s+\d{{1,2}}\s*[/-]\s*{y}")),
            PeriodForm::Year,
        ),
        (
            r(format!(
                r"(?i)(?:^|[^\p{{L}}])(?:trong\s+)?năm\s+{y}(?-u:\b)"
            )),
            PeriodForm::Year,
        ),
        (
            r(r"(?i)(?-u:\b)(\d{1,2})\s+năm\s+(?:vừa\s+)?qua".to_string()),
            PeriodForm::LastYears,
        ),
        (
            r(
                r"(?i)(?:năm\s+(?:qua|nay)|trong\s+năm|tháng\s+đầu\s+năm|cuối\s+năm)(?:[^\p{L}]|$)"
                    .to_string(),
            ),
            PeriodForm::ThisYear,
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
    /// "02 năm qua": the N years up to the document's.
    LastYears,
    /// "năm qua", "trong năm": the document's year.
    ThisYear,
}

/// A unit named in the text, resolved through the gazetteer.
#[derive(Debug, Clone)]
struct Mention {
    level: Level,
    name: String,
    /// Provinces the name can belong to (one when unambiguous).
    provinces: Vec<String>,
    /// For a commune: districts it can belong to, with their province.
    districts: Vec<(String, String)>,
    bytes: Range<usize>,
    dateline: bool,
}

/// What the whole document says about place and time.
#[derive(Debug, Clone, Default)]
pub struct DocContext {
    /// The year of the document's date (dateline, byline, metadata), if it shows one.
    pub year: Option<i32>,
    /// The first year of the party congress term the document talks about.
    pub term_start: Option<i32>,
    /// The document's subject unit, and where it came from.
    pub locality: Locality,
    pub source: LocalitySource,
    mentions: Vec<Mention>,
}

impl DocContext {
    pub fn new(doc: &Document, plugins: &[&Plugin], gazetteer: Option<&Gazetteer>) -> DocContext {
        let year = document_year(doc);
        let mut terms: BTreeMap<i32, usize> = BTreeMap::new();
        for c in TERM.captures_iter(&doc.text) {
            if let Ok(a) = c[1].parse::<i32>() {
                *terms.entry(a).or_default() += 1;
            }
        }
        // Party congress terms start in years divisible by five (2015, 2020, 2025); other
        // terms (village heads', assemblies') are not "the term". The latest congress term
        // named that has started by the document's year is the current one.
        let term_start = terms
            .keys()
            .copied()
            .filter(|y| y % 5 == 0 && year.is_none_or(|d| *y <= d))
            .max();

        let mentions = gazetteer
            .map(|g| find_mentions(&doc.text, g))
            .unwrap_or_default();
        let (locality, source) = subject(doc, plugins, &mentions);
        DocContext {
            year,
            term_start,
            locality,
            source,
            mentions,
        }
    }

    /// The locality of a figure at `span` in `sentence` (byte ranges of the document text).
    pub fn locality_for(
        &self,
        text: &str,
        sentence: Range<usize>,
        clause: Range<usize>,
        span: &Range<usize>,
    ) -> (Locality, LocalitySource) {
        let subject = &self.locality;
        let before_in = |r: &Range<usize>| -> Vec<&Mention> {
            self.mentions
                .iter()
                .filter(|m| m.bytes.start >= r.start && m.bytes.end <= span.start)
                .collect()
        };
        if let Some(w) = PROVINCE_WIDE.find(&text[sentence.clone()]) {
            // "toàn tỉnh", "toàn thành phố": the province named in the sentence, or the subject's.
            let named_province = before_in(&sentence)
                .into_iter()
                .rev()
                .find(|m| m.level == Level::Province);
            let loc = Locality {
                province: named_province
                    .map(|m| m.name.clone())
                    .or_else(|| subject.province.clone()),
                district: None,
                commune: None,
            };
            let bytes = sentence.start + w.start()..sentence.start + w.end();
            return (
                loc,
                LocalitySource {
                    reason: format!("«{}» lifts it to the province", w.as_str()),
                    bytes: Some(bytes),
                },
            );
        }
        // The nearest unit named before the figure in its clause overrides the subject; units
        // named beside it (or the subject) tell which of its namesakes it is.
        let in_clause = before_in(&clause);
        for (i, m) in in_clause.iter().enumerate().rev() {
            let province_ctx = in_clause[..i]
                .iter()
                .rev()
                .find(|e| e.level == Level::Province)
                .map(|e| e.name.clone())
                .or_else(|| subject.province.clone());
            match m.level {
                Level::Province => {
                    let loc = Locality {
                        province: Some(m.name.clone()),
                        district: None,
                        commune: None,
                    };
                    return (
                        loc,
                        named(
                            &m.bytes,
                            text,
                            "province named before the figure in its clause",
                        ),
                    );
                }
                Level::District => {
                    let province = resolve_province(&m.provinces, province_ctx.as_deref());
                    // "xã Tân Lập, huyện Đan Phượng": the commune right before, inside this district.
                    if let Some(prev) = i.checked_sub(1).map(|j| in_clause[j]) {
                        let gap = &text[prev.bytes.end.min(m.bytes.start)..m.bytes.start];
                        if prev.level == Level::Commune
                            && gap.trim_matches([',', ' ', '(', '-', '–']).is_empty()
                        {
                            let inside: Vec<&(String, String)> = prev
                                .districts
                                .iter()
                                .filter(|(d, p)| {
                                    *d == m.name && province.as_deref().is_none_or(|x| x == p)
                                })
                                .collect();
                            if let [(d, p)] = inside.as_slice() {
                                let loc = Locality {
                                    province: Some(p.clone()),
                                    district: Some(d.clone()),
                                    commune: Some(prev.name.clone()),
                                };
                                let bytes = prev.bytes.start..m.bytes.end;
                                return (
                                    loc,
                                    named(
                                        &bytes,
                                        text,
                                        "commune and district named before the figure",
                                    ),
                                );
                            }
                        }
                    }
                    let why = if province.is_none() && m.provinces.len() > 1 {
                        "district named before the figure (in several provinces: province left open)"
                    } else {
                        "district named before the figure in its clause"
                    };
                    let loc = Locality {
                        province,
                        district: Some(m.name.clone()),
                        commune: None,
                    };
                    return (loc, named(&m.bytes, text, why));
                }
                Level::Commune => {
                    let district_ctx = in_clause[..i]
                        .iter()
                        .rev()
                        .find(|e| e.level == Level::District)
                        .map(|e| e.name.clone())
                        .or_else(|| subject.district.clone());
                    let fits = |district: Option<&str>| -> Vec<&(String, String)> {
                        m.districts
                            .iter()
                            .filter(|(d, p)| {
                                district.is_none_or(|x| x == d)
                                    && province_ctx.as_deref().is_none_or(|x| x == p)
                            })
                            .collect()
                    };
                    let fit = match (
                        fits(district_ctx.as_deref()).as_slice(),
                        fits(None).as_slice(),
                    ) {
                        ([one], _) | ([], [one]) => Some((*one).clone()),
                        _ => None,
                    };
                    if let Some((d, p)) = fit {
                        let loc = Locality {
                            province: Some(p),
                            district: Some(d),
                            commune: Some(m.name.clone()),
                        };
                        return (
                            loc,
                            named(
                                &m.bytes,
                                text,
                                "commune named before the figure in its clause",
                            ),
                        );
                    }
                }
            }
        }
        (subject.clone(), self.source.clone())
    }

    /// The period a clause states for a figure at `at` (byte offset inside `clause`); when the
    /// clause says nothing, a period phrase opening the sentence ("Năm 2022, …") governs it.
    pub fn period_for(&self, clause: &str, at: usize, sentence_opening: &str) -> Option<Period> {
        self.period_in(clause, at).or_else(|| {
            let opening = sentence_opening.split(',').next().unwrap_or("");
            if opening.len() < sentence_opening.len() && opening.chars().count() <= 40 {
                self.period_in(opening, 0)
            } else {
                None
            }
        })
    }

    fn period_in(&self, clause: &str, at: usize) -> Option<Period> {
        for (re, form) in PERIODS.iter() {
            let mut found: Vec<regex::Captures> = re.captures_iter(clause).collect();
            found.sort_by_key(|c| c.get(0).map_or(usize::MAX, |m| distance(m.range(), at)));
            for c in found {
                let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i32>().ok());
                let m = c.get(0).expect("group 0");
                let period = match form {
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
                        let before = clause[..m.start()].trim_end();
                        if ["đến", "vào", "tới"].iter().any(|w| before.ends_with(w)) {
                            continue;
                        }
                        let y = c
                            .iter()
                            .skip(1)
                            .flatten()
                            .find_map(|g| g.as_str().parse::<i32>().ok());
                        Some(Period { from: y, to: y })
                    }
                    PeriodForm::LastYears => match (num(1), self.year) {
                        (Some(n), Some(y)) if (1..=10).contains(&n) => Some(Period {
                            from: Some(y - n + 1),
                            to: Some(y),
                        }),
                        _ => None,
                    },
                    PeriodForm::ThisYear => self.year.map(|y| Period {
                        from: Some(y),
                        to: Some(y),
                    }),
                };
                if period.is_some() {
                    return period;
                }
            }
        }
        None
    }
}

/// Which of a district name's provinces it is: the one in context, the only one, or unknown.
fn resolve_province(candidates: &[String], context: Option<&str>) -> Option<String> {
    match context {
        Some(c) if candidates.iter().any(|p| p == c) => Some(c.to_string()),
        _ if candidates.len() == 1 => Some(candidates[0].clone()),
        _ => None,
    }
}

fn named(bytes: &Range<usize>, text: &str, why: &str) -> LocalitySource {
    LocalitySource {
        reason: format!("{why}: «{}»", &text[bytes.clone()]),
        bytes: Some(bytes.clone()),
    }
}

/// The year of the document's date: a date near its start or end (dateline, byline), or its
/// metadata (`date`, `year`).
pub fn document_year(doc: &Document) -> Option<i32> {
    let text = &doc.text;
    let head_end = text.char_indices().nth(1500).map_or(text.len(), |(i, _)| i);
    let tail_start = text
        .char_indices()
        .rev()
        .nth(600)
        .map_or(0, |(i, _)| i)
        .max(head_end);
    let year_of = |c: regex::Captures| {
        c.get(3)
            .or(c.get(4))
            .and_then(|m| m.as_str().parse::<i32>().ok())
    };
    // The first date of a stretch, passing over historical ones ("kỷ niệm 110 năm ngày thành
    // lập tỉnh (12/7/1907 - 12/7/2017)"): a date decades before the stretch's latest is history.
    let first_recent = |stretch: &str| {
        let years: Vec<i32> = DATE.captures_iter(stretch).filter_map(year_of).collect();
        let latest = years.iter().copied().max()?;
        years.into_iter().find(|y| *y >= latest - 3)
    };
    first_recent(&text[..head_end])
        .or_else(|| first_recent(&text[tail_start..]))
        .or_else(|| {
            ["date", "year", "published"]
                .iter()
                .filter_map(|k| doc.meta.get(*k))
                .find_map(|v| {
                    v.get(..4)
                        .and_then(|y| y.parse().ok())
                        .filter(|y| (1900..2100).contains(y))
                })
        })
}

fn find_mentions(text: &str, g: &Gazetteer) -> Vec<Mention> {
    let mut out = Vec::new();
    for c in DATELINE.captures_iter(text) {
        let m = c.name("name").expect("name group");
        if let Some(p) = g.provinces(m.as_str().trim()).first() {
            out.push(Mention {
                level: Level::Province,
                name: p.name.clone(),
                provinces: vec![p.name.clone()],
                districts: Vec::new(),
                bytes: m.range(),
                dateline: true,
            });
        }
    }
    for c in MENTION.captures_iter(text) {
        let kind = c
            .name("kind")
            .expect("kind group")
            .as_str()
            .to_lowercase()
            .replace("uỷ", "ủy");
        // A party committee names its unit: "Huyện ủy X" is huyện X.
        let kind = match kind
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str()
        {
            "tỉnh ủy" => "tỉnh".to_string(),
            "thành ủy" => "thành phố".to_string(),
            "huyện ủy" => "huyện".to_string(),
            "quận ủy" => "quận".to_string(),
            "thị ủy" => "thị xã".to_string(),
            "tx." => "thị xã".to_string(),
            k => k.to_string(),
        };
        let name_m = c.name("name").expect("name group");
        let whole = c.get(0).expect("group 0");
        // The longest run of capitalised words that names a unit ("huyện Lạng Giang Trần Văn A").
        let words: Vec<&str> = name_m.as_str().split(' ').collect();
        let province_level = kind.starts_with("tỉnh") || kind.starts_with("thành");
        let district_level = ["huyện", "quận", "thị", "thành phố", "tp"]
            .iter()
            .any(|k| kind.starts_with(k))
            && kind != "thị trấn";
        for n in (1..=words.len()).rev() {
            let name = words[..n].join(" ");
            let end = name_m.start() + name.len();
            let bytes = whole.start()..end;
            if province_level {
                if let Some(p) = g.provinces(&name).first() {
                    out.push(Mention {
                        level: Level::Province,
                        name: p.name.clone(),
                        provinces: vec![p.name.clone()],
                        districts: Vec::new(),
                        bytes,
                        dateline: false,
                    });
                    break;
                }
            }
            if district_level || kind.starts_with("thành phố") || kind.starts_with("tp") {
                let units = g.districts(&format!("{kind} {name}"), None);
                if !units.is_empty() {
                    let mut provinces: Vec<String> =
                        units.iter().map(|u| u.province.clone()).collect();
                    provinces.dedup();
                    out.push(Mention {
                        level: Level::District,
                        name: units[0].name.clone(),
                        provinces,
                        districts: Vec::new(),
                        bytes,
                        dateline: false,
                    });
                    break;
                }
            }
            if !province_level && !district_level {
                let units = g.communes(&format!("{kind} {name}"), None, None);
                if !units.is_empty() {
                    let districts = units
                        .iter()
                        .filter_map(|u| u.district.clone().map(|d| (d, u.province.clone())))
                        .collect();
                    out.push(Mention {
                        level: Level::Commune,
                        name: units[0].name.clone(),
                        provinces: Vec::new(),
                        districts,
                        bytes,
                        dateline: false,
                    });
                    break;
                }
            }
        }
    }
    out.sort_by_key(|m| m.bytes.start);
    out
}

/// The document's subject unit and where it came from.
fn subject(
    doc: &Document,
    plugins: &[&Plugin],
    mentions: &[Mention],
) -> (Locality, LocalitySource) {
    let title_end = doc.text.find('\n').unwrap_or(doc.text.len());
    let weight = |m: &Mention| {
        if m.bytes.start < title_end || m.dateline {
            3
        } else {
            1
        }
    };
    // Province: the applying plugin's, else the most-named (datelines and the title weigh more).
    let mut source = LocalitySource::default();
    let mut province = plugins
        .iter()
        .find_map(|p| p.province.clone().map(|pr| (pr, p.name.clone())));
    if let Some((_, plugin)) = &province {
        source.reason = format!("the province of plugin {plugin}");
    } else {
        let mut votes: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (i, m) in mentions
            .iter()
            .enumerate()
            .filter(|(_, m)| m.level == Level::Province)
        {
            let e = votes.entry(m.name.as_str()).or_insert((0, usize::MAX - i));
            e.0 += weight(m);
        }
        if let Some((name, _)) = votes.into_iter().max_by_key(|(_, v)| *v) {
            let m = mentions
                .iter()
                .find(|m| m.level == Level::Province && m.name == name)
                .expect("voted");
            source = named(&m.bytes, &doc.text, "the province the document names most");
            province = Some((name.to_string(), String::new()));
        }
    }
    let province = province.map(|(p, _)| p);
    // District: the most-named one that fits the province (or any, when it is unknown).
    let mut votes: BTreeMap<&str, (usize, usize, Vec<String>)> = BTreeMap::new();
    for (i, m) in mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| m.level == Level::District)
    {
        let fits: Vec<String> = m
            .provinces
            .iter()
            .filter(|p| province.as_deref().is_none_or(|x| x == p.as_str()))
            .cloned()
            .collect();
        if fits.is_empty() {
            continue;
        }
        let e = votes
            .entry(m.name.as_str())
            .or_insert((0, usize::MAX - i, fits));
        e.0 += weight(m);
    }
    let mut locality = Locality {
        province: province.clone(),
        district: None,
        commune: None,
    };
    if let Some((name, (_, _, fits))) = votes.into_iter().max_by_key(|(_, v)| (v.0, v.1)) {
        let m = mentions
            .iter()
            .find(|m| m.level == Level::District && m.name == name)
            .expect("voted");
        locality.district = Some(name.to_string());
        if province.is_none() {
            if let [only] = fits.as_slice() {
                locality.province = Some(only.clone());
                source = named(
                    &m.bytes,
                    &doc.text,
                    "the district the document names most; its province from the gazetteer",
                );
            } else {
                source = named(&m.bytes, &doc.text, "the district the document names most (in several provinces: province left open)");
            }
        } else {
            let reason = format!("{}; the district it names most", source.reason);
            source = LocalitySource {
                reason,
                bytes: Some(m.bytes.clone()),
            };
        }
    }
    if locality.province.is_none() && locality.district.is_none() {
        source.reason = "no unit named".into();
    }
    (locality, source)
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
    let rel = span.start.saturating_sub(sentence.start).min(s.len());
    let rel_end = span.end.saturating_sub(sentence.start).clamp(rel, s.len());
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

    fn period(c: &DocContext, s: &str) -> Option<Period> {
        c.period_for(s, s.find("12").unwrap_or(0), s)
    }

    fn p(from: i32, to: i32) -> Option<Period> {
        Some(Period {
            from: Some(from),
            to: Some(to),
        })
    }

    #[test]
    fn period_forms() {
        let c = ctx(Some(2022), Some(2020));
        assert_eq!(period(&c, "Năm 2019 kết nạp 12 đảng viên"), p(2019, 2019));
        assert_eq!(
            period(&c, "6 tháng đầu năm 2018, toàn tỉnh kết nạp 12 đảng viên"),
            p(2018, 2018)
        );
        assert_eq!(
            period(&c, "quý III/2014 thành lập 12 chi bộ"),
            p(2014, 2014)
        );
        assert_eq!(
            period(&c, "vốn huy động trong 02 năm (2018 - 2019) đạt 12 tỷ"),
            p(2018, 2019)
        );
        assert_eq!(
            period(&c, "từ năm 2020 đến nay, thành lập 12 chi bộ"),
            p(2020, 2022)
        );
        assert_eq!(
            period(&c, "từ đầu nhiệm kỳ đến nay có 12 hội nghị"),
            p(2020, 2022)
        );
        assert_eq!(
            period(&c, "giai đoạn 2016 - 2020, huyện có 12 xã đạt chuẩn"),
            p(2016, 2020)
        );
        assert_eq!(
            period(&c, "nhân sự cấp ủy nhiệm kỳ 2015-2020 có 12% nữ"),
            p(2015, 2020)
        );
        assert_eq!(
            period(&c, "trong năm qua kết nạp 12 đảng viên"),
            p(2022, 2022)
        );
        assert_eq!(
            period(&c, "02 năm vừa qua thành lập được 12 chi bộ"),
            p(2021, 2022)
        );
        assert_eq!(
            period(&c, "tháng 5/2021 khen thưởng 12 tập thể"),
            p(2021, 2021)
        );
        assert_eq!(period(&c, "phấn đấu đến năm 2025 có 12 xã"), None);
        assert_eq!(period(&c, "có 12 chi bộ"), None);
    }

    #[test]
    fn until_now_without_a_document_date_leaves_to_open() {
        let c = ctx(None, Some(2020));
        assert_eq!(
            period(&c, "từ đầu nhiệm kỳ đến nay có 12 hội nghị"),
            Some(Period {
                from: Some(2020),
                to: None
            })
        );
        assert_eq!(
            period(&c, "trong năm qua kết nạp 12 đảng viên"),
            None,
            "never invented"
        );
        assert_eq!(period(&c, "02 năm vừa qua thành lập được 12 chi bộ"), None);
    }

    #[test]
    fn a_period_opening_the_sentence_governs_its_clauses() {
        let c = ctx(None, None);
        let s = "Năm 2023, huyện kết nạp 90 đảng viên; thành lập 12 chi bộ trong doanh nghiệp.";
        let clause = "thành lập 12 chi bộ trong doanh nghiệp.";
        assert_eq!(
            c.period_for(clause, clause.find("12").unwrap(), s),
            p(2023, 2023)
        );
        let s = "Huyện kết nạp 90 đảng viên năm 2023; thành lập 12 chi bộ.";
        assert_eq!(c.period_for("thành lập 12 chi bộ.", 10, s), None);
    }
}
