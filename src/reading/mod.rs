//! Number-anchored extraction: every quantity a sentence states is found once
//! ([`mention`]), then judged against the catalogue's vocabulary of nouns, cues and blockers
//! ([`vocab`], [`judge`]): which indicator it is a figure of, if any, and how sure that is.
//!
//! This is chiso's default way of reading. The vocabulary is data (`rules/readings.toml`,
//! and a plugin's own `readings.toml`), so a new phrasing of a known fact usually needs no
//! rule at all: the noun after the number and a cue word anywhere in the number's stretch of
//! the sentence, in either order, are enough. Regex rules stay, as overrides for what this
//! cannot say; where a rule and a reading claim the same number, the rule wins.

pub mod judge;
pub mod mention;
pub mod vocab;

use std::ops::Range;

use crate::catalog::Catalog;
use crate::document::Document;
use crate::rule::Candidate;

pub use judge::{Judged, Verdict};
pub use vocab::Vocabulary;

/// Candidates from the readings of a document's woken sentences (indices into
/// `doc.sentences()`, ascending). `applies` says whether a reading counts for the document;
/// `trace`, when given, receives every sentence's judged mentions.
pub fn read(
    vocab: &Vocabulary,
    catalog: &Catalog,
    doc: &Document,
    sentences: &[usize],
    applies: &dyn Fn(&vocab::Reading) -> bool,
    mut trace: Option<&mut Vec<(Range<usize>, Vec<Judged>)>>,
) -> Vec<Candidate> {
    let all = doc.sentences();
    let year_of = || crate::context::document_year(doc);
    let wide = judge::Wide::new(vocab, &doc.text, &year_of);
    let mut out = Vec::new();
    let mut previous: (Option<usize>, Vec<Judged>) = (None, Vec::new());
    for &si in sentences {
        let range = all[si].clone();
        if crate::budget::over("reading figures", Some(range.start)) {
            break;
        }
        let before: &[Judged] = if previous.0 == si.checked_sub(1) {
            &previous.1
        } else {
            &[]
        };
        let judged = judge::judge_sentence(
            vocab,
            catalog,
            &doc.text,
            range.clone(),
            &wide,
            applies,
            before,
            trace.is_some(),
        );
        for j in &judged {
            if let Verdict::Figure {
                reading,
                value,
                total,
                confidence,
                ..
            } = j.verdict
            {
                let r = &vocab.readings[reading];
                let m = &j.mention;
                // The quote reaches from the number to its noun, and to the cue words near it
                // ("kết nạp được 172 ĐV mới"): what a reader checks.
                let mut start = m.span.start;
                let mut end = j
                    .noun
                    .as_ref()
                    .map_or(m.span.end, |n| n.range.end)
                    .max(m.span.end);
                // An item of a list is quoted with its name: "Nghĩa Hưng (8/8)".
                let reach = match &m.list_item {
                    Some(name) => {
                        start = name.start;
                        &[][..]
                    }
                    None => j
                        .weighed
                        .iter()
                        .find(|w| w.reading == reading)
                        .map_or(&[][..], |w| w.reach.as_slice()),
                };
                for at in reach {
                    if at.end <= m.span.start && m.span.start - at.start <= QUOTE_REACH {
                        start = start.min(at.start);
                    } else if at.start >= end && at.end - end <= QUOTE_REACH {
                        end = end.max(at.end);
                    }
                }
                // A quote that opens a parenthesis closes it.
                let quote = &doc.text[start..end];
                if quote.matches('(').count() > quote.matches(')').count() {
                    if let Some(close) = doc.text[end..].find(')').filter(|&c| c <= 8) {
                        end += close + 1;
                    }
                }
                out.push(Candidate {
                    indicator: r.indicator.clone(),
                    value,
                    total,
                    qualifier: m.qualifier,
                    span: start..end,
                    value_span: m.value_span.clone(),
                    rule: r.id.clone(),
                    plugin: r.plugin.clone(),
                    priority: READING_PRIORITY,
                    locality: m
                        .list_item
                        .as_ref()
                        .map(|name| list_item_place(&doc.text, name)),
                    period: None,
                    confidence,
                });
            }
        }
        if let Some(t) = trace.as_deref_mut() {
            t.push((range, judged.clone()));
        }
        previous = (Some(si), judged);
    }
    out
}

/// The unit an item of a list names ("Nghĩa Hưng (8/8)": the commune Nghĩa Hưng; "huyện Tư
/// Nghĩa (13/13 xã)": the district): a figure in a list is its own unit's.
fn list_item_place(text: &str, name: &Range<usize>) -> crate::record::Locality {
    let unit = text[..name.start]
        .trim_end()
        .rsplit(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '('))
        .next()
        .unwrap_or("")
        .to_lowercase();
    let place = Some(text[name.clone()].to_string());
    let district_level = matches!(
        unit.as_str(),
        "huyện" | "quận" | "tp" | "tp." | "thị" | "phố"
    ) || text[..name.start]
        .trim_end()
        .to_lowercase()
        .ends_with("thị xã")
        || text[..name.start]
            .trim_end()
            .to_lowercase()
            .ends_with("thành phố");
    if district_level {
        crate::record::Locality {
            district: place,
            ..Default::default()
        }
    } else {
        crate::record::Locality {
            commune: place,
            ..Default::default()
        }
    }
}

/// How far (bytes) a record's quote reaches out to the cue words of its reading.
const QUOTE_REACH: usize = 80;

/// Readings yield to rules (priority 0 and up) on the same number.
pub const READING_PRIORITY: i32 = -1;
