//! Everything a run needs, loaded and validated once: the catalogue, the lexicon, the core
//! rule pack, the plugins with their rules and scripts, and the trigger prefilter.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aho_corasick::AhoCorasick;

use crate::catalog::Catalog;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics};
use crate::plugin::{discover, Plugin};
use crate::rule::lexicon::Lexicon;
use crate::rule::{self, Rule};
use crate::script::{Script, ScriptHost};

/// Where to look for rules and plugins.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// The rules folder; found automatically when `None`.
    pub rules_dir: Option<PathBuf>,
    /// Extra plugin folders (each a plugin, or a folder of plugins), before the defaults.
    pub plugin_dirs: Vec<PathBuf>,
    /// Skip `CHISO_PLUGIN_PATH` and the default `plugins/` folder.
    pub no_default_plugins: bool,
}

/// A trigger hit: which rules or scripts a trigger word wakes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Rule(usize),
    Script(usize),
    /// A sentence with a reading's cue word: its numbers are judged.
    Reading,
}

pub struct Ruleset {
    pub rules_dir: PathBuf,
    pub catalog: Arc<Catalog>,
    pub lexicon: Arc<Lexicon>,
    /// Core rules first, then each plugin's, in plugin order.
    pub rules: Vec<Rule>,
    /// Plugins by priority (highest first), then name.
    pub plugins: Vec<Plugin>,
    pub scripts: Vec<Script>,
    pub host: ScriptHost,
    /// The readings' vocabulary: nouns, cues and blockers of every indicator.
    pub vocabulary: Arc<crate::reading::Vocabulary>,
    /// Vietnam's administrative units (`rules/gazetteer/units.tsv`), when present.
    pub gazetteer: Option<Arc<crate::gazetteer::Gazetteer>>,
    /// Warnings found while loading (errors stop the load).
    pub warnings: Diagnostics,
    /// For each plugin: the rule ids it switches off or overrides where it applies.
    pub(crate) suppressed: Vec<BTreeSet<String>>,
    /// For each rule: the plugin index owning it (`None`: core).
    pub(crate) rule_plugin: Vec<Option<usize>>,
    pub(crate) script_plugin: Vec<usize>,
    pub(crate) triggers: AhoCorasick,
    pub(crate) trigger_targets: Vec<Vec<Target>>,
    /// Rules and scripts without triggers: they run on every sentence / document.
    pub(crate) untriggered: Vec<Target>,
    /// Folded trigger words of accent-insensitive rules, looked for in a folded copy.
    pub(crate) folded_triggers: Option<(AhoCorasick, Vec<Vec<Target>>)>,
}

impl Ruleset {
    /// Find and load everything; any error fails the load (all of them are reported).
    pub fn load(opts: &LoadOptions) -> Result<Ruleset, Diagnostics> {
        match Ruleset::load_all(opts) {
            (Some(mut rs), diags) if !diags.has_errors() => {
                rs.warnings = diags;
                Ok(rs)
            }
            (_, diags) => Err(diags),
        }
    }

    /// Load as much as loads, and every problem found on the way. The ruleset holds the rules,
    /// plugins and scripts that compiled; it is `None` only when the catalogue or the lexicon
    /// (which everything else needs) did not load. `chiso check` uses this to report all
    /// problems of all files in one run.
    pub fn load_all(opts: &LoadOptions) -> (Option<Ruleset>, Diagnostics) {
        match Ruleset::load_inner(opts) {
            Ok((rs, diags)) => (Some(rs), diags),
            Err(diags) => (None, diags),
        }
    }

    fn load_inner(opts: &LoadOptions) -> Result<(Ruleset, Diagnostics), Diagnostics> {
        let mut diags = Diagnostics::default();
        let rules_dir = discover::rules_dir(opts.rules_dir.as_deref()).map_err(|e| {
            let mut d = Diagnostics::default();
            d.push(Diagnostic::error(Path::new("rules"), e));
            d
        })?;
        let catalog = Catalog::load(&rules_dir.join("indicators.toml"));
        let lexicon = Lexicon::load(&rules_dir.join("lexicon.toml"));
        let (catalog, mut lexicon) = match (catalog, lexicon) {
            (Ok(c), Ok(l)) => (c, l),
            (c, l) => {
                if let Err(e) = c {
                    diags.extend(e);
                }
                if let Err(e) = l {
                    diags.extend(e);
                }
                return Err(diags);
            }
        };

        // The gazetteer is optional data: without it, localities come from plugins alone.
        let gazetteer_path = rules_dir.join("gazetteer").join("units.tsv");
        let gazetteer = if gazetteer_path.is_file() {
            let historical = rules_dir.join("gazetteer").join("historical.tsv");
            let mut files = vec![gazetteer_path.as_path()];
            if historical.is_file() {
                files.push(historical.as_path());
            }
            let reform = rules_dir.join("gazetteer").join("units-2025.tsv");
            match crate::gazetteer::Gazetteer::load_all(&files).and_then(|mut g| {
                if reform.is_file() {
                    g.load_reform(&reform)?;
                }
                Ok(g)
            }) {
                Ok(g) => Some(Arc::new(g)),
                Err(e) => {
                    diags.push(Diagnostic::error(&gazetteer_path, e));
                    None
                }
            }
        } else {
            diags.push(Diagnostic::warning(
                &gazetteer_path,
                "no gazetteer: districts and provinces are resolved from plugins only",
            ));
            None
        };

        // Plugins: the first of a name wins; later ones are shadowed (explicit folders first).
        let (dirs, problems) = discover::plugin_dirs(&opts.plugin_dirs, !opts.no_default_plugins);
        for p in problems {
            diags.push(Diagnostic::warning(Path::new("plugins"), p));
        }
        let mut plugins: Vec<Plugin> = Vec::new();
        for dir in dirs {
            if let Some(p) = Plugin::load(&dir, &lexicon, gazetteer.as_deref(), &mut diags) {
                if let Some(first) = plugins.iter().find(|q| q.name == p.name) {
                    diags.push(Diagnostic::warning(
                        &dir.join("plugin.toml"),
                        format!("plugin `{}` is shadowed by {}", p.name, first.dir.display()),
                    ));
                    continue;
                }
                plugins.push(p);
            }
        }
        plugins.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then_with(|| a.name.cmp(&b.name))
        });
        for p in &plugins {
            for (entry, words) in &p.aliases {
                if let Err(e) = lexicon.add_aliases(entry, &p.name, words) {
                    diags.push(Diagnostic::error(
                        &p.dir.join("plugin.toml"),
                        format!("[aliases] {e}"),
                    ));
                }
            }
        }
        for p in &mut plugins {
            p.use_aliases(&lexicon);
        }

        // Rules: the core pack, then each plugin's.
        // Files compile in parallel (regex compilation is most of the load time); rules and
        // problems are gathered in file order, so the result does not depend on the threads.
        let mut files: Vec<(PathBuf, Option<usize>)> = toml_files(&rules_dir.join("core"))
            .into_iter()
            .map(|f| (f, None))
            .collect();
        for (pi, p) in plugins.iter().enumerate() {
            files.extend(p.rule_files.iter().map(|f| (f.clone(), Some(pi))));
        }
        let loaded: Vec<(rule::LoadedFile, Diagnostics)> = {
            use rayon::prelude::*;
            let (lexicon, catalog, plugins) = (&lexicon, &catalog, &plugins);
            files
                .par_iter()
                .map(|(file, owner)| {
                    let mut d = Diagnostics::default();
                    let name = owner.map(|pi| plugins[pi].name.as_str());
                    (rule::load_file(file, name, lexicon, catalog, &mut d), d)
                })
                .collect()
        };
        let mut rules = Vec::new();
        let mut rule_plugin = Vec::new();
        // Every id written, compiled or not, by owner: a rule with an error still has its id.
        let mut declared: Vec<(String, Option<usize>, PathBuf, rule::Place)> = Vec::new();
        for ((file, d), (path, owner)) in loaded.into_iter().zip(&files) {
            diags.extend(d);
            rule_plugin.extend(std::iter::repeat_n(*owner, file.rules.len()));
            rules.extend(file.rules);
            declared.extend(
                file.ids
                    .into_iter()
                    .map(|(id, place)| (id, *owner, path.clone(), place)),
            );
        }
        let core_ids: BTreeSet<String> = rules
            .iter()
            .zip(&rule_plugin)
            .filter(|(_, owner)| owner.is_none())
            .map(|(r, _)| r.id.clone())
            .collect();
        // Ids are unique, except that a plugin may override a core rule by reusing its id.
        // Within one owner a duplicate is an error (also when one of the two rules has another
        // error, so it did not compile), and the later rule is dropped.
        let mut seen: BTreeMap<(String, Option<usize>), (PathBuf, usize)> = BTreeMap::new();
        let mut later: BTreeSet<(PathBuf, usize, usize)> = BTreeSet::new();
        for (id, owner, file, place) in &declared {
            let key = (id.clone(), *owner);
            if let Some((first, line)) = seen.get(&key) {
                diags.push(
                    place
                        .diagnostic(file, format!("duplicate rule id `{id}`"))
                        .with_hint(format!("first defined at {}:{line}", first.display())),
                );
                later.insert((file.clone(), place.line, place.column));
            } else {
                seen.insert(key, (file.clone(), place.line));
            }
        }
        let keep: Vec<bool> = rules
            .iter()
            .map(|r| !later.contains(&(r.origin.file.clone(), r.origin.line, r.origin.column)))
            .collect();
        let mut flags = keep.iter();
        rules.retain(|_| *flags.next().expect("one flag per rule"));
        let mut flags = keep.iter();
        rule_plugin.retain(|_| *flags.next().expect("one flag per rule"));
        // `disable` may name rules and the catalogue's readings (compiled below, after the
        // plugins are known); their ids are known now.
        let reading_ids: Vec<String> =
            crate::reading::vocab::reading_ids(&crate::reading::vocab::files(
                &rules_dir,
                &plugins
                    .iter()
                    .map(|p| (p.name.clone(), p.dir.clone()))
                    .collect::<Vec<_>>(),
            ));
        let all_ids: BTreeSet<&str> = rules
            .iter()
            .map(|r| r.id.as_str())
            .chain(reading_ids.iter().map(String::as_str))
            .collect();
        let mut suppressed = Vec::new();
        for (pi, p) in plugins.iter().enumerate() {
            let mut set: BTreeSet<String> = BTreeSet::new();
            for id in &p.disable {
                if !all_ids.contains(id.as_str()) {
                    let file = p.dir.join("plugin.toml");
                    let source = std::fs::read_to_string(&file).unwrap_or_default();
                    let at = source.find(&format!("\"{id}\"")).unwrap_or(0);
                    let mut d = Diagnostic::error(
                        &file,
                        format!("`disable` names unknown rule or reading `{id}`"),
                    )
                    .at_offset(&source, at);
                    if let Some(near) = did_you_mean(id, all_ids.iter().copied()) {
                        d = d.with_hint(format!("did you mean `{near}`?"));
                    }
                    diags.push(d);
                }
                set.insert(id.clone());
            }
            for (r, owner) in rules.iter().zip(&rule_plugin) {
                if *owner == Some(pi) && core_ids.contains(&r.id) {
                    set.insert(r.id.clone());
                }
            }
            suppressed.push(set);
        }

        let plugin_dirs: Vec<(String, PathBuf)> = plugins
            .iter()
            .map(|p| (p.name.clone(), p.dir.clone()))
            .collect();
        let vocabulary = Arc::new(crate::reading::Vocabulary::compile(
            &crate::reading::vocab::files(&rules_dir, &plugin_dirs),
            &catalog,
            &lexicon,
            &mut diags,
        ));
        let catalog = Arc::new(catalog);
        let lexicon = Arc::new(lexicon);
        let host = ScriptHost::new(lexicon.clone(), catalog.clone());
        let mut scripts = Vec::new();
        let mut script_plugin = Vec::new();
        for (pi, p) in plugins.iter().enumerate() {
            for (path, triggers) in &p.scripts {
                if let Some(s) = host.compile(&p.name, path, triggers.clone(), &mut diags) {
                    scripts.push(s);
                    script_plugin.push(pi);
                }
            }
        }
        for r in rules.iter().filter(|r| r.triggers.is_empty()) {
            let mut d = r.origin.diagnostic(format!(
                "rule `{}` has no triggers, so it is tried on every sentence (slow)",
                r.id
            ));
            d.severity = crate::diagnostic::Severity::Warning;
            diags.push(
                d.with_hint("add triggers = [\"…\"]: words one of which every match contains"),
            );
        }

        // The prefilter: one automaton over every trigger word, lower-cased.
        let mut words: BTreeMap<String, Vec<Target>> = BTreeMap::new();
        let mut untriggered = Vec::new();
        let targets = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (Target::Rule(i), &r.triggers))
            .chain(
                scripts
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (Target::Script(i), &s.triggers)),
            );
        for (target, trig) in targets {
            if trig.is_empty() {
                untriggered.push(target);
            }
            for t in trig {
                words
                    .entry(lowercase_same_len(&crate::normalize::for_matching(t)))
                    .or_default()
                    .push(target);
            }
        }
        // The readings' anchors are already lower-case and normalised.
        for a in &vocabulary.anchors {
            words.entry(a.clone()).or_default().push(Target::Reading);
        }
        // The search is leftmost-longest, not overlapping (much faster): so a word also wakes
        // what every trigger inside it wakes ("tỷ lệ đảng viên" wakes "đảng viên"'s rules).
        let all: Vec<(String, Vec<Target>)> = words.into_iter().collect();
        let mut expanded = Vec::with_capacity(all.len());
        for (word, targets) in &all {
            let mut t = targets.clone();
            for (other, more) in &all {
                if other.len() < word.len() && word.contains(other.as_str()) {
                    t.extend(more.iter().copied());
                }
            }
            t.sort();
            t.dedup();
            expanded.push((word.clone(), t));
        }
        // The automaton runs on the text itself, not on a lower-cased copy: each trigger is
        // looked for in the ways text writes it (lower case, Capitalised, Title Case, UPPER
        // CASE, a capital mid-phrase: "hàng ngũ của Đảng"); ASCII letters match in any case.
        let mut variants: BTreeMap<String, Vec<Target>> = BTreeMap::new();
        for (word, targets) in expanded {
            for v in case_variants(&word) {
                variants
                    .entry(v)
                    .or_default()
                    .extend(targets.iter().copied());
            }
        }
        let expanded: Vec<(String, Vec<Target>)> = variants
            .into_iter()
            .map(|(w, mut t)| {
                t.sort();
                t.dedup();
                (w, t)
            })
            .collect();
        let (patterns, trigger_targets): (Vec<String>, Vec<Vec<Target>>) =
            expanded.into_iter().unzip();
        let triggers = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            // A full DFA: a few hundred patterns fit in little memory, and it scans fastest.
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("trigger automaton builds");
        let mut folded: BTreeMap<String, Vec<Target>> = BTreeMap::new();
        for (i, r) in rules
            .iter()
            .enumerate()
            .filter(|(_, r)| r.accent_insensitive)
        {
            for t in &r.triggers {
                let key: String = lowercase_same_len(&crate::normalize::for_matching(t))
                    .chars()
                    .map(crate::normalize::fold_char)
                    .collect();
                folded.entry(key).or_default().push(Target::Rule(i));
            }
        }
        let folded_triggers = (!folded.is_empty()).then(|| {
            let (words, targets): (Vec<String>, Vec<Vec<Target>>) = folded.into_iter().unzip();
            let automaton = AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(&words);
            (automaton.expect("folded trigger automaton builds"), targets)
        });
        let rs = Ruleset {
            rules_dir,
            catalog,
            lexicon,
            rules,
            plugins,
            scripts,
            host,
            vocabulary,
            gazetteer,
            warnings: Diagnostics::default(),
            suppressed,
            rule_plugin,
            script_plugin,
            triggers,
            trigger_targets,
            untriggered,
            folded_triggers,
        };
        Ok((rs, diags))
    }

    /// A short fingerprint of everything loaded (for run metadata and re-runs).
    pub fn describe(&self) -> String {
        format!(
            "{} indicators, {} readings, {} rules, {} plugins ({}), {} scripts",
            self.catalog.iter().count(),
            self.vocabulary.readings.len(),
            self.rules.len(),
            self.plugins.len(),
            self.plugins
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            self.scripts.len()
        )
    }
}

impl Ruleset {
    /// Where the rules and each plugin were loaded from, for the run summary: the set in use
    /// must never change silently. Plugins are grouped by the folder holding them.
    pub fn sources(&self) -> String {
        let show = |p: &Path| {
            let abs = p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
            abs.display().to_string()
        };
        let mut groups: Vec<(String, Vec<&str>)> = Vec::new();
        let mut plugins: Vec<&crate::plugin::Plugin> = self.plugins.iter().collect();
        plugins.sort_by(|a, b| a.dir.cmp(&b.dir));
        for p in plugins {
            let parent = show(p.dir.parent().unwrap_or(&p.dir));
            match groups.iter_mut().find(|(d, _)| *d == parent) {
                Some((_, names)) => names.push(&p.name),
                None => groups.push((parent, vec![&p.name])),
            }
        }
        let plugins = if groups.is_empty() {
            "no plugins".to_string()
        } else {
            groups
                .iter()
                .map(|(dir, names)| format!("{} ({dir})", names.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        };
        format!(
            "rules: {}; {} plugins: {plugins}",
            show(&self.rules_dir),
            self.plugins.len()
        )
    }
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// A lower-case trigger as text writes it: lower case, Capitalised, Title Case, UPPER CASE.
fn case_variants(word: &str) -> Vec<String> {
    let capitalise = |w: &str| -> String {
        let mut c = w.chars();
        c.next()
            .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
    };
    let words: Vec<&str> = word.split(' ').collect();
    // Which words to capitalise: every combination for short phrases; for longer ones, the
    // first word, any one word (mid-phrase capitals: "hàng ngũ của Đảng", "Nhân dân"), both,
    // and all.
    let n = words.len();
    let masks: Vec<u64> = if n <= 4 {
        (0..1u64 << n).collect()
    } else {
        let mut m = vec![0, u64::MAX];
        for i in 0..n.min(63) {
            m.push(1 << i);
            m.push(1 | (1 << i));
        }
        m
    };
    let mut v: Vec<String> = masks
        .into_iter()
        .map(|mask| {
            words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if i < 64 && mask & (1 << i) != 0 {
                        capitalise(w)
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    v.push(word.to_uppercase());
    v.sort();
    v.dedup();
    v
}

/// Lower-case each character whose lower case has the same UTF-8 length, so byte offsets in
/// the result are offsets in the original (Vietnamese letters all qualify).
pub fn lowercase_same_len(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) if l.len_utf8() == c.len_utf8() => out.push(l),
            _ => out.push(c),
        }
    }
    out
}

impl Ruleset {
    /// How many rules plugin `index` ships.
    pub fn rule_count_of(&self, index: usize) -> usize {
        self.rule_plugin
            .iter()
            .filter(|p| **p == Some(index))
            .count()
    }
}
