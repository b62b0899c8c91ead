//! The record: one figure, with everything needed to check it against the text.

use serde::{Deserialize, Serialize, Serializer};

use crate::number::Qualifier;

/// Where a figure is about. Names are the pre-2025 units, as the reports use them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locality {
    pub province: Option<String>,
    pub district: Option<String>,
    pub commune: Option<String>,
}

/// Which years a figure covers. `to` is null when the text says "until now" and the
/// document's date is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: Option<i32>,
    pub to: Option<i32>,
}

/// One figure, in the order the spec gives its fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub doc: String,
    pub indicator: String,
    #[serde(serialize_with = "number")]
    pub value: f64,
    #[serde(serialize_with = "opt_number")]
    pub total: Option<f64>,
    pub unit: String,
    pub qualifier: Qualifier,
    pub period: Option<Period>,
    pub locality: Locality,
    /// The locality's other side across the 1 July 2025 reform (see the README): the
    /// successor province (and commune) of a legacy unit, or the legacy provinces (district,
    /// commune where one-to-one) of a unit of the 34-province map. Null without a province.
    pub counterpart: Option<crate::gazetteer::Counterpart>,
    /// Character offsets (Unicode scalar values) into the normalised text.
    pub span: [usize; 2],
    pub quote: String,
    pub plugin: String,
    /// The rule or reading that found the figure.
    pub rule: String,
    /// How sure chiso is of the figure, 0–1 (how the evidence lined up; see the README).
    pub confidence: f64,
    /// Where `locality` came from: a reason, and the words of the text it rests on.
    pub locality_source: LocalitySourceOut,
    /// Where `period` came from: which rung of the ladder (clause, sentence, paragraph,
    /// heading, headline, a script) and the words it rests on.
    pub period_source: LocalitySourceOut,
    /// `span` in the text as decoded, before normalisation (the same unless normalising
    /// changed the text, e.g. composed tone marks written apart).
    pub source_span: [usize; 2],
}

/// Where a record's locality or period came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct LocalitySourceOut {
    pub reason: String,
    /// Character offsets of the decisive mention, like `span`.
    pub span: Option<[usize; 2]>,
}

/// Whole numbers print without a decimal point (172, not 172.0).
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        // Shortest representation that round-trips, without float noise like 97.30000001.
        let s = format!("{:.6}", v);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

pub(crate) fn number<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(format_number(*v).parse().unwrap_or(*v))
    }
}

pub(crate) fn opt_number<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => number(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_the_spec() {
        assert_eq!(format_number(172.0), "172");
        assert_eq!(format_number(97.3), "97.3");
        assert_eq!(format_number(83_200_000_000.0), "83200000000");
        assert_eq!(serde_json::to_string(&Some(97.3)).unwrap(), "97.3");
    }
}
