//! `chiso explain`: what happened inside one document — which plugins applied and why, which
//! rules fired where, what was dropped and by what, what scripts did — and, for one rule,
//! why it did *not* fire (not enabled, no trigger, no match and the nearest partial match,
//! a guard, the settling step).

use std::ops::Range;

use regex::Regex;
use serde::Serialize;

use crate::document::{CharIndex, Document};
use crate::extract::{extract_traced, Trace};
use crate::record::{format_number, Record};
use crate::rule::{Candidate, Rejection, Rule};
use crate::ruleset::{lowercase_same_len, Ruleset};

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub doc: String,
    pub characters: usize,
    pub sentences: usize,
    pub plugins: Vec<PluginApplied>,
    pub plugins_not_applied: Vec<PluginNotApplied>,
    pub records: Vec<Fired>,
    pub dropped_by_guards: Vec<Dropped>,
    pub removed: Vec<Dropped>,
    pub scripts: Vec<ScriptReport>,
    /// Every number of every sentence a reading's cue woke up, and what was made of it.
    pub readings: Vec<SentenceReadings>,
    pub error: Option<String>,
    pub rule: Option<RuleReport>,
}

/// The numbers of one sentence, as the readings judged them.
#[derive(Debug, Serialize)]
pub struct SentenceReadings {
    pub sentence: String,
    pub mentions: Vec<MentionReport>,
}

/// One number: what it is, the readings weighed, and the verdict.
#[derive(Debug, Serialize)]
pub struct MentionReport {
    pub quote: String,
    pub shape: String,
    pub noun: Option<String>,
    /// "figure of new_party_members (0.83): …", "blocked: a plan …", "no reading held".
    pub verdict: String,
    pub weighed: Vec<WeighedReport>,
}

#[derive(Debug, Serialize)]
pub struct WeighedReport {
    pub reading: String,
    pub score: f64,
    pub evidence: Vec<String>,
    pub failed: Option<String>,
}

/// A plugin that did not apply, and which of its `[applies]` conditions failed how.
#[derive(Debug, Serialize)]
pub struct PluginNotApplied {
    pub name: String,
    pub because: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct PluginApplied {
    pub name: String,
    pub priority: i32,
    pub because: String,
}

/// A record, with the sentence it sits in and where the match is in that sentence.
#[derive(Debug, Serialize)]
pub struct Fired {
    pub record: Record,
    pub sentence: String,
    /// Character offsets of the match inside `sentence`.
    pub highlight: [usize; 2],
}

#[derive(Debug, Serialize)]
pub struct Dropped {
    pub rule: String,
    pub span: [usize; 2],
    pub quote: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ScriptReport {
    pub script: String,
    pub function: String,
    pub emitted: Vec<String>,
    pub removed: usize,
}

/// Why one rule did or did not yield records on this document.
#[derive(Debug, Serialize)]
pub struct RuleReport {
    pub id: String,
    pub fired: bool,
    pub findings: Vec<String>,
}

/// Explain one document; `rule` asks for the story of one rule id.
pub fn explain(rs: &Ruleset, doc: &Document, rule: Option<&str>) -> Result<Explanation, String> {
    let mut trace = Trace::default();
    let result = extract_traced(rs, doc, Some(&mut trace));
    let (records, error) = match result {
        Ok(r) => (r, None),
        Err(e) => (Vec::new(), Some(e.0)),
    };
    let quote = |r: &Range<usize>| doc.text[r.clone()].to_string();
    let chars = |r: &Range<usize>| {
        let mut ix = CharIndex::new(&doc.text);
        [ix.char_offset(r.start), ix.char_offset(r.end)]
    };
    let applied: Vec<&str> = trace.plugins.iter().map(|(n, _)| n.as_str()).collect();
    let plugins = trace
        .plugins
        .iter()
        .map(|(name, because)| PluginApplied {
            name: name.clone(),
            priority: rs
                .plugins
                .iter()
                .find(|p| &p.name == name)
                .map_or(0, |p| p.priority),
            because: because.clone(),
        })
        .collect();
    let fired = records
        .iter()
        .map(|r| {
            let byte = byte_of_char(&doc.text, r.span[0]);
            let sentence = doc.sentence_at(byte).unwrap_or(byte..byte);
            let mut ix = CharIndex::new(&doc.text);
            let s0 = ix.char_offset(sentence.start);
            Fired {
                record: r.clone(),
                sentence: quote(&sentence),
                highlight: [r.span[0].saturating_sub(s0), r.span[1].saturating_sub(s0)],
            }
        })
        .collect();
    let dropped_by_guards = trace
        .dropped
        .iter()
        .map(|(rule, span, why)| Dropped {
            rule: rule.clone(),
            span: chars(span),
            quote: quote(span),
            reason: match why {
                Rejection::Guard(g, w) if w.is_empty() => {
                    format!("{g} (none of its words in the sentence)")
                }
                Rejection::Guard(g, w) => format!("{g} «{w}»"),
                Rejection::NoValue => "the captured text is not a figure".into(),
                Rejection::AboveTotal(v, t) => format!(
                    "its value {} is above its total {}",
                    format_number(*v),
                    format_number(*t)
                ),
            },
        })
        .collect();
    let removed = trace
        .removed
        .iter()
        .map(|(c, why)| Dropped {
            rule: c.rule.clone(),
            span: chars(&c.span),
            quote: quote(&c.span),
            reason: format!("{} = {}: {why}", c.indicator, show(c)),
        })
        .collect();
    let scripts = trace
        .scripts
        .iter()
        .map(|s| ScriptReport {
            script: s.script.clone(),
            function: s.function.to_string(),
            emitted: s
                .emitted
                .iter()
                .map(|c| format!("{} = {} «{}»", c.indicator, show(c), quote(&c.span)))
                .collect(),
            removed: s.removed,
        })
        .collect();
    let readings = trace
        .readings
        .iter()
        .filter(|(_, judged)| !judged.is_empty())
        .map(|(range, judged)| SentenceReadings {
            sentence: quote(range),
            mentions: judged.iter().map(|j| mention_report(rs, doc, j)).collect(),
        })
        .collect();
    let rule = match rule {
        Some(id) => Some(why(rs, doc, id, &trace, &records, &applied)?),
        None => None,
    };
    Ok(Explanation {
        doc: doc.id.clone(),
        characters: doc.text.chars().count(),
        sentences: doc.sentences().len(),
        plugins,
        plugins_not_applied: rs
            .plugins
            .iter()
            .filter(|p| !applied.contains(&p.name.as_str()))
            .map(|p| PluginNotApplied {
                name: p.name.clone(),
                because: p.why_not(doc),
            })
            .collect(),
        records: fired,
        dropped_by_guards,
        removed,
        scripts,
        readings,
        error,
        rule,
    })
}

fn mention_report(rs: &Ruleset, doc: &Document, j: &crate::reading::Judged) -> MentionReport {
    use crate::reading::Verdict;
    let vocab = &rs.vocabulary;
    let m = &j.mention;
    let verdict = match &j.verdict {
        Verdict::Figure {
            reading,
            value,
            total,
            confidence,
            why,
        } => {
            let mut v = format_number(*value);
            if let Some(t) = total {
                v.push_str(&format!("/{}", format_number(*t)));
            }
            format!(
                "figure: {} = {v} (confidence {confidence:.2}): {why}",
                vocab.readings[*reading].indicator
            )
        }
        Verdict::Blocked(why) => format!("not a figure: {why}"),
        Verdict::Nothing => "not a figure: no reading held".to_string(),
    };
    MentionReport {
        quote: doc.text[m.span.clone()].to_string(),
        shape: m.shape.as_str().to_string(),
        noun: j
            .noun
            .as_ref()
            .map(|n| doc.text[n.range.clone()].to_string()),
        verdict,
        weighed: j
            .weighed
            .iter()
            .map(|w| WeighedReport {
                reading: vocab.readings[w.reading].id.clone(),
                score: (w.score * 100.0).round() / 100.0,
                evidence: w
                    .evidence
                    .iter()
                    .map(|(what, weight)| format!("{what} ({weight:.2})"))
                    .collect(),
                failed: w.failed.clone(),
            })
            .collect(),
    }
}

fn show(c: &Candidate) -> String {
    let mut s = format_number(c.value);
    if let Some(t) = c.total {
        s.push_str(&format!("/{}", format_number(t)));
    }
    s
}

fn byte_of_char(text: &str, c: usize) -> usize {
    text.char_indices().nth(c).map_or(text.len(), |(i, _)| i)
}

/// The story of one rule on one document.
fn why(
    rs: &Ruleset,
    doc: &Document,
    id: &str,
    trace: &Trace,
    records: &[Record],
    applied: &[&str],
) -> Result<RuleReport, String> {
    let Some((index, rule)) = rs.rules.iter().enumerate().find(|(_, r)| r.id == id) else {
        let near = crate::diagnostic::did_you_mean(id, rs.rules.iter().map(|r| r.id.as_str()))
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        return Err(format!("no rule `{id}`{near}"));
    };
    let mut f = Vec::new();
    let fired = records.iter().any(|r| r.rule == id);
    for r in records.iter().filter(|r| r.rule == id) {
        f.push(format!(
            "yielded {} = {} «{}»",
            r.indicator,
            format_number(r.value),
            r.quote
        ));
    }
    // Enabled for this document?
    if let Some(owner) = rs.rule_plugin[index] {
        let name = &rs.plugins[owner].name;
        if !applied.contains(&name.as_str()) {
            f.push(format!(
                "its plugin `{name}` does not apply to this document: {}",
                rs.plugins[owner].why_not(doc).join("; ")
            ));
        }
    }
    for p in rs
        .plugins
        .iter()
        .filter(|p| applied.contains(&p.name.as_str()))
    {
        if p.disable.iter().any(|d| d == id) {
            f.push(format!(
                "plugin `{}` switches it off (disable = [\"{id}\"])",
                p.name
            ));
        } else if rule.origin.plugin.as_deref() != Some(p.name.as_str())
            && rs
                .rules
                .iter()
                .any(|r| r.id == id && r.origin.plugin.as_deref() == Some(p.name.as_str()))
        {
            f.push(format!(
                "plugin `{}` overrides it with its own rule of the same id",
                p.name
            ));
        }
    }
    // Triggers.
    let lower = lowercase_same_len(&doc.text);
    let mut sentences: Vec<Range<usize>> = Vec::new();
    if rule.triggers.is_empty() {
        sentences = doc.sentences().to_vec();
    } else {
        let found: Vec<&String> = rule
            .triggers
            .iter()
            .filter(|t| lower.contains(&lowercase_same_len(t)))
            .collect();
        if found.is_empty() {
            f.push(format!(
                "none of its triggers occurs in the document: {:?}",
                rule.triggers
            ));
        } else {
            f.push(format!("triggers found: {found:?}"));
            for s in doc.sentences() {
                let ls = &lower[s.clone()];
                if rule
                    .triggers
                    .iter()
                    .any(|t| ls.contains(&lowercase_same_len(t)))
                {
                    sentences.push(s.clone());
                }
            }
        }
    }
    // Matches and what became of them.
    let mut matched = false;
    let mut missed: Vec<Range<usize>> = Vec::new();
    for s in &sentences {
        if !rule.regex().is_match(&doc.text[s.clone()]) {
            missed.push(s.clone());
        }
        for m in rule.regex().find_iter(&doc.text[s.clone()]) {
            matched = true;
            let span = s.start + m.start()..s.start + m.end();
            let quote = &doc.text[span.clone()];
            if let Some((_, _, why)) = trace
                .dropped
                .iter()
                .find(|(r, sp, _)| r == id && *sp == span)
            {
                let why = match why {
                    Rejection::Guard(g, w) if w.is_empty() => format!("guard {g} failed"),
                    Rejection::Guard(g, w) => format!("guard {g} matched «{w}»"),
                    Rejection::NoValue => "its value is not a figure".into(),
                    Rejection::AboveTotal(v, t) => format!(
                        "its value {} is above its total {}",
                        format_number(*v),
                        format_number(*t)
                    ),
                };
                f.push(format!("matched «{quote}» but was dropped: {why}"));
            } else if let Some((c, why)) = trace
                .removed
                .iter()
                .find(|(c, _)| c.rule == id && c.span == span)
            {
                f.push(format!(
                    "matched «{quote}» ({} = {}) but was removed: {why}",
                    c.indicator,
                    show(c)
                ));
            } else if !records.iter().any(|r| r.rule == id && r.quote == quote) {
                f.push(format!("matched «{quote}»"));
            }
        }
    }
    if !matched && !sentences.is_empty() {
        f.push(format!(
            "its pattern matches none of the {} sentence(s) holding a trigger",
            sentences.len()
        ));
        if let Some(near) = nearest_partial_match(rs, rule, doc, &sentences) {
            f.push(near);
        }
    } else if !missed.is_empty() {
        // It fired somewhere: say where, among the sentences it was tried on, it did not.
        f.push(format!(
            "its pattern does not match {} of the {} sentence(s) holding a trigger:",
            missed.len(),
            sentences.len()
        ));
        for s in &missed {
            f.push(format!("no match in «{}»", short(&doc.text[s.clone()])));
            if let Some(near) = nearest_partial_match(rs, rule, doc, std::slice::from_ref(s)) {
                f.push(format!("  {near}"));
            }
        }
    }
    Ok(RuleReport {
        id: id.to_string(),
        fired,
        findings: f,
    })
}

/// A sentence cut to at most 160 characters.
fn short(sentence: &str) -> String {
    let sentence = sentence.trim();
    if sentence.chars().count() <= 160 {
        return sentence.to_string();
    }
    let head: String = sentence.chars().take(159).collect();
    format!("{head}…")
}

/// The longest start of the pattern that matches a triggered sentence, and what follows it.
fn nearest_partial_match(
    rs: &Ruleset,
    rule: &Rule,
    doc: &Document,
    sentences: &[Range<usize>],
) -> Option<String> {
    let mut best: Option<(usize, String, String, String)> = None; // (prefix len, prefix, matched, rest)
    for alt in split_top(&rule.pattern, '|') {
        for cut in cut_points(alt) {
            let prefix = &alt[..cut];
            let Ok(exp) = rs.lexicon.expand(prefix) else {
                continue;
            };
            let Ok(re) = Regex::new(&format!("(?i){}", exp.regex)) else {
                continue;
            };
            for s in sentences {
                let text = &doc.text[s.clone()];
                if let Some(m) = re.find(text) {
                    if best.as_ref().is_none_or(|b| cut > b.0) {
                        let after: String = text[m.end()..].chars().take(40).collect();
                        best = Some((
                            cut,
                            prefix.to_string(),
                            m.as_str().to_string(),
                            format!("{}«{after}»", &alt[cut..]),
                        ));
                    }
                    break;
                }
            }
        }
    }
    best.map(|(_, prefix, matched, rest)| {
        format!(
            "nearest partial match: `{prefix}` matches «{matched}», but the rest of the pattern `{}",
            rest.replacen('«', "` does not match what follows: «", 1)
        )
    })
}

/// Split at a separator outside groups and classes.
fn split_top(pattern: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut class, mut escaped, mut start) = (0i32, false, false, 0);
    for (i, c) in pattern.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' if !class => class = true,
            ']' if class => class = false,
            '(' if !class => depth += 1,
            ')' if !class => depth -= 1,
            c if c == sep && depth == 0 && !class => {
                parts.push(&pattern[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&pattern[start..]);
    parts
}

/// Byte offsets where a top-level piece of the pattern ends: before `\s`, `(` or a space
/// outside groups and placeholders, and the end.
fn cut_points(pattern: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let (mut depth, mut class, mut escaped, mut in_placeholder) = (0i32, false, false, false);
    let bytes = pattern.as_bytes();
    for (i, c) in pattern.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        let top = depth == 0 && !class && !in_placeholder;
        if top && i > 0 && (c == '(' || c == ' ' || (c == '\\' && bytes.get(i + 1) == Some(&b's')))
        {
            cuts.push(i);
        }
        match c {
            '\\' => escaped = true,
            '%' if bytes.get(i + 1) == Some(&b'{') && !class => in_placeholder = true,
            '}' if in_placeholder => in_placeholder = false,
            '[' if !class && !in_placeholder => class = true,
            ']' if class => class = false,
            '(' if !class && !in_placeholder => depth += 1,
            ')' if !class && !in_placeholder => depth -= 1,
            _ => {}
        }
    }
    cuts.push(pattern.len());
    cuts.dedup();
    cuts
}

/// Plain-text rendering; `color` highlights matches with ANSI inverse video.
pub fn render(e: &Explanation, color: bool) -> String {
    let (on, off) = if color {
        ("\x1b[7m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    let mut s = format!(
        "document {} ({} characters, {} sentences)\n",
        e.doc, e.characters, e.sentences
    );
    s.push_str("\nplugins applied:\n");
    if e.plugins.is_empty() {
        s.push_str("  none (core rules only)\n");
    }
    for p in &e.plugins {
        s.push_str(&format!(
            "  {} (priority {}): {}\n",
            p.name, p.priority, p.because
        ));
    }
    if !e.plugins_not_applied.is_empty() {
        s.push_str("\nplugins not applied:\n");
        for p in &e.plugins_not_applied {
            s.push_str(&format!("  {}:", p.name));
            match p.because.as_slice() {
                [] => s.push('\n'),
                [one] => s.push_str(&format!(" {one}\n")),
                many => {
                    s.push_str(" none of its [applies] conditions held\n");
                    for b in many {
                        s.push_str(&format!("    - {b}\n"));
                    }
                }
            }
        }
    }
    if let Some(err) = &e.error {
        s.push_str(&format!("\nthe document failed: {err}\n"));
    }
    s.push_str(&format!("\nrecords ({}):\n", e.records.len()));
    for f in &e.records {
        let r = &f.record;
        let mut value = format_number(r.value);
        if let Some(t) = r.total {
            value.push_str(&format!("/{}", format_number(t)));
        }
        s.push_str(&format!(
            "  {} = {} ({})  rule {}  plugin {}\n",
            r.indicator,
            value,
            r.qualifier.as_str(),
            r.rule,
            r.plugin
        ));
        let chars: Vec<char> = f.sentence.chars().collect();
        let [a, b] = f.highlight;
        let (a, b) = (a.min(chars.len()), b.min(chars.len()));
        // Long sentences are cut to the words around the match.
        const CONTEXT: usize = 90;
        let pre: String = if a > CONTEXT {
            format!("…{}", chars[a - CONTEXT..a].iter().collect::<String>())
        } else {
            chars[..a].iter().collect()
        };
        let mid: String = chars[a..b].iter().collect();
        let post: String = if chars.len() - b > CONTEXT {
            format!("{}…", chars[b..b + CONTEXT].iter().collect::<String>())
        } else {
            chars[b..].iter().collect()
        };
        s.push_str(&format!("    {pre}{on}{mid}{off}{post}\n"));
        let period = r.period.map_or("—".to_string(), |p| {
            format!(
                "{}–{}",
                p.from.map_or("?".into(), |v| v.to_string()),
                p.to.map_or("?".into(), |v| v.to_string())
            )
        });
        let place: Vec<&str> = [
            &r.locality.commune,
            &r.locality.district,
            &r.locality.province,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        let place = if place.is_empty() {
            "—".to_string()
        } else {
            place.join(", ")
        };
        s.push_str(&format!(
            "    period {period} ({}); span {}..{}\n",
            r.period_source.reason, r.span[0], r.span[1]
        ));
        s.push_str(&format!(
            "      ladder: {}\n",
            walked(PERIOD_RUNGS, &r.period_source.reason)
        ));
        s.push_str(&format!(
            "    locality {place} ({})\n",
            r.locality_source.reason
        ));
        s.push_str(&format!(
            "      ladder: {}\n",
            walked(LOCALITY_RUNGS, &r.locality_source.reason)
        ));
        if let Some(c) = &r.counterpart {
            let provinces = c.provinces.join(" + ");
            let side: Vec<String> = [("commune", &c.commune), ("district", &c.district)]
                .into_iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
                .chain(Some(provinces).filter(|p| !p.is_empty()))
                .collect();
            let map = if c.map == "2025" {
                "the 2025 map"
            } else {
                "the legacy map"
            };
            s.push_str(&format!("    on {map}: {}\n", side.join(", ")));
        }
    }
    if !e.scripts.is_empty() {
        s.push_str("\nscripts:\n");
        for sc in &e.scripts {
            match sc.function.as_str() {
                "extract" => {
                    s.push_str(&format!(
                        "  {} extract: {} figure(s)\n",
                        sc.script,
                        sc.emitted.len()
                    ));
                    for x in &sc.emitted {
                        s.push_str(&format!("    {x}\n"));
                    }
                }
                _ => s.push_str(&format!(
                    "  {} review: removed or changed {}\n",
                    sc.script, sc.removed
                )),
            }
        }
    }
    if !e.readings.is_empty() {
        s.push_str("\nnumbers read (sentences with a cue word):\n");
        for sr in &e.readings {
            let short: String = sr.sentence.chars().take(160).collect();
            let more = if sr.sentence.chars().count() > 160 {
                "…"
            } else {
                ""
            };
            s.push_str(&format!("  «{short}{more}»\n"));
            for m in &sr.mentions {
                let noun = m
                    .noun
                    .as_deref()
                    .map_or(String::new(), |n| format!(" noun «{n}»"));
                s.push_str(&format!(
                    "    {on}{}{off} ({}{noun}): {}\n",
                    m.quote, m.shape, m.verdict
                ));
                for w in &m.weighed {
                    // Readings that failed on the noun or the kind are noise: show the ones
                    // that came close (got past their noun) and the ones that held.
                    let close = w.failed.as_deref().is_none_or(|f| {
                        !f.starts_with("it counts")
                            && !f.starts_with("no noun")
                            && !f.starts_with("it is about")
                    });
                    if !close {
                        continue;
                    }
                    let ev = if w.evidence.is_empty() {
                        String::new()
                    } else {
                        format!(" [{}]", w.evidence.join("; "))
                    };
                    match &w.failed {
                        None => s.push_str(&format!(
                            "      {} held, score {:.2}{ev}\n",
                            w.reading, w.score
                        )),
                        Some(f) => s.push_str(&format!("      {} failed: {f}{ev}\n", w.reading)),
                    }
                }
            }
        }
    }
    for (title, list) in [
        ("dropped by guards", &e.dropped_by_guards),
        ("removed", &e.removed),
    ] {
        if !list.is_empty() {
            s.push_str(&format!("\n{title} ({}):\n", list.len()));
            for d in list.iter() {
                s.push_str(&format!("  {} «{}»: {}\n", d.rule, d.quote, d.reason));
            }
        }
    }
    if let Some(r) = &e.rule {
        s.push_str(&format!(
            "\nrule {}: {}\n",
            r.id,
            if r.fired {
                "fired"
            } else {
                "did not yield a record"
            }
        ));
        for x in &r.findings {
            s.push_str(&format!("  - {x}\n"));
        }
    }
    s
}

/// The rungs of the period ladder, nearest first: (name, words of a reason given there).
const PERIOD_RUNGS: &[(&str, &[&str])] = &[
    ("script", &["set by "]),
    ("clause", &["its clause"]),
    (
        "sentence",
        &["its sentence, earlier", "the phrase opening its sentence"],
    ),
    ("stock", &["a state at a date"]),
    ("paragraph", &["an earlier sentence of its paragraph"]),
    ("heading", &["the heading above"]),
    ("headline", &["the headline"]),
    ("span", &["speaks of a span"]),
    ("document date", &["the document's date"]),
];

/// The rungs of the locality ladder, nearest first.
const LOCALITY_RUNGS: &[(&str, &[&str])] = &[
    ("script", &["set by "]),
    ("whole province", &["lifts it to the province"]),
    ("clause", &["in its clause"]),
    ("whole country", &["makes it the whole country's"]),
    ("sentence", &["earlier in its sentence"]),
    (
        "paragraph",
        &["in the sentences before", "opening an earlier sentence"],
    ),
    (
        "document",
        &[
            "the province of",
            "the document",
            "the outlet",
            "the headline names",
            "no unit named",
        ],
    ),
];

/// The rungs tried, in order, up to the one that gave the answer (marked ✓) or "—" for none
/// (`clause → sentence → paragraph ✓`).
fn walked(rungs: &[(&str, &[&str])], reason: &str) -> String {
    let hit = rungs
        .iter()
        .position(|(_, words)| words.iter().any(|w| reason.contains(w)));
    match hit {
        Some(i) => {
            let mut steps: Vec<String> = rungs[..i]
                .iter()
                .filter(|(n, _)| !matches!(*n, "script" | "stock" | "span"))
                .map(|(n, _)| n.to_string())
                .collect();
            steps.push(format!("{} ✓", rungs[i].0));
            steps.join(" → ")
        }
        None => {
            let steps: Vec<&str> = rungs
                .iter()
                .filter(|(n, _)| !matches!(*n, "script" | "stock" | "span"))
                .map(|(n, _)| *n)
                .collect();
            format!("{} —", steps.join(" → "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_at_top_level() {
        let p = r"kết nạp(?:\s+được)?\s+%{QNUM:value}\s+%{PARTY_MEMBER}";
        let cuts: Vec<&str> = cut_points(p).into_iter().map(|c| &p[..c]).collect();
        assert_eq!(
            cuts,
            vec![
                "kết",
                "kết nạp",
                r"kết nạp(?:\s+được)?",
                r"kết nạp(?:\s+được)?\s+%{QNUM:value}",
                p
            ]
        );
        assert_eq!(split_top(r"a(b|c)|d[|]", '|'), vec!["a(b|c)", "d[|]"]);
    }
}
