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
/// `doc.sentences()`, ascending). `applies` says whether a plugin applies to the document;
/// `trace`, when given, receives every sentence's judged mentions.
pub fn read(
    vocab: &Vocabulary,
    catalog: &Catalog,
    doc: &Document,
    sentences: &[usize],
    applies: &dyn Fn(&str) -> bool,
    mut trace: Option<&mut Vec<(Range<usize>, Vec<Judged>)>>,
) -> Vec<Candidate> {
    let all = doc.sentences();
    let wide = judge::Wide::new(vocab, &doc.text);
    let mut out = Vec::new();
    let mut previous: (Option<usize>, Vec<Judged>) = (None, Vec::new());
    for &si in sentences {
        let range = all[si].clone();
        let before: &[Judged] = if previous.0 == si.checked_sub(1) {
            &previous.1
        } else {
            &[]
        };
        let judged =
            judge::judge_sentence(vocab, catalog, &doc.text, range.clone(), &wide, applies, before);
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
                // The quote reaches from the number to its noun: what a reader checks.
                let end = j.noun.as_ref().map_or(m.span.end, |n| n.range.end).max(m.span.end);
                out.push(Candidate {
                    indicator: r.indicator.clone(),
                    value,
                    total,
                    qualifier: m.qualifier,
                    span: m.span.start..end,
                    value_span: m.value_span.clone(),
                    rule: r.id.clone(),
                    plugin: r.plugin.clone(),
                    priority: READING_PRIORITY,
                    locality: None,
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

/// Readings yield to rules (priority 0 and up) on the same number.
pub const READING_PRIORITY: i32 = -1;
