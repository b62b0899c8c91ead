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
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d{2})(?-u:\b)|ngày\s+\d{1,2}\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d{2})")
        .expect("date regex")
});
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:số\s+\S+|\d+[-/][\p{L}/.-]+|[-/][\p{Lu}Đ]{2,})\s*,?\s*(?:ban hành\s+)?ngày\s*$",
    )
    .expect("reference regex")
});
static TERM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)nhiệm kỳ\s+((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})").expect("term regex")
});
/// A unit named with its type word, or a party committee of a unit.
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<kind>(?i:tỉnh\s+(?:ủy|uỷ)|thành\s+(?:ủy|uỷ)|huyện\s+(?:ủy|uỷ)|quận\s+(?:ủy|uỷ)|thị\s+(?:ủy|uỷ)|",
        r"tỉnh|thành phố|tp\.|tp|huyện|quận|thị xã|tx\.|thị trấn|xã|phường|đặc khu))",
        r"(?:\s+|(?-u:\b))(?P<name>\p{Lu}[\p{L}\p{M}]*(?:\.\p{Lu}+)?(?:[ \-–]+\p{Lu}[\p{L}\p{M}]*){0,4}|\d{1,2}(?-u:\b))"
    ))
    .expect("mention regex")
});
/// A dateline: a line opening with a place in capitals and a dash ("BẮC GIANG – …").
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^\s*(?P<name>\p{Lu}[\p{Lu} .]{1,40}?)\s*[–-]\s").expect("dateline regex")
});
static PROVINCE_WIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:toàn tỉnh|cả tỉnh|toàn đảng bộ tỉnh|trên địa bàn tỉnh|toàn thành phố|toàn đảng bộ thành phố|trên địa bàn thành phố|ngành [^,;.]{0,40} tỉnh)(?:[^\p{L}]|$)")
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
            // "kể từ Hội nghị … tháng 4/2016 đến nay", "từ tháng 6-2019 đến nay".
            r(format!(
                r"(?i)(?-u:\b)(?:kể\s+)?từ\s+[^;.]{{0,80}}?{y}\s*,?\s+(?:đến|tới)\s+nay"
            )),
            PeriodForm::SinceUntilNow,
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
            // "sau 2 năm thực hiện Đề án", "qua 12 năm thực hiện Nghị quyết": the years up to
            // the document's date.
            r(r"(?i)(?-u:\b)(?:sau|qua)\s+(\d{1,2})\s+năm\s+(?:thực hiện|triển khai|xây dựng)".to_string()),
            PeriodForm::LastYears,
        ),
        (
            r(r"(?i)(?:^|[^\p{L}])năm\s+(?:trước|ngoái)(?:[^\p{L}]|$)".to_string()),
            PeriodForm::LastYear,
        ),
        (
            r(r"(?i)(?:^|[^\p{L}])quý\s+(?:I{1,3}|IV|[1-4])(?:[^\p{L}\d/-]|$)".to_string()),
            PeriodForm::ThisYear,
        ),
        (
            r(
                r"(?i)(?:năm\s+(?:qua|nay)|trong\s+năm|tháng\s+đầu\s+năm|cuối\s+năm|từ\s+đầu\s+năm)(?:[^\p{L}]|$)"
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
    /// "năm trước", "năm ngoái": the year before the document's (not after "so với").
    LastYear,
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
    /// A commune of the map since 1 July 2025 (no district; `provinces` are new ones).
    new_map: bool,
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
    /// Byte ranges of the document's lines (the first is the headline).
    paragraphs: Vec<Range<usize>>,
    /// Written under the map of 1 July 2025 (see [`post_reform`]).
    pub post_reform: bool,
    /// The year of a date the document shows plainly, and where: its metadata, a date in its
    /// first lines (a dateline), or in its last lines (a byline).
    pub dated: Option<(i32, &'static str)>,
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

        let post_reform = post_reform(doc);
        let mentions = gazetteer
            .map(|g| {
                let mut m = find_mentions(&doc.text, g, post_reform);
                let plugin_provinces: Vec<String> =
                    plugins.iter().filter_map(|p| p.province.clone()).collect();
                headline_units(&doc.text, g, &plugin_provinces, &mut m);
                m
            })
            .unwrap_or_default();
        let outlet = gazetteer.and_then(|g| outlet_province(doc, g));
        let (locality, source) = subject(doc, plugins, &mentions, outlet.as_ref());
        DocContext {
            year,
            term_start,
            locality,
            source,
            mentions,
            paragraphs: doc.paragraphs(),
            post_reform,
            dated: plain_date(doc),
        }
    }

    /// The locality of a figure at `span` in `sentence` (byte ranges of the document text).
    ///
    /// The ladder, nearest first: "toàn tỉnh" and its kin in the sentence lift it to the
    /// province; a unit named before it in its clause, then earlier in its sentence; a unit
    /// named in the last sentences of its paragraph when its sentence points back to one ("ở
    /// đây", "trên địa bàn", "toàn xã"); else the document's subject.
    pub fn locality_for(
        &self,
        doc: &Document,
        sentence: Range<usize>,
        clause: Range<usize>,
        span: &Range<usize>,
    ) -> (Locality, LocalitySource) {
        let text = doc.text.as_str();
        let subject = &self.locality;
        let before_in = |r: &Range<usize>| -> Vec<&Mention> {
            self.mentions
                .iter()
                .filter(|m| m.bytes.start >= r.start && m.bytes.end <= span.start)
                .collect()
        };
        // The nearest "toàn tỉnh" before the figure in its sentence, or anywhere in its clause
        // ("có 102 xã trên địa bàn tỉnh"), unless a district or commune is named between it and
        // the figure ("Cả tỉnh có 102 xã, trong đó huyện Nho Quan có 24 xã").
        let wide = PROVINCE_WIDE
            .find_iter(&text[sentence.clone()])
            .filter(|w| {
                let start = sentence.start + w.start();
                start < span.start || (clause.start <= start && start < clause.end)
            })
            .min_by_key(|w| {
                distance(
                    sentence.start + w.start()..sentence.start + w.end(),
                    span.start,
                )
            })
            .filter(|w| {
                let end = sentence.start + w.end();
                !self.mentions.iter().any(|m| {
                    m.level != Level::Province && m.bytes.start >= end && m.bytes.end <= span.start
                })
            });
        if let Some(w) = wide {
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
            let words = w.as_str().trim_end_matches(|c: char| !c.is_alphanumeric());
            let bytes = sentence.start + w.start()..sentence.start + w.start() + words.len();
            return (
                loc,
                LocalitySource {
                    reason: format!(
                        "«{}» lifts it to the province",
                        w.as_str().trim_end_matches(|c: char| !c.is_alphanumeric())
                    ),
                    bytes: Some(bytes),
                },
            );
        }
        if let Some(hit) = self.named_before(text, &clause, span, "in its clause") {
            return hit;
        }
        // "cả nước", "toàn quốc", "63 tỉnh, thành phố": the figure is the whole country's.
        if let Some(w) = NATIONWIDE.find(&text[sentence.clone()]) {
            // The words, without the boundary characters the pattern needed.
            let found = w.as_str();
            let lead = found.len()
                - found
                    .trim_start_matches(|c: char| !c.is_alphanumeric())
                    .len();
            let tail = found.len() - found.trim_end_matches(|c: char| !c.is_alphanumeric()).len();
            let bytes = sentence.start + w.start() + lead..sentence.start + w.end() - tail;
            let w = &text[bytes.clone()];
            return (
                Locality::default(),
                LocalitySource {
                    reason: format!("«{w}» makes it the whole country's"),
                    bytes: Some(bytes),
                },
            );
        }
        if let Some(hit) = self.named_before(
            text,
            &(sentence.start..clause.start.max(sentence.start)),
            span,
            "earlier in its sentence",
        ) {
            return hit;
        }
        // A sentence that points back to a unit ("nhân dân ở đây", "trên địa bàn xã"): the
        // nearest unit named in the three sentences before it, in its paragraph.
        let lower = text[sentence.clone()].to_lowercase();
        if BACK_REFERENCE.is_match(&lower) {
            for s in self.earlier_in_paragraph(doc, &sentence) {
                let end = s.end..s.end;
                if let Some(hit) = self.named_before(
                    text,
                    &s,
                    &end,
                    "in the sentences before, which its own points back to",
                ) {
                    return hit;
                }
            }
        }
        // A unit that opens an earlier sentence of the paragraph as its topic ("Tại quận 2,
        // …", "Ở huyện Lạng Giang, …") governs the sentences after it.
        for s in self.earlier_in_paragraph(doc, &sentence) {
            // At the sentence's start, or capitalised inside it where a heading without a full
            // stop runs into the sentence ("… dự báo Tại quận 2, …").
            let Some(open) = TOPIC_OPENING.find(&text[s.clone()]) else {
                continue;
            };
            let from = s.start + open.start();
            let Some(comma) = text[from..s.end].find(',').filter(|c| *c <= 60) else {
                continue;
            };
            let end = from + comma;
            if let Some(hit) = self.named_before(
                text,
                &(from..end),
                &(end..end),
                "opening an earlier sentence of its paragraph as its topic",
            ) {
                return hit;
            }
        }
        (self.locality.clone(), self.source.clone())
    }

    /// Up to three sentences before `sentence` in its paragraph, nearest first.
    fn earlier_in_paragraph(&self, doc: &Document, sentence: &Range<usize>) -> Vec<Range<usize>> {
        let Some(par) = self
            .paragraphs
            .iter()
            .find(|p| p.start <= sentence.start && sentence.start < p.end)
        else {
            return Vec::new();
        };
        let sentences = doc.sentences();
        let i = sentences.partition_point(|s| s.start < sentence.start);
        sentences[..i]
            .iter()
            .rev()
            .take_while(|s| s.start >= par.start)
            .take(3)
            .cloned()
            .collect()
    }

    /// The nearest unit named in `range` before `span`: it overrides the subject; units named
    /// beside it (or the subject) tell which of its namesakes it is.
    fn named_before(
        &self,
        text: &str,
        range: &Range<usize>,
        span: &Range<usize>,
        where_: &str,
    ) -> Option<(Locality, LocalitySource)> {
        let subject = &self.locality;
        let in_clause: Vec<&Mention> = self
            .mentions
            .iter()
            .filter(|m| m.bytes.start >= range.start && m.bytes.end <= span.start.min(range.end))
            .collect();
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
                    let why = format!("province named {where_}");
                    return Some((loc, named(&m.bytes, text, &why)));
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
                                let why = format!("commune and district named {where_}");
                                return Some((loc, named(&bytes, text, &why)));
                            }
                        }
                    }
                    let why = if province.is_none() && m.provinces.len() > 1 {
                        format!(
                            "district named {where_} (in several provinces: province left open)"
                        )
                    } else {
                        format!("district named {where_}")
                    };
                    let loc = Locality {
                        province,
                        district: Some(m.name.clone()),
                        commune: None,
                    };
                    return Some((loc, named(&m.bytes, text, &why)));
                }
                Level::Commune if m.new_map => {
                    if let Some(p) = resolve_province(&m.provinces, province_ctx.as_deref()) {
                        let loc = Locality {
                            province: Some(p),
                            district: None,
                            commune: Some(m.name.clone()),
                        };
                        let why = format!("commune (2025 map) named {where_}");
                        return Some((loc, named(&m.bytes, text, &why)));
                    }
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
                        let why = format!("commune named {where_}");
                        return Some((loc, named(&m.bytes, text, &why)));
                    }
                }
            }
        }
        None
    }

    /// The period of a figure at `span` (byte range of the document text) in `sentence`,
    /// whose clause is `clause`, and where it came from. The ladder, nearest first: the
    /// clause; the rest of its sentence; the earlier sentences of its paragraph (up to three
    /// back); the nearest heading above; the headline. Sentences and lines that speak of a plan
    /// ("phấn đấu", "kế hoạch", "phương hướng") give no period. Relative phrases ("năm nay",
    /// "năm qua", "từ … đến nay") resolve against the document's date. Nothing found: null.
    pub fn period_of(
        &self,
        doc: &Document,
        sentence: Range<usize>,
        clause: Range<usize>,
        span: &Range<usize>,
        stock: bool,
    ) -> (Option<Period>, LocalitySource) {
        let text = doc.text.as_str();
        // `carried`: a phrase said in another sentence or line carries only a year ("Năm
        // 2022", "năm nay", "quý III/2014"), not a term or a span of years.
        let found = |range: Range<usize>, at: usize, why: &str, carried: bool| {
            self.period_in(&text[range.clone()], at, carried)
                .map(|(p, m)| {
                    let bytes = range.start + m.start..range.start + m.end;
                    (Some(p), named(&bytes, text, why))
                })
        };
        if let Some(hit) = found(
            clause.clone(),
            span.start - clause.start,
            "its clause",
            false,
        ) {
            return hit;
        }
        // "Đến nay huyện đã có 4/19 xã …": a state now, not a year said elsewhere.
        let clause_lower = text[clause.clone()].to_lowercase();
        if let Some(w) = NOW_WORDS.iter().find(|w| clause_lower.contains(*w)) {
            return no_period(format!("its clause speaks of now («{w}»): no year said"));
        }
        // Earlier in its sentence: back over "; " while the next clause continues a list (it
        // starts in lower case or with a number); a clause that starts with a capital is a new
        // statement. A period phrase opening the sentence ("Năm 2022, …") governs it all.
        let mut from = clause.start;
        while from > sentence.start {
            let starts_lower = text[from..]
                .trim_start_matches([' ', ';'])
                .chars()
                .next()
                .is_some_and(|c| !c.is_uppercase());
            if !starts_lower {
                break;
            }
            let prev = text[sentence.start..from.saturating_sub(1).max(sentence.start)]
                .rfind(';')
                .map_or(sentence.start, |i| sentence.start + i + 1);
            if prev >= from {
                break;
            }
            from = prev;
        }
        if from < clause.start {
            if let Some(hit) = found(
                from..clause.start,
                clause.start - from,
                "its sentence, earlier in its list (its clause says nothing)",
                false,
            ) {
                return hit;
            }
        }
        let opening_text = &text[sentence.clone()];
        let opening = opening_text.split(',').next().unwrap_or("");
        if opening.len() < opening_text.len()
            && opening.chars().count() <= 40
            && sentence.start + opening.len() <= span.start
        {
            if let Some(hit) = found(
                sentence.start..sentence.start + opening.len(),
                0,
                "the phrase opening its sentence",
                false,
            ) {
                return hit;
            }
        }
        if stock {
            return no_period("a state at a date, and its sentence says no year (years said elsewhere do not carry to it)");
        }
        let speaks_of_plan = |range: &Range<usize>| {
            let lower = text[range.clone()].to_lowercase();
            PLAN_WORDS.iter().any(|w| lower.contains(w))
        };
        // Earlier sentences of the paragraph, nearest first.
        let paragraph = self
            .paragraphs
            .iter()
            .find(|p| p.start <= sentence.start && sentence.start < p.end)
            .cloned();
        for s in self.earlier_in_paragraph(doc, &sentence) {
            if speaks_of_plan(&s) {
                continue;
            }
            // Only a phrase that sets the topic, at the start of its sentence ("Năm 2016, …",
            // "Đồng thời, trong năm 2016, …"), not one deep inside it.
            let head = s.start..floor_boundary(text, (s.start + TOPIC_BYTES).min(s.end));
            if let Some(hit) = found(
                head.clone(),
                head.end - head.start,
                "the opening of an earlier sentence of its paragraph (its own sentence says nothing)",
                true,
            ) {
                return hit;
            }
        }
        // The nearest heading above: a short line of its own, no full stop.
        let before = paragraph.map_or(sentence.start, |p| p.start);
        if let Some(h) = self
            .paragraphs
            .iter()
            .skip(1)
            .rev()
            .filter(|p| p.end <= before)
            .find(|p| is_heading(&text[(*p).clone()]))
        {
            if !speaks_of_plan(h) {
                if let Some(hit) = found(h.clone(), h.end - h.start, "the heading above it", true) {
                    return hit;
                }
            }
        }
        if let Some(t) = self.paragraphs.first().filter(|t| t.end <= sentence.start) {
            if !speaks_of_plan(t) {
                if let Some(hit) = found(t.clone(), t.end - t.start, "the headline", true) {
                    return hit;
                }
            }
        }
        // Last, the document's own date, when it shows one plainly (metadata, a dateline or
        // byline): news reports what happened by the time it was written.
        // …unless its sentence speaks of a span it does not date ("những năm qua", "nhiệm kỳ",
        // "từ khi thành lập"): then the figure is the span's, not the document year's.
        let sentence_lower = text[sentence.clone()].to_lowercase();
        if let Some(w) = SPAN_WORDS.iter().find(|w| sentence_lower.contains(*w)) {
            return no_period(format!(
                "its sentence speaks of a span it does not date («{w}»)"
            ));
        }
        if let Some((y, why)) = &self.dated {
            return (
                Some(Period {
                    from: Some(*y),
                    to: Some(*y),
                }),
                LocalitySource {
                    reason: format!("the document's date ({why}); nothing nearer says when"),
                    bytes: None,
                },
            );
        }
        no_period(
            "nothing in its clause, sentence, paragraph, heading or headline says when, and the document shows no date",
        )
    }

    /// The period `clause` states nearest to byte `at`, and where (a byte range of `clause`).
    fn period_in(&self, clause: &str, at: usize, carried: bool) -> Option<(Period, Range<usize>)> {
        // Carried, a year inside a span ("Từ năm 2021 đến nay") is not a year of its own.
        let spans: Vec<Range<usize>> = if carried {
            PERIODS
                .iter()
                .filter(|(_, f)| {
                    !matches!(
                        f,
                        PeriodForm::Year | PeriodForm::ThisYear | PeriodForm::LastYear
                    )
                })
                .flat_map(|(re, _)| re.find_iter(clause).map(|m| m.range()))
                .collect()
        } else {
            Vec::new()
        };
        for (re, form) in PERIODS.iter() {
            if carried
                && !matches!(
                    form,
                    PeriodForm::Year | PeriodForm::ThisYear | PeriodForm::LastYear
                )
            {
                continue;
            }
            let mut found: Vec<regex::Captures> = re.captures_iter(clause).collect();
            found.sort_by_key(|c| c.get(0).map_or(usize::MAX, |m| distance(m.range(), at)));
            for c in found {
                let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i32>().ok());
                let m = c.get(0).expect("group 0");
                if spans.iter().any(|r| r.start < m.end() && m.start() < r.end) {
                    continue;
                }
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
                        // "đến năm 2025" / "vào năm 2025" name a deadline, "so với năm 2015"
                        // a comparison: not the figure's year.
                        let before = clause[..m.start()].trim_end().to_lowercase();
                        let y = c
                            .iter()
                            .skip(1)
                            .flatten()
                            .find_map(|g| g.as_str().parse::<i32>().ok());
                        // "Đến năm 2016 có 28 xã …" in a 2017 report: the year it stood so.
                        let past = matches!((y, self.year), (Some(y), Some(d)) if y < d);
                        // "sinh năm 1993" is a birth year; "thành lập năm 1945" a founding.
                        if [
                            "với",
                            "cùng kỳ",
                            "hơn",
                            "trước",
                            "sinh",
                            "thành lập",
                            "ra đời",
                        ]
                        .iter()
                        .any(|w| before.ends_with(w))
                            || (!past && ["đến", "vào", "tới"].iter().any(|w| before.ends_with(w)))
                        {
                            continue;
                        }
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
                    PeriodForm::LastYear => {
                        // "tăng 5% so với năm trước" compares; the figure is not last year's.
                        let before = clause[..m.start()].trim_end().to_lowercase();
                        if ["với", "cùng kỳ", "hơn", "bằng"]
                            .iter()
                            .any(|w| before.ends_with(w))
                        {
                            continue;
                        }
                        self.year.map(|y| Period {
                            from: Some(y - 1),
                            to: Some(y - 1),
                        })
                    }
                };
                if let Some(p) = period {
                    let mut r = m.range();
                    // The phrase, not the character before it that the pattern needed.
                    while r.start < r.end && !clause[r.start..].starts_with(char::is_alphanumeric) {
                        r.start += clause[r.start..].chars().next().map_or(1, char::len_utf8);
                    }
                    while r.start < r.end && !clause[..r.end].ends_with(char::is_alphanumeric) {
                        r.end -= clause[..r.end]
                            .chars()
                            .next_back()
                            .map_or(1, char::len_utf8);
                    }
                    return Some((p, r));
                }
            }
        }
        None
    }
}

/// How far into an earlier sentence a period phrase may start to set the topic (bytes).
const TOPIC_BYTES: usize = 60;

/// No period, and why.
fn no_period(reason: impl Into<String>) -> (Option<Period>, LocalitySource) {
    (
        None,
        LocalitySource {
            reason: reason.into(),
            bytes: None,
        },
    )
}

/// The char boundary at or before `at`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Words by which a sentence points back to a unit named before it.
static BACK_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\p{L}])(?:ở đây|nơi đây|địa phương này|trên địa bàn(?: xã| huyện| phường| quận)?(?:[^\p{L}]|$)|toàn xã|cả xã|xã nhà|toàn huyện|cả huyện|huyện nhà|toàn quận|toàn phường)")
        .expect("back-reference regex")
});

/// Words of a figure about the whole country.
static NATIONWIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[^\p{L}])(?:cả nước|toàn quốc|63 tỉnh,? thành(?: phố)?|các tỉnh,? thành phố trong cả nước)(?:[^\p{L}]|$)")
        .expect("nationwide regex")
});

/// A sentence opening that sets a place as its topic.
static TOPIC_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^(?i:tại|ở|riêng|đối với|còn ở|còn tại)|(?:^|\s)(?:Tại|Ở|Riêng|Đối với))\s")
        .expect("topic regex")
});

/// Words of a span of time: a sentence holding one is not dated by the document's date.
const SPAN_WORDS: [&str; 11] = [
    "năm thực hiện",
    "năm triển khai",
    "nhiệm kỳ",
    "giai đoạn",
    "những năm",
    "các năm",
    "thời gian qua",
    "thời gian tới",
    "từ khi",
    "từ năm",
    "từ đầu",
];

/// Words of a state at the document's date.
const NOW_WORDS: [&str; 5] = ["đến nay", "hiện nay", "hiện có", "hiện tại", "hiện đã"];

/// Words of a plan or target: a sentence or line holding one gives no period to others.
const PLAN_WORDS: [&str; 8] = [
    "phấn đấu",
    "kế hoạch",
    "dự kiến",
    "mục tiêu",
    "phương hướng",
    "định hướng",
    "chỉ tiêu",
    " sẽ ",
];

/// A line that is a heading: short, on its own, without a sentence's final punctuation.
fn is_heading(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.chars().count() <= 120 && !t.ends_with(['.', ';', ':', '!', '?', '…', ','])
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
    document_date(doc).map(|(y, _)| y)
}

/// The document's date as (year, month if known): its metadata (`date`, `year`, `published`:
/// a JSONL field, an HTML page's published date), else a date near its start or end
/// (dateline, byline).
pub fn document_date(doc: &Document) -> Option<(i32, Option<u32>)> {
    let text = &doc.text;
    let head_end = text.char_indices().nth(1500).map_or(text.len(), |(i, _)| i);
    let tail_start = text
        .char_indices()
        .rev()
        .nth(600)
        .map_or(0, |(i, _)| i)
        .max(head_end);
    let date_of = |c: regex::Captures| -> Option<(i32, Option<u32>)> {
        let (y, m) = match c.get(3) {
            Some(y) => (y, c.get(2)),
            None => (c.get(5)?, c.get(4)),
        };
        let month = m
            .and_then(|m| m.as_str().parse::<u32>().ok())
            .filter(|m| (1..=12).contains(m));
        Some((y.as_str().parse().ok()?, month))
    };
    // The first date of a stretch, passing over historical ones ("kỷ niệm 110 năm ngày thành
    // lập tỉnh (12/7/1907 - 12/7/2017)"): a date decades before the stretch's latest is history.
    // A date that follows a document's number ("Kết luận số 24-KL/TW ngày 5.6.2012") is that
    // document's date, not this one's.
    let first_recent = |stretch: &str| {
        let dates: Vec<(i32, Option<u32>)> = DATE
            .captures_iter(stretch)
            .filter(|c| {
                let start = c.get(0).map_or(0, |m| m.start());
                let from = floor_boundary(stretch, start.saturating_sub(48));
                !REFERENCE.is_match(&stretch[from..start])
            })
            .filter_map(date_of)
            .collect();
        let latest = dates.iter().map(|d| d.0).max()?;
        dates.into_iter().find(|d| d.0 >= latest - 3)
    };
    // Metadata first (a JSONL `date`, an HTML page's published date): it says what it is.
    ["date", "year", "published"]
        .iter()
        .filter_map(|k| doc.meta.get(*k))
        .find_map(|v| {
            let y: i32 = v.get(..4)?.parse().ok()?;
            let m = v
                .get(5..7)
                .and_then(|m| m.parse::<u32>().ok())
                .filter(|m| (1..=12).contains(m));
            (1900..2100).contains(&y).then_some((y, m))
        })
        .or_else(|| first_recent(&text[..head_end]))
        .or_else(|| first_recent(&text[tail_start..]))
}

/// The year of a date the document shows plainly: metadata (`date`, `published`), else the
/// only year among the dates of its first 300 characters (a dateline under the headline), else
/// of its last 300 (a byline), when the text names no earlier year of the decade. A document
/// reference ("số 24-KL/TW ngày 5.6.2012") does not count.
fn plain_date(doc: &Document) -> Option<(i32, &'static str)> {
    let text = &doc.text;
    let meta = ["date", "published"]
        .iter()
        .filter_map(|k| doc.meta.get(*k))
        .find_map(|v| {
            v.get(..4)?
                .parse::<i32>()
                .ok()
                .filter(|y| (1900..2100).contains(y))
        })
        .map(|y| (y, "its metadata"));
    let one_year = |stretch: &str| -> Option<i32> {
        let mut years = DATE.captures_iter(stretch).filter_map(|c| {
            let start = c.get(0).map_or(0, |m| m.start());
            let from = floor_boundary(stretch, start.saturating_sub(48));
            if REFERENCE.is_match(&stretch[from..start]) {
                return None;
            }
            c.get(3).or(c.get(5))?.as_str().parse::<i32>().ok()
        });
        let first = years.next()?;
        years.all(|y| y == first).then_some(first)
    };
    let head = floor_boundary(text, 300.min(text.len()));
    let tail = floor_boundary(text, text.len().saturating_sub(300)).max(head);
    let (y, why) = meta
        .or_else(|| one_year(&text[..head]).map(|y| (y, "a date in its first lines")))
        .or_else(|| one_year(&text[tail..]).map(|y| (y, "a date in its last lines")))?;
    // A report that looks back ("Năm 2022, …" in a March 2023 article) is not about its own
    // year: the date dates nothing unless the text names no other recent year.
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?-u:\b)(?:19|20)\d{2}(?-u:\b)").expect("year regex"));
    let other = YEAR
        .find_iter(text)
        .filter_map(|m| m.as_str().parse::<i32>().ok())
        .any(|o| o != y && o > y - 10 && o < y);
    (!other).then_some((y, why))
}

/// True when the document was written under the map of 1 July 2025: dated from July 2025 on
/// (a 2025 date without a month counts only with the marker), or undated and naming a unit
/// "(mới)" as reports of the new provinces do.
fn post_reform(doc: &Document) -> bool {
    static NEW_UNIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:tỉnh|thành phố|xã|phường)\s+\p{Lu}[\p{L}\p{M}]*(?:\s+\p{Lu}[\p{L}\p{M}]*){0,3}\s*\(mới\)")
            .expect("new unit regex")
    });
    match document_date(doc) {
        Some((y, _)) if y >= 2026 => true,
        Some((2025, Some(m))) => m >= 7,
        Some((2025, None)) => NEW_UNIT.is_match(&doc.text),
        Some(_) => false,
        None => NEW_UNIT.is_match(&doc.text),
    }
}

fn find_mentions(text: &str, g: &Gazetteer, new_map: bool) -> Vec<Mention> {
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
                new_map: false,
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
                        new_map: false,
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
                        new_map: false,
                    });
                    break;
                }
            }
            if !province_level && !district_level && new_map {
                // Since July 2025 a commune is named as the 2025 map has it.
                let units = g.reform.communes(&format!("{kind} {name}"), None);
                if !units.is_empty() {
                    let mut provinces: Vec<String> =
                        units.iter().map(|u| u.province.clone()).collect();
                    provinces.sort();
                    provinces.dedup();
                    out.push(Mention {
                        level: Level::Commune,
                        name: units[0].name.clone(),
                        provinces,
                        districts: Vec::new(),
                        bytes,
                        dateline: false,
                        new_map: true,
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
                        new_map: false,
                    });
                    break;
                }
            }
        }
    }
    out.sort_by_key(|m| m.bytes.start);
    out
}

/// Provinces and districts a headline names without their type word ("Quảng Nam phấn đấu …",
/// "Vĩnh Phúc: Toàn bộ các xã ở Phúc Yên …"): a run of capitalised words that is a province,
/// or a district of a province the document (or its plugin) names. Only the headline is read
/// this way; in running text a bare name is too often a person or a firm.
fn headline_units(
    text: &str,
    g: &Gazetteer,
    plugin_provinces: &[String],
    mentions: &mut Vec<Mention>,
) {
    static WORDS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"\p{Lu}[\p{L}\p{M}]*(?:[ \-–]+\p{Lu}[\p{L}\p{M}]*){1,3}").expect("words regex")
    });
    let title_end = title_end(text);
    let mut provinces: Vec<String> = plugin_provinces.to_vec();
    let mut found = Vec::new();
    // Provinces first: a bare name that is a province is the province (a provincial city of
    // the same name, "Lào Cai", "Bắc Ninh", is not meant).
    for w in WORDS.find_iter(&text[..title_end]) {
        if let Some(p) = g.provinces(w.as_str()).first() {
            provinces.push(p.name.clone());
            found.push(Mention {
                level: Level::Province,
                name: p.name.clone(),
                provinces: vec![p.name.clone()],
                districts: Vec::new(),
                bytes: w.range(),
                dateline: false,
                new_map: false,
            });
        }
    }
    provinces.extend(
        mentions
            .iter()
            .filter(|m| m.level == Level::Province)
            .map(|m| m.name.clone()),
    );
    if provinces.is_empty() {
        return;
    }
    for w in WORDS.find_iter(&text[..title_end]) {
        if mentions
            .iter()
            .chain(&found)
            .any(|m| m.bytes.start < w.end() && w.start() < m.bytes.end)
        {
            continue;
        }
        let words: Vec<&str> = w.as_str().split(' ').collect();
        // Every run of two or more words inside, longest first.
        'runs: for n in (2..=words.len()).rev() {
            for i in 0..=words.len() - n {
                let name = words[i..i + n].join(" ");
                if !g.provinces(&name).is_empty() {
                    continue;
                }
                let units: Vec<&crate::gazetteer::Unit> = provinces
                    .iter()
                    .flat_map(|p| g.districts(&name, Some(p)))
                    .collect();
                if let Some(u) = units.first() {
                    let start = w.start() + words[..i].iter().map(|x| x.len() + 1).sum::<usize>();
                    found.push(Mention {
                        level: Level::District,
                        name: u.name.clone(),
                        provinces: vec![u.province.clone()],
                        districts: Vec::new(),
                        bytes: start..start + name.len(),
                        dateline: false,
                        new_map: false,
                    });
                    break 'runs;
                }
            }
        }
    }
    if !found.is_empty() {
        mentions.extend(found);
        mentions.sort_by_key(|m| m.bytes.start);
    }
}

/// The province of the document's outlet, from its metadata `source` ("Báo Bắc Giang",
/// "Báo điện tử Đảng bộ tỉnh Quảng Ninh", "baobacgiang.vn" is not read).
fn outlet_province(doc: &Document, g: &Gazetteer) -> Option<String> {
    let source = doc.meta.get("source")?.to_lowercase();
    let rest = [
        "báo điện tử đảng bộ thành phố ",
        "báo điện tử đảng bộ tỉnh ",
        "báo điện tử ",
        "cổng thông tin điện tử ",
        "đài phát thanh và truyền hình ",
        "báo ",
    ]
    .iter()
    .find_map(|p| source.strip_prefix(p))?;
    g.provinces(rest.trim()).first().map(|u| u.name.clone())
}

/// Where the title ends: the end of the first line, if that line is short enough to be a
/// title; else 0 (no title), for a document that is one long line.
fn title_end(text: &str) -> usize {
    const LONGEST_TITLE: usize = 600;
    match text.find('\n') {
        Some(end) if end <= LONGEST_TITLE => end,
        None if text.len() <= LONGEST_TITLE => text.len(),
        _ => 0,
    }
}

/// The document's subject unit and where it came from.
fn subject(
    doc: &Document,
    plugins: &[&Plugin],
    mentions: &[Mention],
    outlet: Option<&String>,
) -> (Locality, LocalitySource) {
    let title_end = title_end(&doc.text);
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
        // The outlet ("Báo Bắc Giang" in the metadata's `source`) counts like a dateline.
        if let Some(o) = outlet {
            votes.entry(o.as_str()).or_insert((0, usize::MAX)).0 += 3;
        }
        if let Some((name, _)) = votes.into_iter().max_by_key(|(_, v)| *v) {
            match mentions
                .iter()
                .find(|m| m.level == Level::Province && m.name == name)
            {
                Some(m) => {
                    source = named(&m.bytes, &doc.text, "the province the document names most");
                }
                None => {
                    source.reason = format!(
                        "the outlet: «{}»",
                        doc.meta.get("source").map_or("", String::as_str)
                    );
                }
            }
            province = Some((name.to_string(), String::new()));
        }
    }
    let province = province.map(|(p, _)| p);
    // District: one the headline or dateline names; else one the lead paragraph names that
    // the rest of the document keeps to (named twice or more, twice as often as any other);
    // else, when the headline names no province, one the document names three times or more,
    // twice as often as any other. A district named in passing in a province's story is not
    // its subject: a figure about the province must not carry it.
    let lead_end = doc.paragraphs().get(1).map_or(title_end, |p| p.end);
    let title_names_province = mentions
        .iter()
        .any(|m| m.level == Level::Province && (m.bytes.start < title_end || m.dateline));
    #[derive(Default)]
    struct Vote {
        count: usize,
        in_title: bool,
        in_lead: bool,
        first: usize,
        fits: Vec<String>,
    }
    let mut votes: BTreeMap<&str, Vote> = BTreeMap::new();
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
        let e = votes.entry(m.name.as_str()).or_insert_with(|| Vote {
            first: i,
            fits,
            ..Vote::default()
        });
        e.count += 1;
        e.in_title |= weight(m) > 1;
        e.in_lead |= m.bytes.start < lead_end;
    }
    let dominant = |name: &str, v: &Vote, min: usize| {
        v.count >= min
            && votes
                .iter()
                .filter(|(n, _)| **n != name)
                .all(|(_, o)| v.count >= 2 * o.count)
    };
    let chosen = votes
        .iter()
        .filter(|(_, v)| v.in_title)
        .min_by_key(|(_, v)| v.first)
        .or_else(|| {
            votes
                .iter()
                .filter(|(n, v)| v.in_lead && dominant(n, v, 2))
                .min_by_key(|(_, v)| v.first)
        })
        .or_else(|| {
            votes
                .iter()
                .filter(|(n, v)| !title_names_province && dominant(n, v, 3))
                .min_by_key(|(_, v)| v.first)
        });
    let mut locality = Locality {
        province: province.clone(),
        district: None,
        commune: None,
    };
    if let Some((name, v)) = chosen {
        let m = &mentions[v.first];
        locality.district = Some(name.to_string());
        if province.is_none() {
            if let [only] = v.fits.as_slice() {
                locality.province = Some(only.clone());
                source = named(
                    &m.bytes,
                    &doc.text,
                    "the document's district; its province from the gazetteer",
                );
            } else {
                source = named(
                    &m.bytes,
                    &doc.text,
                    "the document's district (in several provinces: province left open)",
                );
            }
        } else {
            let reason = format!("{}; the document's district", source.reason);
            source = LocalitySource {
                reason,
                bytes: Some(m.bytes.clone()),
            };
        }
    }
    // No province named and no district chosen: the districts named, if they all lie in one
    // province, give it ("quận 4", "quận 8" → Hồ Chí Minh).
    if locality.province.is_none() && locality.district.is_none() && !votes.is_empty() {
        let mut common: Option<Vec<String>> = None;
        for v in votes.values() {
            common = Some(match common {
                None => v.fits.clone(),
                Some(c) => c.into_iter().filter(|p| v.fits.contains(p)).collect(),
            });
        }
        if let Some([only]) = common.as_deref() {
            locality.province = Some(only.clone());
            let m = &mentions[votes.values().map(|v| v.first).min().unwrap_or(0)];
            source = named(
                &m.bytes,
                &doc.text,
                "the province of every district the document names",
            );
        }
    }
    // Commune: one the headline names, when the gazetteer places it in one district that fits.
    if let Some(m) = mentions
        .iter()
        .find(|m| m.level == Level::Commune && m.bytes.start < title_end)
    {
        let fits: Vec<&(String, String)> = m
            .districts
            .iter()
            .filter(|(d, p)| {
                locality.province.as_deref().is_none_or(|x| x == p)
                    && locality.district.as_deref().is_none_or(|x| x == d)
            })
            .collect();
        if let [(d, p)] = fits.as_slice() {
            locality = Locality {
                province: Some(p.clone()),
                district: Some(d.clone()),
                commune: Some(m.name.clone()),
            };
            source = named(&m.bytes, &doc.text, "the commune the headline names");
        } else if m.new_map {
            if let Some(p) = resolve_province(&m.provinces, locality.province.as_deref()) {
                locality = Locality {
                    province: Some(p),
                    district: None,
                    commune: Some(m.name.clone()),
                };
                source = named(
                    &m.bytes,
                    &doc.text,
                    "the commune (2025 map) the headline names",
                );
            }
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

    /// The period of the figure "12" in the one-line document `s`.
    fn period(c: &DocContext, s: &str) -> Option<Period> {
        period_at(c, s, "12")
    }

    fn period_at(c: &DocContext, s: &str, figure: &str) -> Option<Period> {
        let doc = Document::from_text("t.txt", s);
        let at = doc.text.rfind(figure).expect("figure in text");
        let span = at..at + figure.len();
        let sentence = doc.sentence_at(at).unwrap();
        let clause = clause(&doc.text, sentence.clone(), &span);
        let c = DocContext {
            paragraphs: doc.paragraphs(),
            ..c.clone()
        };
        c.period_of(&doc, sentence, clause, &span, false).0
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
        assert_eq!(period(&c, s), p(2023, 2023));
        // A clause that continues a list after ";" takes the year said earlier in it; one that
        // starts a new statement (a capital) does not.
        let s = "Huyện kết nạp 90 đảng viên năm 2023; thành lập 12 chi bộ.";
        assert_eq!(period(&c, s), p(2023, 2023));
        let s = "Vốn huy động trong 02 năm (2020 - 2021) đạt 83 tỷ đồng; Người dân hiến 12 ha đất.";
        assert_eq!(period(&c, s), None);
    }

    #[test]
    fn the_ladder_walks_the_paragraph_the_heading_and_the_headline() {
        let c = ctx(Some(2017), None);
        // An earlier sentence of the paragraph, when its year opens it.
        let s = "Đồng thời, trong năm 2016, Đảng ủy lãnh đạo bầu cử. Đã có 98,6% cử tri đi bầu và 12 tổ bầu cử.";
        assert_eq!(period(&c, s), p(2016, 2016));
        // Not a year deep inside it, nor a birth year.
        let s = "Quốc hội đã nghe báo cáo quyết toán ngân sách năm 2016. Đã có 12 ý kiến.";
        assert_eq!(period(&c, s), None);
        let s = "Noi gương cha, con trai sinh năm 1993 cũng hiến máu. Ban chỉ đạo khen thưởng 12 cá nhân.";
        assert_eq!(period(&c, s), None);
        // A year inside "từ … đến nay" said before is a span, not a year to carry.
        let s = "Từ năm 2021 đến nay, quận thành lập 7 chi bộ. Quận khen thưởng 12 tập thể.";
        assert_eq!(period(&c, s), None);
        // The heading above the paragraph, and the headline.
        let s = "Tin địa phương\nKết quả năm 2016\nHuyện khen thưởng 12 tập thể.";
        assert_eq!(period(&c, s), p(2016, 2016));
        let s = "Hà Nam tôn vinh điển hình tiên tiến năm 2016\nSáng nay, tỉnh đã khen thưởng 12 tập thể.";
        assert_eq!(period(&c, s), p(2016, 2016));
        // A headline about a plan gives no year.
        let s = "Quảng Nam phấn đấu có thêm 9 xã đạt chuẩn năm 2017\nTỉnh khen thưởng 12 tập thể.";
        assert_eq!(period(&c, s), None);
        // "đến nay" in the figure's clause: a state now.
        let s = "Năm 2016, huyện làm 40 km đường. Đến nay huyện có 12 xã đạt chuẩn.";
        assert_eq!(period(&c, s), None);
        // "Đến năm 2016" before a 2017 document's date is the year the state was reached.
        assert_eq!(
            period(&c, "Đến năm 2016 có 12 xã đạt chuẩn."),
            p(2016, 2016)
        );
        assert_eq!(period(&c, "Đến năm 2020 có 12 xã đạt chuẩn."), None);
    }

    #[test]
    fn a_stock_takes_no_year_from_elsewhere() {
        let c = ctx(Some(2022), None);
        let doc = Document::from_text(
            "t.txt",
            "Năm 2022, huyện kết nạp 236 đảng viên. Đảng bộ có 12 chi bộ trực thuộc.",
        );
        let at = doc.text.rfind("12").unwrap();
        let span = at..at + 2;
        let sentence = doc.sentence_at(at).unwrap();
        let cl = clause(&doc.text, sentence.clone(), &span);
        let c = DocContext {
            paragraphs: doc.paragraphs(),
            ..c
        };
        assert_eq!(
            c.period_of(&doc, sentence.clone(), cl.clone(), &span, true)
                .0,
            None
        );
        assert_eq!(
            c.period_of(&doc, sentence, cl, &span, false).0,
            p(2022, 2022)
        );
    }

    #[test]
    fn a_reference_date_is_not_the_document_date() {
        let doc = Document::from_text(
            "t.txt",
            "Luân chuyển cán bộ\nThực hiện Kết luận số 24-KL/TW ngày 5.6.2012 của Bộ Chính trị, tỉnh luân chuyển 118 cán bộ.",
        );
        assert_eq!(document_year(&doc), None);
        let doc = Document::from_text(
            "t.txt",
            "Thứ Hai, 14/03/2022\nKỷ niệm 110 năm (12/7/1907 - 12/7/2017).",
        );
        assert_eq!(document_year(&doc), Some(2022));
    }
}
