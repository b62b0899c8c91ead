//! Plugin fixtures: documents in `plugins/<name>/tests/` with the records they must yield,
//! in `<document stem>.expected.jsonl` beside them. `chiso test` compares; `--update`
//! rewrites the expectations after review.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::number::Qualifier;
use crate::record::{Locality, Period, Record};
use crate::ruleset::Ruleset;

/// One fixture document and its expectations file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    pub plugin: String,
    pub document: PathBuf,
    pub expected: PathBuf,
}

/// What a fixture expects of one record: everything but offsets and provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    pub indicator: String,
    #[serde(serialize_with = "crate::record::number")]
    pub value: f64,
    #[serde(default, serialize_with = "crate::record::opt_number")]
    pub total: Option<f64>,
    pub qualifier: Qualifier,
    #[serde(default)]
    pub period: Option<Period>,
    #[serde(default)]
    pub locality: Locality,
    pub quote: String,
}

impl From<&Record> for Expected {
    fn from(r: &Record) -> Self {
        Expected {
            indicator: r.indicator.clone(),
            value: r.value,
            total: r.total,
            qualifier: r.qualifier,
            period: r.period,
            locality: r.locality.clone(),
            quote: r.quote.clone(),
        }
    }
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} = {}",
            self.indicator,
            crate::record::format_number(self.value)
        )?;
        if let Some(t) = self.total {
            write!(f, "/{}", crate::record::format_number(t))?;
        }
        write!(f, " ({})", self.qualifier.as_str())?;
        if let Some(p) = self.period {
            let y = |v: Option<i32>| v.map_or("?".to_string(), |v| v.to_string());
            write!(f, " {}–{}", y(p.from), y(p.to))?;
        }
        let place: Vec<&str> = [
            &self.locality.commune,
            &self.locality.district,
            &self.locality.province,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        if !place.is_empty() {
            write!(f, " [{}]", place.join(", "))?;
        }
        write!(f, " «{}»", self.quote)
    }
}

/// The result of one fixture.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub missing: Vec<Expected>,
    pub unexpected: Vec<Expected>,
    /// The document could not be read or extracted, or the expectations file is missing/bad.
    pub error: Option<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.error.is_none() && self.missing.is_empty() && self.unexpected.is_empty()
    }
}

/// Every fixture of every loaded plugin, sorted.
pub fn discover(rs: &Ruleset) -> Vec<Fixture> {
    let mut out = Vec::new();
    for p in &rs.plugins {
        let Ok(entries) = std::fs::read_dir(p.dir.join("tests")) else {
            continue;
        };
        let mut docs: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|path| {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                !name.ends_with(".expected.jsonl") && !name.starts_with('.') && path.is_file()
            })
            .collect();
        docs.sort();
        for document in docs {
            out.push(Fixture {
                plugin: p.name.clone(),
                expected: expected_path(&document),
                document,
            });
        }
    }
    out
}

/// `tests/x.txt` → `tests/x.expected.jsonl`.
pub fn expected_path(document: &Path) -> PathBuf {
    let stem = document
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    document.with_file_name(format!("{stem}.expected.jsonl"))
}

/// What the engine yields for a fixture now.
pub fn actual(rs: &Ruleset, fixture: &Fixture) -> Result<Vec<Expected>, String> {
    let id = fixture
        .document
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let doc = Document::read(&fixture.document, id).map_err(|e| e.to_string())?;
    let records = crate::extract::extract(rs, &doc).map_err(|e| e.to_string())?;
    Ok(records.iter().map(Expected::from).collect())
}

pub fn load_expected(path: &Path) -> Result<Vec<Expected>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "{} is missing; run `chiso test --update` to write it, then review it",
                path.display()
            )
        } else {
            format!("cannot read {}: {e}", path.display())
        }
    })?;
    crate::eval::parse_jsonl(path, &text)
}

/// Compare a fixture's records with its expectations (as multisets).
pub fn run(rs: &Ruleset, fixture: &Fixture) -> Outcome {
    let got = match actual(rs, fixture) {
        Ok(g) => g,
        Err(e) => {
            return Outcome {
                error: Some(e),
                ..Outcome::default()
            }
        }
    };
    let expected = match load_expected(&fixture.expected) {
        Ok(e) => e,
        Err(e) => {
            return Outcome {
                error: Some(e),
                ..Outcome::default()
            }
        }
    };
    let mut unexpected = got;
    let mut missing = Vec::new();
    for e in expected {
        match unexpected.iter().position(|g| *g == e) {
            Some(i) => {
                unexpected.remove(i);
            }
            None => missing.push(e),
        }
    }
    Outcome {
        missing,
        unexpected,
        error: None,
    }
}

/// Rewrite a fixture's expectations with what the engine yields now.
pub fn update(rs: &Ruleset, fixture: &Fixture) -> Result<usize, String> {
    let got = actual(rs, fixture)?;
    let mut text = String::new();
    for e in &got {
        text.push_str(&serde_json::to_string(e).map_err(|e| e.to_string())?);
        text.push('\n');
    }
    std::fs::write(&fixture.expected, text)
        .map_err(|e| format!("cannot write {}: {e}", fixture.expected.display()))?;
    Ok(got.len())
}
