//! Pattern rules: what a TOML `[[rule]]` says ([`RuleSpec`]), and what runs ([`Rule`]).
//!
//! One validating step turns specs into rules and returns *all* problems found, each at
//! its file, line and column.

pub mod lexicon;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::Catalog;
use crate::diagnostic::{from_toml_error, Diagnostic, Diagnostics};
use crate::number::Qualifier;
use lexicon::{Lexicon, Parse};

/// A rules file: a list of `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleSpec>,
}

/// A rule as written in TOML, with spans for error messages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Unique id, e.g. `core.new_party_members.ket_nap`.
    pub id: Spanned<String>,
    /// An id of `rules/indicators.toml`.
    pub indicator: Spanned<String>,
    /// What the rule says it catches (shown by `chiso explain`).
    #[serde(default)]
    pub description: String,
    /// Regex with lexicon placeholders `%{NAME}` / `%{NAME:capture}`.
    pub pattern: Spanned<String>,
    /// The capture holding the value (default `value`).
    #[serde(default)]
    pub value: Option<Spanned<String>>,
    /// The capture holding the total of an "x of y" figure, if separate from the value.
    #[serde(default)]
    pub total: Option<Spanned<String>>,
    /// A capture holding qualifier words said apart from the number.
    #[serde(default)]
    pub qualifier: Option<Spanned<String>>,
    /// Words (any of them) that must occur in a sentence before the pattern is tried there.
    /// Lower case is enough: triggers are matched case-insensitively.
    #[serde(default)]
    pub triggers: Vec<String>,
    /// Higher wins when two rules claim the same number.
    #[serde(default)]
    pub priority: i32,
    #[serde(default)]
    pub case_sensitive: bool,
    /// Also match text typed without diacritics ("ket nap 12 dang vien"); offsets stay exact.
    #[serde(default)]
    pub accent_insensitive: bool,
    /// Guards. Each item is a phrase, `@set` from the lexicon's guard sets, or `re:REGEX`.
    /// Phrases that must appear in the clause before the match (one of them).
    #[serde(default)]
    pub require_before: Vec<String>,
    /// Phrases that must not appear in the clause before the match.
    #[serde(default)]
    pub reject_before: Vec<String>,
    /// Phrases that must not follow right after the match.
    #[serde(default)]
    pub reject_after: Vec<String>,
    /// Phrases one of which must appear in the match's sentence.
    #[serde(default)]
    pub require_near: Vec<String>,
    /// Phrases none of which may appear in the match's sentence.
    #[serde(default)]
    pub reject_near: Vec<String>,
    /// How many characters before the match `require_before`/`reject_before` look (default 80).
    #[serde(default)]
    pub window_before: Option<usize>,
    /// How many characters after the match `reject_after` looks (default 12).
    #[serde(default)]
    pub window_after: Option<usize>,
    /// Texts the rule must find, with the value it must read.
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
    /// Texts the rule must not find anything in.
    #[serde(default)]
    pub negative_examples: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    pub text: Spanned<String>,
    pub value: f64,
    #[serde(default)]
    pub total: Option<f64>,
    #[serde(default)]
    pub qualifier: Option<Qualifier>,
}

/// Where a rule came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: PathBuf,
    /// Where the rule's `id` is: 1-based line and column, and the text of that line.
    pub line: usize,
    pub column: usize,
    pub excerpt: String,
    /// The plugin that ships the rule; `None` for the core pack.
    pub plugin: Option<String>,
}

impl Origin {
    /// An error about the rule, pointing at its id.
    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(&self.file, message);
        d.line = Some(self.line);
        d.column = Some(self.column);
        d.excerpt = Some(self.excerpt.clone());
        d
    }
}

/// Where something is in a rules file: 1-based line and column, and the line's text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub excerpt: String,
}

impl Place {
    fn at(source: &str, offset: usize) -> Place {
        let (line, column, excerpt) = crate::diagnostic::line_col(source, offset);
        Place {
            line,
            column,
            excerpt: excerpt.to_string(),
        }
    }

    /// An error at this place.
    pub fn diagnostic(&self, file: &Path, message: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::error(file, message);
        d.line = Some(self.line);
        d.column = Some(self.column);
        d.excerpt = Some(self.excerpt.clone());
        d
    }
}

/// A compiled rule, ready to run.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub indicator: Arc<str>,
    pub description: String,
    pub pattern: String,
    pub origin: Origin,
    pub triggers: Vec<String>,
    pub priority: i32,
    pub accent_insensitive: bool,
    regex: Regex,
    /// The value capture and its alternatives (`value`, `value2`, `value3`…): the first that
    /// took part in a match holds the value.
    value: Vec<(usize, Parse)>,
    total: Vec<(usize, Parse)>,
    qualifier: Option<usize>,
    guards: Guards,
    pub examples: Vec<Example>,
    pub negative_examples: Vec<(String, Place)>,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    pub value: f64,
    pub total: Option<f64>,
    pub qualifier: Option<Qualifier>,
    pub place: Place,
}

/// A rule's own example that does not hold, for `chiso test` and `chiso check`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleFailure {
    pub text: String,
    /// What the example says: "215", "4 of 19 (at_least)", or "nothing".
    pub expected: String,
    pub got: String,
    pub place: Place,
}

impl std::fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "example {:?}: expected {}, got {}",
            self.text, self.expected, self.got
        )
    }
}

#[derive(Debug, Default)]
struct Guards {
    require_before: Option<Regex>,
    reject_before: Option<Regex>,
    reject_after: Option<Regex>,
    require_near: Option<Regex>,
    reject_near: Option<Regex>,
    window_before: usize,
    window_after: usize,
}

/// A figure a rule or script proposes, before conflicts and duplicates are settled.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub indicator: Arc<str>,
    pub value: f64,
    pub total: Option<f64>,
    pub qualifier: Qualifier,
    /// Byte range of the whole match in the document text.
    pub span: Range<usize>,
    /// Byte range of the number itself; two candidates may not claim overlapping numbers.
    pub value_span: Range<usize>,
    pub rule: String,
    /// The plugin that owns the rule or script (`None`: core pack).
    pub plugin: Option<String>,
    pub priority: i32,
    /// Set by scripts that know better than the document-level context.
    pub locality: Option<crate::record::Locality>,
    pub period: Option<crate::record::Period>,
    /// How sure the figure is, 0–1: from how the evidence lined up for a reading; a rule's
    /// explicit pattern gives [`RULE_CONFIDENCE`].
    pub confidence: f64,
}

/// The confidence of a figure a pattern rule found.
pub const RULE_CONFIDENCE: f64 = 0.9;

/// Why a match was not kept: the guard that dropped it (for `explain`).
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// The guard field that dropped the match, and the words that made it.
    Guard(&'static str, String),
    NoValue,
    /// The value is above its total ("431/411"): (value, total).
    AboveTotal(f64, f64),
}

impl Rule {
    /// Run the rule over `range` of `text` (a sentence), pushing candidates. Matches that a
    /// guard drops go to `dropped` when it is given.
    pub fn find(
        &self,
        text: &str,
        range: Range<usize>,
        out: &mut Vec<Candidate>,
        mut dropped: Option<&mut Vec<(Range<usize>, Rejection)>>,
    ) {
        let sentence = &text[range.clone()];
        // An accent-insensitive rule matches a folded copy; every offset maps back, so spans,
        // quotes and values come from the real text.
        let folded = self
            .accent_insensitive
            .then(|| crate::normalize::fold(sentence));
        let (view, back): (&str, Option<&[usize]>) = match &folded {
            Some((f, b)) => (f.as_str(), Some(b.as_slice())),
            None => (sentence, None),
        };
        let map = |r: Range<usize>| -> Range<usize> {
            match back {
                Some(b) => b[r.start]..b[r.end],
                None => r,
            }
        };
        for caps in self.regex.captures_iter(view) {
            let whole = map(caps.get(0).expect("group 0").range());
            let span = range.start + whole.start..range.start + whole.end;
            if let Err(why) = self.guards.check(sentence, whole.clone()) {
                if let Some(d) = dropped.as_deref_mut() {
                    d.push((span, Rejection::Guard(why.0, why.1)));
                }
                continue;
            }
            let group = |g: usize| caps.get(g).map(|m| map(m.range()));
            let Some((vr, parse)) = self
                .value
                .iter()
                .find_map(|(g, p)| group(*g).map(|r| (r, *p)))
            else {
                continue;
            };
            let value_text = &sentence[vr.clone()];
            let parsed = if is_article(value_text) {
                None
            } else {
                parse.read(value_text)
            };
            let Some(mut parsed) = parsed else {
                if let Some(d) = dropped.as_deref_mut() {
                    d.push((span, Rejection::NoValue));
                }
                continue;
            };
            if let Some(t) = self
                .total
                .iter()
                .find_map(|(g, p)| group(*g).and_then(|r| p.read(&sentence[r])))
            {
                parsed.total = Some(t.value);
            }
            // A part is never more than its whole: "431 of 411" is no figure.
            if let Some(t) = parsed.total.filter(|t| parsed.value > *t) {
                if let Some(d) = dropped.as_deref_mut() {
                    d.push((span, Rejection::AboveTotal(parsed.value, t)));
                }
                continue;
            }
            if let Some(r) = self.qualifier.and_then(group) {
                if let Some(q) = crate::number::parse_quantity(&format!("{} 1", &sentence[r])) {
                    if q.qualifier != Qualifier::Exact {
                        parsed.qualifier = q.qualifier;
                    }
                }
            }
            out.push(Candidate {
                indicator: self.indicator.clone(),
                value: parsed.value,
                total: parsed.total,
                qualifier: parsed.qualifier,
                span,
                value_span: range.start + vr.start..range.start + vr.end,
                rule: self.id.clone(),
                plugin: self.origin.plugin.clone(),
                priority: self.priority,
                locality: None,
                period: None,
                confidence: RULE_CONFIDENCE,
            });
        }
    }

    /// Run the rule over a whole text, sentence by sentence (used by examples and scripts).
    pub fn find_in_text(&self, text: &str) -> Vec<Candidate> {
        let mut out = Vec::new();
        for s in crate::document::split_sentences(text) {
            self.find(text, s, &mut out, None);
        }
        out
    }

    /// Check the rule's own examples: every positive one must yield its value (and total and
    /// qualifier when it states them), every negative one nothing.
    pub fn check_examples(&self) -> Vec<ExampleFailure> {
        let mut failures = Vec::new();
        let list = |found: &[Candidate]| {
            if found.is_empty() {
                "nothing".to_string()
            } else {
                found.iter().map(describe).collect::<Vec<_>>().join(", ")
            }
        };
        for ex in &self.examples {
            let found = self.find_in_text(&ex.text);
            let ok = found.iter().any(|c| {
                same(c.value, ex.value)
                    && ex
                        .total
                        .is_none_or(|t| c.total.is_some_and(|ct| same(ct, t)))
                    && ex.qualifier.is_none_or(|q| q == c.qualifier)
            });
            if !ok {
                let mut expected = crate::record::format_number(ex.value);
                if let Some(t) = ex.total {
                    expected.push_str(&format!(" of {}", crate::record::format_number(t)));
                }
                if let Some(q) = ex.qualifier {
                    expected.push_str(&format!(" ({})", q.as_str()));
                }
                failures.push(ExampleFailure {
                    text: ex.text.clone(),
                    expected,
                    got: list(&found),
                    place: ex.place.clone(),
                });
            }
        }
        for (neg, place) in &self.negative_examples {
            let found = self.find_in_text(neg);
            if !found.is_empty() {
                failures.push(ExampleFailure {
                    text: neg.clone(),
                    expected: "nothing".into(),
                    got: list(&found),
                    place: place.clone(),
                });
            }
        }
        failures
    }

    pub fn regex(&self) -> &Regex {
        &self.regex
    }
}

/// "một" alone is mostly the article "a" ("một cuộc đối thoại"), and "không" alone is "not":
/// neither is a figure.
fn is_article(text: &str) -> bool {
    let last = text.split_whitespace().last().unwrap_or("").to_lowercase();
    let words = text.split_whitespace().count();
    (last == "một" || last == "không")
        && (words == 1
            || crate::number::parse_quantity(text)
                .is_some_and(|q| q.qualifier != Qualifier::Exact && words == 2))
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * a.abs().max(1.0)
}

fn describe(c: &Candidate) -> String {
    let mut s = crate::record::format_number(c.value);
    if let Some(t) = c.total {
        s.push_str(&format!(" of {}", crate::record::format_number(t)));
    }
    if c.qualifier != Qualifier::Exact {
        s.push_str(&format!(" ({})", c.qualifier.as_str()));
    }
    s
}

impl Guards {
    /// `Err((guard, words))`: the guard that drops the match, and the words that made it
    /// (for `require_*`, the text that lacked them).
    fn check(&self, sentence: &str, m: Range<usize>) -> Result<(), (&'static str, String)> {
        let before = clause_before(sentence, m.start, self.window_before);
        let found = |re: &Regex, text: &str| re.find(text).map(|x| x.as_str().to_string());
        if let Some(re) = &self.require_before {
            // The match itself may hold the required words ("tỷ lệ … đạt 98%").
            if !re.is_match(before) && !re.is_match(&sentence[m.clone()]) {
                return Err(("require_before", before.trim().to_string()));
            }
        }
        if let Some(words) = self.reject_before.as_ref().and_then(|re| found(re, before)) {
            return Err(("reject_before", words));
        }
        let after = window_after(sentence, m.end, self.window_after);
        if let Some(words) = self.reject_after.as_ref().and_then(|re| found(re, after)) {
            return Err(("reject_after", words));
        }
        if let Some(re) = &self.require_near {
            if !re.is_match(sentence) {
                return Err(("require_near", String::new()));
            }
        }
        if let Some(words) = self.reject_near.as_ref().and_then(|re| found(re, sentence)) {
            return Err(("reject_near", words));
        }
        Ok(())
    }
}

/// The part of the clause before `at`: back to the last `;` or `:` and at most `chars` characters.
fn clause_before(sentence: &str, at: usize, chars: usize) -> &str {
    let head = &sentence[..at];
    let clause_start = head.rfind([';', ':']).map_or(0, |i| i + 1);
    let window_start = head
        .char_indices()
        .rev()
        .nth(chars.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    &head[clause_start.max(window_start)..]
}

/// At most `chars` characters after `at`, stopping at a clause end.
fn window_after(sentence: &str, at: usize, chars: usize) -> &str {
    let tail = &sentence[at..];
    let end = tail
        .char_indices()
        .nth(chars)
        .map_or(tail.len(), |(i, _)| i);
    let tail = &tail[..end];
    match tail.find([';', '.']) {
        Some(i) => &tail[..i],
        None => tail,
    }
}

/// What a rules file holds: the rules that compiled, and the id of every rule written in it,
/// compiled or not (so a duplicate id is found even when one of the two rules has an error).
#[derive(Debug, Default)]
pub struct LoadedFile {
    pub rules: Vec<Rule>,
    pub ids: Vec<(String, Place)>,
}

/// Parse a rules file and compile every rule in it. Problems go to `diags`; the rules that
/// compiled are returned even when others did not, so all problems are reported at once.
pub fn load_file(
    path: &Path,
    plugin: Option<&str>,
    lexicon: &Lexicon,
    catalog: &Catalog,
    diags: &mut Diagnostics,
) -> LoadedFile {
    let source = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::error(
                path,
                format!("cannot read rules file: {e}"),
            ));
            return LoadedFile::default();
        }
    };
    parse_rules(path, &source, plugin, lexicon, catalog, diags)
}

/// Each `[[rule]]` is read on its own: one rule's problem (a misspelt field, a wrong type)
/// does not stop the others from being read and checked, and a misspelt field does not stop
/// the rest of its own rule from being checked.
pub fn parse_rules(
    path: &Path,
    source: &str,
    plugin: Option<&str>,
    lexicon: &Lexicon,
    catalog: &Catalog,
    diags: &mut Diagnostics,
) -> LoadedFile {
    use toml::de::DeValue;
    let mut loaded = LoadedFile::default();
    let mut table = match toml::de::DeTable::parse(source) {
        Ok(t) => t,
        Err(e) => {
            diags.push(from_toml_error(path, source, &e));
            return loaded;
        }
    };
    let span = table.span();
    let rules = table.get_mut().remove("rule");
    let rules = match rules {
        Some(r) if matches!(r.get_ref(), DeValue::Array(_)) => {
            let DeValue::Array(items) = r.into_inner() else {
                unreachable!("matched an array")
            };
            items.into_iter().collect()
        }
        // Not an array of tables: the file as a whole says what is wrong.
        Some(r) => {
            table.get_mut().insert(
                Spanned::new(span.start..span.start, std::borrow::Cow::Borrowed("rule")),
                r,
            );
            Vec::new()
        }
        None => Vec::new(),
    };
    // Anything else at the top level is an unknown field.
    let rest = Spanned::new(span, DeValue::Table(table.into_inner()));
    let _: Option<RuleFile> = crate::diagnostic::deserialize_reporting(path, source, rest, diags);
    for item in rules {
        if let Some((id, at)) = item
            .get_ref()
            .get("id")
            .and_then(|v| Some((v.get_ref().as_str()?.to_string(), v.span().start)))
        {
            loaded.ids.push((id, Place::at(source, at)));
        }
        let errors_before = diags.errors().count();
        let Some(spec) =
            crate::diagnostic::deserialize_reporting::<RuleSpec>(path, source, item, diags)
        else {
            continue;
        };
        let read_cleanly = diags.errors().count() == errors_before;
        // A rule with a misspelt field is still checked, but not used.
        if let Some(rule) = compile(spec, path, source, plugin, lexicon, catalog, diags) {
            if read_cleanly {
                loaded.rules.push(rule);
            }
        }
    }
    loaded
}

/// RuleSpec → Rule, reporting every problem of the spec.
pub fn compile(
    spec: RuleSpec,
    path: &Path,
    source: &str,
    plugin: Option<&str>,
    lexicon: &Lexicon,
    catalog: &Catalog,
    diags: &mut Diagnostics,
) -> Option<Rule> {
    let errors_before = diags.errors().count();
    let id = spec.id.get_ref().clone();
    let err =
        |msg: String, span: Range<usize>| Diagnostic::error(path, msg).at_span(source, Some(span));

    if id.trim().is_empty() || id.contains(char::is_whitespace) {
        diags.push(err(
            format!("rule id {id:?} must be one word"),
            spec.id.span(),
        ));
    }
    if catalog.get(spec.indicator.get_ref()).is_none() {
        diags.push(
            catalog
                .unknown(path, spec.indicator.get_ref())
                .at_span(source, Some(spec.indicator.span())),
        );
    }
    // The pattern's place in the file: +1 skips the opening quote (exact for '…' strings).
    let pattern_at = |offset: usize| spec.pattern.span().start + 1 + offset;
    let expanded = match lexicon.expand(spec.pattern.get_ref()) {
        Ok(e) => Some(e),
        Err(e) => {
            let mut d = Diagnostic::error(path, format!("rule `{id}`: {}", e.message))
                .at_offset(source, pattern_at(e.offset));
            if let Some(h) = e.hint {
                d = d.with_hint(h);
            }
            diags.push(d);
            None
        }
    };
    let flags = if spec.case_sensitive { "" } else { "(?i)" };
    let regex_source = |e: &lexicon::Expanded| -> String {
        let src = crate::normalize::for_matching(&format!("{flags}{}", e.regex));
        // An accent-insensitive rule matches folded text with a folded pattern.
        if spec.accent_insensitive {
            src.chars().map(crate::normalize::fold_char).collect()
        } else {
            src
        }
    };
    let regex = expanded.as_ref().and_then(|e| match Regex::new(&regex_source(e)) {
        Ok(r) => Some(r),
        Err(e) => {
            diags.push(
                err(format!("rule `{id}`: the pattern is not a valid regex: {}", first_line(&e.to_string())), spec.pattern.span())
                    .with_hint("see https://docs.rs/regex/latest/regex/#syntax; lexicon placeholders are %{NAME}"),
            );
            None
        }
    });
    let group = |name: &str| {
        regex
            .as_ref()
            .and_then(|r| r.capture_names().position(|n| n == Some(name)))
    };
    let parse_of = |name: &str| {
        expanded
            .as_ref()
            .and_then(|e| e.captures.iter().find(|(c, _)| c == name).map(|(_, p)| *p))
            .unwrap_or_default()
    };
    // A capture and its numbered alternatives: `value`, `value2`, `value3`…
    let family = |base: &str| -> Vec<(usize, Parse)> {
        let Some(r) = regex.as_ref() else {
            return Vec::new();
        };
        r.capture_names()
            .enumerate()
            .filter_map(|(i, n)| {
                let n = n?;
                let rest = n.strip_prefix(base)?;
                (rest.is_empty() || rest.chars().all(|c| c.is_ascii_digit()))
                    .then(|| (i, parse_of(n)))
            })
            .collect()
    };

    let value_name = spec
        .value
        .as_ref()
        .map_or("value", |s| s.get_ref().as_str());
    let value = family(value_name);
    if value.is_empty() && regex.is_some() {
        let span = spec
            .value
            .as_ref()
            .map_or(spec.pattern.span(), |s| s.span());
        diags.push(
            err(
                format!(
                    "rule `{id}`: the pattern has no capture named `{value_name}` for the value"
                ),
                span,
            )
            .with_hint(format!(
                "capture the number with %{{QNUM:{value_name}}} (or another lexicon entry)"
            )),
        );
    }
    let total_name = spec
        .total
        .as_ref()
        .map_or("total", |s| s.get_ref().as_str());
    let total = family(total_name);
    if total.is_empty() && regex.is_some() {
        if let Some(s) = &spec.total {
            diags.push(err(
                format!(
                    "rule `{id}`: the pattern has no capture named `{}`",
                    s.get_ref()
                ),
                s.span(),
            ));
        }
    }
    let qualifier_g = match &spec.qualifier {
        Some(s) => {
            let g = group(s.get_ref());
            if g.is_none() && regex.is_some() {
                diags.push(err(
                    format!(
                        "rule `{id}`: the pattern has no capture named `{}`",
                        s.get_ref()
                    ),
                    s.span(),
                ));
            }
            g
        }
        None => group("qualifier"),
    };
    if value.iter().any(|(_, p)| *p == Parse::Text) {
        diags.push(err(
            format!("rule `{id}`: the value capture is a word entry, not a number"),
            spec.pattern.span(),
        ));
    }

    let mut guard = |items: &[String], field: &str| -> Option<Regex> {
        match lexicon.guard_regex(items) {
            Ok(None) => None,
            Ok(Some(src)) => match Regex::new(&src) {
                Ok(r) => Some(r),
                Err(e) => {
                    diags.push(err(
                        format!(
                            "rule `{id}`: `{field}` is not valid: {}",
                            first_line(&e.to_string())
                        ),
                        spec.id.span(),
                    ));
                    None
                }
            },
            Err(msg) => {
                let at = source[spec.id.span().start..]
                    .find(field)
                    .map_or(spec.id.span().start, |i| spec.id.span().start + i);
                diags.push(
                    Diagnostic::error(path, format!("rule `{id}`: `{field}`: {msg}"))
                        .at_offset(source, at),
                );
                None
            }
        }
    };
    let guards = Guards {
        require_before: guard(&spec.require_before, "require_before"),
        reject_before: guard(&spec.reject_before, "reject_before"),
        reject_after: guard(&spec.reject_after, "reject_after"),
        require_near: guard(&spec.require_near, "require_near"),
        reject_near: guard(&spec.reject_near, "reject_near"),
        window_before: spec.window_before.unwrap_or(80),
        window_after: spec.window_after.unwrap_or(12),
    };

    if diags.errors().count() > errors_before {
        return None;
    }
    let regex = regex?;
    let id_place = Place::at(source, spec.id.span().start);
    let triggers = triggers_with_aliases(&spec.triggers, spec.pattern.get_ref(), lexicon);
    Some(Rule {
        indicator: Arc::from(spec.indicator.get_ref().as_str()),
        description: spec.description,
        pattern: spec.pattern.into_inner(),
        origin: Origin {
            file: path.to_path_buf(),
            line: id_place.line,
            column: id_place.column,
            excerpt: id_place.excerpt,
            plugin: plugin.map(str::to_string),
        },
        triggers,
        priority: spec.priority,
        accent_insensitive: spec.accent_insensitive,
        regex,
        value,
        total,
        qualifier: qualifier_g,
        guards,
        examples: spec
            .examples
            .into_iter()
            .map(|e| Example {
                place: Place::at(source, e.text.span().start),
                text: e.text.into_inner(),
                value: e.value,
                total: e.total,
                qualifier: e.qualifier,
            })
            .collect(),
        negative_examples: spec
            .negative_examples
            .into_iter()
            .map(|n| (Place::at(source, n.span().start), n.into_inner()))
            .map(|(place, text)| (text, place))
            .collect(),
        id,
    })
}

/// A rule's trigger words, and the plugins' aliases of the lexicon entries its pattern uses: an
/// alias ("trưởng xóm" for %{VILLAGE_HEAD}) may be the only word of a match, and a sentence
/// holding it must wake the rule. A rule without triggers stays without (it runs everywhere).
fn triggers_with_aliases(written: &[String], pattern: &str, lexicon: &Lexicon) -> Vec<String> {
    let mut triggers: Vec<String> = written
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if triggers.is_empty() {
        return triggers;
    }
    for alias in lexicon.aliases_in(pattern) {
        let alias = alias.trim().to_string();
        if !alias.is_empty()
            && !triggers
                .iter()
                .any(|t| t.to_lowercase() == alias.to_lowercase())
        {
            triggers.push(alias);
        }
    }
    triggers
}

fn first_line(s: &str) -> String {
    s.lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim()
        .to_string()
}

#[cfg(test)]
mod value_above_total {
    use super::*;

    const RULES: &str = r#"[[rule]]
id = "t.ratio"
indicator = "ntm_communes"
pattern = '%{COUNT_OF:value}\s+xã'

[[rule]]
id = "t.apart"
indicator = "ntm_communes"
pattern = '%{QNUM:value}\s+trong\s+%{QNUM:total}\s+xã'
"#;

    fn rules() -> Vec<Rule> {
        let catalog = Catalog::load(Path::new("rules/indicators.toml")).expect("catalogue");
        let lexicon = Lexicon::load(Path::new("rules/lexicon.toml")).expect("lexicon");
        let mut diags = Diagnostics::default();
        let loaded = parse_rules(
            Path::new("t.toml"),
            RULES,
            None,
            &lexicon,
            &catalog,
            &mut diags,
        );
        assert!(!diags.has_errors(), "{diags}");
        loaded.rules
    }

    /// "431/411": a value above its total is no figure, read as a ratio or from two captures.
    #[test]
    fn a_value_above_its_total_is_dropped() {
        let rules = rules();
        let found = rules[0].find_in_text("có 17/21 xã đạt chuẩn");
        assert_eq!((found[0].value, found[0].total), (17.0, Some(21.0)));
        assert!(rules[0].find_in_text("có 431/411 xã đạt chuẩn").is_empty());
        let text = "có 23 trong 21 xã đạt chuẩn";
        assert!(rules[1].find_in_text(text).is_empty());
        let mut dropped = Vec::new();
        rules[1].find(text, 0..text.len(), &mut Vec::new(), Some(&mut dropped));
        assert_eq!(dropped[0].1, Rejection::AboveTotal(23.0, 21.0));
    }
}
