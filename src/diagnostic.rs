//! Errors for rule and plugin authors: every problem points at a file, line and column,
//! quotes the offending line and, where we can, says how to fix it.
//!
//! Loading collects *all* diagnostics instead of stopping at the first, so `chiso check`
//! and `chiso extract` show a rule author everything that is wrong in one run.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors stop a run, warnings are shown and the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in a rule, plugin, lexicon or script file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// 1-based line and column (in characters), when the problem has a place.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// The source line the problem is on.
    pub excerpt: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_path_buf(),
            line: None,
            column: None,
            message: message.into(),
            excerpt: None,
            hint: None,
        }
    }

    pub fn warning(file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Place the diagnostic at a byte offset of `source` (the whole file's text).
    pub fn at_offset(mut self, source: &str, offset: usize) -> Self {
        let (line, column, text) = line_col(source, offset);
        self.line = Some(line);
        self.column = Some(column);
        self.excerpt = Some(text.to_string());
        self
    }

    /// Place the diagnostic at the start of a byte span of `source`, if there is one.
    pub fn at_span(self, source: &str, span: Option<Range<usize>>) -> Self {
        match span {
            Some(span) => self.at_offset(source, span.start),
            None => self,
        }
    }

    /// Place the diagnostic at a 1-based line and column already known (Rhai reports these).
    pub fn at_line_col(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self.excerpt = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(str::to_string);
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// 1-based line, 1-based column in characters, and the text of the line holding `offset`.
pub fn line_col(source: &str, offset: usize) -> (usize, usize, &str) {
    let offset = floor_char_boundary(source, offset.min(source.len()));
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i);
    let line = source[..line_start].matches('\n').count() + 1;
    let column = source[line_start..offset].chars().count() + 1;
    (
        line,
        column,
        source[line_start..line_end].trim_end_matches('\r'),
    )
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}", self.file.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)?;
        if let (Some(excerpt), Some(line), Some(column)) = (&self.excerpt, self.line, self.column) {
            let gutter = line.to_string();
            write!(f, "\n {gutter} | {excerpt}")?;
            let pad: String = excerpt
                .chars()
                .take(column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n {} | {pad}^", " ".repeat(gutter.len()))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// All the problems found while loading rules, in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Turn a TOML parse error into a diagnostic at its span.
pub fn from_toml_error(file: &Path, source: &str, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_string();
    // Syntax errors and schema errors (a field unknown, missing or of the wrong type) read differently.
    let schema = [
        "unknown field",
        "missing field",
        "invalid type",
        "unknown variant",
        "invalid value",
    ]
    .iter()
    .any(|p| message.starts_with(p));
    let text = if schema {
        message.clone()
    } else {
        format!("invalid TOML: {message}")
    };
    let mut d = Diagnostic::error(file, text).at_span(source, err.span());
    if let Some(unknown) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .map(|s| {
                s.split(['`', ',', ' '])
                    .filter(|w| !w.is_empty() && *w != "one" && *w != "of" && *w != "or")
                    .collect()
            })
            .unwrap_or_default();
        if let Some(near) = did_you_mean(unknown, expected.iter().copied()) {
            d = d.with_hint(format!("did you mean `{near}`?"));
        }
    }
    d
}

/// Parse and deserialize a whole TOML file, reporting every unknown field at its place and
/// going on without it (see [`deserialize_reporting`]). `None` only when the file is not
/// valid TOML or a field has the wrong type or is missing; that problem is reported too.
pub fn from_str_reporting<T: serde::de::DeserializeOwned>(
    file: &Path,
    source: &str,
    diags: &mut Diagnostics,
) -> Option<T> {
    match toml::de::DeTable::parse(source) {
        Ok(table) => {
            let span = table.span();
            let value = toml::Spanned::new(span, toml::de::DeValue::Table(table.into_inner()));
            deserialize_reporting(file, source, value, diags)
        }
        Err(e) => {
            diags.push(from_toml_error(file, source, &e));
            None
        }
    }
}

/// Deserialize one parsed TOML value (a file, or one `[[rule]]` of it). A misspelt field does
/// not hide the rest: each unknown field is reported at its line and column, left out, and
/// the value read again, so the caller still validates every other field. A field left out
/// that is a likely misspelling of a required field (`indicatr`) is read as that field, so
/// the value is still checked and no second error says the field is missing. Other schema
/// errors (a wrong type, a missing field) are reported and give `None`.
pub fn deserialize_reporting<T: serde::de::DeserializeOwned>(
    file: &Path,
    source: &str,
    mut value: toml::Spanned<toml::de::DeValue<'_>>,
    diags: &mut Diagnostics,
) -> Option<T> {
    // Fields left out: (the field they are likely a misspelling of, the key, the value).
    let mut left_out: Vec<(Option<String>, LeftOut<'_>)> = Vec::new();
    // Unknown fields come in key order; they are reported in file order.
    let mut unknown: Vec<Diagnostic> = Vec::new();
    let report = |unknown: &mut Vec<Diagnostic>, diags: &mut Diagnostics| {
        unknown.sort_by_key(|d| (d.line, d.column));
        for d in unknown.drain(..) {
            diags.push(d);
        }
    };
    loop {
        let de = toml::de::ValueDeserializer::from(value.clone());
        let err = match T::deserialize(de) {
            Ok(t) => {
                report(&mut unknown, diags);
                return Some(t);
            }
            Err(e) => e,
        };
        let message = err.message().trim().to_string();
        if let Some(missing) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            // A required field spelt wrong: read the misspelling as the field (already reported).
            if let Some(i) = left_out
                .iter()
                .position(|(near, _)| near.as_deref() == Some(missing))
            {
                let (near, (table_span, key, v)) = left_out.remove(i);
                let near = near.expect("position found a suggestion");
                if let Some(table) = table_at(&mut value, &table_span) {
                    let key = toml::Spanned::new(key.span(), std::borrow::Cow::Owned(near));
                    table.insert(key, v);
                    continue;
                }
            }
        }
        let d = from_toml_error(file, source, &err);
        if !message.starts_with("unknown field `") {
            report(&mut unknown, diags);
            diags.push(d);
            return None;
        }
        let near = d
            .hint
            .as_deref()
            .and_then(|h| h.strip_prefix("did you mean `"))
            .and_then(|h| h.split('`').next())
            .map(str::to_string);
        unknown.push(d);
        // Leave the field out and read the value again; give up if it cannot be found (so
        // the loop always ends).
        match err.span().and_then(|at| remove_key(&mut value, &at)) {
            Some(removed) => left_out.push((near, removed)),
            None => {
                report(&mut unknown, diags);
                return None;
            }
        }
    }
}

/// A key taken out of a table: the table's span, the key and its value.
type LeftOut<'i> = (
    std::ops::Range<usize>,
    toml::Spanned<std::borrow::Cow<'i, str>>,
    toml::Spanned<toml::de::DeValue<'i>>,
);

/// Remove the key whose span is `at`, wherever it is nested.
fn remove_key<'i>(
    value: &mut toml::Spanned<toml::de::DeValue<'i>>,
    at: &Range<usize>,
) -> Option<LeftOut<'i>> {
    let span = value.span();
    match value.get_mut() {
        toml::de::DeValue::Table(t) => {
            let key = t.keys().find(|k| k.span() == *at).cloned();
            if let Some(key) = key {
                let (k, v) = t.remove_entry(key.get_ref().as_ref())?;
                return Some((span, k, v));
            }
            t.iter_mut().find_map(|(_, v)| remove_key(v, at))
        }
        toml::de::DeValue::Array(a) => a.iter_mut().find_map(|v| remove_key(v, at)),
        _ => None,
    }
}

/// The table whose span is `at`, wherever it is nested.
fn table_at<'a, 'i>(
    value: &'a mut toml::Spanned<toml::de::DeValue<'i>>,
    at: &Range<usize>,
) -> Option<&'a mut toml::de::DeTable<'i>> {
    if value.span() == *at {
        return match value.get_mut() {
            toml::de::DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    match value.get_mut() {
        toml::de::DeValue::Table(t) => t.iter_mut().find_map(|(_, v)| table_at(v, at)),
        toml::de::DeValue::Array(a) => a.iter_mut().find_map(|v| table_at(v, at)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let src = "a = 1\nđảng = \"x\"\n";
        let (line, col, text) = line_col(src, src.rfind('=').unwrap());
        assert_eq!((line, text), (2, "đảng = \"x\""));
        assert_eq!(col, 6);
    }

    #[test]
    fn suggests_near_words() {
        assert_eq!(
            did_you_mean("indicatr", ["indicator", "pattern"]),
            Some("indicator")
        );
        assert_eq!(did_you_mean("zzz", ["indicator", "pattern"]), None);
    }
}
