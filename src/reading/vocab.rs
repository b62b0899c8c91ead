//! The readings' vocabulary (`rules/readings.toml`, and a plugin's `readings.toml`): what
//! [`super::judge`] knows about each indicator's nouns, cues and blockers, compiled into one
//! automaton that finds every phrase of a sentence in one pass.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{Catalog, Kind};
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::rule::lexicon::Lexicon;

/// `readings.toml` as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReadingsFile {
    /// Named word lists (`@name` in cues and blockers). A plugin's lists add to the core ones.
    #[serde(default)]
    pub words: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub reading: Vec<ReadingSpec>,
}

/// One `[[reading]]`: when a mention is a figure of `indicator`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingSpec {
    pub indicator: Spanned<String>,
    /// A name for explain and records (default: the indicator and a number).
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub description: String,
    /// The noun the number counts, right after it ("172 ĐV"). Empty: no noun is asked for,
    /// but a noun that belongs to none of the reading's words rules it out.
    #[serde(default)]
    pub nouns: Vec<String>,
    /// For a reading without nouns (a share, an amount): what a noun right after the number
    /// may be ("92% đảng viên"); by default, any of its cue words.
    #[serde(default)]
    pub subjects: Vec<String>,
    /// Word groups, `"scope: word | word | @set"`; every group must be found.
    #[serde(default)]
    pub cues: Vec<Spanned<String>>,
    /// Word groups in the same form; one found means the mention is not this figure.
    #[serde(default)]
    pub blockers: Vec<Spanned<String>>,
}

/// Where a group's words are looked for, around a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// Right before the number (a few words, no punctuation between).
    Prev,
    /// Right after the number and its noun (a few words, no punctuation between).
    Next,
    /// The mention's own stretch of the sentence before the number.
    Before,
    /// Its stretch after the number and noun.
    After,
    /// Either side: the stretch between the neighbouring numbers (the default).
    Near,
    Sentence,
    Paragraph,
    Document,
}

impl Scope {
    fn parse(s: &str) -> Option<Scope> {
        Some(match s {
            "prev" => Scope::Prev,
            "next" => Scope::Next,
            "before" => Scope::Before,
            "after" => Scope::After,
            "near" => Scope::Near,
            "sentence" => Scope::Sentence,
            "paragraph" => Scope::Paragraph,
            "document" => Scope::Document,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Prev => "prev",
            Scope::Next => "next",
            Scope::Before => "before",
            Scope::After => "after",
            Scope::Near => "near",
            Scope::Sentence => "sentence",
            Scope::Paragraph => "paragraph",
            Scope::Document => "document",
        }
    }

    /// Whether the scope is the mention's own stretch (as opposed to the sentence or wider).
    pub fn is_local(self) -> bool {
        matches!(
            self,
            Scope::Prev | Scope::Next | Scope::Before | Scope::After | Scope::Near
        )
    }
}

/// A compiled group: a scope and the phrases (ids into [`Vocabulary::phrases`]) it holds.
#[derive(Debug, Clone)]
pub struct Group {
    pub scope: Scope,
    /// As written, for explain ("near: kết nạp | phát triển").
    pub text: String,
}

/// A compiled reading.
#[derive(Debug, Clone)]
pub struct Reading {
    pub id: String,
    pub indicator: Arc<str>,
    pub kind: Kind,
    /// The indicator keeps "x/y" totals.
    pub total: bool,
    pub description: String,
    /// The group of its nouns, if it asks for one.
    pub nouns: Option<usize>,
    /// What the noun of a noun-less reading's mention may be.
    pub subjects: Option<usize>,
    pub cues: Vec<usize>,
    pub blockers: Vec<usize>,
    /// The plugin that ships it: judged only where that plugin applies.
    pub plugin: Option<String>,
}

/// The named lists the built-in mechanisms use (each a group id).
#[derive(Debug, Clone)]
pub struct Sets {
    pub plan: usize,
    pub plan_after: usize,
    pub result: usize,
    pub negation: usize,
    pub change_before: usize,
    pub change_after: usize,
    pub subcount: usize,
    pub identifier_before: usize,
    pub classifiers: usize,
    pub other_nouns: usize,
    pub false_friends: usize,
    pub frame: usize,
    pub durations: usize,
    pub plan_segment: usize,
}

/// Every phrase of every reading, one automaton, and the readings themselves.
#[derive(Debug)]
pub struct Vocabulary {
    /// Lower-case, normalised phrases.
    pub phrases: Vec<String>,
    /// For each phrase, the groups holding it (sorted).
    pub phrase_groups: Vec<Vec<usize>>,
    pub groups: Vec<Group>,
    pub readings: Vec<Reading>,
    pub sets: Sets,
    /// For each group: is it some reading's noun group (or `other_nouns`)?
    pub noun_group: Vec<bool>,
    automaton: AhoCorasick,
    /// Words that wake a sentence up for reading: every local cue word of every reading.
    pub anchors: Vec<String>,
}

/// The built-in mechanisms' lists, each `[words]` key with what it is for.
pub const SETS: [(&str, &str); 14] = [
    ("plan", "plans and targets before a number, in its clause"),
    (
        "plan_after",
        "a share of a plan right after a number ('đạt 87,7% kế hoạch')",
    ),
    (
        "result",
        "words that end a plan and start a result ('kết quả', 'đến nay')",
    ),
    (
        "negation",
        "words that negate the cue right after them ('chưa', 'không')",
    ),
    (
        "change_before",
        "a change right before a number ('tăng', 'thêm')",
    ),
    ("change_after", "a change after a figure ('so với')"),
    (
        "subcount",
        "a part of a figure said just before ('trong đó')",
    ),
    (
        "identifier_before",
        "words before a number that make it a name or an ordinal ('số', 'khóa')",
    ),
    (
        "classifiers",
        "words between a number and its noun ('lượt')",
    ),
    (
        "other_nouns",
        "nouns of no indicator that still tell what a number counts ('tiêu chí')",
    ),
    (
        "false_friends",
        "phrases that contain a cue or noun but mean something else ('xã hội')",
    ),
    (
        "frame",
        "words before a number that make it the whole a later figure is out of ('trong tổng số')",
    ),
    (
        "durations",
        "nouns after a number that make it a length of time ('9 tháng', '5 năm')",
    ),
    (
        "plan_segment",
        "plan words that govern their whole segment, past commas ('dự kiến', 'phấn đấu')",
    ),
];

/// One phrase occurrence in a text: the phrase and its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub phrase: usize,
    pub range: Range<usize>,
}

impl Vocabulary {
    /// Compile the core readings and each plugin's (in order), reporting every problem.
    pub fn compile(
        files: &[(PathBuf, String, Option<String>)],
        catalog: &Catalog,
        lexicon: &Lexicon,
        diags: &mut Diagnostics,
    ) -> Vocabulary {
        let mut b = Builder::default();
        let mut parsed = Vec::new();
        for (path, source, plugin) in files {
            if let Some(f) =
                crate::diagnostic::from_str_reporting::<ReadingsFile>(path, source, diags)
            {
                parsed.push((path, source, plugin, f));
            }
        }
        // Word lists first (all files), so readings may name any of them. The lexicon's guard
        // sets of the same name are where the built-in lists start.
        let mut words: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, _) in SETS {
            if let Some(set) = lexicon.guard_set(name) {
                words.entry(name.to_string()).or_default().extend(
                    set.iter()
                        .filter(|w| !w.starts_with("re:") && !w.starts_with('@'))
                        .cloned(),
                );
            }
        }
        for (_, _, _, f) in &parsed {
            for (name, list) in &f.words {
                words
                    .entry(name.clone())
                    .or_default()
                    .extend(list.iter().cloned());
            }
        }
        let set_group = |b: &mut Builder, name: &str| -> usize {
            let list = words.get(name).cloned().unwrap_or_default();
            b.group(Scope::Near, format!("@{name}"), &list)
        };
        let sets = Sets {
            plan: set_group(&mut b, "plan"),
            plan_after: set_group(&mut b, "plan_after"),
            result: set_group(&mut b, "result"),
            negation: set_group(&mut b, "negation"),
            change_before: set_group(&mut b, "change_before"),
            change_after: set_group(&mut b, "change_after"),
            subcount: set_group(&mut b, "subcount"),
            identifier_before: set_group(&mut b, "identifier_before"),
            classifiers: set_group(&mut b, "classifiers"),
            other_nouns: set_group(&mut b, "other_nouns"),
            false_friends: set_group(&mut b, "false_friends"),
            frame: set_group(&mut b, "frame"),
            durations: set_group(&mut b, "durations"),
            plan_segment: set_group(&mut b, "plan_segment"),
        };
        let mut noun_groups = vec![sets.other_nouns];
        let mut readings = Vec::new();
        let mut per_indicator: BTreeMap<(Option<String>, String), usize> = BTreeMap::new();
        let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
        for (path, source, plugin, f) in &parsed {
            for spec in &f.reading {
                let ind = spec.indicator.get_ref();
                let Some(indicator) = catalog.get(ind) else {
                    diags.push(
                        catalog
                            .unknown(path, ind)
                            .at_offset(source, spec.indicator.span().start),
                    );
                    continue;
                };
                let n = per_indicator
                    .entry(((*plugin).clone(), ind.clone()))
                    .or_default();
                *n += 1;
                let id = reading_id(spec, plugin.as_deref(), *n);
                if let Some(first) = seen.get(&id) {
                    diags.push(
                        Diagnostic::error(
                            path,
                            format!(
                                "reading id `{id}` is used twice (first in {})",
                                first.display()
                            ),
                        )
                        .at_offset(source, spec.indicator.span().start)
                        .with_hint("give each [[reading]] its own id = \"…\""),
                    );
                    continue;
                }
                seen.insert(id.clone(), (*path).clone());
                let mut ok = true;
                let mut parse_groups = |list: &[Spanned<String>], b: &mut Builder| -> Vec<usize> {
                    let mut out = Vec::new();
                    for item in list {
                        match parse_group(item.get_ref(), &words) {
                            Ok((scope, phrases)) => {
                                out.push(b.group(scope, item.get_ref().clone(), &phrases))
                            }
                            Err((msg, hint)) => {
                                ok = false;
                                let mut d = Diagnostic::error(path, msg)
                                    .at_offset(source, item.span().start);
                                if let Some(h) = hint {
                                    d = d.with_hint(h);
                                }
                                diags.push(d);
                            }
                        }
                    }
                    out
                };
                let cues = parse_groups(&spec.cues, &mut b);
                let blockers = parse_groups(&spec.blockers, &mut b);
                if !ok {
                    continue;
                }
                let nouns = if spec.nouns.is_empty() {
                    None
                } else {
                    match parse_group(&spec.nouns.join(" | "), &words) {
                        Ok((_, list)) => {
                            let g = b.group(
                                Scope::Near,
                                format!("nouns: {}", spec.nouns.join(" | ")),
                                &list,
                            );
                            noun_groups.push(g);
                            Some(g)
                        }
                        Err((msg, hint)) => {
                            let mut d = Diagnostic::error(path, format!("nouns: {msg}"))
                                .at_offset(source, spec.indicator.span().start);
                            if let Some(h) = hint {
                                d = d.with_hint(h);
                            }
                            diags.push(d);
                            continue;
                        }
                    }
                };
                let subjects = match parse_group(&spec.subjects.join(" | "), &words) {
                    _ if spec.subjects.is_empty() => None,
                    Ok((_, list)) => Some(b.group(
                        Scope::Near,
                        format!("subjects: {}", spec.subjects.join(" | ")),
                        &list,
                    )),
                    Err((msg, hint)) => {
                        let mut d = Diagnostic::error(path, format!("subjects: {msg}"))
                            .at_offset(source, spec.indicator.span().start);
                        if let Some(h) = hint {
                            d = d.with_hint(h);
                        }
                        diags.push(d);
                        continue;
                    }
                };
                if nouns.is_none() && cues.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            path,
                            format!("reading of `{ind}` has neither nouns nor cues: it would read every number"),
                        )
                        .at_offset(source, spec.indicator.span().start)
                        .with_hint("add nouns = [\"…\"] or cues = [\"near: …\"]"),
                    );
                    continue;
                }
                readings.push(Reading {
                    id,
                    indicator: Arc::from(ind.as_str()),
                    kind: indicator.kind,
                    total: indicator.total,
                    description: spec.description.clone(),
                    nouns,
                    subjects,
                    cues,
                    blockers,
                    plugin: (*plugin).clone(),
                });
            }
        }
        let mut noun_group = vec![false; b.groups.len()];
        for g in noun_groups {
            noun_group[g] = true;
        }
        // Anchors wake a sentence up for reading. Every group a reading needs that is looked
        // for no wider than the sentence (its nouns, its local and sentence cues) must be in
        // any sentence holding one of its figures, so one such group per reading is enough:
        // the most selective, i.e. the one whose shortest word is longest ("kết nạp" rather
        // than "có | với | là").
        let common: std::collections::BTreeSet<String> = words
            .get("common")
            .into_iter()
            .flatten()
            .map(|w| crate::ruleset::lowercase_same_len(&crate::normalize::for_matching(w.trim())))
            .collect();
        let mut anchors = std::collections::BTreeSet::new();
        for r in &readings {
            let candidates = r.nouns.into_iter().chain(
                r.cues
                    .iter()
                    .copied()
                    .filter(|&g| b.groups[g].0 <= Scope::Sentence),
            );
            let selectivity = |g: &usize| {
                let shortest = b.members[*g]
                    .iter()
                    .map(|&p| b.phrases[p].chars().count())
                    .min()
                    .unwrap_or(0);
                let common = b.members[*g]
                    .iter()
                    .filter(|&&p| common.contains(&b.phrases[p]))
                    .count();
                (
                    std::cmp::Reverse(common),
                    shortest,
                    std::cmp::Reverse(b.members[*g].len()),
                )
            };
            if let Some(g) = candidates.max_by_key(selectivity) {
                for &p in &b.members[g] {
                    anchors.insert(b.phrases[p].clone());
                }
            }
        }
        b.finish(readings, sets, noun_group, anchors.into_iter().collect())
    }

    /// Every phrase occurrence in `text[range]` whose edges are word edges, leftmost first;
    /// a phrase inside a false friend ("xã" in "xã hội") is left out.
    pub fn hits(&self, text: &str, range: Range<usize>) -> Vec<Hit> {
        let original = &text[range.clone()];
        let lower = crate::ruleset::lowercase_same_len(original);
        // A phrase starting (ending) with a letter must start (end) on a word edge; a
        // punctuation phrase (":") needs no edge.
        let edge_ok = |at: usize, before: bool| -> bool {
            let (outside, inside) = if before {
                (lower[..at].chars().next_back(), lower[at..].chars().next())
            } else {
                (lower[at..].chars().next(), lower[..at].chars().next_back())
            };
            !inside.is_some_and(char::is_alphanumeric)
                || !outside.is_some_and(char::is_alphanumeric)
        };
        // A one-word phrase written with a capital inside a run of capitalised words is part
        // of a name ("Cần Thơ", "Giao Thủy", "Nga Sơn"), not the word.
        let in_name = |start: usize, end: usize| -> bool {
            let word = &original[start..end];
            if word.contains(' ') || !word.chars().next().is_some_and(char::is_uppercase) {
                return false;
            }
            let next = original[end..].trim_start_matches([' ', '-']);
            let prev = original[..start].trim_end_matches([' ', '-']);
            let cap = |w: Option<char>| w.is_some_and(char::is_uppercase);
            let prev_word_cap = prev
                .rsplit(' ')
                .next()
                .filter(|w| !w.is_empty() && !prev.ends_with(['.', ',', ':', ';']))
                .is_some_and(|w| cap(w.chars().next()));
            cap(next.chars().next()) || (prev_word_cap && prev.contains(' '))
        };
        let mut hits: Vec<Hit> = self
            .automaton
            .find_overlapping_iter(&lower)
            .filter(|m| edge_ok(m.start(), true) && edge_ok(m.end(), false))
            .filter(|m| !in_name(m.start(), m.end()))
            .map(|m| Hit {
                phrase: m.pattern().as_usize(),
                range: range.start + m.start()..range.start + m.end(),
            })
            .collect();
        let ff = self.sets.false_friends;
        let friends: Vec<Range<usize>> = hits
            .iter()
            .filter(|h| self.in_group(h.phrase, ff))
            .map(|h| h.range.clone())
            .collect();
        if !friends.is_empty() {
            hits.retain(|h| {
                self.in_group(h.phrase, ff)
                    || !friends
                        .iter()
                        .any(|f| f.start <= h.range.start && h.range.end <= f.end && *f != h.range)
            });
        }
        hits.sort_by_key(|h| (h.range.start, std::cmp::Reverse(h.range.end), h.phrase));
        hits
    }

    pub fn in_group(&self, phrase: usize, group: usize) -> bool {
        self.phrase_groups[phrase].binary_search(&group).is_ok()
    }

    /// Whether a phrase is the noun of some reading (not only one of `other_nouns`).
    pub fn is_reading_noun(&self, phrase: usize) -> bool {
        let other = self.sets.other_nouns;
        self.phrase_groups[phrase]
            .iter()
            .any(|&g| self.noun_group[g] && g != other)
    }

    /// Whether a phrase is some reading's noun (or one of `other_nouns`).
    pub fn is_noun(&self, phrase: usize) -> bool {
        self.phrase_groups[phrase]
            .iter()
            .any(|&g| self.noun_group[g])
    }
}

/// Parse `"scope: word | word | @set"` into its scope and phrases.
fn parse_group(
    text: &str,
    words: &BTreeMap<String, Vec<String>>,
) -> Result<(Scope, Vec<String>), (String, Option<String>)> {
    let (scope, list) = match text.split_once(':') {
        Some((s, rest)) if Scope::parse(s.trim()).is_some() => {
            (Scope::parse(s.trim()).expect("checked"), rest)
        }
        Some((s, _)) if !s.contains('|') && s.trim().chars().all(|c| c.is_ascii_lowercase()) => {
            return Err((
                format!("unknown scope `{}`", s.trim()),
                Some(
                    "scopes: prev, next, before, after, near, sentence, paragraph, document".into(),
                ),
            ))
        }
        _ => (Scope::Near, text),
    };
    let mut phrases = Vec::new();
    for item in list.split('|').map(str::trim) {
        if item.is_empty() {
            return Err((
                "an empty word in a group".into(),
                Some("remove the extra `|`".into()),
            ));
        }
        if let Some(name) = item.strip_prefix('@') {
            match words.get(name) {
                Some(list) => phrases.extend(list.iter().cloned()),
                None => {
                    let hint = did_you_mean(name, words.keys().map(String::as_str))
                        .map(|n| format!("did you mean `@{n}`?"))
                        .or_else(|| Some("define it under [words]".into()));
                    return Err((format!("unknown word list `@{name}`"), hint));
                }
            }
        } else if let Some((s, _)) = item
            .split_once(':')
            .filter(|(s, _)| Scope::parse(s.trim()).is_some())
        {
            return Err((
                format!("`{item}`: a group has one scope, given once at its start"),
                Some(format!(
                    "make `{}: …` a group of its own: cues = [\"…\", \"{}: …\"] (every group must hold), or a reading of its own",
                    s.trim(),
                    s.trim()
                )),
            ));
        } else {
            phrases.push(item.to_string());
        }
    }
    Ok((scope, phrases))
}

#[derive(Default)]
struct Builder {
    phrases: Vec<String>,
    index: BTreeMap<String, usize>,
    /// (scope, text) per group.
    groups: Vec<(Scope, String)>,
    members: Vec<Vec<usize>>,
}

impl Builder {
    fn group(&mut self, scope: Scope, text: String, words: &[String]) -> usize {
        let id = self.groups.len();
        let mut members = Vec::new();
        for w in words {
            let key = crate::ruleset::lowercase_same_len(&crate::normalize::for_matching(w.trim()))
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if key.is_empty() {
                continue;
            }
            let next = self.phrases.len();
            let p = *self.index.entry(key.clone()).or_insert(next);
            if p == next {
                self.phrases.push(key);
            }
            members.push(p);
        }
        members.sort_unstable();
        members.dedup();
        self.groups.push((scope, text));
        self.members.push(members);
        id
    }

    fn finish(
        self,
        readings: Vec<Reading>,
        sets: Sets,
        noun_group: Vec<bool>,
        anchors: Vec<String>,
    ) -> Vocabulary {
        let mut phrase_groups = vec![Vec::new(); self.phrases.len()];
        for (g, members) in self.members.iter().enumerate() {
            for &p in members {
                phrase_groups[p].push(g);
            }
        }
        for v in &mut phrase_groups {
            v.sort_unstable();
            v.dedup();
        }
        let automaton = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            // A full DFA: a few thousand short phrases fit, and it scans fastest.
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&self.phrases)
            .expect("vocabulary automaton builds");
        Vocabulary {
            phrases: self.phrases,
            phrase_groups,
            groups: self
                .groups
                .into_iter()
                .map(|(scope, text)| Group { scope, text })
                .collect(),
            readings,
            sets,
            noun_group,
            automaton,
            anchors,
        }
    }
}

/// The ids the readings of these files get (for `disable` lists and `chiso explain --rule`).
pub fn reading_ids(files: &[(PathBuf, String, Option<String>)]) -> Vec<String> {
    let mut out = Vec::new();
    let mut per_indicator: BTreeMap<(Option<String>, String), usize> = BTreeMap::new();
    for (_, source, plugin) in files {
        let Ok(f) = toml::from_str::<ReadingsFile>(source) else {
            continue;
        };
        for spec in &f.reading {
            let ind = spec.indicator.get_ref();
            let n = per_indicator
                .entry((plugin.clone(), ind.clone()))
                .or_default();
            *n += 1;
            out.push(reading_id(spec, plugin.as_deref(), *n));
        }
    }
    out
}

fn reading_id(spec: &ReadingSpec, plugin: Option<&str>, n: usize) -> String {
    spec.id.clone().unwrap_or_else(|| {
        let prefix = plugin.map_or(String::new(), |p| format!("{p}."));
        format!("{prefix}reading.{}.{n}", spec.indicator.get_ref())
    })
}

/// The readings files of a rules folder and of plugins: `rules/readings.toml`, then each
/// plugin's `readings.toml` if it has one.
pub fn files(
    rules_dir: &Path,
    plugins: &[(String, PathBuf)],
) -> Vec<(PathBuf, String, Option<String>)> {
    let mut out = Vec::new();
    let core = rules_dir.join("readings.toml");
    if let Ok(s) = std::fs::read_to_string(&core) {
        out.push((core, s, None));
    }
    for (name, dir) in plugins {
        let p = dir.join("readings.toml");
        if let Ok(s) = std::fs::read_to_string(&p) {
            out.push((p, s, Some(name.clone())));
        }
    }
    out
}
