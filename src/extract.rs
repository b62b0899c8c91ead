//! One document: choose its plugins, run the rules its trigger words wake up and its
//! plugins' scripts, settle conflicts and duplicates, attach context, make records.

use std::collections::BTreeSet;
use std::fmt;

use aho_corasick::Anchored;

use crate::context::{self, DocContext};
use crate::document::{CharIndex, Document};
use crate::number::Qualifier;
use crate::record::{LocalitySourceOut, Record};
use crate::rule::{Candidate, Rejection};
use crate::ruleset::{Ruleset, Target};

/// Why a document yielded no records: it goes into the run summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractError(pub String);

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What happened inside one document, for `explain`.
#[derive(Debug, Default, Clone)]
pub struct Trace {
    /// Plugins that applied, with the condition that held.
    pub plugins: Vec<(String, String)>,
    /// Every candidate found, before conflicts and duplicates were settled.
    pub candidates: Vec<Candidate>,
    /// Matches dropped by a guard: (rule id, byte span, why).
    pub dropped: Vec<(String, std::ops::Range<usize>, Rejection)>,
    /// Candidates removed by a script's review or while settling: (candidate, why).
    pub removed: Vec<(Candidate, String)>,
    /// What each script did.
    pub scripts: Vec<ScriptRun>,
    /// Every woken sentence's numbers, as the readings judged them.
    pub readings: Vec<(std::ops::Range<usize>, Vec<crate::reading::Judged>)>,
}

/// One script call on a document.
#[derive(Debug, Clone)]
pub struct ScriptRun {
    pub script: String,
    pub function: &'static str,
    /// Figures `extract` returned.
    pub emitted: Vec<Candidate>,
    /// Candidates `review` dropped or changed.
    pub removed: usize,
}

/// Extract the records of one document.
pub fn extract(rs: &Ruleset, doc: &Document) -> Result<Vec<Record>, ExtractError> {
    extract_traced(rs, doc, None)
}

pub fn extract_traced(
    rs: &Ruleset,
    doc: &Document,
    mut trace: Option<&mut Trace>,
) -> Result<Vec<Record>, ExtractError> {
    // 1. Trigger words → (rule, sentence) pairs and scripts to run.
    // A reading's anchor wakes a sentence only as a whole word ("hiến", not "chiến").
    let text = doc.text.as_str();
    let whole_word = |start: usize, end: usize| {
        let letter = |c: char| c.is_alphanumeric();
        !text[..start].chars().next_back().is_some_and(letter)
            && !text[end..].chars().next().is_some_and(letter)
    };
    let mut hits: Vec<(usize, &[Target], bool)> = rs
        .triggers
        .find_iter(aho_corasick::Input::new(text).anchored(Anchored::No))
        .map(|m| {
            (
                m.start(),
                rs.trigger_targets[m.pattern().as_usize()].as_slice(),
                whole_word(m.start(), m.end()),
            )
        })
        .collect();
    // Accent-insensitive rules' triggers are looked for in a folded copy too.
    if let Some((ac, targets)) = &rs.folded_triggers {
        let (folded, back) = crate::normalize::fold(&doc.text);
        hits.extend(
            ac.find_overlapping_iter(aho_corasick::Input::new(&folded).anchored(Anchored::No))
                .map(|m| {
                    (
                        back[m.start()],
                        targets[m.pattern().as_usize()].as_slice(),
                        true,
                    )
                }),
        );
    }
    if hits.is_empty() && rs.untriggered.is_empty() && trace.is_none()
        || crate::budget::over("looking for trigger words", Some(0))
    {
        return Ok(Vec::new());
    }
    let sentences = doc.sentences();
    let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
    let mut scripts: BTreeSet<usize> = BTreeSet::new();
    let mut reading_sentences: BTreeSet<usize> = BTreeSet::new();
    let mut wake = |target: Target,
                    sentence: Option<usize>,
                    pairs: &mut BTreeSet<(usize, usize)>| match target {
        Target::Rule(r) => match sentence {
            Some(s) => {
                pairs.insert((r, s));
            }
            None => pairs.extend((0..sentences.len()).map(|s| (r, s))),
        },
        Target::Script(s) => {
            scripts.insert(s);
        }
        Target::Reading => {
            if let Some(s) = sentence {
                reading_sentences.insert(s);
            }
        }
    };
    for (at, targets, whole) in hits {
        let si = sentences.partition_point(|s| s.end <= at);
        let in_sentence = sentences.get(si).is_some_and(|s| s.start <= at);
        for &t in targets {
            match t {
                Target::Rule(_) | Target::Reading if !in_sentence => {}
                Target::Reading if !whole => {}
                t => wake(t, Some(si), &mut pairs),
            }
        }
    }
    for &t in &rs.untriggered {
        wake(t, None, &mut pairs);
    }

    // 2. Plugins that apply, highest priority first: each decided when first needed (most
    //    documents need none), all of them when tracing.
    let decided: Vec<std::cell::OnceCell<Option<String>>> = rs
        .plugins
        .iter()
        .map(|_| std::cell::OnceCell::new())
        .collect();
    let applies = |p: usize| -> bool {
        decided[p]
            .get_or_init(|| rs.plugins[p].applies_to(doc))
            .is_some()
    };
    if let Some(t) = trace.as_deref_mut() {
        for (p, plugin) in rs.plugins.iter().enumerate() {
            if applies(p) {
                let why = decided[p].get().cloned().flatten().unwrap_or_default();
                t.plugins.push((plugin.name.clone(), why));
            }
        }
    }
    let plugins = 0..rs.plugins.len();
    let enabled_rule = |ri: usize| -> bool {
        let id = &rs.rules[ri].id;
        match rs.rule_plugin[ri] {
            Some(owner) => {
                applies(owner)
                    // A same-id rule of a higher-priority applying plugin wins.
                    && !(0..owner).any(|p| rs.suppressed[p].contains(id) && applies(p))
                    && !plugins.clone().any(|p| {
                        p != owner && rs.plugins[p].disable.contains(id) && applies(p)
                    })
            }
            None => !plugins
                .clone()
                .any(|p| rs.suppressed[p].contains(id) && applies(p)),
        }
    };

    // 3. Rules, sentence by sentence.
    let mut candidates = Vec::new();
    let mut dropped = trace.as_ref().map(|_| Vec::new());
    for (ri, si) in pairs {
        if !enabled_rule(ri) {
            continue;
        }
        if crate::budget::over("running pattern rules", Some(sentences[si].start)) {
            // The engine reports the document as over its budget.
            return Ok(Vec::new());
        }
        let before = dropped.as_ref().map_or(0, Vec::len);
        rs.rules[ri].find(
            &doc.text,
            sentences[si].clone(),
            &mut candidates,
            dropped.as_mut(),
        );
        if let (Some(d), Some(t)) = (dropped.as_mut(), trace.as_deref_mut()) {
            for (span, why) in d.drain(before..) {
                t.dropped.push((rs.rules[ri].id.clone(), span, why));
            }
        }
    }

    // 3b. Readings: every number of a sentence that holds a cue word, judged against the
    //     catalogue's vocabulary. Where a rule claimed the number, settling keeps the rule's.
    if !reading_sentences.is_empty() {
        let sentences: Vec<usize> = reading_sentences.into_iter().collect();
        // A plugin's readings count where it applies; any applying plugin may switch one off.
        let plugin_applies = |r: &crate::reading::vocab::Reading| {
            let owner_applies = r.plugin.as_deref().is_none_or(|name| {
                rs.plugins
                    .iter()
                    .position(|p| p.name == name)
                    .is_some_and(&applies)
            });
            owner_applies
                && !plugins
                    .clone()
                    .any(|p| rs.plugins[p].disable.contains(&r.id) && applies(p))
        };
        let trace_readings = trace.as_deref_mut().map(|t| &mut t.readings);
        candidates.extend(crate::reading::read(
            &rs.vocabulary,
            &rs.catalog,
            doc,
            &sentences,
            &plugin_applies,
            trace_readings,
        ));
    }

    if crate::budget::over("running scripts", None) {
        return Ok(Vec::new());
    }

    // 4. Scripts of applying plugins: extract, then review, in plugin order.
    let mut ordered: Vec<usize> = scripts
        .into_iter()
        .filter(|s| applies(rs.script_plugin[*s]))
        .collect();
    if !ordered.is_empty() {
        ordered.sort_by_key(|s| (rs.script_plugin[*s], *s));
        let map = crate::script::doc_map(doc, &candidates);
        for &s in &ordered {
            let script = &rs.scripts[s];
            if script.has_extract {
                let found = rs.host.extract(script, doc, &map).map_err(ExtractError)?;
                if let Some(t) = trace.as_deref_mut() {
                    t.scripts.push(ScriptRun {
                        script: script.id.clone(),
                        function: "extract",
                        emitted: found.clone(),
                        removed: 0,
                    });
                }
                candidates.extend(found);
            }
        }
        for &s in &ordered {
            let script = &rs.scripts[s];
            if script.has_review {
                let before = candidates.clone();
                candidates = rs
                    .host
                    .review(script, doc, &map, candidates)
                    .map_err(ExtractError)?;
                if let Some(t) = trace.as_deref_mut() {
                    let mut removed = 0;
                    for c in before.into_iter().filter(|c| !candidates.contains(c)) {
                        removed += 1;
                        t.removed
                            .push((c, format!("dropped or changed by script {}", script.id)));
                    }
                    t.scripts.push(ScriptRun {
                        script: script.id.clone(),
                        function: "review",
                        emitted: Vec::new(),
                        removed,
                    });
                }
            }
        }
    }
    if let Some(t) = trace.as_deref_mut() {
        t.candidates = candidates.clone();
    }

    if crate::budget::over("settling the figures", None) {
        return Ok(Vec::new());
    }

    // 5. Settle: one candidate per number, one record per figure.
    let kept = settle(candidates, trace.map(|t| &mut t.removed));

    if kept.is_empty() {
        return Ok(Vec::new());
    }
    // 6. Context and records.
    let plugins: Vec<&crate::plugin::Plugin> = plugins
        .filter(|&p| applies(p))
        .map(|p| &rs.plugins[p])
        .collect();
    let ctx = DocContext::new(doc, &plugins, rs.gazetteer.as_deref());
    let primary = plugins.first().map(|p| p.name.clone());
    let mut ix = CharIndex::new(&doc.text);
    let mut records = Vec::with_capacity(kept.len());
    for c in kept {
        if crate::budget::over("placing figures in time and place", Some(c.span.start)) {
            return Ok(Vec::new());
        }
        let sentence = doc.sentence_at(c.span.start).unwrap_or(c.span.clone());
        let clause = context::clause(&doc.text, sentence.clone(), &c.span);
        let unit = rs
            .catalog
            .get(&c.indicator)
            .map(|i| i.unit.clone())
            .unwrap_or_default();
        let (period, period_source) = match c.period {
            Some(p) => (
                Some(p),
                context::LocalitySource {
                    reason: format!("set by {}", c.rule),
                    bytes: Some(c.span.clone()),
                },
            ),
            None => ctx.period_of(
                doc,
                sentence.clone(),
                clause.clone(),
                &c.span,
                rs.catalog.get(&c.indicator).is_some_and(|i| i.stock),
            ),
        };
        let (mut locality, mut source) = ctx.locality_for(doc, sentence.clone(), clause, &c.span);
        if let Some(l) = c
            .locality
            .as_ref()
            .and_then(|l| known_places(rs, doc, &c.rule, l, &locality))
        {
            // A script knows better (a commune in a list): its unit, inside the subject's.
            if l.province.is_some() {
                locality.province = l.province.clone();
                if l.district.is_none() {
                    // A province's own figure: no district of the subject's.
                    locality.district = None;
                }
            }
            if l.district.is_some() {
                locality.district = l.district.clone();
            }
            locality.commune = l.commune.clone();
            source = context::LocalitySource {
                reason: format!("set by {} for «{}»", c.rule, &doc.text[c.span.clone()]),
                bytes: Some(c.span.clone()),
            };
        }
        let counterpart = rs.gazetteer.as_deref().and_then(|g| {
            let new_map = ctx.post_reform && g.is_2025(&locality);
            g.counterpart(&locality, new_map)
        });
        let start = ix.char_offset(c.span.start);
        let end = ix.char_offset(c.span.end);
        let locality_source = LocalitySourceOut {
            reason: source.reason,
            span: source
                .bytes
                .map(|b| [ix.char_offset(b.start), ix.char_offset(b.end)]),
        };
        let period_source = LocalitySourceOut {
            reason: period_source.reason,
            span: period_source
                .bytes
                .map(|b| [ix.char_offset(b.start), ix.char_offset(b.end)]),
        };
        records.push(Record {
            doc: doc.id.clone(),
            indicator: c.indicator.to_string(),
            value: c.value,
            total: c.total,
            unit,
            qualifier: c.qualifier,
            period,
            locality,
            counterpart,
            span: [start, end],
            quote: doc.text[c.span.clone()].to_string(),
            plugin: c
                .plugin
                .clone()
                .or_else(|| primary.clone())
                .unwrap_or_else(|| "core".into()),
            rule: c.rule,
            confidence: c.confidence,
            locality_source,
            period_source,
            source_span: [doc.source_offset(start), doc.source_offset(end)],
        });
    }
    Ok(records)
}

/// Whether the gazetteer knows a unit of one level by this name.
type Knows = fn(&crate::gazetteer::Gazetteer, &str) -> bool;

/// The locality a script set, if the gazetteer knows each name in it; else a warning on
/// stderr (once per rule and name) and None: chiso's own locality stands. Without a
/// gazetteer, names are taken as they are.
fn known_places(
    rs: &Ruleset,
    doc: &Document,
    rule: &str,
    l: &crate::record::Locality,
    found: &crate::record::Locality,
) -> Option<crate::record::Locality> {
    static WARNED: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        std::sync::LazyLock::new(Default::default);
    let Some(g) = rs.gazetteer.as_deref() else {
        return Some(l.clone());
    };
    // A list item named as a commune is its own locality at the level the gazetteer knows it:
    // a commune of the figure's district, else a province ("Cà Mau 99,49%" in a list of
    // provinces), else a district, else a commune elsewhere.
    if let (Some(c), None, None) = (&l.commune, &l.district, &l.province) {
        let here = g.communes(c, found.province.as_deref(), found.district.as_deref());
        if here.is_empty() {
            if let Some(p) = g.provinces(c).first() {
                return Some(crate::record::Locality {
                    province: Some(p.name.clone()),
                    ..Default::default()
                });
            }
            let mut districts = g.districts(c, found.province.as_deref());
            if districts.is_empty() {
                districts = g.districts(c, None);
            }
            if let Some(d) = districts.first() {
                return Some(crate::record::Locality {
                    province: Some(d.province.clone()),
                    district: Some(d.name.clone()),
                    commune: None,
                });
            }
        }
    }
    let checks: [(&str, &Option<String>, Knows); 3] = [
        (
            "province",
            &l.province,
            crate::gazetteer::Gazetteer::knows_province,
        ),
        (
            "district",
            &l.district,
            crate::gazetteer::Gazetteer::knows_district,
        ),
        (
            "commune",
            &l.commune,
            crate::gazetteer::Gazetteer::knows_commune,
        ),
    ];
    for (level, name, knows) in checks {
        if let Some(n) = name.as_deref() {
            if !knows(g, n) {
                let key = format!("{rule}\u{0}{level}\u{0}{n}");
                if WARNED.lock().map(|mut w| w.insert(key)).unwrap_or(false) {
                    eprintln!(
                        "chiso: warning: {}: {rule} set the {level} «{n}», which the gazetteer does not know; the locality chiso found is kept (further cases of this name are not reported)",
                        doc.id
                    );
                }
                return None;
            }
        }
    }
    Some(l.clone())
}

/// Keep one candidate per number (highest priority, plugin over core, longest match), one
/// record per figure said twice, and the exact figure over a rounded one ("Trên 1.500" over
/// "1.527"). The result is in text order.
pub fn settle(
    mut cands: Vec<Candidate>,
    mut removed: Option<&mut Vec<(Candidate, String)>>,
) -> Vec<Candidate> {
    let mut note = |c: Candidate, why: String| {
        if let Some(r) = removed.as_deref_mut() {
            r.push((c, why));
        }
    };
    cands.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then_with(|| b.plugin.is_some().cmp(&a.plugin.is_some()))
            .then_with(|| b.span.len().cmp(&a.span.len()))
            .then_with(|| a.span.start.cmp(&b.span.start))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    // Kept numbers never overlap one another, so in the order of their spans the only ones a
    // new number can overlap sit just before its end: a look at the neighbours, not at all.
    let mut kept: Vec<Candidate> = Vec::with_capacity(cands.len());
    let mut by_span: std::collections::BTreeMap<(usize, usize), usize> = Default::default();
    for c in cands {
        let v = &c.value_span;
        let first = by_span
            .range(..(v.end, 0))
            .rev()
            .take_while(|((_, end), _)| *end > v.start || v.is_empty())
            .map(|(_, &k)| k)
            .filter(|&k| overlaps(&kept[k].value_span, v))
            .min();
        match first.map(|k| &kept[k]) {
            Some(k) if k.indicator == c.indicator && k.value == c.value && k.total == c.total => {
                note(c, "same figure as a stronger match".into())
            }
            Some(k) => {
                let why = format!("its number is claimed by rule {} ({})", k.rule, k.indicator);
                note(c, why)
            }
            None => {
                by_span.insert((v.start, v.end), kept.len());
                kept.push(c);
            }
        }
    }
    kept.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then_with(|| a.span.end.cmp(&b.span.end))
            .then_with(|| a.indicator.cmp(&b.indicator))
    });
    // The exact values of each indicator and total, in order, for the rounded-figure test.
    type Key = (std::sync::Arc<str>, Option<u64>);
    let key = |c: &Candidate| -> Key { (c.indicator.clone(), c.total.map(f64::to_bits)) };
    let mut exact: std::collections::HashMap<Key, Vec<f64>> = Default::default();
    for e in kept.iter().filter(|e| e.qualifier == Qualifier::Exact) {
        exact.entry(key(e)).or_default().push(e.value);
    }
    for values in exact.values_mut() {
        values.sort_by(f64::total_cmp);
    }
    let mut said: std::collections::HashSet<(Key, u64)> = Default::default();
    let mut out: Vec<Candidate> = Vec::with_capacity(kept.len());
    for c in kept {
        // 0.0 and -0.0 are one figure, as `==` has it.
        let value_bits = if c.value == 0.0 { 0 } else { c.value.to_bits() };
        if said.contains(&(key(&c), value_bits)) {
            note(c, "the same figure is said earlier in the document".into());
            continue;
        }
        let v = c.value;
        let near = |w: f64| match c.qualifier {
            Qualifier::AtLeast => w > v && w <= v * 1.15,
            Qualifier::AtMost => w < v && w >= v * 0.85,
            _ => (w - v).abs() <= v.abs() * 0.15 && w != v,
        };
        let rounded = c.qualifier != Qualifier::Exact
            && exact.get(&key(&c)).is_some_and(|values| {
                // Every value `near` accepts lies within 15% of v (16%: rounding aside).
                let (lo, hi) = (v - v.abs() * 0.16, v + v.abs() * 0.16);
                let from = values.partition_point(|&w| w < lo);
                values[from..]
                    .iter()
                    .take_while(|&&w| w <= hi)
                    .any(|&w| near(w))
            });
        if rounded {
            note(
                c,
                "a rounded figure; the document states it exactly elsewhere".into(),
            );
            continue;
        }
        said.insert((key(&c), value_bits));
        out.push(c);
    }
    out
}

fn overlaps(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}
