//! Plugins: a folder that teaches chiso one report style or one province's format.
//!
//! ```text
//! plugins/<name>/plugin.toml   name, version, description, when it applies, priority,
//!                              locality, aliases, rules it switches off, scripts
//! plugins/<name>/rules/*.toml  its own [[rule]]s (same format as the core pack)
//! plugins/<name>/scripts/*.rhai
//! ```
//! A new folder changes what chiso extracts the next time it runs: nothing is compiled in.

pub mod discover;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::Document;

/// `plugin.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginSpec {
    pub name: Spanned<String>,
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// Higher-priority plugins win conflicts and give the document its default locality.
    #[serde(default)]
    pub priority: i32,
    #[serde(default)]
    pub applies: AppliesSpec,
    #[serde(default)]
    pub locality: LocalitySpec,
    /// Extra spellings for lexicon word entries, e.g. `PARTY_MEMBER = ["ĐV", "Đ.viên"]`.
    #[serde(default)]
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Ids of rules (core or other plugins') switched off for documents this plugin applies to.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
    /// Rules files, relative to the plugin folder (default: every `rules/*.toml`).
    #[serde(default)]
    pub rules: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub script: Vec<ScriptSpec>,
}

/// When a plugin applies to a document: any one condition is enough.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesSpec {
    /// Applies to every document.
    #[serde(default)]
    pub always: bool,
    /// Phrases anywhere in the text (case-insensitive), e.g. a dateline "BẮC GIANG –".
    #[serde(default)]
    pub text: Vec<String>,
    /// Regexes (with lexicon placeholders) anywhere in the text.
    #[serde(default)]
    pub patterns: Vec<String>,
    /// Phrases in the title (first line).
    #[serde(default)]
    pub title: Vec<String>,
    /// Substrings of the document's path or id (an outlet's folder, a file-name prefix).
    #[serde(default)]
    pub path: Vec<String>,
    /// Metadata values (from JSONL fields or the input), e.g. `source = ["baobacgiang.com.vn"]`.
    #[serde(default)]
    pub meta: BTreeMap<String, Vec<String>>,
    /// Applies when one of `[locality].districts` is named as a unit ("huyện Lạng Giang").
    #[serde(default)]
    pub districts: bool,
    /// How many text/pattern/district mentions are needed (default 1).
    #[serde(default)]
    pub min_mentions: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalitySpec {
    /// The province of documents this plugin applies to.
    pub province: Option<String>,
    /// District-level units of that province, as reports name them.
    #[serde(default)]
    pub districts: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptSpec {
    /// Path of the `.rhai` file, relative to the plugin folder.
    pub path: Spanned<String>,
    /// The script runs only on documents holding one of these words (always, when empty).
    #[serde(default)]
    pub triggers: Vec<String>,
    #[serde(default)]
    pub description: String,
}

/// A loaded plugin (its rules and scripts live in the [`crate::ruleset::Ruleset`]).
#[derive(Debug)]
pub struct Plugin {
    pub name: String,
    pub version: String,
    pub description: String,
    pub priority: i32,
    pub dir: PathBuf,
    pub province: Option<String>,
    pub districts: Vec<String>,
    pub disable: Vec<String>,
    pub aliases: BTreeMap<String, Vec<String>>,
    pub rule_files: Vec<PathBuf>,
    pub scripts: Vec<(PathBuf, Vec<String>)>,
    applies: Applies,
}

#[derive(Debug, Default)]
struct Applies {
    always: bool,
    mentions: Option<Regex>,
    /// What `mentions` looks for, as written (`text`, `patterns`, districts), for `explain`.
    mention_words: Vec<String>,
    /// `patterns` as written, and the district alternative: the regex is built again once
    /// every plugin's `[aliases]` is in the lexicon (they may extend an entry a pattern uses).
    text: Vec<String>,
    patterns: Vec<String>,
    districts_alt: Option<String>,
    title: Option<Regex>,
    title_words: Vec<String>,
    path: Vec<String>,
    meta: BTreeMap<String, Vec<String>>,
    min_mentions: usize,
}

/// The words that name a district-level unit before its name.
const UNIT_WORDS: &str = r"(?:huyện|quận|thị xã|thành phố|tp\.?)(?:\s+(?:ủy|uỷ))?";

impl Plugin {
    /// Read `dir/plugin.toml`. Rules and scripts are compiled later, by the ruleset.
    pub fn load(
        dir: &Path,
        lexicon: &crate::rule::lexicon::Lexicon,
        gazetteer: Option<&crate::gazetteer::Gazetteer>,
        diags: &mut Diagnostics,
    ) -> Option<Plugin> {
        let path = dir.join("plugin.toml");
        let source = match std::fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => {
                diags.push(Diagnostic::error(&path, format!("cannot read plugin: {e}")));
                return None;
            }
        };
        // A misspelt field is reported and left out; the rest of the plugin is still checked.
        let spec: PluginSpec = crate::diagnostic::from_str_reporting(&path, &source, diags)?;
        let name = spec.name.get_ref().clone();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            diags.push(
                Diagnostic::error(
                    &path,
                    format!("plugin name {name:?} must be lower-case letters, digits and '-'"),
                )
                .at_span(&source, Some(spec.name.span())),
            );
        }
        let a = &spec.applies;
        let mut districts_alt = None;
        let mut mention_alts: Vec<String> =
            a.text.iter().map(|t| regex::escape(t.trim())).collect();
        for p in &a.patterns {
            match lexicon.expand(p) {
                Ok(e) => mention_alts.push(format!("(?:{})", e.regex)),
                Err(e) => {
                    let at = source.find(p.as_str()).unwrap_or(0);
                    diags.push(
                        Diagnostic::error(&path, format!("applies.patterns: {}", e.message))
                            .at_offset(&source, at + e.offset),
                    );
                }
            }
        }
        // Districts named in [locality], or else the province's districts from the gazetteer.
        let mut districts = spec.locality.districts.clone();
        if districts.is_empty() {
            if let (Some(g), Some(province)) = (gazetteer, &spec.locality.province) {
                districts = g
                    .units()
                    .iter()
                    .filter(|u| {
                        u.level == crate::gazetteer::Level::District && &u.province == province
                    })
                    .map(|u| u.name.clone())
                    .collect();
            }
        }
        if a.districts {
            if districts.is_empty() {
                diags.push(
                    Diagnostic::error(&path, "applies.districts is true but no districts are known")
                        .with_hint("add districts = [\"…\"] under [locality], or a province the gazetteer knows"),
                );
            } else {
                let names: Vec<String> = districts.iter().map(|d| regex::escape(d)).collect();
                // No `\b`: a Unicode word boundary makes the regex crate fall back to a slow engine.
                districts_alt = Some(format!(r"{UNIT_WORDS}\s+(?:{})", names.join("|")));
                mention_alts.extend(districts_alt.clone());
            }
        }
        let compile = |alts: &[String], what: &str, diags: &mut Diagnostics| -> Option<Regex> {
            if alts.is_empty() {
                return None;
            }
            match Regex::new(&crate::normalize::for_matching(&format!(
                "(?i){}",
                alts.join("|")
            ))) {
                Ok(r) => Some(r),
                Err(e) => {
                    diags.push(Diagnostic::error(
                        &path,
                        format!("applies.{what} is not valid: {e}"),
                    ));
                    None
                }
            }
        };
        let mentions = compile(&mention_alts, "patterns", diags);
        let title_alts: Vec<String> = a.title.iter().map(|t| regex::escape(t.trim())).collect();
        let title = compile(&title_alts, "title", diags);
        if !a.always
            && mentions.is_none()
            && title.is_none()
            && a.path.is_empty()
            && a.meta.is_empty()
        {
            diags.push(
                Diagnostic::warning(
                    &path,
                    format!("plugin `{name}` has no [applies] condition, so it never applies"),
                )
                .with_hint("add `always = true` or `text = [\"…\"]` under [applies]"),
            );
        }

        let mut rule_files = Vec::new();
        match &spec.rules {
            Some(files) => {
                for f in files {
                    match inside(dir, f.get_ref()) {
                        Some(p) if p.is_file() => rule_files.push(p),
                        _ => diags.push(
                            Diagnostic::error(
                                &path,
                                format!(
                                    "rules file `{}` is missing or outside the plugin folder",
                                    f.get_ref()
                                ),
                            )
                            .at_span(&source, Some(f.span())),
                        ),
                    }
                }
            }
            None => {
                if let Ok(entries) = std::fs::read_dir(dir.join("rules")) {
                    let mut files: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                        .collect();
                    files.sort();
                    rule_files = files;
                }
            }
        }
        let mut scripts = Vec::new();
        for s in &spec.script {
            match inside(dir, s.path.get_ref()) {
                Some(p) if p.is_file() => scripts.push((p, s.triggers.clone())),
                Some(_) => diags.push(
                    Diagnostic::error(
                        &path,
                        format!("script `{}` does not exist", s.path.get_ref()),
                    )
                    .at_span(&source, Some(s.path.span())),
                ),
                None => diags.push(
                    Diagnostic::error(
                        &path,
                        format!("script `{}` is outside the plugin folder", s.path.get_ref()),
                    )
                    .at_span(&source, Some(s.path.span()))
                    .with_hint("scripts must live inside the plugin's own folder"),
                ),
            }
        }
        let mention_words = a
            .text
            .iter()
            .map(|t| format!("{:?}", t.trim()))
            .chain(a.patterns.iter().map(|p| format!("pattern `{p}`")))
            .chain((a.districts && !districts.is_empty()).then(|| {
                format!(
                    "a unit named after one of the {} districts of [locality]",
                    districts.len()
                )
            }))
            .collect();
        // Problems above are reported (and fail the load); the plugin is still returned, so
        // its rules, readings and scripts are checked in the same run.
        Some(Plugin {
            name,
            version: spec.version,
            description: spec.description,
            priority: spec.priority,
            dir: dir.to_path_buf(),
            province: spec.locality.province,
            districts,
            disable: spec.disable.into_iter().map(Spanned::into_inner).collect(),
            aliases: spec.aliases,
            rule_files,
            scripts,
            applies: Applies {
                always: a.always,
                mentions,
                mention_words,
                text: a.text.clone(),
                patterns: a.patterns.clone(),
                districts_alt,
                title,
                title_words: a.title.iter().map(|t| t.trim().to_string()).collect(),
                path: a.path.clone(),
                meta: a.meta.clone(),
                min_mentions: a.min_mentions.unwrap_or(1).max(1),
            },
        })
    }

    /// Whether the plugin applies to `doc`, and why (the condition that held).
    pub fn applies_to(&self, doc: &Document) -> Option<String> {
        let a = &self.applies;
        if a.always {
            return Some("applies to every document".into());
        }
        if let Some(p) = a.path.iter().find(|p| doc.id.contains(p.as_str())) {
            return Some(format!("path contains {p:?}"));
        }
        for (key, values) in &a.meta {
            if let Some(v) = doc.meta.get(key) {
                if values.iter().any(|x| v.contains(x.as_str())) {
                    return Some(format!("metadata {key} = {v:?}"));
                }
            }
        }
        if let Some(re) = &a.title {
            if let Some(m) = re.find(doc.title()) {
                return Some(format!("title mentions {:?}", m.as_str()));
            }
        }
        if let Some(re) = &a.mentions {
            let mut found = re.find_iter(&doc.text);
            if let Some(first) = found.next() {
                let count = 1 + found.take(a.min_mentions).count();
                if count >= a.min_mentions {
                    return Some(format!("text mentions {:?}", first.as_str()));
                }
            }
        }
        None
    }
}

impl Plugin {
    /// Build the text condition again with `lexicon` (which now holds every plugin's
    /// `[aliases]`), so an alias of an entry that `applies.patterns` uses counts as a mention.
    /// Patterns that did not expand were reported when the plugin loaded, and are left out.
    pub(crate) fn use_aliases(&mut self, lexicon: &crate::rule::lexicon::Lexicon) {
        let a = &mut self.applies;
        if a.patterns.iter().all(|p| lexicon.aliases_in(p).is_empty()) {
            return;
        }
        let alts: Vec<String> = a
            .text
            .iter()
            .map(|t| regex::escape(t.trim()))
            .chain(
                a.patterns
                    .iter()
                    .filter_map(|p| lexicon.expand(p).ok())
                    .map(|e| format!("(?:{})", e.regex)),
            )
            .chain(a.districts_alt.clone())
            .collect();
        if let Ok(re) = Regex::new(&crate::normalize::for_matching(&format!(
            "(?i){}",
            alts.join("|")
        ))) {
            a.mentions = Some(re);
        }
    }

    /// Why the plugin does not apply to `doc`: each of its `[applies]` conditions, and how it
    /// failed (for `chiso explain`). Empty when it applies.
    pub fn why_not(&self, doc: &Document) -> Vec<String> {
        let a = &self.applies;
        if a.always || self.applies_to(doc).is_some() {
            return Vec::new();
        }
        let mut why = Vec::new();
        if !a.path.is_empty() {
            why.push(format!(
                "path: the document's path {:?} contains none of {:?}",
                doc.id, a.path
            ));
        }
        for (key, values) in &a.meta {
            why.push(match doc.meta.get(key) {
                Some(v) => format!("meta: {key} = {v:?} contains none of {values:?}"),
                None => format!("meta: the document has no `{key}` (wanted one of {values:?})"),
            });
        }
        if a.title.is_some() {
            let title: String = doc.title().chars().take(80).collect();
            why.push(format!(
                "title: the title «{title}» mentions none of {:?}",
                a.title_words
            ));
        }
        if let Some(re) = &a.mentions {
            let found = re.find_iter(&doc.text).count();
            let words = a.mention_words.join(", ");
            why.push(if found == 0 {
                format!("text: the text mentions none of {words}")
            } else {
                format!(
                    "text: the text mentions {words} {found} time(s), fewer than min_mentions = {}",
                    a.min_mentions
                )
            });
        }
        if why.is_empty() {
            why.push("it has no [applies] condition, so it never applies".into());
        }
        why
    }
}

/// `rel` resolved inside `dir`, or `None` when it would escape the folder.
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return None;
    }
    Some(dir.join(rel))
}
