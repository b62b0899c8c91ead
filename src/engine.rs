//! The pipeline over a corpus: inputs in a fixed order, documents read and extracted in
//! parallel in bounded chunks, records handed to the writer in document order. The output is
//! the same bytes whatever the thread count, and memory stays bounded whatever the corpus
//! size: JSONL corpora are streamed line by line.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::document::{Document, ReadOptions};
use crate::extract::extract;
use crate::record::Record;
use crate::resume::{self, Reuse};
use crate::ruleset::Ruleset;

/// Documents in flight at once: bounds memory whatever the corpus size.
pub const CHUNK: usize = 512;

/// Extensions read when walking a folder (a file named on the command line is always read).
pub const DOCUMENT_EXTENSIONS: [&str; 9] = [
    "txt", "md", "text", "html", "htm", "xhtml", "docx", "pdf", "jsonl",
];

/// One input: a file, standard input, or a JSONL corpus (one document per line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File {
        path: PathBuf,
        id: String,
    },
    Stdin,
    Jsonl {
        path: PathBuf,
        id: String,
    },
    /// Standard input as a JSONL stream (`--stdin-jsonl`). `name` stands for the stream in
    /// the names of its broken and id-less lines (`name:LINE`); when `numbered`, each line
    /// starts with its own line number and a tab (`--numbered`), and that number names it.
    StdinJsonl {
        name: String,
        numbered: bool,
    },
}

impl Input {
    pub fn id(&self) -> &str {
        match self {
            Input::File { id, .. } | Input::Jsonl { id, .. } => id,
            Input::StdinJsonl { name, .. } => name,
            Input::Stdin => "-",
        }
    }
}

/// What a run did; printed on stderr at the end.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub read: usize,
    pub with_figures: usize,
    pub records: usize,
    pub bytes: u64,
    /// Documents that could not be read or extracted, with the reason.
    pub failed: Vec<(String, String)>,
    /// Files found but not read, with the reason.
    pub skipped: Vec<(String, String)>,
    /// How many documents were read in each encoding and format ("utf-8", "tcvn3 docx"…).
    pub encodings: std::collections::BTreeMap<String, usize>,
    /// Documents unchanged since the previous output (`--resume`): their records were kept.
    pub unchanged: usize,
    /// The run was stopped (Ctrl-C) before the end of the corpus.
    pub interrupted: bool,
    pub elapsed: Duration,
    /// Records left out for a confidence below `--min-confidence`, and that floor.
    pub below_confidence: usize,
    pub min_confidence: f64,
    /// Lines of script `print`/`debug` output not shown (past the first of each document).
    pub script_output_dropped: usize,
}

impl Summary {
    pub fn render(&self) -> String {
        let secs = self.elapsed.as_secs_f64();
        let mbps = if secs > 0.0 {
            self.bytes as f64 / 1e6 / secs
        } else {
            0.0
        };
        let mut s = format!(
            "chiso: {} documents read, {} with figures, {} failed, {} skipped; {} records in {:.2} s ({:.1} MB/s)\n",
            self.read,
            self.with_figures,
            self.failed.len(),
            self.skipped.len(),
            self.records,
            secs,
            mbps
        );
        if self.script_output_dropped > 0 {
            s.push_str(&format!(
                "{} lines of script print/debug output not shown (the first {} of each document are)\n",
                self.script_output_dropped,
                crate::script::OUTPUT_LINES
            ));
        }
        if self.below_confidence > 0 {
            s.push_str(&format!(
                "{} records left out for a confidence below {} (--min-confidence)\n",
                self.below_confidence, self.min_confidence
            ));
        }
        if self.unchanged > 0 {
            s.push_str(&format!(
                "{} documents unchanged since the previous output: their records were kept, not extracted again\n",
                self.unchanged
            ));
        }
        if !self.encodings.is_empty() {
            let list: Vec<String> = self
                .encodings
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            s.push_str(&format!("read as: {}\n", list.join(", ")));
        }
        for (title, list) in [("failed", &self.failed), ("skipped", &self.skipped)] {
            if !list.is_empty() {
                s.push_str(&format!("{title}:\n"));
                for (id, why) in list {
                    s.push_str(&format!("  {id}: {why}\n"));
                }
            }
        }
        s
    }
}

/// Expand command-line paths into inputs in a fixed order. Folders are walked recursively in
/// name order; hidden entries are passed over; files of other formats are listed as skipped,
/// with the reason.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<(String, String)>) {
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
    let input = |path: &Path, id: String| {
        if extension(path).as_deref() == Some("jsonl") {
            Input::Jsonl {
                path: path.to_path_buf(),
                id,
            }
        } else {
            Input::File {
                path: path.to_path_buf(),
                id,
            }
        }
    };
    for arg in paths {
        if arg.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        if arg.is_dir() {
            let walker = walkdir::WalkDir::new(arg)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.')
                });
            for entry in walker {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let id = relative_id(arg, e.path());
                        let ext = extension(e.path());
                        if ext
                            .as_deref()
                            .is_some_and(|x| DOCUMENT_EXTENSIONS.contains(&x))
                        {
                            inputs.push(input(e.path(), id));
                        } else {
                            let what = ext.map_or("no extension".to_string(), |x| format!(".{x}"));
                            skipped.push((id, format!("not a document chiso reads ({what}); name the file to read it as text")));
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        let id = e
                            .path()
                            .map_or_else(|| arg.display().to_string(), |p| p.display().to_string());
                        skipped.push((id, format!("cannot read: {e}")));
                    }
                }
            }
        } else if arg.exists() {
            let id = arg.file_name().map_or_else(
                || arg.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            inputs.push(input(arg, id));
        } else {
            // Named but not there: that document fails (exit 1), it is not passed over.
            inputs.push(Input::File {
                path: arg.to_path_buf(),
                id: arg.display().to_string(),
            });
        }
    }
    (inputs, skipped)
}

fn extension(path: &Path) -> Option<String> {
    path.extension().map(|x| x.to_string_lossy().to_lowercase())
}

fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Options of a batch run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub threads: Option<usize>,
    /// Stop at the first document that fails.
    pub fail_fast: bool,
    pub read: ReadOptions,
    /// JSONL corpora: the field holding each document's id, and the one holding its text.
    pub id_field: String,
    pub text_field: String,
    /// Documents in flight at once (memory, and for streaming, latency).
    pub chunk: usize,
    /// Hash each document's content (for the output's metadata).
    pub hash: bool,
    /// Documents whose records a previous output already holds: not extracted again.
    pub reuse: Option<Arc<Reuse>>,
    /// Set from elsewhere (Ctrl-C) to stop after the chunk in flight.
    pub stop: Option<Arc<AtomicBool>>,
    /// Records below this confidence (0–1) are left out.
    pub min_confidence: f64,
    /// The time one document may take, reading included (`None`: no limit); see
    /// [`crate::budget`].
    pub doc_timeout: Option<std::time::Duration>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            threads: None,
            fail_fast: false,
            read: ReadOptions::default(),
            id_field: "id".into(),
            text_field: "text".into(),
            chunk: CHUNK,
            hash: false,
            reuse: None,
            stop: None,
            min_confidence: 0.0,
            doc_timeout: Some(crate::budget::DEFAULT),
        }
    }
}

/// What the run hands its writer, in input order.
pub enum Event<'a> {
    /// One document's records (maybe none), and the hash of its content if asked for.
    Records {
        doc: &'a str,
        hash: Option<&'a str>,
        records: &'a [Record],
        /// What the document says of itself: `title`, `date`, `outlet`, `url` when known.
        meta: &'a BTreeMap<String, String>,
    },
    /// A document whose records the previous output holds, as entry `entry` of its metadata.
    Kept { doc: &'a str, entry: usize },
    /// A document that could not be read or extracted: why, and its content hash if it was read.
    Failed {
        doc: &'a str,
        hash: Option<&'a str>,
        why: &'a str,
    },
    /// A chunk of documents is done: a good moment to flush.
    ChunkDone,
}

/// One unit of work: an input read by a worker, or a JSONL line read by the main thread.
enum Work {
    Input(Input),
    Line {
        file: Arc<str>,
        line: usize,
        raw: Result<String, String>,
    },
}

/// The result of one document: its id, its records or why it failed, the bytes of text read.
pub struct Outcome {
    pub id: String,
    pub records: Result<Vec<Record>, String>,
    pub bytes: u64,
    /// The encoding (and format, if not text) the document was read in.
    pub read_as: Option<String>,
    /// The hash of the document's content, when asked for and the content could be read.
    pub hash: Option<String>,
    /// The previous output's entry holding this document's records, and how many.
    pub kept: Option<(usize, usize)>,
    /// Records left out for their confidence.
    pub below_confidence: usize,
    /// What the document says of itself (see [`Event::Records`]).
    pub meta: BTreeMap<String, String>,
    /// Lines of script output not shown (past [`crate::script::OUTPUT_LINES`]).
    pub script_output_dropped: usize,
}

/// Read and extract one file, or standard input, within the document's time budget.
pub fn process(rs: &Ruleset, input: &Input, opts: &RunOptions) -> Outcome {
    crate::budget::start(opts.doc_timeout);
    let outcome = process_input(rs, input, opts);
    crate::budget::end();
    outcome
}

fn process_input(rs: &Ruleset, input: &Input, opts: &RunOptions) -> Outcome {
    let id = input.id().to_string();
    let bytes = match input {
        Input::File { path, .. } => {
            Document::read_bytes(path, &opts.read).map_err(|e| e.to_string())
        }
        Input::Stdin => {
            let mut bytes = Vec::new();
            match std::io::stdin()
                .take(opts.read.max_bytes + 1)
                .read_to_end(&mut bytes)
            {
                Ok(_) => Ok(bytes),
                Err(e) => Err(format!("cannot read standard input: {e}")),
            }
        }
        Input::Jsonl { .. } | Input::StdinJsonl { .. } => {
            unreachable!("JSONL inputs are expanded into lines")
        }
    };
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => return Outcome::failed(id, e),
    };
    let hash = opts.hash.then(|| resume::hash(&bytes));
    if let Some(kept) = kept(opts, &id, hash.as_deref(), bytes.len()) {
        return kept;
    }
    let doc = match input {
        Input::File { path, .. } => Document::from_path_bytes(path, id.clone(), bytes, &opts.read),
        _ => Document::from_bytes_with("-", &bytes, &opts.read),
    };
    outcome(rs, opts, id, doc.map_err(|e| e.to_string()), hash)
}

/// The document's records are in the previous output: no need to extract it.
fn kept(opts: &RunOptions, id: &str, hash: Option<&str>, bytes: usize) -> Option<Outcome> {
    let kept = opts.reuse.as_ref()?.find(id, hash?)?;
    Some(Outcome {
        id: id.to_string(),
        records: Ok(Vec::new()),
        bytes: bytes as u64,
        read_as: None,
        hash: hash.map(str::to_string),
        kept: Some(kept),
        below_confidence: 0,
        meta: BTreeMap::new(),
        script_output_dropped: 0,
    })
}

fn outcome(
    rs: &Ruleset,
    opts: &RunOptions,
    id: String,
    doc: Result<Document, String>,
    hash: Option<String>,
) -> Outcome {
    match doc {
        Ok(doc) => {
            let mut read_as: Vec<&str> = ["encoding", "format"]
                .iter()
                .filter_map(|k| doc.meta.get(*k).map(String::as_str))
                .collect();
            if read_as.is_empty() {
                read_as.push("text");
            }
            let mut below_confidence = 0;
            crate::script::begin_document(&doc.id);
            let records = if crate::budget::over("reading the document", None) {
                Ok(Vec::new())
            } else {
                extract(rs, &doc)
            };
            let script_output_dropped = crate::script::end_document();
            // Over its budget, a document is a failure whatever it found: partial records
            // would pass for a complete reading.
            let records = match crate::budget::spent(doc.text.len()) {
                Some(why) => Err(crate::extract::ExtractError(why)),
                None => records,
            };
            let records = records
                .map(|mut r| {
                    let n = r.len();
                    r.retain(|r| r.confidence >= opts.min_confidence);
                    below_confidence = n - r.len();
                    r
                })
                .map_err(|e| e.to_string());
            Outcome {
                bytes: doc.text.len() as u64,
                records,
                id,
                read_as: Some(read_as.join(" ")),
                hash,
                kept: None,
                below_confidence,
                meta: self_described(&doc),
                script_output_dropped,
            }
        }
        Err(e) => Outcome {
            hash,
            ..Outcome::failed(id, e)
        },
    }
}

/// What a document says of itself, as its output metadata carries it: the title, date,
/// outlet and address an HTML page's head or a JSONL line's fields give.
fn self_described(doc: &Document) -> BTreeMap<String, String> {
    [
        ("title", "title"),
        ("date", "date"),
        ("source", "outlet"),
        ("outlet", "outlet"),
        ("url", "url"),
    ]
    .iter()
    .filter_map(|(from, to)| {
        let v = doc.meta.get(*from)?.trim();
        (!v.is_empty()).then(|| (to.to_string(), v.to_string()))
    })
    .collect()
}

impl Outcome {
    fn failed(id: String, why: String) -> Outcome {
        Outcome {
            id,
            records: Err(why),
            bytes: 0,
            read_as: None,
            hash: None,
            kept: None,
            below_confidence: 0,
            meta: BTreeMap::new(),
            script_output_dropped: 0,
        }
    }
}

/// One JSONL line → a document: its text field, its id field, its other scalar fields as
/// metadata. A line that is not a JSON object, or lacks the text, is that line's error.
fn process_line(
    rs: &Ruleset,
    file: &str,
    line: usize,
    raw: &Result<String, String>,
    opts: &RunOptions,
) -> Outcome {
    crate::budget::start(opts.doc_timeout);
    let outcome = process_line_within(rs, file, line, raw, opts);
    crate::budget::end();
    outcome
}

fn process_line_within(
    rs: &Ruleset,
    file: &str,
    line: usize,
    raw: &Result<String, String>,
    opts: &RunOptions,
) -> Outcome {
    let (id, map) = match parse_line(file, line, raw, opts) {
        Ok(parsed) => parsed,
        Err((id, why)) => return Outcome::failed(id, why),
    };
    let raw = raw.as_deref().unwrap_or_default();
    let hash = opts.hash.then(|| resume::hash(raw.as_bytes()));
    if let Some(kept) = kept(opts, &id, hash.as_deref(), raw.len()) {
        return kept;
    }
    let doc = line_document(&id, line, &map, opts);
    outcome(rs, opts, id, doc, hash)
}

/// A JSONL line's id (its id field, else `FILE:LINE`) and its fields.
fn parse_line(
    file: &str,
    line: usize,
    raw: &Result<String, String>,
    opts: &RunOptions,
) -> Result<(String, serde_json::Map<String, serde_json::Value>), (String, String)> {
    let fallback = format!("{file}:{line}");
    let map = raw
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|raw| {
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(raw)
                .map_err(|e| format!("line {line}: not a JSON object: {e}"))
        })
        .map_err(|e| (fallback.clone(), e))?;
    let id = map.get(&opts.id_field).and_then(scalar).unwrap_or(fallback);
    Ok((id, map))
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The document a JSONL line holds: its text field, with its other scalar fields as metadata.
fn line_document(
    id: &str,
    line: usize,
    map: &serde_json::Map<String, serde_json::Value>,
    opts: &RunOptions,
) -> Result<Document, String> {
    let Some(text) = map.get(&opts.text_field).and_then(|v| v.as_str()) else {
        return Err(format!(
            "line {line}: no string field \"{}\" (choose it with --text-field)",
            opts.text_field
        ));
    };
    if text.trim().is_empty() {
        return Err("empty document (no text)".into());
    }
    let mut doc = Document::from_string(id.to_string(), text.to_string());
    doc.meta.insert("format".into(), "jsonl".into());
    for (k, v) in map {
        if k != &opts.text_field {
            if let Some(v) = scalar(v) {
                doc.meta.insert(k.clone(), v);
            }
        }
    }
    Ok(doc)
}

/// Read again the documents of `inputs` that `wanted` names, in input order, as a run reads
/// them (same ids, same text), for whatever needs their text after the run: the HTML report
/// shows each figure inside its paragraph. Documents that cannot be read are passed over.
pub fn reread(
    inputs: &[Input],
    opts: &RunOptions,
    wanted: &dyn Fn(&str) -> bool,
    each: &mut dyn FnMut(Document),
) {
    for work in works(inputs, opts) {
        let doc = match work {
            Work::Input(input @ Input::File { .. }) => {
                let Input::File { path, id } = &input else {
                    continue;
                };
                if !wanted(id) {
                    continue;
                }
                Document::read_bytes(path, &opts.read)
                    .and_then(|b| Document::from_path_bytes(path, id.clone(), b, &opts.read))
                    .ok()
            }
            Work::Input(_) => None,
            Work::Line { file, line, raw } => parse_line(&file, line, &raw, opts)
                .ok()
                .filter(|(id, _)| wanted(id))
                .and_then(|(id, map)| line_document(&id, line, &map, opts).ok()),
        };
        if let Some(doc) = doc {
            each(doc);
        }
    }
}

/// Room kept for a `--numbered` line's number and tab, beyond `--max-doc-size`.
const NUMBER_ROOM: usize = 24;

/// Lines of a JSONL file, each capped at `max` bytes (a longer line is an error and is
/// skipped without being held in memory).
struct Lines {
    reader: Box<dyn BufRead + Send>,
    max: usize,
    line: usize,
    file: Arc<str>,
    done: bool,
    /// Each line starts with its own number and a tab (`12\t{…}`), which names it instead
    /// of its place in this stream: the line number in the corpus a distributed engine split.
    numbered: bool,
}

impl Lines {
    fn new(reader: Box<dyn BufRead + Send>, max: u64, file: &str, numbered: bool) -> Lines {
        Lines {
            reader,
            max: usize::try_from(max).unwrap_or(usize::MAX),
            line: 0,
            file: Arc::from(file),
            done: false,
            numbered,
        }
    }

    fn error(&self, line: usize, why: String) -> Work {
        Work::Line {
            file: self.file.clone(),
            line,
            raw: Err(why),
        }
    }
}

/// A `--numbered` line's number and where its content starts: digits, then a tab.
fn line_number(bytes: &[u8]) -> Option<(usize, usize)> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || bytes.get(digits) != Some(&b'\t') {
        return None;
    }
    let n = std::str::from_utf8(&bytes[..digits]).ok()?.parse().ok()?;
    Some((n, digits + 1))
}

impl Iterator for Lines {
    type Item = Work;

    fn next(&mut self) -> Option<Work> {
        // What is held of a line: all of it, up to the cap (and a number before it); past the
        // cap, only its start, where a `--numbered` line's number is.
        let cap = if self.numbered {
            self.max.saturating_add(NUMBER_ROOM)
        } else {
            self.max
        };
        loop {
            if self.done {
                return None;
            }
            self.line += 1;
            let mut buf = Vec::new();
            let mut len = 0usize;
            loop {
                let chunk = match self.reader.fill_buf() {
                    Ok(c) => c,
                    Err(e) => {
                        self.done = true;
                        return Some(self.error(self.line, format!("cannot read: {e}")));
                    }
                };
                if chunk.is_empty() {
                    self.done = true;
                    break;
                }
                let (take, end) = match chunk.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (chunk.len(), false),
                };
                len = len.saturating_add(take);
                if len <= cap {
                    buf.extend_from_slice(&chunk[..take]);
                } else {
                    buf.truncate(NUMBER_ROOM);
                    let keep = NUMBER_ROOM.saturating_sub(buf.len()).min(take);
                    buf.extend_from_slice(&chunk[..keep]);
                }
                self.reader.consume(take);
                if end {
                    break;
                }
            }
            let (line, start) = if self.numbered {
                match line_number(&buf) {
                    Some(found) => found,
                    None if len <= cap && buf.trim_ascii().is_empty() => {
                        continue; // blank lines separate nothing
                    }
                    None => {
                        let why = format!(
                            "line {} of the input has no number (--numbered: its line number, a tab, then the JSON object)",
                            self.line
                        );
                        return Some(self.error(self.line, why));
                    }
                }
            } else {
                (self.line, 0)
            };
            if len - start > self.max {
                let why = format!(
                    "line {line} is longer than {} bytes (--max-doc-size)",
                    self.max
                );
                return Some(self.error(line, why));
            }
            buf.drain(..start);
            let text = match String::from_utf8(buf) {
                Ok(t) => t,
                Err(e) => {
                    let why = format!(
                        "line {line}: not UTF-8 (byte {} of the line)",
                        e.utf8_error().valid_up_to()
                    );
                    return Some(self.error(line, why));
                }
            };
            if text.trim().is_empty() {
                continue; // blank lines separate nothing
            }
            return Some(Work::Line {
                file: self.file.clone(),
                line,
                raw: Ok(text),
            });
        }
    }
}

fn works<'a>(inputs: &'a [Input], opts: &'a RunOptions) -> impl Iterator<Item = Work> + Send + 'a {
    inputs
        .iter()
        .flat_map(move |input| -> Box<dyn Iterator<Item = Work> + Send> {
            match input {
                Input::Jsonl { path, id } => match std::fs::File::open(path) {
                    Ok(f) => Box::new(Lines::new(
                        Box::new(BufReader::with_capacity(1 << 20, f)),
                        opts.read.max_bytes,
                        id,
                        false,
                    )),
                    Err(e) => Box::new(std::iter::once(Work::Line {
                        file: Arc::from(id.as_str()),
                        line: 0,
                        raw: Err(format!("cannot read: {e}")),
                    })),
                },
                Input::StdinJsonl { name, numbered } => Box::new(Lines::new(
                    Box::new(BufReader::new(std::io::stdin())),
                    opts.read.max_bytes,
                    name,
                    *numbered,
                )),
                other => Box::new(std::iter::once(Work::Input(other.clone()))),
            }
        })
}

/// Run over `inputs`, handing each document's records to `sink` in input order.
/// `progress` is told how many documents are done after each chunk.
pub fn run(
    rs: &Ruleset,
    inputs: &[Input],
    opts: &RunOptions,
    sink: &mut dyn FnMut(Event) -> std::io::Result<()>,
    progress: &dyn Fn(usize),
) -> std::io::Result<Summary> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(std::io::Error::other)?;
    let mut summary = Summary {
        min_confidence: opts.min_confidence,
        ..Summary::default()
    };
    let mut done = 0;
    let mut work = works(inputs, opts);
    let size = opts.chunk.max(1);
    let streaming = inputs.iter().any(|i| matches!(i, Input::StdinJsonl { .. }));
    let mut next: Vec<Work> = work.by_ref().take(size).collect();
    loop {
        if opts
            .stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
        {
            summary.interrupted = true;
            break;
        }
        let chunk = std::mem::take(&mut next);
        if chunk.is_empty() {
            break;
        }
        // The next chunk is read (JSONL lines; for files, just their names) while this one
        // is extracted: at most two chunks are in memory. Not from a stream on stdin, whose
        // writer may wait for this chunk's records before it sends more.
        let (outcomes, following): (Vec<Outcome>, Vec<Work>) = pool.install(|| {
            let prefetch = if streaming { 0 } else { size };
            rayon::join(
                || {
                    chunk
                        .par_iter()
                        .map(|w| match w {
                            Work::Input(i) => process(rs, i, opts),
                            Work::Line { file, line, raw } => {
                                process_line(rs, file, *line, raw, opts)
                            }
                        })
                        .collect()
                },
                || work.by_ref().take(prefetch).collect(),
            )
        });
        next = if streaming {
            work.by_ref().take(size).collect()
        } else {
            following
        };
        for o in outcomes {
            summary.bytes += o.bytes;
            summary.below_confidence += o.below_confidence;
            summary.script_output_dropped += o.script_output_dropped;
            if let Some(r) = o.read_as {
                *summary.encodings.entry(r).or_default() += 1;
            }
            if let Some((entry, n)) = o.kept {
                summary.read += 1;
                summary.unchanged += 1;
                summary.with_figures += usize::from(n > 0);
                summary.records += n;
                sink(Event::Kept { doc: &o.id, entry })?;
                continue;
            }
            match o.records {
                Ok(records) => {
                    summary.read += 1;
                    summary.with_figures += usize::from(!records.is_empty());
                    summary.records += records.len();
                    sink(Event::Records {
                        doc: &o.id,
                        hash: o.hash.as_deref(),
                        records: &records,
                        meta: &o.meta,
                    })?;
                }
                Err(why) => {
                    sink(Event::Failed {
                        doc: &o.id,
                        hash: o.hash.as_deref(),
                        why: &why,
                    })?;
                    summary.failed.push((o.id, why));
                    if opts.fail_fast {
                        summary.elapsed = start.elapsed();
                        return Ok(summary);
                    }
                }
            }
        }
        done += chunk.len();
        sink(Event::ChunkDone)?;
        progress(done);
    }
    summary.elapsed = start.elapsed();
    Ok(summary)
}
