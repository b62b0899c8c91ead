//! The lexicon: named, reusable sub-patterns that rule authors write as `%{NAME}` (match) or
//! `%{NAME:capture}` (match and capture) instead of hand-writing regexes for Vietnamese
//! numbers, percentages, money, ratios or party vocabulary.
//!
//! Three names are built in and come from [`crate::number`]: `NUMBER` (one number, digits or
//! words, with scale word), `QUAL_BEFORE` (trên, hơn, gần, khoảng…) and `QUAL_AFTER`
//! (trở lên…). Everything else lives in `rules/lexicon.toml`, where an entry also says how a
//! captured piece is read (`parse`): the engine, not the rule author, turns "trên 83,2 tỷ đồng"
//! into 83 200 000 000 with qualifier `at_least`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{did_you_mean, from_toml_error, Diagnostic, Diagnostics};
use crate::number::{self, Qualifier, Quantity};

/// How a captured piece of text becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Parse {
    /// A bare number ("36.700", "hai mươi mốt").
    Number,
    /// A number with its qualifier words ("trên 12.000", "98 trở lên"). The default.
    #[default]
    Quantity,
    /// A percentage ("hơn 99,4%", "90% trở lên").
    Percent,
    /// Money in đồng, scale words applied ("trên 83,2 tỷ đồng").
    Money,
    /// An area in square metres; hectares and km² are converted ("36.700m2", "1,5 ha").
    Area,
    /// "x/y": value x and total y ("4/19").
    Ratio,
    /// Words only (party vocabulary, place words): no value.
    Text,
}

/// A value read from text: what the record will carry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parsed {
    pub value: f64,
    pub total: Option<f64>,
    pub qualifier: Qualifier,
}

impl Parse {
    /// Read `text` (a capture) the way this entry says. `None` when it holds no number.
    pub fn read(self, text: &str) -> Option<Parsed> {
        let text = text.trim();
        let plain = |q: Quantity| Parsed {
            value: q.value,
            total: None,
            qualifier: q.qualifier,
        };
        match self {
            Parse::Text => None,
            Parse::Number => number::parse_number(text).map(|value| Parsed {
                value,
                total: None,
                qualifier: Qualifier::Exact,
            }),
            Parse::Quantity => number::parse_quantity(text).map(plain),
            Parse::Percent => {
                let stripped = text.replace("phần trăm", "%");
                number::parse_quantity(&stripped).map(plain)
            }
            Parse::Money => {
                let lower = text.to_lowercase();
                let cut = ["đồng", "vnđ", "vnd", "đ"]
                    .iter()
                    .filter_map(|u| lower.rfind(u))
                    .min()
                    .unwrap_or(lower.len());
                number::parse_quantity(&lower[..cut]).map(|q| Parsed {
                    value: q.value.round(),
                    ..plain(q)
                })
            }
            Parse::Area => {
                let lower = text.to_lowercase();
                let units: [(&str, f64); 7] = [
                    ("km2", 1e6),
                    ("km²", 1e6),
                    ("héc-ta", 1e4),
                    ("hecta", 1e4),
                    ("ha", 1e4),
                    ("m2", 1.0),
                    ("m²", 1.0),
                ];
                let (cut, factor) = units
                    .iter()
                    .filter_map(|(u, f)| lower.rfind(u).map(|i| (i, *f)))
                    .min_by_key(|(i, _)| *i)
                    .or_else(|| lower.rfind("mét vuông").map(|i| (i, 1.0)))
                    .unwrap_or((lower.len(), 1.0));
                number::parse_quantity(&lower[..cut]).map(|q| Parsed {
                    value: (q.value * factor).round(),
                    ..plain(q)
                })
            }
            // A plain count is accepted too (entries like COUNT_OF match "4/19" or "9").
            Parse::Ratio => number::parse_ratio(text)
                .map(|(q, total)| Parsed {
                    value: q.value,
                    total: Some(total),
                    qualifier: q.qualifier,
                })
                .or_else(|| number::parse_quantity(text).map(plain)),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    pattern: Vec<EntrySpec>,
    #[serde(default)]
    guard_sets: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntrySpec {
    name: toml::Spanned<String>,
    regex: toml::Spanned<String>,
    #[serde(default)]
    parse: Parse,
    #[serde(default)]
    doc: String,
    #[serde(default)]
    examples: Vec<String>,
}

/// One named sub-pattern.
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    /// The regex source as written; `%{…}` inside are expanded on use.
    pub regex: String,
    pub parse: Parse,
    pub doc: String,
    /// Texts the entry must match as a whole (checked by `chiso check`).
    pub examples: Vec<String>,
    pub file: PathBuf,
    /// Alternatives added by plugins' `[aliases]`, with the plugin that added each.
    pub aliases: Vec<(String, String)>,
}

/// A pattern after `%{…}` expansion: plain regex source plus what each capture parses as.
#[derive(Debug, Clone, PartialEq)]
pub struct Expanded {
    pub regex: String,
    pub captures: Vec<(String, Parse)>,
}

/// Why a pattern could not be expanded; `offset` is a byte offset into the pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpandError {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: BTreeMap<String, Entry>,
    guard_sets: BTreeMap<String, Vec<String>>,
}

const BUILTINS: [(&str, &str, Parse, &str); 3] = [
    (
        "NUMBER",
        number::NUMBER_PATTERN,
        Parse::Number,
        "one number: digits the Vietnamese way (36.700, 97,3) or words (một nghìn), with scale word",
    ),
    (
        "QUAL_BEFORE",
        number::QUALIFIER_BEFORE_PATTERN,
        Parse::Text,
        "qualifier words before a number: trên, hơn, gần, khoảng, xấp xỉ, không quá, dưới…",
    ),
    (
        "QUAL_AFTER",
        number::QUALIFIER_AFTER_PATTERN,
        Parse::Text,
        "qualifier words after a number or unit: trở lên, trở xuống",
    ),
];

impl Lexicon {
    /// The built-in entries only.
    pub fn builtin() -> Lexicon {
        let mut lex = Lexicon::default();
        for (name, regex, parse, doc) in BUILTINS {
            lex.entries.insert(
                name.to_string(),
                Entry {
                    name: name.to_string(),
                    regex: regex.to_string(),
                    parse,
                    doc: doc.to_string(),
                    examples: Vec::new(),
                    file: PathBuf::from("<built-in>"),
                    aliases: Vec::new(),
                },
            );
        }
        lex
    }

    /// Load `rules/lexicon.toml` on top of the built-ins, checking every entry expands and
    /// compiles.
    pub fn load(path: &Path) -> Result<Lexicon, Diagnostics> {
        let source = std::fs::read_to_string(path).map_err(|e| {
            let mut d = Diagnostics::default();
            d.push(Diagnostic::error(
                path,
                format!("cannot read the lexicon: {e}"),
            ));
            d
        })?;
        Lexicon::parse(path, &source)
    }

    pub fn parse(path: &Path, source: &str) -> Result<Lexicon, Diagnostics> {
        let mut diags = Diagnostics::default();
        let file: LexiconFile = toml::from_str(source).map_err(|e| {
            let mut d = Diagnostics::default();
            d.push(from_toml_error(path, source, &e));
            d
        })?;
        let mut lex = Lexicon::builtin();
        let mut spans = Vec::new();
        for spec in file.pattern {
            let name = spec.name.get_ref().clone();
            if lex.entries.contains_key(&name) {
                diags.push(
                    Diagnostic::error(
                        path,
                        format!("lexicon entry `{name}` is defined twice (or shadows a built-in)"),
                    )
                    .at_span(source, Some(spec.name.span())),
                );
                continue;
            }
            if !name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            {
                diags.push(
                    Diagnostic::error(
                        path,
                        format!("lexicon name `{name}` must be UPPER_SNAKE_CASE"),
                    )
                    .at_span(source, Some(spec.name.span())),
                );
            }
            spans.push((name.clone(), spec.regex.span()));
            lex.entries.insert(
                name.clone(),
                Entry {
                    name,
                    regex: spec.regex.into_inner(),
                    parse: spec.parse,
                    doc: spec.doc,
                    examples: spec.examples,
                    file: path.to_path_buf(),
                    aliases: Vec::new(),
                },
            );
        }
        lex.guard_sets = file.guard_sets;
        // Every entry must expand, have no named groups of its own, compile, and match its examples.
        for (name, span) in spans {
            let entry = &lex.entries[&name];
            let at = |d: Diagnostic, off: usize| d.at_offset(source, span.start + 1 + off);
            if let Some(i) = entry.regex.find("(?P<").or_else(|| entry.regex.find("(?<")) {
                diags.push(at(
                    Diagnostic::error(path, format!("lexicon entry `{name}` has a named group"))
                        .with_hint("use (?:…) inside lexicon entries; rules name captures with %{NAME:capture}"),
                    i,
                ));
                continue;
            }
            match lex.expand(&format!("%{{{name}}}")) {
                Err(e) => diags.push(at(Diagnostic::error(path, e.message), 0)),
                Ok(exp) => match regex::Regex::new(&format!("(?i)^(?:{})$", exp.regex)) {
                    Err(e) => diags.push(at(
                        Diagnostic::error(
                            path,
                            format!("lexicon entry `{name}` is not a valid regex: {e}"),
                        ),
                        0,
                    )),
                    Ok(re) => {
                        for ex in &entry.examples {
                            if !re.is_match(ex) {
                                diags.push(at(
                                    Diagnostic::error(path, format!("lexicon entry `{name}` does not match its example {ex:?}")),
                                    0,
                                ));
                            }
                        }
                    }
                },
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(lex)
        }
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.get(name)
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// A named list of guard phrases (`@name` in a rule's guards).
    pub fn guard_set(&self, name: &str) -> Option<&[String]> {
        self.guard_sets.get(name).map(Vec::as_slice)
    }

    pub fn guard_set_names(&self) -> impl Iterator<Item = &str> {
        self.guard_sets.keys().map(String::as_str)
    }

    /// Add alternative spellings to an entry (a plugin's `[aliases]`). They are matched
    /// literally, case-insensitively.
    pub fn add_aliases(
        &mut self,
        name: &str,
        plugin: &str,
        words: &[String],
    ) -> Result<(), String> {
        let known: Vec<&str> = self.entries.keys().map(String::as_str).collect();
        let hint = did_you_mean(name, known.iter().copied())
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        let entry = self
            .entries
            .get_mut(name)
            .ok_or_else(|| format!("unknown lexicon entry `{name}`{hint}"))?;
        if entry.parse != Parse::Text {
            return Err(format!(
                "lexicon entry `{name}` parses values; aliases can only extend word entries"
            ));
        }
        for w in words {
            if !entry.aliases.iter().any(|(a, _)| a == w) {
                entry.aliases.push((w.clone(), plugin.to_string()));
            }
        }
        Ok(())
    }

    /// The plugins' aliases of every entry `pattern` uses, directly or through other entries
    /// (so a rule whose pattern says `%{VILLAGE_HEAD}` is also woken by the aliases' words).
    pub fn aliases_in(&self, pattern: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut todo = vec![(pattern.to_string(), 0usize)];
        let mut seen = std::collections::BTreeSet::new();
        while let Some((p, depth)) = todo.pop() {
            if depth > 16 {
                continue;
            }
            let mut rest = p.as_str();
            while let Some(start) = rest.find("%{") {
                let after = &rest[start + 2..];
                let Some(end) = after.find('}') else { break };
                let name = after[..end].split(':').next().unwrap_or("").trim();
                if let Some(entry) = self.entries.get(name) {
                    if seen.insert(name.to_string()) {
                        out.extend(entry.aliases.iter().map(|(a, _)| a.clone()));
                        todo.push((entry.regex.clone(), depth + 1));
                    }
                }
                rest = &after[end + 1..];
            }
        }
        out
    }

    /// Expand every `%{NAME}` / `%{NAME:capture}` in `pattern`.
    pub fn expand(&self, pattern: &str) -> Result<Expanded, ExpandError> {
        let mut captures = Vec::new();
        let regex = self.expand_inner(pattern, 0, &mut captures, true)?;
        // Plain named groups the author wrote directly parse as quantities.
        for name in regex_capture_names(&regex) {
            if !captures.iter().any(|(c, _)| *c == name) {
                captures.push((name, Parse::Quantity));
            }
        }
        Ok(Expanded { regex, captures })
    }

    fn expand_inner(
        &self,
        pattern: &str,
        depth: usize,
        captures: &mut Vec<(String, Parse)>,
        top: bool,
    ) -> Result<String, ExpandError> {
        if depth > 16 {
            return Err(ExpandError {
                offset: 0,
                message: "lexicon entries refer to each other in a cycle".into(),
                hint: None,
            });
        }
        let mut out = String::with_capacity(pattern.len() * 2);
        let mut rest = pattern;
        let mut consumed = 0;
        while let Some(start) = rest.find("%{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                return Err(ExpandError {
                    offset: consumed + start,
                    message: "unclosed `%{` in pattern".into(),
                    hint: Some("write %{NAME} or %{NAME:capture}".into()),
                });
            };
            let inner = &after[..end];
            let (name, capture) = match inner.split_once(':') {
                Some((n, c)) => (n.trim(), Some(c.trim())),
                None => (inner.trim(), None),
            };
            let Some(entry) = self.entries.get(name) else {
                let hint = did_you_mean(name, self.entries.keys().map(String::as_str))
                    .map(|n| format!("did you mean %{{{n}}}? `chiso lexicon` lists the entries"));
                return Err(ExpandError {
                    offset: consumed + start,
                    message: format!("unknown lexicon entry `{name}`"),
                    hint: hint.or_else(|| Some("see rules/lexicon.toml for the entries".into())),
                });
            };
            let body = self.expand_inner(&entry.regex, depth + 1, captures, false)?;
            let body = if entry.aliases.is_empty() {
                body
            } else {
                let mut alts = body;
                for (a, _) in &entry.aliases {
                    alts.push('|');
                    alts.push_str(&regex::escape(a));
                }
                alts
            };
            match capture {
                Some(cap) if top => {
                    if captures.iter().any(|(c, _)| c == cap) {
                        return Err(ExpandError {
                            offset: consumed + start,
                            message: format!("capture `{cap}` is named twice"),
                            hint: None,
                        });
                    }
                    captures.push((cap.to_string(), entry.parse));
                    out.push_str(&format!("(?P<{cap}>{body})"));
                }
                Some(_) => {
                    return Err(ExpandError {
                        offset: consumed + start,
                        message: "lexicon entries cannot capture".into(),
                        hint: None,
                    })
                }
                None => {
                    out.push_str("(?:");
                    out.push_str(&body);
                    out.push(')');
                }
            }
            let advance = start + 2 + end + 1;
            consumed += advance;
            rest = &rest[advance..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Expand a guard list (phrases, `@set` references, `re:` regexes) into one regex source.
    pub fn guard_regex(&self, items: &[String]) -> Result<Option<String>, String> {
        let mut alts = Vec::new();
        self.guard_alternatives(items, &mut alts, 0)?;
        if alts.is_empty() {
            return Ok(None);
        }
        Ok(Some(crate::normalize::for_matching(&format!(
            "(?i)(?:{})",
            alts.join("|")
        ))))
    }

    fn guard_alternatives(
        &self,
        items: &[String],
        alts: &mut Vec<String>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > 8 {
            return Err("guard sets refer to each other in a cycle".into());
        }
        for item in items {
            if let Some(set) = item.strip_prefix('@') {
                let words = self.guard_set(set).ok_or_else(|| {
                    let near = did_you_mean(set, self.guard_set_names())
                        .map(|n| format!(" (did you mean `@{n}`?)"))
                        .unwrap_or_default();
                    format!("unknown guard set `@{set}`{near}")
                })?;
                let words = words.to_vec();
                self.guard_alternatives(&words, alts, depth + 1)?;
            } else if let Some(re) = item.strip_prefix("re:") {
                let exp = self.expand(re).map_err(|e| e.message)?;
                alts.push(exp.regex);
            } else {
                alts.push(word_bounded(item.trim()));
            }
        }
        Ok(())
    }
}

/// A phrase that must stand as whole words. Unicode `\b` makes the regex crate fall back to a
/// slow engine on Vietnamese text, so each edge gets an ASCII assertion: `(?-u:\b)` next to an
/// ASCII letter or digit, `(?-u:\B)` next to any other character (no ASCII letter on the other
/// side). Vietnamese separates syllables with spaces, so this is exact on real text.
pub fn word_bounded(phrase: &str) -> String {
    let edge = |c: Option<char>| match c {
        Some(c) if c.is_ascii_alphanumeric() => r"(?-u:\b)",
        Some(c) if c.is_alphanumeric() => r"(?-u:\B)",
        _ => "",
    };
    format!(
        "{}{}{}",
        edge(phrase.chars().next()),
        regex::escape(phrase),
        edge(phrase.chars().last())
    )
}

/// Names of `(?P<name>…)` / `(?<name>…)` groups in a regex source.
fn regex_capture_names(regex: &str) -> Vec<String> {
    let mut names = Vec::new();
    for marker in ["(?P<", "(?<"] {
        let mut rest = regex;
        while let Some(i) = rest.find(marker) {
            let after = &rest[i + marker.len()..];
            if let Some(end) = after.find('>') {
                let name = &after[..end];
                if !name.is_empty() && !name.starts_with('=') && !name.starts_with('!') {
                    names.push(name.to_string());
                }
            }
            rest = &rest[i + marker.len()..];
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        Lexicon::parse(
            Path::new("lexicon.toml"),
            r#"
[[pattern]]
name = "DV"
regex = 'đảng viên|ĐV'
parse = "text"

[[pattern]]
name = "QNUM"
regex = '(?:%{QUAL_BEFORE}\s+)?%{NUMBER}(?:\s+%{QUAL_AFTER})?'
parse = "quantity"
examples = ["trên 12.000", "172"]

[guard_sets]
plan = ["phấn đấu", "chỉ tiêu"]
"#,
        )
        .unwrap()
    }

    #[test]
    fn expands_and_records_capture_parse() {
        let exp = lex().expand("kết nạp %{QNUM:value} %{DV}").unwrap();
        assert_eq!(exp.captures, vec![("value".to_string(), Parse::Quantity)]);
        let re = regex::Regex::new(&format!("(?i){}", exp.regex)).unwrap();
        let caps = re.captures("Năm 2021 kết nạp 172 ĐV mới").unwrap();
        assert_eq!(&caps["value"], "172");
    }

    #[test]
    fn unknown_entry_points_at_it_with_a_suggestion() {
        let err = lex().expand("kết nạp %{QNUMM:value}").unwrap_err();
        assert_eq!(err.offset, "kết nạp ".len());
        assert!(err.hint.unwrap().contains("%{QNUM}"));
    }

    #[test]
    fn aliases_extend_word_entries_only() {
        let mut l = lex();
        l.add_aliases("DV", "test", &["Đ.viên".to_string()])
            .unwrap();
        let exp = l.expand("%{DV}").unwrap();
        assert!(regex::Regex::new(&format!("(?i)^(?:{})$", exp.regex))
            .unwrap()
            .is_match("đ.viên"));
        assert!(l.add_aliases("QNUM", "test", &["x".into()]).is_err());
    }

    #[test]
    fn guard_sets_expand() {
        let re = lex()
            .guard_regex(&["@plan".into(), "re:đến năm \\d{4}".into()])
            .unwrap()
            .unwrap();
        let re = regex::Regex::new(&re).unwrap();
        assert!(re.is_match("Phấn đấu kết nạp"));
        assert!(re.is_match("đến năm 2025"));
        assert!(!re.is_match("kết nạp"));
        assert!(lex()
            .guard_regex(&["@plann".into()])
            .unwrap_err()
            .contains("@plan"));
    }

    #[test]
    fn parse_kinds_read_values() {
        assert_eq!(
            Parse::Money.read("trên 83,2 tỷ đồng").unwrap().value,
            83_200_000_000.0
        );
        assert_eq!(Parse::Area.read("36.700m2").unwrap().value, 36_700.0);
        assert_eq!(Parse::Area.read("1,5 ha").unwrap().value, 15_000.0);
        let pct = Parse::Percent.read("98% trở lên").unwrap();
        assert_eq!((pct.value, pct.qualifier), (98.0, Qualifier::AtLeast));
        let r = Parse::Ratio.read("4/19").unwrap();
        assert_eq!((r.value, r.total), (4.0, Some(19.0)));
    }
}
