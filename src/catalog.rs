//! The indicator catalogue (`rules/indicators.toml`): every id a rule, plugin or script may
//! name, with its Vietnamese label, kind and unit.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{from_toml_error, Diagnostic, Diagnostics};

/// What kind of number an indicator holds; decides how values are parsed and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A whole number of people, bodies or items.
    Count,
    /// A percentage, 0-100.
    Rate,
    /// Vietnamese đồng, an integer.
    Money,
    /// Square metres.
    Area,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Rate => "rate",
            Kind::Money => "money",
            Kind::Area => "area",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub id: String,
    pub label: String,
    pub kind: Kind,
    pub unit: String,
    #[serde(default)]
    pub description: String,
    /// The text may give "x/y"; records then carry y as `total`.
    #[serde(default)]
    pub total: bool,
    /// For a rate: the count indicator it is the share of. A percentage said right after a
    /// figure of that count ("187 đồng chí, đạt 65,8%") is read as this rate.
    #[serde(default)]
    pub share_of: Option<String>,
    /// A state at a date (members, organisations, communes that meet a standard), not what
    /// happened in a period: a year said in another sentence does not carry to it.
    #[serde(default)]
    pub stock: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    indicator: Vec<Indicator>,
}

/// The catalogue, in file order, with lookup by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    indicators: Vec<Indicator>,
    by_id: BTreeMap<String, usize>,
}

impl Catalog {
    pub fn load(path: &Path) -> Result<Catalog, Diagnostics> {
        let mut diags = Diagnostics::default();
        let source = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                diags.push(Diagnostic::error(
                    path,
                    format!("cannot read the catalogue: {e}"),
                ));
                return Err(diags);
            }
        };
        Catalog::parse(path, &source)
    }

    pub fn parse(path: &Path, source: &str) -> Result<Catalog, Diagnostics> {
        let mut diags = Diagnostics::default();
        let file: CatalogFile = match toml::from_str(source) {
            Ok(f) => f,
            Err(e) => {
                diags.push(from_toml_error(path, source, &e));
                return Err(diags);
            }
        };
        let mut catalog = Catalog::default();
        for ind in file.indicator {
            if catalog.by_id.contains_key(&ind.id) {
                let at = source.find(&format!("\"{}\"", ind.id)).unwrap_or(0);
                diags.push(
                    Diagnostic::error(path, format!("indicator `{}` is listed twice", ind.id))
                        .at_offset(source, at),
                );
                continue;
            }
            catalog
                .by_id
                .insert(ind.id.clone(), catalog.indicators.len());
            catalog.indicators.push(ind);
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(catalog)
        }
    }

    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.by_id.get(id).map(|&i| &self.indicators[i])
    }

    pub fn iter(&self) -> impl Iterator<Item = &Indicator> {
        self.indicators.iter()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.indicators.iter().map(|i| i.id.as_str())
    }

    /// A diagnostic for an id the catalogue lacks, with the nearest known id as hint.
    pub fn unknown(&self, file: &Path, id: &str) -> Diagnostic {
        let d = Diagnostic::error(file, format!("unknown indicator `{id}`"));
        match crate::diagnostic::did_you_mean(id, self.ids()) {
            Some(near) => d.with_hint(format!(
                "did you mean `{near}`? `chiso indicators` lists them all"
            )),
            None => d.with_hint("`chiso indicators` lists the ids of rules/indicators.toml"),
        }
    }
}
