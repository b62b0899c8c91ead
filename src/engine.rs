//! The pipeline over a corpus: inputs sorted, documents read and extracted in parallel in
//! bounded chunks, records handed to the writer in document order. The output is the same
//! bytes whatever the thread count.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::document::Document;
use crate::extract::extract;
use crate::record::Record;
use crate::ruleset::Ruleset;

/// Documents in flight at once: bounds memory whatever the corpus size.
pub const CHUNK: usize = 512;

/// Extensions read when walking a folder (a file named on the command line is always read).
pub const TEXT_EXTENSIONS: [&str; 3] = ["txt", "md", "text"];

/// One document to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File { path: PathBuf, id: String },
    Stdin,
}

impl Input {
    pub fn id(&self) -> &str {
        match self {
            Input::File { id, .. } => id,
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
    pub elapsed: Duration,
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

/// Expand command-line paths into sorted inputs. Folders are walked recursively; hidden
/// entries are passed over; files of other formats are listed as skipped, with the reason.
pub fn collect_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<(String, String)>) {
    let mut inputs = Vec::new();
    let mut skipped = Vec::new();
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
                        let ext = e
                            .path()
                            .extension()
                            .map(|x| x.to_string_lossy().to_lowercase());
                        if ext.as_deref().is_some_and(|x| TEXT_EXTENSIONS.contains(&x)) {
                            inputs.push(Input::File {
                                path: e.path().to_path_buf(),
                                id,
                            });
                        } else {
                            let what = ext.map_or("no extension".to_string(), |x| format!(".{x}"));
                            skipped.push((
                                id,
                                format!(
                                    "not a text document ({what}); name the file to read it anyway"
                                ),
                            ));
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
            inputs.push(Input::File {
                path: arg.clone(),
                id,
            });
        } else {
            skipped.push((arg.display().to_string(), "no such file or folder".into()));
        }
    }
    (inputs, skipped)
}

fn relative_id(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The result of one document.
pub type DocOutcome = Result<Vec<Record>, String>;

/// Read and extract one input.
pub fn process(rs: &Ruleset, input: &Input) -> (DocOutcome, u64) {
    let doc = match input {
        Input::File { path, id } => Document::read(path, id.clone()).map_err(|e| e.to_string()),
        Input::Stdin => {
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => Document::from_bytes("-", &bytes).map_err(|e| e.to_string()),
                Err(e) => Err(format!("cannot read standard input: {e}")),
            }
        }
    };
    match doc {
        Ok(doc) => {
            let n = doc.text.len() as u64;
            (extract(rs, &doc).map_err(|e| e.to_string()), n)
        }
        Err(e) => (Err(e), 0),
    }
}

/// Options of a batch run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub threads: Option<usize>,
    /// Stop at the first document that fails.
    pub fail_fast: bool,
}

/// Run over `inputs`, handing each document's records to `sink` in input order.
/// `progress` is told how many documents are done after each chunk.
pub fn run(
    rs: &Ruleset,
    inputs: &[Input],
    opts: &RunOptions,
    sink: &mut dyn FnMut(&[Record]) -> std::io::Result<()>,
    progress: &dyn Fn(usize),
) -> std::io::Result<Summary> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.unwrap_or(0))
        .build()
        .map_err(std::io::Error::other)?;
    let mut summary = Summary::default();
    let mut done = 0;
    'chunks: for chunk in inputs.chunks(CHUNK) {
        let outcomes: Vec<(DocOutcome, u64)> =
            pool.install(|| chunk.par_iter().map(|i| process(rs, i)).collect());
        for (input, (outcome, bytes)) in chunk.iter().zip(outcomes) {
            summary.bytes += bytes;
            match outcome {
                Ok(records) => {
                    summary.read += 1;
                    if !records.is_empty() {
                        summary.with_figures += 1;
                        summary.records += records.len();
                        sink(&records)?;
                    }
                }
                Err(why) => {
                    summary.failed.push((input.id().to_string(), why));
                    if opts.fail_fast {
                        break 'chunks;
                    }
                }
            }
        }
        done += chunk.len();
        progress(done);
    }
    summary.elapsed = start.elapsed();
    Ok(summary)
}
