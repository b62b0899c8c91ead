//! Mentions: every quantity a sentence states, found once with the number grammar.
//!
//! A mention is a number with what the text says around it: its qualifier ("trên", "gần",
//! "… trở lên"), its shape (a count, a percentage, money in đồng, an area converted to m²),
//! a total ("4/19", "77 trong tổng số 108", "3 trên 19"), and where its noun would start
//! ("172 ĐV mới": the noun slot is at "ĐV"). Which noun is there, and what the mention is a
//! figure of, is for [`super::judge`] to say with the catalogue's vocabulary.
//!
//! What is never a figure is dropped here: numbers glued into identifiers, dates and ranges
//! ("28-NQ/TU", "12/5/2023", "2020-2025", "12/2016"), vague amounts ("hàng trăm"), the
//! article "một" and the negation "không", and a lone "năm" (mostly "year").

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::number::{self, Qualifier, NUMBER_PATTERN, QUALIFIER_BEFORE_PATTERN};

/// What kind of quantity a mention is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Shape {
    /// A number of people, bodies or items (maybe "x/y").
    Count,
    /// A percentage.
    Percent,
    /// Money in đồng (scale words applied).
    Money,
    /// An area, in m².
    Area,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Count => "count",
            Shape::Percent => "percent",
            Shape::Money => "money",
            Shape::Area => "area",
        }
    }
}

/// One quantity in a sentence. Ranges are byte ranges of the document text.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub value: f64,
    pub total: Option<f64>,
    /// The total was written "x/y" (a share), not "x trong tổng số y" (x out of a frame).
    pub total_slash: bool,
    pub qualifier: Qualifier,
    pub shape: Shape,
    /// The number itself (the first one of a ratio).
    pub value_span: Range<usize>,
    /// From the qualifier to the unit or the total.
    pub span: Range<usize>,
    /// Where the counted noun would start: after the span, spaces and a short parenthesis.
    pub noun_at: usize,
    /// Inside a parenthesis that follows other words ("… (21 đảng viên ở khu dân cư)").
    pub in_parens: bool,
    /// A ratio in parentheses right after a capitalised name: "Nghĩa Hưng (8/8)".
    pub list_item: Option<Range<usize>>,
}

/// One number with a digit or word form, case-insensitive.
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i){NUMBER_PATTERN}")).expect("number regex"));
/// A qualifier ending right where the number starts.
static QUAL_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)({QUALIFIER_BEFORE_PATTERN})\s+$")).expect("qualifier regex")
});
/// What may follow a number: a percent sign, money, an area unit, a total.
static PERCENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s?(?:%|phần\s+trăm(?-u:\b))").expect("percent regex"));
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:đồng(?-u:\b)|VNĐ(?-u:\b)|VND(?-u:\b)|đ(?-u:\B)(?:[^\p{L}]|$))")
        .expect("money regex")
});
static AREA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(km2|m2|mét\s+vuông|héc[- ]?ta|hecta|ha)(?-u:\b)|(km²|m²))")
        .expect("area regex")
});
static TOTAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:\s*/\s*|\s+(?:trong|trên)\s+(?:tổng\s+số\s+|số\s+|tổng\s+)?)({NUMBER_PATTERN})"
    ))
    .expect("total regex")
});
static AFTER_QUALIFIER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(trở\s+lên|trở\s+xuống)(?-u:\b)").expect("after-qualifier regex")
});
/// Two years joined by a dash: "2020 - 2025".
static YEAR_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((?:19|20)\d{2})\s*[-–—]\s*(?:19|20)\d{2}(?-u:\b)").expect("year range regex")
});

/// Whether a year stands right after "YYYY - " (the end of a span of years).
fn is_year_after_range(s: &str, start: usize, word: &str) -> bool {
    let is_year = |w: &str| {
        w.len() == 4
            && (w.starts_with("19") || w.starts_with("20"))
            && w.bytes().all(|b| b.is_ascii_digit())
    };
    if !is_year(word) {
        return false;
    }
    let head = s[..start]
        .trim_end()
        .trim_end_matches(['-', '–', '—'])
        .trim_end();
    head.len() + 4 <= s[..start].len() + 4
        && head
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .is_some_and(is_year)
}

/// A capitalised name right before "(": the item of a list "Tân Lập (8/9), Đồng Tâm (11/13)".
static NAME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Lu}[\p{L}\p{M}]*(?:[ \-]\p{Lu}[\p{L}\p{M}]*){0,3}|\d{1,2})\s*$")
        .expect("name regex")
});

/// Find the mentions of `range` (a sentence) of `text`, in text order.
pub fn find(text: &str, range: Range<usize>) -> Vec<Mention> {
    let s = &text[range.clone()];
    let base = range.start;
    let mut out: Vec<Mention> = Vec::new();
    let mut skip_until = 0;
    for m in NUMBER.find_iter(s) {
        if m.start() < skip_until {
            continue;
        }
        let (start, end) = (m.start(), m.end());
        let word = m.as_str().trim();
        if is_not_a_number_here(s, start, end, word) {
            continue;
        }
        let Some(value) = number::parse_number(word) else {
            continue;
        };
        // A total right after: "4/19", "77 trong tổng số 108", "3 trên 19".
        let mut total = None;
        let mut total_slash = false;
        let mut span_end = end;
        let after = s[end..].trim_start();
        let may_total = after.starts_with('/')
            || after.starts_with("trong")
            || after.starts_with("trên")
            || after.starts_with("Trong")
            || after.starts_with("Trên");
        if let Some(c) = TOTAL.captures(&s[end..]).filter(|_| may_total) {
            let t = c.get(1).expect("total group");
            let slash = s[end..end + t.start()].contains('/');
            if let Some(tv) = number::parse_number(t.as_str()) {
                let t_end = end + t.end();
                // "12/2016" (month/year) and "25/5" (day/month, day after month) are dates.
                let date = slash
                    && ((value <= 12.0 && (1900.0..2100.0).contains(&tv))
                        || (value > tv && tv <= 12.0 && value <= 31.0 && value.fract() == 0.0));
                // "3 trên 19" is a ratio only when the first is the smaller; otherwise
                // "trên" is the qualifier of what follows ("5 xã, trên 19 thôn" never reads so).
                let words_ok = slash || value <= tv;
                if glued_after(s, t_end) || date {
                    // "12/5/2023", "12/2016": a date; "1/2-QĐ": an identifier.
                    skip_until = t_end;
                    continue;
                }
                if words_ok && tv > 0.0 {
                    total = Some(tv);
                    total_slash = slash;
                    span_end = t_end;
                    skip_until = t_end;
                }
            }
        } else if glued(s, start, end) {
            continue;
        }
        // "2020 - 2025", "2016–2020": a span of years, not two figures.
        if let Some(c) = YEAR_RANGE.captures(&s[start..]) {
            let y1 = c.get(1).expect("first year").as_str();
            if y1.len() == end - start {
                skip_until = start + c.get(0).expect("range").end();
                continue;
            }
        }
        if total.is_none() && is_year_after_range(s, start, word) {
            continue;
        }
        // The qualifier before the number.
        // Only the last words before the number can be its qualifier: an end-anchored search
        // over the whole sentence head would make long sentences quadratic.
        let head_from = floor_boundary(s, start.saturating_sub(40));
        let head = &s[head_from..start];
        let mut span_start = start;
        let mut qualifier = Qualifier::Exact;
        let letter_before = head
            .trim_end()
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
        if let Some(c) = QUAL_BEFORE.captures(head).filter(|_| letter_before) {
            let q = c.get(1).expect("qualifier group");
            // "đạt và vượt 15/19 chỉ tiêu", "hoàn thành vượt mức 3/12": the targets met or
            // exceeded, counted exactly; "vượt" is a qualifier only on its own.
            let word_before = head[..q.start()]
                .trim_end()
                .rsplit(' ')
                .next()
                .unwrap_or("");
            let completes = q.as_str().to_lowercase().starts_with("vượt")
                && matches!(
                    word_before.to_lowercase().as_str(),
                    "và" | "thành" | "đạt" | "hoặc"
                );
            // The neutral "từ" of "từ 90% trở lên" is left out of the mention ("đạt từ 50%").
            let neutral = q.as_str().eq_ignore_ascii_case("từ");
            if !completes && !neutral {
                if let Some(parsed) = number::parse_quantity(&format!("{} 1", q.as_str())) {
                    qualifier = parsed.qualifier;
                }
                span_start = head_from + q.start();
            }
        }
        // The unit: percent, money, area.
        let rest = &s[span_end..];
        let (shape, value, unit_len) = if let Some(p) = PERCENT.find(rest) {
            (Shape::Percent, value, p.end())
        } else if let Some(a) = AREA.captures(rest) {
            let unit = a.get(1).or(a.get(2)).expect("unit").as_str().to_lowercase();
            let factor = match unit.as_str() {
                "km2" | "km²" => 1_000_000.0,
                u if u.starts_with('h') => 10_000.0,
                _ => 1.0,
            };
            (Shape::Area, value * factor, a.get(0).expect("area").end())
        } else if let Some(mo) = MONEY
            .find(rest)
            .filter(|mo| !dong_compound(&rest[mo.end()..]))
        {
            // Keep the match to the currency word itself, not the character after "đ".
            let len = rest[..mo.end()]
                .trim_end_matches(|c: char| !c.is_alphabetic())
                .len();
            (Shape::Money, value, len)
        } else if is_billions(word) && !rest.trim_start().starts_with(|c: char| c.is_alphabetic()) {
            // "trên 2.100 tỷ." — billions said alone are đồng.
            (Shape::Money, value, 0)
        } else {
            (Shape::Count, value, 0)
        };
        if total.is_some() && shape != Shape::Count {
            // "1/2 ha": a fraction of a unit, not an "x of y" figure.
            continue;
        }
        span_end += unit_len;
        if let Some(a) = AFTER_QUALIFIER.captures(&s[span_end..]) {
            let w = a.get(1).expect("after").as_str().to_lowercase();
            if qualifier == Qualifier::Exact {
                qualifier = if w.ends_with("lên") {
                    Qualifier::AtLeast
                } else {
                    Qualifier::AtMost
                };
            }
            span_end += a.get(0).expect("after").end();
        }
        let (in_parens, open) = inside_parens(s, span_start);
        let list_item = open.and_then(|o| {
            // "Nghĩa Hưng (8/8)", "huyện Tư Nghĩa (13/13 xã)": the ratio, maybe its noun, ")".
            let rest = &s[span_end..];
            let close = rest.find(')').is_some_and(|c| {
                let inner = &rest[..c];
                inner.split_whitespace().count() <= 3 && !inner.contains(['(', ',', ';'])
            });
            let from = floor_boundary(s, o.saturating_sub(80));
            let before = &s[from..o];
            let name = NAME_BEFORE.captures(before)?.get(1)?;
            (close && total.is_some()).then(|| base + from + name.start()..base + from + name.end())
        });
        // After a colon, "Name x/y" or "Name z%" items: "ở từng xã: Quân Chu 11/12, Cát Nê 8/9";
        // "ở các huyện: Đoan Hùng 100%, Thanh Ba 98,2%".
        let list_item = list_item.or_else(|| {
            if in_parens || (total.is_none() && shape != Shape::Percent) {
                return None;
            }
            let colon = s[..span_start].rfind(':')?;
            let from = floor_boundary(s, span_start.saturating_sub(80)).max(colon + 1);
            let before = &s[from..span_start];
            let name = NAME_BEFORE.captures(before)?.get(1)?;
            let lead = s[..from + name.start()].trim_end();
            let item_start =
                lead.ends_with([':', ',']) || lead.ends_with(" và") || lead.ends_with(';');
            (item_start && name.as_str().chars().next().is_some_and(char::is_uppercase))
                .then(|| base + from + name.start()..base + from + name.end())
        });
        out.push(Mention {
            value,
            total,
            total_slash,
            qualifier,
            shape,
            value_span: base + start..base + end,
            span: base + span_start..base + span_end,
            noun_at: base + noun_start(s, span_end),
            in_parens,
            list_item,
        });
    }
    out
}

/// Whether a number ends with the scale word "tỷ" ("2.100 tỷ", "hai tỷ rưỡi").
fn is_billions(word: &str) -> bool {
    let lower = word.to_lowercase();
    let last = lower
        .split_whitespace()
        .rfind(|w| *w != "rưỡi")
        .unwrap_or("");
    matches!(last, "tỷ" | "tỉ")
}

/// Whether the word after "đồng" makes a compound ("6 đồng chí", "2 đồng bào"), not money.
fn dong_compound(after: &str) -> bool {
    const COMPOUNDS: [&str; 24] = [
        "chí", "bào", "bộ", "thời", "ý", "tình", "hương", "nghiệp", "đội", "loại", "minh", "hành",
        "phục", "ruộng", "bằng", "lòng", "tâm", "đều", "chủ", "hóa", "nhất", "dạng", "thuận",
        "niên",
    ];
    let word = after
        .trim_start()
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    !after.starts_with([',', '.', ';', ')']) && COMPOUNDS.contains(&word.as_str())
}

/// Numbers the grammar matches that are not quantities in this place.
fn is_not_a_number_here(s: &str, start: usize, end: usize, word: &str) -> bool {
    let lower = word.to_lowercase();
    // "một" is mostly the article ("một cuộc đối thoại"), "không" the negation, a lone "năm"
    // the word "year"; a bare "trăm" after "hàng", "vài" is vague.
    if matches!(lower.as_str(), "một" | "không") {
        return true;
    }
    // "năm" is five only in a count's place: "ba tập thể và năm cá nhân", "cho năm đơn vị".
    if lower == "năm" {
        let prev = s[..start].trim_end();
        let counted = prev.ends_with(',')
            || ["và", "cho", "có", "gồm", "tặng", "được", "với"]
                .iter()
                .any(|w| prev.to_lowercase().ends_with(&format!(" {w}")));
        let next_is_number = s[end..]
            .trim_start()
            .starts_with(|c: char| c.is_ascii_digit());
        return !counted || next_is_number;
    }
    if number::is_vague(s, start, word) {
        return true;
    }
    // A number word written with a capital inside a name: "Thanh Ba", "Ba Vì", "Năm Căn".
    if word.chars().next().is_some_and(char::is_uppercase) && !word.as_bytes()[0].is_ascii_digit() {
        let cap = |w: Option<&str>| {
            w.and_then(|w| w.chars().next())
                .is_some_and(char::is_uppercase)
        };
        let prev = s[..start].trim_end();
        let prev_word = prev
            .rsplit(' ')
            .next()
            .filter(|_| !prev.ends_with([',', '.', ':', ';', '(']));
        let next_word = s[end..].split_whitespace().next();
        if cap(prev_word) || cap(next_word) {
            return true;
        }
    }
    // A digit run glued to letters on either side is part of a code ("QL1A", "H5N1", "4G").
    let before = s[..start].chars().next_back();
    let after = s[end..].chars().next();
    if before.is_some_and(|c| c.is_alphabetic()) {
        return true;
    }
    if word.as_bytes()[0].is_ascii_digit() {
        // "36.700m2" is fine (a unit follows); "5G", "3D" are not.
        let unit_follows = AREA.is_match(&s[end..]) || PERCENT.is_match(&s[end..]);
        if after.is_some_and(|c| c.is_alphabetic()) && !unit_follows && !s[end..].starts_with('đ')
        {
            return true;
        }
    }
    false
}

/// Whether `s[start..end]` is glued to a neighbour by `-`, `/`, `.` or `:` (a code, range,
/// date or time): "28-NQ/TU", "2020-2025", "12:30", "0912.345.678".
fn glued(s: &str, start: usize, end: usize) -> bool {
    let joiner = |c: Option<char>| matches!(c, Some('-' | '/' | '–' | '—' | ':' | '.'));
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut before = s[..start].chars().rev();
    let (b1, b2) = (before.next(), before.next());
    // A hyphen after a space is a dash ("BẮC GIANG – 12 xã"), not glue.
    (joiner(b1) && alnum(b2)) || glued_after(s, end)
}

fn glued_after(s: &str, end: usize) -> bool {
    let mut after = s[end..].chars();
    let (a1, a2) = (after.next(), after.next());
    let joiner = matches!(a1, Some('-' | '/' | '–' | '—' | ':'))
        || (a1 == Some('.') && a2.is_some_and(|c| c.is_ascii_digit()));
    joiner && a2.is_some_and(char::is_alphanumeric)
}

/// The nearest character boundary of `s` at or before `at`.
fn floor_boundary(s: &str, mut at: usize) -> usize {
    while at > 0 && !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Whether `at` is inside an open parenthesis of `s`, and where it opened.
fn inside_parens(s: &str, at: usize) -> (bool, Option<usize>) {
    let head = &s[..at];
    match (head.rfind('('), head.rfind(')')) {
        (Some(o), Some(c)) if c > o => (false, None),
        (Some(o), _) => (true, Some(o)),
        _ => (false, None),
    }
}

/// Where the counted noun starts after a mention ending at `end`: past spaces and a short
/// parenthesis right after the number ("36 (ba mươi sáu) chi bộ" is rare; "4/19 (21%) xã").
fn noun_start(s: &str, end: usize) -> usize {
    let rest = &s[end..];
    let trimmed = rest.trim_start();
    let mut at = end + (rest.len() - trimmed.len());
    if let Some(inner) = trimmed.strip_prefix('(') {
        if let Some(close) = inner.find(')') {
            if close <= 24 && inner[..close].contains('%') {
                let after = &inner[close + 1..];
                at = at + 1 + close + 1 + (after.len() - after.trim_start().len());
            }
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(s: &str) -> Vec<(f64, Option<f64>, Qualifier, Shape)> {
        find(s, 0..s.len())
            .into_iter()
            .map(|m| (m.value, m.total, m.qualifier, m.shape))
            .collect()
    }

    #[test]
    fn shapes_units_and_totals() {
        use Qualifier::*;
        assert_eq!(
            all("kết nạp được 172 ĐV mới"),
            [(172.0, None, Exact, Shape::Count)]
        );
        assert_eq!(
            all("hơn 99,4% cử tri"),
            [(99.4, None, AtLeast, Shape::Percent)]
        );
        assert_eq!(
            all("trên 83,2 tỷ đồng"),
            [(83_200_000_000.0, None, AtLeast, Shape::Money)]
        );
        assert_eq!(
            all("kết nạp 6 đồng chí"),
            [(6.0, None, Exact, Shape::Count)]
        );
        assert_eq!(
            all("hiến trên 36.700m2 đất"),
            [(36_700.0, None, AtLeast, Shape::Area)]
        );
        assert_eq!(
            all("hiến hơn 3.150m² đất"),
            [(3150.0, None, AtLeast, Shape::Area)]
        );
        assert_eq!(
            all("đạt trên 2.100 tỷ."),
            [(2_100e9, None, AtLeast, Shape::Money)]
        );
        assert_eq!(
            all("hiến 1,5 ha đất"),
            [(15_000.0, None, Exact, Shape::Area)]
        );
        assert_eq!(
            all("có 17/21 xã đạt chuẩn"),
            [(17.0, Some(21.0), Exact, Shape::Count)]
        );
        assert_eq!(
            all("77 trong tổng số 108 trưởng thôn"),
            [(77.0, Some(108.0), Exact, Shape::Count)]
        );
        assert_eq!(
            all("3 trên 19 xã"),
            [(3.0, Some(19.0), Exact, Shape::Count)]
        );
        assert_eq!(
            all("đạt 98% trở lên"),
            [(98.0, None, AtLeast, Shape::Percent)]
        );
        assert_eq!(
            all("gần trăm hội nghị"),
            [(100.0, None, AtMost, Shape::Count)]
        );
        assert_eq!(
            all("2.745 xã (30,76%)"),
            [
                (2745.0, None, Exact, Shape::Count),
                (30.76, None, Exact, Shape::Percent)
            ]
        );
    }

    #[test]
    fn identifiers_dates_and_vague_amounts_are_not_mentions() {
        assert!(all("Nghị quyết số 28-NQ/TU").iter().all(|m| m.0 != 28.0));
        assert!(all("ngày 12/5/2023").is_empty());
        assert!(all("tháng 12/2016").is_empty());
        assert!(all("giai đoạn 2020-2025").is_empty());
        assert!(all("nhiệm kỳ 2020 - 2025 đạt 18,6%").len() == 1);
        assert!(all("hàng trăm đảng viên").is_empty());
        assert!(all("một cuộc đối thoại").is_empty());
        assert!(all("mạng 5G và H5N1").is_empty());
        assert!(all("lúc 14:30").is_empty());
    }

    #[test]
    fn list_items_and_parentheses() {
        let s = "như: Nghĩa Hưng (8/8), Quang Thịnh (11/13).";
        let ms = find(s, 0..s.len());
        assert_eq!(ms.len(), 2);
        let name = ms[0].list_item.clone().unwrap();
        assert_eq!(&s[name], "Nghĩa Hưng");
        assert_eq!(&s[ms[1].list_item.clone().unwrap()], "Quang Thịnh");
        let s = "có 60 đảng viên (21 đảng viên ở khu dân cư)";
        let ms = find(s, 0..s.len());
        assert!(!ms[0].in_parens && ms[1].in_parens && ms[1].list_item.is_none());
        let s = "Số trưởng xóm là đảng viên ở từng xã: Quân Chu 11/12, Cát Nê 8/9 và Ký Phú 15/15.";
        let ms = find(s, 0..s.len());
        let names: Vec<&str> = ms
            .iter()
            .map(|m| &s[m.list_item.clone().unwrap()])
            .collect();
        assert_eq!(names, ["Quân Chu", "Cát Nê", "Ký Phú"]);
        let s = "2.745 xã (30,76%) đạt chuẩn";
        let ms = find(s, 0..s.len());
        assert_eq!(&s[ms[0].noun_at..ms[0].noun_at + 3], "xã");
    }
}
