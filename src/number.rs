//! Reading numbers the way Vietnamese reports write them.
//!
//! # Digits
//!
//! Vietnamese groups thousands with `.` and marks decimals with `,`: `36.700` is
//! thirty-six thousand seven hundred and `97,3` is ninety-seven point three. Reports
//! copied from other sources sometimes use the English convention, so a few shapes are
//! ambiguous. The rules, in order:
//!
//! * Both marks present (`1.234,5`, `1,234.5`): the **last** mark is the decimal one and
//!   every earlier mark must be the other kind, grouping by three.
//! * Several marks of one kind: grouping by three (`1.234.567`, `1,234,567`).
//! * One `,`: always a decimal mark, so `1,234` is `1.234`, never one thousand two
//!   hundred and thirty-four (the Vietnamese reading wins).
//! * One `.`: thousands when it is followed by exactly three digits and preceded by one
//!   to three digits not starting with `0` (`1.234` = 1234, `12.000` = 12000); otherwise
//!   a decimal point (`3.5`, `0.500`, `1.2345`).
//! * Spaces are never thousands separators (`36 700` is two numbers), leading zeros are
//!   allowed (`09`), signs are not.
//!
//! # Words
//!
//! Number words follow the standard reading: `mười` is ten, `mươi` multiplies the digit
//! before it by ten, `chục` likewise (`hai chục` = 20), `trăm` is hundred, `linh`/`lẻ`
//! stands for an empty tens place (`một trăm linh năm` = 105). After `mười`/`mươi` five is
//! read `lăm`/`nhăm`, one may be `mốt` and four may be `tư`. Because of that rule a bare
//! `năm` right after `mươi`/`mười` is **not** a unit: `hai mươi năm` reads as "20 years"
//! (the number is `hai mươi`), `mười năm` as "10 years". Likewise a bare digit word
//! straight after a scale word is not taken as the colloquial abbreviation
//! (`một nghìn năm` is "a thousand years", not 1500): use `một nghìn năm trăm`.
//! `rưỡi` adds half of the unit just before it (`một nghìn rưỡi` = 1500,
//! `một trăm rưỡi` = 150). A lone `không` is zero, which also means that the negation
//! `không` reads as 0 when a pattern asks for a bare number; qualifiers such as
//! `không quá` are matched first when a qualifier is allowed.
//!
//! # Scales
//!
//! `nghìn`/`ngàn` 10³, `vạn` 10⁴, `triệu` 10⁶, `tỷ`/`tỉ` 10⁹. They follow digits or words
//! and chain (`2 nghìn tỷ` = 2·10¹²); a group followed by a larger scale than the one
//! before multiplies everything so far (`một nghìn hai trăm triệu` = 1.2·10⁹), a smaller
//! one adds (`2 triệu 500 nghìn` = 2 500 000). Arithmetic is exact decimal (mantissa and
//! power of ten) and rounded to `f64` once at the end, so `83,2 tỷ` is exactly
//! 83 200 000 000.
//!
//! # Patterns
//!
//! [`NUMBER_PATTERN`] accepts exactly the texts [`parse_number`] accepts (the parser
//! checks the pattern first; only values beyond exact 128-bit arithmetic, about 10³⁸,
//! are refused afterwards), and orders its alternatives so that scanning picks the
//! longest valid reading. The patterns contain no capture groups and no global flags;
//! compile them with `(?i)` for capitalised text. Input is expected in NFC.
//!
//! Word edges are ASCII assertions (`(?-u:\b)`, `(?-u:\B)`) chosen per edge rather
//! than Unicode `\b`, which would make every regex embedding these patterns about 100×
//! slower on Vietnamese text; on NFC Vietnamese they behave the same (see the comment
//! above the pattern pieces).
//!
//! Known limits, left to the rules' context: `năm` is both "five" and "year", `một` in
//! `một số` ("some") reads as 1, and a scale word is taken even when it starts another
//! word (`2023 tỷ lệ` scans as `2023 tỷ`; a rule that needs a unit after the number
//! backtracks to `2023` by itself).

use regex::Regex;
use std::sync::LazyLock;

/// How a figure is hedged in the text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// No hedge: the figure as written.
    Exact,
    /// "trên", "hơn", "ít nhất", "… trở lên": the figure or more.
    AtLeast,
    /// "dưới", "gần", "không quá", "… trở xuống": the figure or less.
    AtMost,
    /// "khoảng", "xấp xỉ", "gần như", "ước tính": about the figure.
    Approx,
}

impl Qualifier {
    /// The snake_case name, as serialised: `"exact"`, `"at_least"`, `"at_most"`, `"approx"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::AtLeast => "at_least",
            Qualifier::AtMost => "at_most",
            Qualifier::Approx => "approx",
        }
    }
}

/// A parsed quantity: value plus qualifier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    /// The figure, with scale words applied (`83,2 tỷ` → 83 200 000 000).
    pub value: f64,
    /// How the text hedges it; `Exact` when it does not.
    pub qualifier: Qualifier,
}

// ---------------------------------------------------------------------------
// Pattern pieces. They are macros so that `concat!` can assemble the public
// `const` patterns at compile time.
//
// Word edges use ASCII assertions rather than Unicode `\b`: a Unicode `\b`
// anywhere in a regex makes the regex crate fall back from its DFA to the much
// slower PikeVM on non-ASCII text (about 100× slower on Vietnamese). Next to an
// ASCII letter or digit, `(?-u:\b)` asks "no ASCII word character on the other
// side"; next to a non-ASCII letter (`tư`, `tỷ`, `lẻ`, `ít`, `ước`), `(?-u:\B)`
// asks the same. Vietnamese syllables are space-separated and never continue
// with a vowel after a final consonant, so on NFC text this behaves like `\b`:
// `hai` does not match in `khai`, `ước` not in `trước`, `lẻ` not in `lẻo`.

/// Digit words one to nine.
macro_rules! pat_digit {
    () => {
        r"(?:một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín)(?-u:\b)"
    };
}
/// Digit words zero to nine (before `trăm`).
macro_rules! pat_digit0 {
    () => {
        r"(?:không|một|hai|ba|bốn|năm|sáu|bảy|bẩy|tám|chín)(?-u:\b)"
    };
}
/// Units after `mười`/`mươi`: no bare `năm` (that is "year"), but `lăm`, `mốt`, `tư`.
macro_rules! pat_unit {
    () => {
        r"(?:(?:một|mốt|hai|ba|bốn|lăm|nhăm|sáu|bảy|bẩy|tám|chín)(?-u:\b)|tư(?-u:\B))"
    };
}
/// `linh`/`lẻ` and the digit after it: `linh năm`.
macro_rules! pat_link {
    () => {
        concat!(r"(?:linh(?-u:\b)|lẻ(?-u:\B))\s+", pat_digit!())
    };
}
/// The units that may follow a tens digit said without `mươi` (`chín lăm` = 95, `hai mốt` =
/// 21, `ba tư` = 34): only the spoken forms that cannot be a digit of their own.
macro_rules! pat_spoken_unit {
    () => {
        r"(?:(?:lăm|nhăm|mốt)(?-u:\b)|tư(?-u:\B))"
    };
}
/// 10..=99 written with a tens word, or spoken without it (`chín lăm`).
macro_rules! pat_tens {
    () => {
        concat!(
            r"(?:mười(?-u:\b)(?:\s+",
            pat_unit!(),
            r")?|",
            pat_digit!(),
            r"\s+(?:mươi(?-u:\b)(?:\s+",
            pat_unit!(),
            r")?|chục(?-u:\b)|",
            pat_spoken_unit!(),
            "))"
        )
    };
}
/// A tens digit said alone after `trăm` (`một trăm hai` = 120, `năm trăm tư` = 540,
/// `một trăm mốt` = 110). Not `năm` (`một trăm năm` is "a hundred years") nor `một`.
macro_rules! pat_spoken_tens {
    () => {
        r"(?:(?:mốt|hai|ba|bốn|sáu|bảy|bẩy|tám|chín)(?-u:\b)|tư(?-u:\B))"
    };
}
/// A hundreds group: `hai trăm`, `một trăm linh năm`, `ba trăm hai mươi`, `một trăm rưỡi`.
macro_rules! pat_hundreds {
    () => {
        concat!(
            pat_digit0!(),
            r"\s+trăm(?-u:\b)(?:\s+(?:",
            pat_link!(),
            "|",
            pat_tens!(),
            r"|rưỡi(?-u:\b)|",
            pat_spoken_tens!(),
            "))?"
        )
    };
}
/// Any group below a thousand.
macro_rules! pat_group {
    () => {
        concat!(
            "(?:",
            pat_hundreds!(),
            "|",
            pat_tens!(),
            "|",
            pat_digit!(),
            ")"
        )
    };
}
/// One or more chained scale words.
macro_rules! pat_scales {
    () => {
        concat!(
            r"(?:(?:nghìn|ngàn|vạn|triệu)(?-u:\b)|(?:tỷ|tỉ)(?-u:\B))",
            r"(?:\s+(?:(?:nghìn|ngàn|vạn|triệu)(?-u:\b)|(?:tỷ|tỉ)(?-u:\B)))*"
        )
    };
}
/// One digit group, longest shapes first.
macro_rules! pat_digits {
    () => {
        concat!(
            r"(?-u:\b)(?:[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+",
            r"|[0-9]{1,3}(?:,[0-9]{3}){2,}",
            r"|[0-9]{1,3}(?:\.[0-9]{3})+,[0-9]+",
            r"|[0-9]{1,3}(?:\.[0-9]{3}){2,}",
            r"|[0-9]+(?:[.,][0-9]+)?)"
        )
    };
}
/// Digits with optional scales: `83,2 tỷ`, `2 triệu 500 nghìn`, `1 triệu rưỡi`.
macro_rules! pat_digit_number {
    () => {
        concat!(
            pat_digits!(),
            r"(?:\s+",
            pat_scales!(),
            r"(?:\s+",
            pat_digits!(),
            r"\s+",
            pat_scales!(),
            r")*(?:\s+rưỡi(?-u:\b))?)?"
        )
    };
}
/// A number in words, or a lone `không`. After a scale word come groups that are
/// followed by another scale word, then optionally `rưỡi` or a last group that is
/// never a bare digit word (`một nghìn năm` is "a thousand years").
macro_rules! pat_word_number {
    () => {
        concat!(
            r"(?-u:\b)(?:",
            pat_group!(),
            r"(?:\s+",
            pat_scales!(),
            r"(?:\s+(?:",
            pat_link!(),
            "|",
            pat_group!(),
            r")\s+",
            pat_scales!(),
            r")*(?:\s+rưỡi(?-u:\b)|\s+(?:",
            pat_link!(),
            "|",
            pat_hundreds!(),
            "|",
            pat_tens!(),
            r"))?)?|không(?-u:\b)|trăm(?-u:\b))"
        )
    };
}
macro_rules! pat_number {
    () => {
        concat!("(?:", pat_digit_number!(), "|", pat_word_number!(), ")")
    };
}
macro_rules! pat_before {
    () => {
        concat!(
            r"(?:(?-u:\b)(?:gần\s+như|không\s+vượt\s+quá|không\s+quá|xấp\s+xỉ|vượt\s+quá|từ)(?-u:\B)",
            r"|(?-u:\b)(?:trên\s+dưới|chưa\s+đến|chưa\s+tới|chưa\s+đầy|tối\s+đa|tối\s+thiểu",
            r"|khoảng|chừng|vượt|trên|hơn|gần|dưới)(?-u:\b)",
            r"|(?-u:\B)(?:ít\s+nhất|ước\s+tính|ước\s+đạt|ước)(?-u:\b))"
        )
    };
}
macro_rules! pat_after {
    () => {
        r"(?-u:\b)(?:trở\s+lên|trở\s+xuống)(?-u:\b)"
    };
}

/// Regex source matching ONE number as [`parse_number`] accepts it: a digit form
/// (`36.700`, `97,3`, `1,234.5`) or a word form (`hai mươi mốt`), each with optional
/// trailing scale words (`83,2 tỷ`, `một nghìn rưỡi`). No capture groups, no anchors;
/// compile with `(?i)`. Digit forms start on a word edge but need not end on one, so the
/// digits of `36.700m2` match; word forms start and end on a word edge.
pub const NUMBER_PATTERN: &str = pat_number!();

/// Regex source for qualifier words that come BEFORE a number: `trên`, `hơn`, `vượt`,
/// `ít nhất`, `tối thiểu` (at least); `gần`, `dưới`, `không quá`, `tối đa`, `chưa đến`,
/// `chưa tới`, `chưa đầy` (at most); `khoảng`, `chừng`, `xấp xỉ`, `gần như`, `trên dưới`,
/// `ước`, `ước tính`, `ước đạt` (approximately); and the neutral `từ` of `từ … trở lên`.
/// No capture groups; starts and ends on a word edge.
pub const QUALIFIER_BEFORE_PATTERN: &str = pat_before!();

/// Regex source for qualifier words that come AFTER a number or unit: `trở lên` (at
/// least), `trở xuống` (at most). No capture groups; starts and ends on a word edge.
pub const QUALIFIER_AFTER_PATTERN: &str = pat_after!();

/// Every phrase of [`QUALIFIER_BEFORE_PATTERN`] with its meaning (`Exact` = neutral).
const BEFORE_WORDS: &[(&str, Qualifier)] = &[
    ("trên dưới", Qualifier::Approx),
    ("gần như", Qualifier::Approx),
    ("không vượt quá", Qualifier::AtMost),
    ("không quá", Qualifier::AtMost),
    ("chưa đến", Qualifier::AtMost),
    ("chưa tới", Qualifier::AtMost),
    ("chưa đầy", Qualifier::AtMost),
    ("tối đa", Qualifier::AtMost),
    ("tối thiểu", Qualifier::AtLeast),
    ("ít nhất", Qualifier::AtLeast),
    ("xấp xỉ", Qualifier::Approx),
    ("ước tính", Qualifier::Approx),
    ("ước đạt", Qualifier::Approx),
    ("ước", Qualifier::Approx),
    ("khoảng", Qualifier::Approx),
    ("chừng", Qualifier::Approx),
    ("vượt quá", Qualifier::AtLeast),
    ("vượt", Qualifier::AtLeast),
    ("trên", Qualifier::AtLeast),
    ("hơn", Qualifier::AtLeast),
    ("gần", Qualifier::AtMost),
    ("dưới", Qualifier::AtMost),
    ("từ", Qualifier::Exact),
];

fn compile(source: &str) -> Regex {
    Regex::new(source).expect("built-in number pattern compiles")
}

static FULL_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| compile(concat!("(?i)^", pat_number!(), "$")));
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?i)(?:(",
        pat_before!(),
        r")\s+)?(",
        pat_number!(),
        ")"
    ))
});
static RATIO: LazyLock<Regex> = LazyLock::new(|| {
    compile(concat!(
        r"(?i)(?:(",
        pat_before!(),
        r")\s+)?(",
        pat_number!(),
        r")(\s*/\s*|\s+(?:trên tổng số|trong tổng số|trong số|trên)\s+)(",
        pat_number!(),
        ")"
    ))
});
static AFTER: LazyLock<Regex> = LazyLock::new(|| compile(concat!("(?i)", pat_after!())));

// ---------------------------------------------------------------------------
// Exact decimal arithmetic.

/// `mantissa · 10^exp`, exact.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Dec {
    mantissa: u128,
    exp: i32,
}

impl Dec {
    const ZERO: Dec = Dec {
        mantissa: 0,
        exp: 0,
    };

    fn int(n: u128) -> Dec {
        Dec {
            mantissa: n,
            exp: 0,
        }
    }

    /// Multiply by `10^k`.
    fn shift(self, k: i32) -> Dec {
        Dec {
            exp: self.exp + k,
            ..self
        }
    }

    /// Exact sum; `None` on overflow.
    fn plus(self, other: Dec) -> Option<Dec> {
        if other.mantissa == 0 {
            return Some(self);
        }
        if self.mantissa == 0 {
            return Some(other);
        }
        let exp = self.exp.min(other.exp);
        let align = |d: Dec| {
            let k = u32::try_from(d.exp - exp).ok()?;
            d.mantissa.checked_mul(10u128.checked_pow(k)?)
        };
        Some(Dec {
            mantissa: align(self)?.checked_add(align(other)?)?,
            exp,
        })
    }

    /// The nearest `f64` (Rust's float parsing rounds correctly).
    fn to_f64(self) -> Option<f64> {
        let v: f64 = format!("{}e{}", self.mantissa, self.exp).parse().ok()?;
        v.is_finite().then_some(v)
    }
}

/// One digit token (`36.700`, `97,3`, `1,234.5`) per the rules in the module docs.
fn parse_digits(s: &str) -> Option<Dec> {
    let groups: Vec<&str> = s.split(['.', ',']).collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let marks: Vec<char> = s.chars().filter(|c| matches!(c, '.' | ',')).collect();
    let grouped = |gs: &[&str]| gs[0].len() <= 3 && gs[1..].iter().all(|g| g.len() == 3);
    let n = marks.len();
    let int_groups = match marks.as_slice() {
        [] => 1,
        ['.'] => {
            let thousands =
                groups[0].len() <= 3 && groups[1].len() == 3 && !groups[0].starts_with('0');
            if thousands {
                2
            } else {
                1
            }
        }
        [','] => 1,
        [first, ..] if marks.iter().all(|c| c == first) => {
            if !grouped(&groups) {
                return None;
            }
            n + 1
        }
        [rest @ .., last] => {
            if rest.contains(last) || !grouped(&groups[..n]) {
                return None;
            }
            n
        }
    };
    let int_digits: String = groups[..int_groups].concat();
    let frac_digits: String = groups[int_groups..].concat();
    let mantissa: u128 = format!("{int_digits}{frac_digits}").parse().ok()?;
    Some(Dec {
        mantissa,
        exp: -i32::try_from(frac_digits.len()).ok()?,
    })
}

// ---------------------------------------------------------------------------
// Evaluation of a number already checked against the grammar.

#[derive(Debug, Clone, Copy)]
enum Tok {
    Num(Dec),
    Digit(u8),
    Ten,
    Tens,
    Hundred,
    Link,
    Scale(i32),
    Half,
}

fn token(word: &str) -> Option<Tok> {
    Some(match word {
        "không" => Tok::Digit(0),
        "một" | "mốt" => Tok::Digit(1),
        "hai" => Tok::Digit(2),
        "ba" => Tok::Digit(3),
        "bốn" | "tư" => Tok::Digit(4),
        "năm" | "lăm" | "nhăm" => Tok::Digit(5),
        "sáu" => Tok::Digit(6),
        "bảy" | "bẩy" => Tok::Digit(7),
        "tám" => Tok::Digit(8),
        "chín" => Tok::Digit(9),
        "mười" => Tok::Ten,
        "mươi" | "chục" => Tok::Tens,
        "trăm" => Tok::Hundred,
        "linh" | "lẻ" => Tok::Link,
        "nghìn" | "ngàn" => Tok::Scale(3),
        "vạn" => Tok::Scale(4),
        "triệu" => Tok::Scale(6),
        "tỷ" | "tỉ" => Tok::Scale(9),
        "rưỡi" => Tok::Half,
        _ => Tok::Num(parse_digits(word)?),
    })
}

/// Value of a text that matched the number grammar (lowercase, whitespace-separated).
fn evaluate(text: &str) -> Option<Dec> {
    let mut total = Dec::ZERO; // everything before the last scale word
    let mut group = Dec::ZERO; // the group being read
    let mut pending = 0u8; // a digit word waiting for mươi/trăm/a scale
    let mut last_scale: Option<i32> = None;
    let mut prev: Option<Tok> = None;
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let tok = token(word)?;
        let next = words.get(i + 1).and_then(|w| token(w));
        match tok {
            Tok::Num(d) => group = d,
            // A digit right after a digit is the unit of tens said without `mươi`
            // (`chín lăm` = 95); the grammar allows that only for lăm, nhăm, mốt and tư.
            Tok::Digit(d) if matches!(prev, Some(Tok::Digit(_))) => {
                group = group.plus(Dec::int(u128::from(pending) * 10))?;
                pending = d;
            }
            // A digit alone after `trăm`, ending the group, is its tens (`một trăm hai` = 120).
            Tok::Digit(d)
                if matches!(prev, Some(Tok::Hundred))
                    && !matches!(next, Some(Tok::Tens | Tok::Digit(_))) =>
            {
                group = group.plus(Dec::int(u128::from(d) * 10))?;
            }
            Tok::Digit(d) => pending = d,
            Tok::Ten => group = group.plus(Dec::int(10))?,
            Tok::Tens | Tok::Hundred => {
                let unit = if matches!(tok, Tok::Tens) { 10 } else { 100 };
                // `trăm` alone ("gần trăm hội nghị") is one hundred.
                let count = if prev.is_none() && matches!(tok, Tok::Hundred) {
                    1
                } else {
                    pending
                };
                group = group.plus(Dec::int(u128::from(count) * unit))?;
                pending = 0;
            }
            Tok::Link => {}
            Tok::Scale(k) => {
                let g = group.plus(Dec::int(pending.into()))?;
                last_scale = Some(match last_scale {
                    // `nghìn tỷ`: the chain multiplies what is there.
                    Some(l) if matches!(prev, Some(Tok::Scale(_))) => {
                        total = total.shift(k);
                        l + k
                    }
                    // `triệu … nghìn`: a smaller scale adds.
                    Some(l) if k <= l => {
                        total = total.plus(g.shift(k))?;
                        k
                    }
                    // first scale, or a larger one: `một nghìn hai trăm triệu`.
                    _ => {
                        total = total.plus(g)?.shift(k);
                        k
                    }
                });
                group = Dec::ZERO;
                pending = 0;
            }
            Tok::Half => {
                let unit = match prev {
                    Some(Tok::Hundred) => 2,
                    _ => last_scale.unwrap_or(0),
                };
                group = group.plus(Dec {
                    mantissa: 5,
                    exp: unit - 1,
                })?;
            }
        }
        prev = Some(tok);
    }
    total.plus(group)?.plus(Dec::int(pending.into()))
}

/// Parse one number as Vietnamese writes it: digits or words, optionally followed by a
/// scale word. Returns `None` when the whole (trimmed) text is not exactly one number.
///
/// `36.700` → 36700, `97,3` → 97.3, `83,2 tỷ` → 83 200 000 000,
/// `hai nghìn không trăm hai mươi` → 2020; `2020-2025`, `28-NQ/TU`, `abc` → `None`.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim();
    if !FULL_NUMBER.is_match(text) {
        return None;
    }
    evaluate(&text.to_lowercase())?.to_f64()
}

/// The meaning of a matched before-qualifier phrase (`Exact` for the neutral `từ`).
fn before_qualifier(phrase: &str) -> Qualifier {
    let norm = phrase
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    BEFORE_WORDS
        .iter()
        .find(|(w, _)| *w == norm)
        .map_or(Qualifier::Exact, |&(_, q)| q)
}

/// The qualifier of `trở lên`/`trở xuống` anywhere in `text`, if any.
fn after_qualifier(text: &str) -> Option<Qualifier> {
    let m = AFTER.find(text)?;
    Some(if m.as_str().to_lowercase().ends_with("lên") {
        Qualifier::AtLeast
    } else {
        Qualifier::AtMost
    })
}

/// Whether `text[start..end]` is glued to a neighbour by `-` or `/` (`2020-2025`,
/// `28-NQ/TU`, `12/5/2023`): then it is part of a range, date or identifier.
fn is_glued(text: &str, start: usize, end: usize) -> bool {
    let joiner = |c: Option<char>| matches!(c, Some('-' | '/' | '–' | '—'));
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut before = text[..start].chars().rev();
    let mut after = text[end..].chars();
    (joiner(before.next()) && word(before.next())) || (joiner(after.next()) && word(after.next()))
}

/// Whether the number `number` found at `start` of `text` is not a figure but a vague amount
/// or part of a word: a bare `trăm` after `hàng`, `vài`, `mấy`, `dăm` ("hàng trăm" = hundreds)
/// or in `phần trăm` (per cent).
pub fn is_vague(text: &str, start: usize, number: &str) -> bool {
    if !number.trim().eq_ignore_ascii_case("trăm") && number.trim() != "Trăm" {
        return false;
    }
    let before = text[..start].trim_end().to_lowercase();
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    matches!(word, "hàng" | "vài" | "mấy" | "dăm" | "phần" | "hằng")
}

/// Combine a before-qualifier (wins unless neutral) with one found after the number.
fn combine(before: Option<regex::Match>, text: &str) -> Qualifier {
    match before.map(|m| before_qualifier(m.as_str())) {
        Some(q) if q != Qualifier::Exact => q,
        _ => after_qualifier(text).unwrap_or(Qualifier::Exact),
    }
}

/// Parse a number with qualifier words around it: `trên 83,2 tỷ` (at least),
/// `98 trở lên` (at least), `gần 190` (at most), `hơn một nghìn`, `khoảng 1.200`
/// (approx), `không quá 5`, `dưới 10`. Case-insensitive.
///
/// The first number in `text` that is not glued to a neighbour by `-` or `/` is taken
/// (so `2020-2025` and `28-NQ/TU` give `None`); anything after it, such as a `%` or a
/// unit the caller left in, is ignored except for `trở lên`/`trở xuống`, which are
/// looked for anywhere in `text` (so `"trở lên 1"` also reads as at least). A qualifier
/// before the number wins over one after it. Returns `None` when no number is found.
pub fn parse_quantity(text: &str) -> Option<Quantity> {
    QUANTITY.captures_iter(text).find_map(|caps| {
        let num = caps.get(2)?;
        if is_glued(text, num.start(), num.end()) || is_vague(text, num.start(), num.as_str()) {
            return None;
        }
        Some(Quantity {
            value: parse_number(num.as_str())?,
            qualifier: combine(caps.get(1), text),
        })
    })
}

/// Parse a ratio `4/19`, `4 / 19`, `3 trên 19` or `77 trong tổng số 108` → `(4, 19)`, with qualifier words before (or
/// `trở lên`/`trở xuống` after) as in [`parse_quantity`]: `trên 4/19` → at least 4 of 19.
/// The first ratio not glued to a neighbour is taken (`12/5/2023` is a date: `None`);
/// a zero denominator, or a value above the total (`431/411`), gives `None`.
pub fn parse_ratio(text: &str) -> Option<(Quantity, f64)> {
    RATIO.captures_iter(text).find_map(|caps| {
        let (num, den) = (caps.get(2)?, caps.get(4)?);
        if is_glued(text, num.start(), den.end()) {
            return None;
        }
        let total = parse_number(den.as_str()).filter(|&t| t != 0.0)?;
        let quantity = Quantity {
            value: parse_number(num.as_str())?,
            qualifier: combine(caps.get(1), text),
        };
        // "4/19", "3 trên 19", "77 trong tổng số 108": a part of a whole, so never more than
        // it ("431/411 chi bộ" is a typo or a date, not a figure).
        if quantity.value > total {
            return None;
        }
        Some((quantity, total))
    })
}

/// Format `value` the Vietnamese way with `decimals` decimal places: thousands grouped
/// with `.`, decimal mark `,` (`1234567.891, 2` → `"1.234.567,89"`). Rounds like
/// `format!("{:.N}")`; a negative value gets a leading `-` (which [`parse_number`] does
/// not accept); non-finite values are written as Rust writes them.
pub fn format_vietnamese(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let plain = format!("{:.*}", decimals, value.abs());
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut out = String::new();
    if value < 0.0 && plain.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

const DIGIT_WORDS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// Read `n` in words the standard way: `21` → `hai mươi mốt`, `15` → `mười lăm`,
/// `24` → `hai mươi tư`, `105` → `một trăm linh năm`, `2020` →
/// `hai nghìn không trăm hai mươi`, `2·10¹²` → `hai nghìn tỷ`. Zero groups are skipped
/// (`1 000 005` → `một triệu không trăm linh năm`).
pub fn to_words(n: u64) -> String {
    if n == 0 {
        return DIGIT_WORDS[0].to_string();
    }
    let mut words = Vec::new();
    push_words(n, false, &mut words);
    words.join(" ")
}

/// Append the words of `n > 0`; `inner` when a higher group was already read, so a
/// short group needs its `không trăm` / `linh`.
fn push_words(n: u64, inner: bool, out: &mut Vec<&'static str>) {
    const BILLION: u64 = 1_000_000_000;
    if n >= BILLION {
        push_words(n / BILLION, inner, out);
        out.push("tỷ");
        let rest = n % BILLION;
        if rest != 0 {
            push_words(rest, true, out);
        }
        return;
    }
    let mut inner = inner;
    for (unit, scale) in [(1_000_000, "triệu"), (1_000, "nghìn"), (1, "")] {
        let g = (n / unit % 1000) as usize;
        if g == 0 {
            continue;
        }
        let (h, t, u) = (g / 100, g / 10 % 10, g % 10);
        let full = inner || h > 0;
        if full {
            out.extend([DIGIT_WORDS[h], "trăm"]);
        }
        match t {
            0 if u == 0 => {}
            0 => {
                if full {
                    out.push("linh");
                }
                out.push(DIGIT_WORDS[u]);
            }
            1 => {
                out.push("mười");
                match u {
                    0 => {}
                    5 => out.push("lăm"),
                    _ => out.push(DIGIT_WORDS[u]),
                }
            }
            _ => {
                out.extend([DIGIT_WORDS[t], "mươi"]);
                match u {
                    0 => {}
                    1 => out.push("mốt"),
                    4 => out.push("tư"),
                    5 => out.push("lăm"),
                    _ => out.push(DIGIT_WORDS[u]),
                }
            }
        }
        if !scale.is_empty() {
            out.push(scale);
        }
        inner = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Qualifier::{Approx, AtLeast, AtMost, Exact};

    fn number_regex() -> Regex {
        Regex::new(&format!("(?i){NUMBER_PATTERN}")).unwrap()
    }

    fn quantity_regex() -> Regex {
        Regex::new(&format!(
            r"(?i)(?:{QUALIFIER_BEFORE_PATTERN}\s+)?(?:{NUMBER_PATTERN})"
        ))
        .unwrap()
    }

    const DIGIT_CASES: &[(&str, f64)] = &[
        ("36.700", 36_700.0),
        ("97,3", 97.3),
        ("1.234.567", 1_234_567.0),
        ("12.000", 12_000.0),
        ("09", 9.0),
        ("03", 3.0),
        ("0,5", 0.5),
        ("2,25", 2.25),
        ("1,234,567", 1_234_567.0),
        ("3.5", 3.5),
        ("1.234", 1_234.0),
        ("1,234", 1.234),
        ("1.234,5", 1_234.5),
        ("1,234.5", 1_234.5),
        ("1,234,567.89", 1_234_567.89),
        ("1.234.567,89", 1_234_567.89),
        ("0.500", 0.5),
        ("1.2345", 1.2345),
        ("1234.567", 1_234.567),
        ("172", 172.0),
        ("0", 0.0),
        ("100", 100.0),
        ("2025", 2025.0),
        ("  42  ", 42.0),
        ("100,0", 100.0),
        ("999.999.999.999", 999_999_999_999.0),
        ("0,05", 0.05),
        ("12,345", 12.345),
    ];

    const SCALE_CASES: &[(&str, f64)] = &[
        ("83,2 tỷ", 83_200_000_000.0),
        ("1,5 triệu", 1_500_000.0),
        ("2 nghìn tỷ", 2e12),
        ("5 nghìn", 5_000.0),
        ("1,2 nghìn", 1_200.0),
        ("3 vạn", 30_000.0),
        ("2,5 ngàn", 2_500.0),
        ("7 tỉ", 7e9),
        ("7 Tỷ", 7e9),
        ("1.234 tỷ", 1_234e9),
        ("0,1 tỷ", 1e8),
        ("2 triệu 500 nghìn", 2_500_000.0),
        ("1 tỷ 250 triệu", 1_250_000_000.0),
        ("1 triệu rưỡi", 1_500_000.0),
        ("4,35 triệu", 4_350_000.0),
        ("12,345 tỷ", 12_345_000_000.0),
        ("1 nghìn tỷ", 1e12),
        ("3 triệu\ttỷ", 3e15),
    ];

    const WORD_CASES: &[(&str, f64)] = &[
        ("một nghìn", 1_000.0),
        ("hai mươi mốt", 21.0),
        ("một trăm linh năm", 105.0),
        ("mười lăm", 15.0),
        ("bốn mươi tư", 44.0),
        ("hai nghìn không trăm hai mươi", 2_020.0),
        ("hai mươi lăm", 25.0),
        ("ba trăm", 300.0),
        ("một triệu hai trăm nghìn", 1_200_000.0),
        ("một nghìn rưỡi", 1_500.0),
        ("hai triệu rưỡi", 2_500_000.0),
        ("năm", 5.0),
        ("mười", 10.0),
        ("một trăm mười", 110.0),
        ("chín mươi chín", 99.0),
        ("không", 0.0),
        ("Một nghìn", 1_000.0),
        ("HAI MƯƠI", 20.0),
        ("Ba Trăm", 300.0),
        ("mười bốn", 14.0),
        ("mười tư", 14.0),
        ("mười một", 11.0),
        ("hai mươi bốn", 24.0),
        ("hai mươi một", 21.0),
        ("một trăm lẻ năm", 105.0),
        ("năm trăm nghìn", 500_000.0),
        ("một trăm rưỡi", 150.0),
        ("hai chục", 20.0),
        ("hai chục nghìn", 20_000.0),
        ("mười vạn", 100_000.0),
        ("hai vạn năm nghìn", 25_000.0),
        ("một tỷ hai trăm triệu", 1_200_000_000.0),
        ("một nghìn hai trăm triệu", 1_200_000_000.0),
        ("một nghìn linh năm", 1_005.0),
        ("ba mươi nhăm", 35.0),
        ("bẩy", 7.0),
        ("bảy mươi bảy", 77.0),
        ("một nghìn tỷ", 1e12),
        ("hai nghìn tỷ rưỡi", 2.5e12),
        ("một triệu không trăm linh năm", 1_000_005.0),
        (
            "chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
            999_999.0,
        ),
        ("một nghìn hai mươi", 1_020.0),
        ("sáu trăm tám mươi", 680.0),
        ("tám ngàn", 8_000.0),
        ("ba tỉ", 3e9),
        ("một trăm rưỡi nghìn", 150_000.0),
        ("không trăm linh một", 1.0),
        ("một triệu linh năm nghìn", 1_005_000.0),
        ("hai  mươi   mốt", 21.0),
        // Spoken forms that drop the tens word, and a bare `trăm`.
        ("một trăm hai", 120.0),
        ("năm trăm tư", 540.0),
        ("một trăm mốt", 110.0),
        ("một ngàn chín lăm", 1_095.0),
        ("chín lăm", 95.0),
        ("hai mốt", 21.0),
        ("ba tư", 34.0),
        ("bảy trăm rưỡi", 750.0),
        ("hai trăm tám", 280.0),
        ("trăm", 100.0),
        ("một trăm hai mươi", 120.0),
        ("một trăm linh hai", 102.0),
    ];

    const REJECTS: &[&str] = &[
        "",
        "   ",
        "abc",
        "2020-2025",
        "28-NQ/TU",
        "nghìn",
        "tỷ",
        "chục",
        "linh",
        "lẻ năm",
        "mươi",
        "rưỡi",
        "mốt",
        "tư",
        "lăm",
        "hai ba",
        "một trăm năm",
        "một mươi năm",
        "hai mươi năm",
        "mười năm",
        "một nghìn năm",
        "36 700",
        "1.234.5678",
        "1,234,5",
        "1.234,5.6",
        "5%",
        "-5",
        "1..2",
        "1.",
        ".5",
        ",5",
        "hàng trăm",
        "5tỷ",
        "nghìn tỷ",
        "2/3",
        "1 2",
        "hai 5",
        "5 hai",
        "m2",
        "V",
        "không không",
        "một mươi mười",
        "hai nghìn không",
        "1,2,3",
        "٣",
        "khai",
        "ba mươi lăm người",
    ];

    #[test]
    fn digits_parse() {
        for &(text, want) in DIGIT_CASES {
            assert_eq!(parse_number(text), Some(want), "{text:?}");
        }
    }

    #[test]
    fn scales_multiply_exactly() {
        for &(text, want) in SCALE_CASES {
            assert_eq!(parse_number(text), Some(want), "{text:?}");
        }
        assert_eq!(parse_number("83,2 tỷ").unwrap(), 83_200_000_000.0);
        assert_eq!(parse_number("83,2 tỷ").unwrap() as u64, 83_200_000_000);
    }

    #[test]
    fn words_parse() {
        for &(text, want) in WORD_CASES {
            assert_eq!(parse_number(text), Some(want), "{text:?}");
        }
    }

    #[test]
    fn rejects() {
        for &text in REJECTS {
            assert_eq!(parse_number(text), None, "{text:?}");
        }
    }

    #[test]
    fn quantities() {
        let cases: &[(&str, f64, Qualifier)] = &[
            ("trên 83,2 tỷ", 83_200_000_000.0, AtLeast),
            ("98 trở lên", 98.0, AtLeast),
            ("gần 190", 190.0, AtMost),
            ("hơn một nghìn", 1_000.0, AtLeast),
            ("khoảng 1.200", 1_200.0, Approx),
            ("không quá 5", 5.0, AtMost),
            ("dưới 10", 10.0, AtMost),
            ("Trên 1.500", 1_500.0, AtLeast),
            ("từ 98 trở lên", 98.0, AtLeast),
            ("từ 5", 5.0, Exact),
            ("ít nhất 3", 3.0, AtLeast),
            ("tối thiểu 2", 2.0, AtLeast),
            ("tối đa 7", 7.0, AtMost),
            ("chưa đến 50", 50.0, AtMost),
            ("chưa tới 50", 50.0, AtMost),
            ("chưa đầy 1", 1.0, AtMost),
            ("5 trở xuống", 5.0, AtMost),
            ("chừng 30", 30.0, Approx),
            ("xấp xỉ 2,5", 2.5, Approx),
            ("gần như 100", 100.0, Approx),
            ("ước 300", 300.0, Approx),
            ("ước tính 1,5 triệu", 1_500_000.0, Approx),
            ("ước đạt 1.200", 1_200.0, Approx),
            ("vượt 12", 12.0, AtLeast),
            ("vượt quá 12", 12.0, AtLeast),
            ("không vượt quá 12", 12.0, AtMost),
            ("trên dưới 100", 100.0, Approx),
            ("172", 172.0, Exact),
            ("97,3%", 97.3, Exact),
            ("97,3 %", 97.3, Exact),
            ("trên 50%", 50.0, AtLeast),
            ("98% trở lên", 98.0, AtLeast),
            ("trên 5 trở xuống", 5.0, AtLeast),
            ("dưới 5 trở lên", 5.0, AtMost),
            ("KHOẢNG 20", 20.0, Approx),
            ("Hơn Một Nghìn", 1_000.0, AtLeast),
            ("hàng 100", 100.0, Exact),
            ("không quá năm", 5.0, AtMost),
            ("hơn 2 triệu 500 nghìn", 2_500_000.0, AtLeast),
            ("  trên   83,2   tỷ  ", 83_200_000_000.0, AtLeast),
            ("trở lên 1", 1.0, AtLeast),
            ("trên 1", 1.0, AtLeast),
            ("gần như 1", 1.0, Approx),
            ("đạt trên 83,2 tỷ đồng", 83_200_000_000.0, AtLeast),
            ("Nghị quyết 28-NQ/TU đạt 95%", 95.0, Exact),
            ("36.700m2", 36_700.0, Exact),
        ];
        for &(text, value, qualifier) in cases {
            assert_eq!(
                parse_quantity(text),
                Some(Quantity { value, qualifier }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn quantity_rejects() {
        for text in [
            "",
            "trên",
            "hàng trăm",
            "2020-2025",
            "28-NQ/TU",
            "abc %",
            "4/19",
        ] {
            assert_eq!(parse_quantity(text), None, "{text:?}");
        }
    }

    #[test]
    fn ratios() {
        let q = |value, qualifier| Quantity { value, qualifier };
        let cases: &[(&str, Quantity, f64)] = &[
            ("4/19", q(4.0, Exact), 19.0),
            ("4 / 19", q(4.0, Exact), 19.0),
            ("trên 4/19", q(4.0, AtLeast), 19.0),
            ("gần 2/3", q(2.0, AtMost), 3.0),
            ("khoảng 3/4", q(3.0, Approx), 4.0),
            ("1.200/1.500", q(1_200.0, Exact), 1_500.0),
            ("97,5/100", q(97.5, Exact), 100.0),
            ("hai/ba", q(2.0, Exact), 3.0),
            ("19/19 trở lên", q(19.0, AtLeast), 19.0),
            ("đạt 15/17 chỉ tiêu", q(15.0, Exact), 17.0),
            ("3 trên 19 xã", q(3.0, Exact), 19.0),
            ("77 trong tổng số 108 trưởng thôn", q(77.0, Exact), 108.0),
            ("hơn 40 trong số 52 chi bộ", q(40.0, AtLeast), 52.0),
        ];
        for &(text, want, total) in cases {
            assert_eq!(parse_ratio(text), Some((want, total)), "{text:?}");
        }
        // "19 trên 3" is not a part of a whole: "trên" there qualifies what follows.
        for text in [
            "12/5/2023",
            "4",
            "4/0",
            "a/b",
            "28-NQ/TU",
            "",
            "/5",
            "19 trên 3",
            "431/411",
            "trên 22/21",
        ] {
            assert_eq!(parse_ratio(text), None, "{text:?}");
        }
    }

    #[test]
    fn qualifier_names() {
        assert_eq!(Exact.as_str(), "exact");
        assert_eq!(AtLeast.as_str(), "at_least");
        assert_eq!(AtMost.as_str(), "at_most");
        assert_eq!(Approx.as_str(), "approx");
        assert!(Exact < AtLeast && AtMost < Approx);
        for q in [Exact, AtLeast, AtMost, Approx] {
            let json = serde_json::to_string(&q).unwrap();
            assert_eq!(json, format!("\"{}\"", q.as_str()));
            assert_eq!(serde_json::from_str::<Qualifier>(&json).unwrap(), q);
        }
    }

    #[test]
    fn before_table_matches_pattern() {
        let re = Regex::new(&format!("(?i)^{QUALIFIER_BEFORE_PATTERN}$")).unwrap();
        for &(phrase, q) in BEFORE_WORDS {
            assert!(re.is_match(phrase), "{phrase:?}");
            assert_eq!(before_qualifier(phrase), q, "{phrase:?}");
            let upper = phrase.to_uppercase();
            assert!(re.is_match(&upper), "{upper:?}");
        }
        assert!(!re.is_match("hàng"));
        let after = Regex::new(&format!("(?i)^{QUALIFIER_AFTER_PATTERN}$")).unwrap();
        assert!(after.is_match("trở lên") && after.is_match("Trở  Xuống"));
    }

    #[test]
    fn patterns_have_no_groups_and_compose() {
        for p in [
            NUMBER_PATTERN,
            QUALIFIER_BEFORE_PATTERN,
            QUALIFIER_AFTER_PATTERN,
        ] {
            assert_eq!(Regex::new(p).unwrap().captures_len(), 1, "{p}");
        }
        let re = Regex::new(&format!(
            r"(?i)(?:({QUALIFIER_BEFORE_PATTERN})\s+)?({NUMBER_PATTERN})\s*%?\s*({QUALIFIER_AFTER_PATTERN})?"
        ))
        .unwrap();
        let caps = re.captures("tỷ lệ đạt 98% trở lên").unwrap();
        assert_eq!(&caps[2], "98");
        assert_eq!(&caps[3], "trở lên");
    }

    #[test]
    fn pattern_scans() {
        let cases: &[(&str, &str)] = &[
            ("đạt trên 83,2 tỷ đồng", "trên 83,2 tỷ"),
            ("kết nạp 172 ĐV", "172"),
            ("hơn một nghìn ý kiến", "hơn một nghìn"),
            ("36.700m2", "36.700"),
            ("hai mươi năm qua", "hai mươi"),
            ("có ba mươi lăm người", "ba mươi lăm"),
            ("tổng 1.234.567 đồng", "1.234.567"),
            ("Khoảng 1,5 triệu lượt", "Khoảng 1,5 triệu"),
            ("chi 2 triệu 500 nghìn đồng", "2 triệu 500 nghìn"),
            ("không quá 5 ngày", "không quá 5"),
            ("đạt 1.234.", "1.234"),
            ("gồm 5, 6 và 7", "5"),
            ("1,234.5 USD", "1,234.5"),
            ("1.234,5 ha", "1.234,5"),
            (
                "hai nghìn không trăm hai mươi người",
                "hai nghìn không trăm hai mươi",
            ),
            ("một nghìn năm văn hiến", "một nghìn"),
            ("3 nghìn tấn", "3 nghìn"),
            ("5 nghìnx", "5"),
            ("gần như 100%", "gần như 100"),
            ("(12)", "12"),
        ];
        let re = quantity_regex();
        for &(text, want) in cases {
            assert_eq!(re.find(text).map(|m| m.as_str()), Some(want), "{text:?}");
        }
        let re = number_regex();
        let all = |t: &str| {
            re.find_iter(t)
                .map(|m| m.as_str().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(all("2020-2025"), ["2020", "2025"]);
        assert_eq!(all("m2 khai thai Q1 tưởng"), Vec::<String>::new());
        // A bare `trăm` is a number ("gần trăm hội nghị"); whether "hàng trăm" is a figure is
        // for the mention finder to say (it is not: vague).
        assert_eq!(all("hàng trăm, hàng nghìn, vài chục"), ["trăm"]);
        assert_eq!(all("năm 2023 có hai nghìn"), ["năm", "2023", "hai nghìn"]);
        // Word edges next to non-ASCII letters.
        assert_eq!(all("hai mươi tư người"), ["hai mươi tư"]);
        assert_eq!(all("3 tỷ, 4 tỉ."), ["3 tỷ", "4 tỉ"]);
        assert_eq!(all("một trăm lẻo"), ["một trăm"]);
        assert_eq!(all("một trăm lẻ một"), ["một trăm lẻ một"]);
        assert_eq!(all("Bảy tỷ"), ["Bảy tỷ"]);
        let re = quantity_regex();
        let first = |t: &str| re.find(t).map(|m| m.as_str().to_string());
        assert_eq!(first("trước 2025").as_deref(), Some("2025"));
        assert_eq!(first("bước 5").as_deref(), Some("5"));
        assert_eq!(first("ít nhất 3 lần").as_deref(), Some("ít nhất 3"));
        assert_eq!(first("ước 300 hộ").as_deref(), Some("ước 300"));
        assert_eq!(first("bít 4").as_deref(), Some("4"));
        assert_eq!(first("gần như 9").as_deref(), Some("gần như 9"));
        assert_eq!(first("không quá 2").as_deref(), Some("không quá 2"));
        assert_eq!(first("từ 2 trở lên").as_deref(), Some("từ 2"));
        assert_eq!(first("từng 2").as_deref(), Some("2"));
        assert_eq!(
            parse_quantity("trước 2025"),
            Some(Quantity {
                value: 2025.0,
                qualifier: Exact
            })
        );
    }

    /// Deterministic xorshift64 generator.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn format_examples() {
        assert_eq!(format_vietnamese(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(format_vietnamese(36_700.0, 0), "36.700");
        assert_eq!(format_vietnamese(97.3, 1), "97,3");
        assert_eq!(format_vietnamese(0.5, 1), "0,5");
        assert_eq!(format_vietnamese(999.0, 0), "999");
        assert_eq!(format_vietnamese(-1_000.0, 0), "-1.000");
        assert_eq!(format_vietnamese(-0.0001, 0), "0");
    }

    #[test]
    fn round_trip_formatted_numbers() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let re = number_regex();
        for _ in 0..10_000 {
            let int_digits = rng.below(13) as u32;
            let decimals = rng.below(4) as u32;
            let int = rng.below(10u64.pow(int_digits));
            let frac = rng.below(10u64.pow(decimals));
            let mantissa = int * 10u64.pow(decimals) + frac;
            let value = mantissa as f64 / 10f64.powi(decimals as i32);
            let text = format_vietnamese(value, decimals as usize);
            assert_eq!(parse_number(&text), Some(value), "{text:?}");
            let found = re
                .find(&format!("đạt {text} đồng"))
                .map(|m| m.as_str().to_string());
            assert_eq!(found.as_deref(), Some(text.as_str()));
            if decimals == 0 && int < 1_000_000 {
                let scaled = format!("{text} tỷ");
                assert_eq!(parse_number(&scaled), Some(int as f64 * 1e9), "{scaled:?}");
            }
        }
    }

    #[test]
    fn round_trip_words() {
        let re = number_regex();
        let check = |n: u64| {
            let words = to_words(n);
            assert_eq!(parse_number(&words), Some(n as f64), "{n}: {words:?}");
            let text = format!("có {words} người");
            assert_eq!(
                re.find(&text).map(|m| m.as_str()),
                Some(words.as_str()),
                "{n}"
            );
        };
        (0..=9_999).for_each(check);
        let mut rng = XorShift(42);
        for _ in 0..2_000 {
            let digits = rng.below(16) as u32;
            check(rng.below(10u64.pow(digits)));
        }
    }

    /// Every span the patterns find in random word soup parses.
    #[test]
    fn scanned_spans_always_parse() {
        const VOCAB: &[&str] = &[
            "không",
            "một",
            "mốt",
            "hai",
            "ba",
            "bốn",
            "tư",
            "năm",
            "lăm",
            "nhăm",
            "sáu",
            "bảy",
            "bẩy",
            "tám",
            "chín",
            "mười",
            "mươi",
            "chục",
            "trăm",
            "linh",
            "lẻ",
            "nghìn",
            "ngàn",
            "vạn",
            "triệu",
            "tỷ",
            "tỉ",
            "rưỡi",
            "12",
            "1.234",
            "3,5",
            "1,234.5",
            "0",
            "2.000.000",
            "người",
            "đạt",
            "lệ",
            "trở",
            "lên",
            "trên",
            "gần",
            "như",
            "khoảng",
            "không quá",
            "-",
            "/",
            "%",
            "m2",
            "Hai",
            "MƯỜI",
            "ít nhất",
        ];
        let mut rng = XorShift(7);
        let (number, quantity) = (number_regex(), quantity_regex());
        for _ in 0..5_000 {
            let len = 1 + rng.below(12) as usize;
            let words: Vec<&str> = (0..len)
                .map(|_| VOCAB[rng.below(VOCAB.len() as u64) as usize])
                .collect();
            let text = words.join(" ");
            for m in number.find_iter(&text) {
                assert!(
                    parse_number(m.as_str()).is_some(),
                    "{:?} in {text:?}",
                    m.as_str()
                );
            }
            for m in quantity.find_iter(&text) {
                assert!(
                    parse_quantity(m.as_str()).is_some(),
                    "{:?} in {text:?}",
                    m.as_str()
                );
            }
        }
    }

    #[test]
    fn to_words_examples() {
        let cases: &[(u64, &str)] = &[
            (0, "không"),
            (5, "năm"),
            (10, "mười"),
            (11, "mười một"),
            (14, "mười bốn"),
            (15, "mười lăm"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (1_005, "một nghìn không trăm linh năm"),
            (2_020, "hai nghìn không trăm hai mươi"),
            (1_000_005, "một triệu không trăm linh năm"),
            (2_000_000_000_000, "hai nghìn tỷ"),
        ];
        for &(n, want) in cases {
            assert_eq!(to_words(n), want);
        }
    }
}
