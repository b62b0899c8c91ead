//! Rhai scripts: for what a flat pattern cannot say (a list of communes with one figure
//! each, a figure whose meaning depends on a heading…).
//!
//! A script may define two functions; both are optional:
//! - `fn extract(doc)` returns an array of new figures (maps, see below);
//! - `fn review(doc, candidates)` returns the candidates to keep, possibly adjusted.
//!
//! `doc` is a map: `id`, `text`, `title`, `meta`, `paragraphs` and `sentences` (arrays of
//! `#{text, start, end}`), `matches` (the candidates of the rules so far). Offsets are
//! characters, like record spans. A figure is `#{indicator, value, start, end}` plus optional
//! `total`, `qualifier`, `rule`, `locality: #{province, district, commune}`, `period: #{from, to}`.
//!
//! Helpers: `parse_number(text)`, `parse_quantity(text)` → `#{value, qualifier}`,
//! `find_all(text, pattern)` → `[#{start, end, text, groups}]` (pattern with lexicon
//! placeholders), `indicator(id)` → the catalogue entry or `()`, `lexicon(name)`.
//!
//! Sandbox: one engine built once, with an operation limit, size limits, call depth, strict
//! variables and no module loading; each script compiled once and shared across threads;
//! `print`/`debug` go to stderr.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use regex::Regex;
use rhai::{Array, CallFnOptions, Dynamic, Engine, ImmutableString, Map, Scope, AST};

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::document::{CharIndex, Document};
use crate::number::Qualifier;
use crate::record::{Locality, Period};
use crate::rule::lexicon::Lexicon;
use crate::rule::Candidate;

/// Operations one script call may run on a short document before it is stopped (a runaway
/// loop). Long documents get [`OPERATIONS_PER_CHAR`] more per character: a script that walks
/// the sentences is linear in the text, a runaway one is unbounded.
pub const MAX_OPERATIONS: u64 = 2_000_000;
pub const OPERATIONS_PER_CHAR: u64 = 20;

/// The confidence of a figure a script emits without saying its own (`confidence: 0.7`).
pub const SCRIPT_CONFIDENCE: f64 = 0.8;

/// The shared, sandboxed engine.
pub struct ScriptHost {
    engine: Engine,
    catalog: Arc<Catalog>,
}

/// A compiled script of a plugin.
pub struct Script {
    pub plugin: String,
    pub path: PathBuf,
    /// `<plugin>.<file stem>`: the rule id of what it emits.
    pub id: String,
    pub triggers: Vec<String>,
    pub has_extract: bool,
    pub has_review: bool,
    ast: AST,
}

impl std::fmt::Debug for Script {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Script")
            .field("id", &self.id)
            .field("path", &self.path)
            .finish()
    }
}

/// Lines of script `print`/`debug` shown per document; the rest are counted, not shown, so
/// that one chatty script cannot bury a batch's summary or fill a disk.
pub const OUTPUT_LINES: usize = 20;

/// Script output of the document being extracted on this thread.
#[derive(Default)]
struct Output {
    doc: String,
    shown: usize,
    dropped: usize,
}

/// The document whose scripts run next on this thread: its output starts from nothing.
pub fn begin_document(id: &str) {
    OUTPUT.with(|o| {
        let mut o = o.borrow_mut();
        o.doc.clear();
        o.doc.push_str(id);
        o.shown = 0;
        o.dropped = 0;
    });
}

/// The document's scripts are done: says how many lines of their output were dropped (on
/// stderr, once) and returns that number.
pub fn end_document() -> usize {
    OUTPUT.with(|o| {
        let o = o.borrow();
        if o.dropped > 0 {
            eprintln!(
                "script ({}): {} more lines of print/debug output not shown (the first {OUTPUT_LINES} of each document are)",
                o.doc, o.dropped
            );
        }
        o.dropped
    })
}

fn emit(line: std::fmt::Arguments) {
    OUTPUT.with(|o| {
        let mut o = o.borrow_mut();
        if o.shown < OUTPUT_LINES {
            o.shown += 1;
            if o.doc.is_empty() {
                eprintln!("script: {line}");
            } else {
                eprintln!("script ({}): {line}", o.doc);
            }
        } else {
            o.dropped += 1;
        }
    });
}

thread_local! {
    /// The operation budget of the script call running on this thread.
    static BUDGET: std::cell::Cell<u64> = const { std::cell::Cell::new(MAX_OPERATIONS) };
    static OUTPUT: RefCell<Output> = RefCell::new(Output::default());
    static REGEX_CACHE: RefCell<HashMap<String, Result<Regex, String>>> = RefCell::new(HashMap::new());
}

impl ScriptHost {
    pub fn new(lexicon: Arc<Lexicon>, catalog: Arc<Catalog>) -> ScriptHost {
        let mut engine = Engine::new();
        engine
            .set_max_call_levels(32)
            .set_max_expr_depths(64, 64)
            .set_max_string_size(64 * 1024 * 1024)
            .set_max_array_size(100_000)
            .set_max_map_size(10_000)
            .set_strict_variables(true)
            .set_max_strings_interned(0)
            .set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
        engine.disable_symbol("eval");
        // A script stops at its operation budget, or when its document's time is up.
        engine.on_progress(|ops| {
            (ops > BUDGET.with(|b| b.get()) || ops % 256 == 0 && crate::budget::expired())
                .then(|| Dynamic::from(ops))
        });
        engine.on_print(|s| emit(format_args!("{s}")));
        engine.on_debug(|s, src, pos| emit(format_args!("{}:{pos}: {s}", src.unwrap_or("?"))));

        engine.register_fn("parse_number", |s: &str| -> Dynamic {
            crate::number::parse_number(s).map_or(Dynamic::UNIT, Dynamic::from_float)
        });
        engine.register_fn("parse_quantity", |s: &str| -> Dynamic {
            match crate::number::parse_quantity(s) {
                Some(q) => {
                    let mut m = Map::new();
                    m.insert("value".into(), Dynamic::from_float(q.value));
                    m.insert("qualifier".into(), q.qualifier.as_str().into());
                    m.into()
                }
                None => Dynamic::UNIT,
            }
        });
        let lex = lexicon.clone();
        engine.register_fn(
            "find_all",
            move |text: &str, pattern: &str| -> Result<Array, Box<rhai::EvalAltResult>> {
                let re = cached_regex(&lex, pattern)
                    .map_err(|e| -> Box<rhai::EvalAltResult> { e.into() })?;
                let mut ix = CharIndex::new(text);
                let names: Vec<Option<&str>> = re.capture_names().collect();
                let mut out = Array::new();
                for caps in re.captures_iter(text) {
                    let m = caps.get(0).expect("group 0");
                    let mut item = Map::new();
                    item.insert("start".into(), (ix.char_offset(m.start()) as i64).into());
                    item.insert("end".into(), (ix.char_offset(m.end()) as i64).into());
                    item.insert("text".into(), m.as_str().into());
                    let mut groups = Map::new();
                    for (i, name) in names.iter().enumerate().skip(1) {
                        let key = name.map_or_else(|| i.to_string(), str::to_string);
                        let v = caps.get(i).map_or(Dynamic::UNIT, |g| g.as_str().into());
                        groups.insert(key.into(), v);
                    }
                    item.insert("groups".into(), groups.into());
                    out.push(item.into());
                }
                Ok(out)
            },
        );
        let lex = lexicon.clone();
        engine.register_fn("lexicon", move |name: &str| -> Dynamic {
            lex.expand(&format!("%{{{name}}}"))
                .map_or(Dynamic::UNIT, |e| e.regex.into())
        });
        let cat = catalog.clone();
        engine.register_fn("indicator", move |id: &str| -> Dynamic {
            match cat.get(id) {
                Some(ind) => {
                    let mut m = Map::new();
                    m.insert("id".into(), ind.id.clone().into());
                    m.insert("label".into(), ind.label.clone().into());
                    m.insert("kind".into(), ind.kind.as_str().into());
                    m.insert("unit".into(), ind.unit.clone().into());
                    m.into()
                }
                None => Dynamic::UNIT,
            }
        });
        ScriptHost { engine, catalog }
    }

    /// Compile a plugin's script; syntax errors become diagnostics at the script's line.
    pub fn compile(
        &self,
        plugin: &str,
        path: &Path,
        triggers: Vec<String>,
        diags: &mut Diagnostics,
    ) -> Option<Script> {
        let source = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) => {
                diags.push(Diagnostic::error(path, format!("cannot read script: {e}")));
                return None;
            }
        };
        let mut ast = match self.engine.compile(&source) {
            Ok(ast) => ast,
            Err(e) => {
                let pos = e.position();
                let d = Diagnostic::error(path, format!("script syntax error: {}", e.err_type()));
                let d = match (pos.line(), pos.position()) {
                    (Some(l), Some(c)) => d.at_line_col(&source, l, c),
                    (Some(l), None) => d.at_line_col(&source, l, 1),
                    _ => d,
                };
                diags.push(d);
                return None;
            }
        };
        ast.set_source(path.display().to_string());
        // Indicator ids a script names literally are checked now, not when a document runs:
        // an unknown id is a load error, never a silent drop.
        let mut unknown = false;
        for (offset, id) in indicator_literals(&source) {
            if self.catalog.get(id).is_none() {
                diags.push(self.catalog.unknown(path, id).at_offset(&source, offset));
                unknown = true;
            }
        }
        if unknown {
            return None;
        }
        let has = |name: &str, arity: usize| {
            ast.iter_functions()
                .any(|f| f.name == name && f.params.len() == arity)
        };
        let (has_extract, has_review) = (has("extract", 1), has("review", 2));
        if !has_extract && !has_review {
            diags.push(
                Diagnostic::error(
                    path,
                    "script defines neither `fn extract(doc)` nor `fn review(doc, candidates)`",
                )
                .with_hint("a script is called through one of these two functions"),
            );
            return None;
        }
        let stem = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        Some(Script {
            plugin: plugin.to_string(),
            path: path.to_path_buf(),
            id: format!("{plugin}.{stem}"),
            triggers,
            has_extract,
            has_review,
            ast,
        })
    }

    /// Call `extract(doc)`: the figures the script finds.
    pub fn extract(
        &self,
        script: &Script,
        doc: &Document,
        doc_map: &Dynamic,
    ) -> Result<Vec<Candidate>, String> {
        let out = self.call(script, doc, "extract", vec![doc_map.clone()])?;
        self.candidates_from(script, doc, out)
    }

    /// Call `review(doc, candidates)`: the candidates to keep.
    pub fn review(
        &self,
        script: &Script,
        doc: &Document,
        doc_map: &Dynamic,
        candidates: Vec<Candidate>,
    ) -> Result<Vec<Candidate>, String> {
        let mut ix = CharIndex::new(&doc.text);
        let arr: Array = candidates
            .iter()
            .map(|c| candidate_to_map(c, doc, &mut ix))
            .collect();
        let out = self.call(script, doc, "review", vec![doc_map.clone(), arr.into()])?;
        self.candidates_from(script, doc, out)
    }

    fn call(
        &self,
        script: &Script,
        doc: &Document,
        name: &str,
        args: Vec<Dynamic>,
    ) -> Result<Dynamic, String> {
        let budget = MAX_OPERATIONS + OPERATIONS_PER_CHAR * doc.text.len() as u64;
        BUDGET.with(|b| b.set(budget));
        let mut scope = Scope::new();
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        self.engine
            .call_fn_with_options::<Dynamic>(options, &mut scope, &script.ast, name, args)
            .map_err(|e| match *e {
                rhai::EvalAltResult::ErrorTerminated(..) => format!(
                    "script {} `{name}`: too many operations (more than {budget} for a document of {} bytes): a runaway loop?",
                    script.path.display(),
                    doc.text.len()
                ),
                e => format!("script {} `{name}`: {e}", script.path.display()),
            })
    }

    fn candidates_from(
        &self,
        script: &Script,
        doc: &Document,
        out: Dynamic,
    ) -> Result<Vec<Candidate>, String> {
        let where_ = || format!("script {}", script.path.display());
        let arr = out
            .try_cast::<Array>()
            .ok_or_else(|| format!("{}: must return an array of figures", where_()))?;
        let char_to_byte = char_to_byte_table(&doc.text);
        let mut result = Vec::with_capacity(arr.len());
        for (i, item) in arr.into_iter().enumerate() {
            let map = item
                .try_cast::<Map>()
                .ok_or_else(|| format!("{}: item {i} is not a map", where_()))?;
            result.push(
                self.candidate_from_map(script, &map, &char_to_byte)
                    .map_err(|e| format!("{}: item {i}: {e}", where_()))?,
            );
        }
        Ok(result)
    }

    fn candidate_from_map(
        &self,
        script: &Script,
        map: &Map,
        char_to_byte: &[usize],
    ) -> Result<Candidate, String> {
        let indicator = get_str(map, "indicator")?.ok_or("missing `indicator`")?;
        if self.catalog.get(&indicator).is_none() {
            let near = crate::diagnostic::did_you_mean(&indicator, self.catalog.ids())
                .map(|n| format!(" (did you mean `{n}`?)"))
                .unwrap_or_default();
            return Err(format!("unknown indicator `{indicator}`{near}"));
        }
        let value = get_num(map, "value")?.ok_or("missing `value`")?;
        let total = get_num(map, "total")?;
        let qualifier = match get_str(map, "qualifier")?.as_deref() {
            None | Some("exact") => Qualifier::Exact,
            Some("at_least") => Qualifier::AtLeast,
            Some("at_most") => Qualifier::AtMost,
            Some("approx") => Qualifier::Approx,
            Some(other) => {
                return Err(format!(
                    "unknown qualifier {other:?} (exact, at_least, at_most, approx)"
                ))
            }
        };
        let to_byte = |c: f64| -> Result<usize, String> {
            char_to_byte
                .get(c as usize)
                .copied()
                .filter(|_| c >= 0.0)
                .ok_or_else(|| format!("offset {c} is outside the document"))
        };
        let start = to_byte(get_num(map, "start")?.ok_or("missing `start`")?)?;
        let end = to_byte(get_num(map, "end")?.ok_or("missing `end`")?)?;
        if end < start {
            return Err(format!("`end` {end} is before `start` {start}"));
        }
        let rule = match get_str(map, "rule")? {
            Some(r) if r.contains('.') => r,
            Some(r) => format!("{}.{r}", script.id),
            None => script.id.clone(),
        };
        // A figure a script emits belongs to its plugin; a candidate handed back by `review`
        // keeps its owner, including "none" (a core rule) given as `()`.
        let plugin = match map.get("plugin") {
            None => Some(script.plugin.clone()),
            Some(_) => get_str(map, "plugin")?,
        };
        let locality = match map.get("locality") {
            Some(l) if !l.is_unit() => {
                let l = l
                    .clone()
                    .try_cast::<Map>()
                    .ok_or("`locality` must be a map")?;
                Some(Locality {
                    province: get_str(&l, "province")?,
                    district: get_str(&l, "district")?,
                    commune: get_str(&l, "commune")?,
                })
            }
            _ => None,
        };
        let period = match map.get("period") {
            Some(p) if !p.is_unit() => {
                let p = p
                    .clone()
                    .try_cast::<Map>()
                    .ok_or("`period` must be a map")?;
                Some(Period {
                    from: get_num(&p, "from")?.map(|v| v as i32),
                    to: get_num(&p, "to")?.map(|v| v as i32),
                })
            }
            _ => None,
        };
        let value_span = match (get_num(map, "value_start")?, get_num(map, "value_end")?) {
            (Some(a), Some(b)) => to_byte(a)?..to_byte(b)?,
            _ => start..end,
        };
        Ok(Candidate {
            indicator: Arc::from(indicator.as_str()),
            value,
            total,
            qualifier,
            span: start..end,
            value_span,
            rule,
            plugin,
            priority: get_num(map, "priority")?.map_or(0, |p| p as i32),
            locality,
            period,
            confidence: get_num(map, "confidence")?
                .map_or(SCRIPT_CONFIDENCE, |c| c.clamp(0.0, 1.0)),
        })
    }
}

/// `indicator: "id"` (map literal) and `indicator("id")` (helper call) in a script's source,
/// with the byte offset of each id.
fn indicator_literals(source: &str) -> Vec<(usize, &str)> {
    static RE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r#"indicator\s*(?::|\()\s*"([^"\n]*)""#).expect("indicator literal regex")
    });
    RE.captures_iter(source)
        .filter_map(|c| c.get(1))
        .map(|m| (m.start(), m.as_str()))
        .collect()
}

fn cached_regex(lex: &Lexicon, pattern: &str) -> Result<Regex, String> {
    REGEX_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(r) = cache.get(pattern) {
            return r.clone();
        }
        let compiled = lex
            .expand(pattern)
            .map_err(|e| format!("find_all: {}", e.message))
            .and_then(|e| {
                Regex::new(&crate::normalize::for_matching(&format!("(?i){}", e.regex)))
                    .map_err(|e| format!("find_all: bad pattern: {e}"))
            });
        if cache.len() > 512 {
            cache.clear();
        }
        cache.insert(pattern.to_string(), compiled.clone());
        compiled
    })
}

fn char_to_byte_table(text: &str) -> Vec<usize> {
    let mut t: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    t.push(text.len());
    t
}

fn get_str(map: &Map, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) => v
            .clone()
            .into_immutable_string()
            .map(|s: ImmutableString| Some(s.to_string()))
            .map_err(|t| format!("`{key}` must be a string, not {t}")),
    }
}

fn get_num(map: &Map, key: &str) -> Result<Option<f64>, String> {
    match map.get(key) {
        None => Ok(None),
        Some(v) if v.is_unit() => Ok(None),
        Some(v) => {
            if let Ok(i) = v.as_int() {
                Ok(Some(i as f64))
            } else if let Ok(f) = v.as_float() {
                Ok(Some(f))
            } else {
                Err(format!("`{key}` must be a number, not {}", v.type_name()))
            }
        }
    }
}

fn span_map(text: &str, r: Range<usize>, ix: &mut CharIndex) -> Dynamic {
    let mut m = Map::new();
    m.insert("text".into(), text[r.clone()].into());
    m.insert("start".into(), (ix.char_offset(r.start) as i64).into());
    m.insert("end".into(), (ix.char_offset(r.end) as i64).into());
    m.into()
}

fn candidate_to_map(c: &Candidate, doc: &Document, ix: &mut CharIndex) -> Dynamic {
    let mut m = Map::new();
    m.insert("indicator".into(), c.indicator.to_string().into());
    m.insert("value".into(), Dynamic::from_float(c.value));
    m.insert(
        "total".into(),
        c.total.map_or(Dynamic::UNIT, Dynamic::from_float),
    );
    m.insert("qualifier".into(), c.qualifier.as_str().into());
    m.insert("start".into(), (ix.char_offset(c.span.start) as i64).into());
    m.insert("end".into(), (ix.char_offset(c.span.end) as i64).into());
    let mut vx = CharIndex::new(&doc.text);
    m.insert(
        "value_start".into(),
        (vx.char_offset(c.value_span.start) as i64).into(),
    );
    m.insert(
        "value_end".into(),
        (vx.char_offset(c.value_span.end) as i64).into(),
    );
    m.insert("quote".into(), doc.text[c.span.clone()].into());
    m.insert("rule".into(), c.rule.clone().into());
    m.insert(
        "plugin".into(),
        c.plugin.clone().map_or(Dynamic::UNIT, Into::into),
    );
    m.insert("priority".into(), (c.priority as i64).into());
    m.insert("confidence".into(), Dynamic::from_float(c.confidence));
    if let Some(l) = &c.locality {
        let mut lm = Map::new();
        for (k, v) in [
            ("province", &l.province),
            ("district", &l.district),
            ("commune", &l.commune),
        ] {
            lm.insert(k.into(), v.clone().map_or(Dynamic::UNIT, Into::into));
        }
        m.insert("locality".into(), lm.into());
    }
    if let Some(p) = &c.period {
        let mut pm = Map::new();
        pm.insert(
            "from".into(),
            p.from.map_or(Dynamic::UNIT, |y| (y as i64).into()),
        );
        pm.insert(
            "to".into(),
            p.to.map_or(Dynamic::UNIT, |y| (y as i64).into()),
        );
        m.insert("period".into(), pm.into());
    }
    m.into()
}

/// The `doc` map scripts see; built once per document, only when a script runs on it.
pub fn doc_map(doc: &Document, candidates: &[Candidate]) -> Dynamic {
    let mut m = Map::new();
    m.insert("id".into(), doc.id.clone().into());
    m.insert("text".into(), doc.text.clone().into());
    m.insert("title".into(), doc.title().into());
    let meta: Map = doc
        .meta
        .iter()
        .map(|(k, v)| (k.into(), v.clone().into()))
        .collect();
    m.insert("meta".into(), meta.into());
    let mut ix = CharIndex::new(&doc.text);
    let paragraphs: Array = doc
        .paragraphs()
        .into_iter()
        .map(|r| span_map(&doc.text, r, &mut ix))
        .collect();
    m.insert("paragraphs".into(), paragraphs.into());
    let mut ix = CharIndex::new(&doc.text);
    let sentences: Array = doc
        .sentences()
        .iter()
        .map(|r| span_map(&doc.text, r.clone(), &mut ix))
        .collect();
    m.insert("sentences".into(), sentences.into());
    let mut sorted: Vec<&Candidate> = candidates.iter().collect();
    sorted.sort_by_key(|c| c.span.start);
    let mut ix = CharIndex::new(&doc.text);
    let matches: Array = sorted
        .into_iter()
        .map(|c| candidate_to_map(c, doc, &mut ix))
        .collect();
    m.insert("matches".into(), matches.into());
    m.into()
}
