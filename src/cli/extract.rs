//! `chiso extract`: documents in, records out, a summary on stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use chiso::document::{ReadOptions, MAX_DOCUMENT_BYTES};
use chiso::encoding::Encoding;
use chiso::engine::{self, Event, Input, RunOptions};
use chiso::output::{self, AtomicFile, Format, RecordWriter, WorkbookInfo};
use chiso::resume::{self, Header, Journal, Previous, Reuse};
use chiso::ruleset::Ruleset;

use super::{is_broken_pipe, ExitStatus, RuleArgs};

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// Files or folders (walked recursively); `-` reads standard input as one document.
    #[arg(required_unless_present = "stdin_jsonl", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Streaming mode for distributed engines (Spark's RDD.pipe, Hadoop Streaming): documents
    /// as JSON lines on stdin, records as JSON lines on stdout, flushed every few documents;
    /// failures are error records and the exit code stays 0.
    #[arg(long, conflicts_with_all = ["paths", "format", "output"])]
    pub stdin_jsonl: bool,
    /// With --stdin-jsonl: each line starts with its line number in the corpus and a tab
    /// (`12<TAB>{"id": …}`), and that number names the line in errors and id-less documents,
    /// however the engine split the corpus (examples/spark/pipe.py numbers them).
    #[arg(long)]
    pub numbered: bool,
    /// With --stdin-jsonl: the name of the stream in errors and id-less documents (`NAME:LINE`;
    /// default `-`). The corpus's file name names them as `chiso extract corpus.jsonl` does.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Write documents that fail as records `{"doc": …, "error": …}` (JSONL; xlsx lists them
    /// in its Errors sheet either way), and exit 0.
    #[arg(long)]
    pub errors_as_records: bool,
    /// Output format: jsonl, csv, table (fitted to the terminal's width, or $COLUMNS), or
    /// xlsx (an Excel workbook: needs -o FILE or stdout redirected; no --resume).
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Write to FILE (atomically: a crash never leaves half a file) instead of stdout, with
    /// its metadata beside it in FILE.meta.jsonl (each document's content hash, the rules' hash).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Continue FILE (`-o`) from where a stopped run left it, and keep the records of documents
    /// unchanged since it was written; the rest is extracted. FILE is written in place, so a
    /// run stopped again (Ctrl-C, crash, kill) can resume too. Same bytes as a fresh run.
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Also write a self-contained HTML report of the run to FILE: a pivot, charts, every
    /// figure in its paragraph, failures and settings (as `chiso report`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["stdin_jsonl", "resume"])]
    pub report: Option<PathBuf>,
    /// Start CSV output with a byte-order mark, so Excel opens Vietnamese text correctly.
    #[arg(long)]
    pub bom: bool,
    /// Worker threads (default: one per core). Output is identical whatever the number.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Stop at the first document that cannot be read or extracted.
    #[arg(long)]
    pub fail_fast: bool,
    /// Decode every file with this encoding instead of detecting it: utf-8, utf-16le,
    /// utf-16be, windows-1258, tcvn3 (ABC, .VnTime fonts), vni.
    #[arg(long, value_name = "NAME", value_parser = parse_encoding)]
    pub encoding: Option<Encoding>,
    /// Largest document (or JSONL line) read, in bytes; larger ones are reported, not read.
    #[arg(long, value_name = "BYTES", default_value_t = MAX_DOCUMENT_BYTES)]
    pub max_doc_size: u64,
    /// Time one document may take, reading included, in seconds (0: no limit). A document
    /// over it is reported as failed, with how far it got; its records are not written.
    #[arg(long, value_name = "SECONDS", default_value_t = chiso::budget::DEFAULT.as_secs_f64(), value_parser = parse_timeout)]
    pub doc_timeout: f64,
    /// JSONL corpora: the field holding each document's id.
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id_field: String,
    /// JSONL corpora: the field holding each document's text.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub text_field: String,
    /// No progress bar and no summary on stderr (errors are still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Leave out records whose confidence (0–1, how well the evidence lined up) is below this.
    /// Rules give 0.9, scripts 0.8 unless they say; readings 0.5–1.
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = parse_confidence)]
    pub min_confidence: f64,
    #[command(flatten)]
    pub rules: RuleArgs,
}

fn parse_encoding(name: &str) -> Result<Encoding, String> {
    Encoding::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Encoding::all().iter().map(|e| e.name()).collect();
        format!(
            "unknown encoding {name:?}; chiso reads {}",
            names.join(", ")
        )
    })
}

pub fn run(args: ExtractArgs) -> ExitStatus {
    // Checked here: clap's `requires` takes a flag's default (false) for its presence.
    if !args.stdin_jsonl && (args.numbered || args.stdin_name.is_some()) {
        eprintln!("chiso: --numbered and --stdin-name apply to --stdin-jsonl only");
        return ExitStatus::Error;
    }
    // The corpus is listed while the rules compile.
    let (rs, (inputs, skipped)) = std::thread::scope(|scope| {
        let listing = scope.spawn(|| {
            if args.stdin_jsonl {
                let input = Input::StdinJsonl {
                    name: args.stdin_name.clone().unwrap_or_else(|| "-".into()),
                    numbered: args.numbered,
                };
                (vec![input], Vec::new())
            } else {
                engine::collect_inputs(&args.paths)
            }
        });
        let rs = args.rules.load(args.quiet);
        (
            rs,
            listing.join().expect("listing the inputs does not panic"),
        )
    });
    let Some(rs) = rs else {
        return ExitStatus::Error;
    };
    // Nothing to free at exit: the operating system takes the ruleset back at once.
    let rs = &*Box::leak(Box::new(rs));
    let errors_as_records = args.errors_as_records || args.stdin_jsonl;
    if errors_as_records && !matches!(args.format, Format::Jsonl | Format::Xlsx) {
        eprintln!("chiso: --errors-as-records needs --format jsonl or xlsx");
        return ExitStatus::Error;
    }
    if args.bom && args.format != Format::Csv {
        eprintln!("chiso: --bom only applies to --format csv; ignored");
    }
    // A JSONL corpus's size in documents is unknown until it is read: then a spinner.
    let streamed = inputs.iter().any(|i| matches!(i, Input::Jsonl { .. }));
    let bar = if args.quiet
        || !std::io::stderr().is_terminal()
        || inputs.len() + usize::from(streamed) < 2
    {
        ProgressBar::hidden()
    } else if streamed {
        let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{spinner} {pos} documents  {rate}")
                .map(with_rate)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    } else {
        let b =
            ProgressBar::with_draw_target(Some(inputs.len() as u64), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} documents  {rate}  eta {eta}")
                .map(with_rate)
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    };
    let opts = RunOptions {
        threads: args.threads,
        fail_fast: args.fail_fast,
        read: ReadOptions {
            encoding: args.encoding,
            max_bytes: args.max_doc_size,
        },
        id_field: args.id_field.clone(),
        text_field: args.text_field.clone(),
        // Streaming: small chunks, so records follow their documents closely.
        chunk: if args.stdin_jsonl { 64 } else { engine::CHUNK },
        min_confidence: args.min_confidence,
        doc_timeout: (args.doc_timeout > 0.0)
            .then(|| std::time::Duration::from_secs_f64(args.doc_timeout)),
        ..RunOptions::default()
    };
    let streaming = args.stdin_jsonl;
    let progress = |done: usize| bar.set_position(done as u64);

    let mut opts = opts;
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = stop.clone();
        // A second Ctrl-C quits at once; the first lets the documents in flight finish.
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(ExitStatus::Interrupted as i32);
            }
        });
    }
    opts.stop = Some(stop);

    let mut out = match Output::open(&args, errors_as_records, rs) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("chiso: {e}");
            return ExitStatus::Error;
        }
    };
    if let Output::Journal { reuse, .. } = &out {
        opts.hash = true;
        opts.reuse = reuse.clone();
    }
    let mut report = args.report.as_ref().map(|_| {
        let mut r = chiso::report::Report::new(
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        );
        r.setting("command", std::env::args().collect::<Vec<_>>().join(" "));
        r
    });
    let summary = engine::run(
        rs,
        &inputs,
        &opts,
        &mut |e| {
            if let Some(report) = report.as_mut() {
                match &e {
                    Event::Records { records, .. } => {
                        records.iter().for_each(|r| report.add_record(r))
                    }
                    Event::Failed { doc, why, .. } => report.failed(*doc, *why),
                    _ => {}
                }
            }
            out.handle(e, errors_as_records, streaming)
        },
        &progress,
    );
    bar.finish_and_clear();
    let interrupted = summary.as_ref().is_ok_and(|s| s.interrupted);
    let result = summary.and_then(|s| out.finish(interrupted).map(|note| (s, note)));
    let (mut summary, note) = match result {
        Ok(s) => s,
        Err(e) if is_broken_pipe(&e) => return ExitStatus::Success,
        Err(e) => {
            eprintln!("chiso: cannot write the output: {e}");
            return ExitStatus::Error;
        }
    };
    summary.skipped.extend(skipped);
    let mut status = None;
    if let (Some(mut report), Some(path)) = (report, args.report.as_ref()) {
        if interrupted {
            eprintln!(
                "chiso: the report {} was not written (stopped before the end)",
                path.display()
            );
        } else {
            for (doc, why) in &summary.skipped {
                report.skipped(doc, why);
            }
            report.setting(
                "summary",
                format!(
                    "{} documents read, {} with figures, {} failed, {} skipped; {} records",
                    summary.read,
                    summary.with_figures,
                    summary.failed.len(),
                    summary.skipped.len(),
                    summary.records
                ),
            );
            let saved = super::report::save(&mut report, rs, &inputs, &opts, path, args.quiet);
            if saved != ExitStatus::Success {
                status = Some(saved);
            }
        }
    }
    if !args.quiet {
        let _ = std::io::stderr().write_all(summary.render().as_bytes());
        eprintln!("{}", rs.sources());
        for line in &note {
            eprintln!("{line}");
        }
    } else if !summary.failed.is_empty() {
        for (id, why) in &summary.failed {
            eprintln!("chiso: {id}: {why}");
        }
    }
    if let Some(status) = status {
        return status;
    }
    if interrupted {
        eprintln!(
            "chiso: stopped by Ctrl-C after {} documents",
            summary.read + summary.failed.len()
        );
        ExitStatus::Interrupted
    } else if summary.failed.is_empty() || errors_as_records {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}

/// Where the records go: a stream (stdout, a table, a device), or an output file with its
/// metadata, written fresh (atomically) or resumed in place.
enum Output {
    Stream {
        writer: RecordWriter<Box<dyn Write>>,
        file: Option<(AtomicFile, PathBuf)>,
    },
    Journal {
        journal: Box<Journal>,
        format: Format,
        buf: Vec<u8>,
        reuse: Option<Arc<Reuse>>,
        /// The fresh output and its metadata, renamed into place at the end.
        commit: Option<[(AtomicFile, PathBuf); 2]>,
        path: PathBuf,
        previous: Previous,
    },
}

impl Output {
    fn open(args: &ExtractArgs, errors_as_records: bool, rs: &Ruleset) -> Result<Output, String> {
        let stdout = || -> Box<dyn Write> {
            Box::new(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout().lock(),
            ))
        };
        let writer = |w: Box<dyn Write>| {
            RecordWriter::new(args.format, w, args.bom)
                .with_table_width(table_width(args.output.is_some()))
                .with_workbook(workbook_info(args, rs))
        };
        let Some(path) = &args.output else {
            if args.format == Format::Xlsx && std::io::stdout().is_terminal() {
                return Err(
                    "xlsx is a binary format, not for the terminal: write it with -o FILE.xlsx (or redirect stdout to a file)"
                        .to_string(),
                );
            }
            return Ok(Output::Stream {
                writer: writer(stdout()),
                file: None,
            });
        };
        let cannot = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        // A workbook is laid out whole at the end: nothing to resume from.
        if args.resume && args.format == Format::Xlsx {
            return Err(format!(
                "--resume needs an output written as jsonl or csv, not xlsx: write {} afresh without --resume",
                path.display()
            ));
        }
        let file = AtomicFile::create(path).map_err(cannot)?;
        if matches!(args.format, Format::Table | Format::Xlsx) || !file.is_regular() {
            if args.resume {
                return Err(format!(
                    "--resume needs a regular file written as jsonl or csv, not {}",
                    if file.is_regular() {
                        "a table"
                    } else {
                        "a device or pipe"
                    }
                ));
            }
            let handle = file.handle().map_err(cannot)?;
            let w: Box<dyn Write> = Box::new(std::io::BufWriter::new(handle));
            return Ok(Output::Stream {
                writer: writer(w),
                file: Some((file, path.clone())),
            });
        }
        let settings = format!(
            "format={:?} bom={} errors_as_records={errors_as_records} id_field={:?} text_field={:?} encoding={:?} max_doc_size={}",
            args.format,
            args.bom && args.format == Format::Csv,
            args.id_field,
            args.text_field,
            args.encoding.map(|e| e.name()),
            args.max_doc_size,
        );
        // Older outputs were written without a confidence floor: same settings as 0.
        let settings = if args.min_confidence > 0.0 {
            format!("{settings} min_confidence={}", args.min_confidence)
        } else {
            settings
        };
        let header = Header::new(resume::rules_hash(rs), settings);
        let prelude = output::prelude(args.format, args.bom);
        let meta = resume::meta_path(path);
        let (journal, reuse, previous, commit) = if args.resume {
            drop(file);
            let (j, reuse, previous) = Journal::resume(path, &header, &prelude).map_err(cannot)?;
            (j, Some(Arc::new(reuse)), previous, None)
        } else {
            let meta_file = AtomicFile::create(&meta).map_err(cannot)?;
            let j = Journal::fresh(
                file.handle().map_err(cannot)?,
                meta_file.handle().map_err(cannot)?,
                &header,
                &prelude,
            )
            .map_err(cannot)?;
            (
                j,
                None,
                Previous::None,
                Some([(file, path.clone()), (meta_file, meta)]),
            )
        };
        Ok(Output::Journal {
            journal: Box::new(journal),
            format: args.format,
            buf: Vec::new(),
            reuse,
            commit,
            path: path.clone(),
            previous,
        })
    }

    /// One event of the run, written out.
    fn handle(
        &mut self,
        event: Event,
        errors_as_records: bool,
        streaming: bool,
    ) -> std::io::Result<()> {
        match self {
            Output::Stream { writer, .. } => match event {
                Event::Records { records, .. } if !records.is_empty() => writer.write(records),
                // A workbook keeps them in its Errors sheet whatever the flag.
                Event::Failed { doc, why, .. }
                    if errors_as_records || writer.format() == Format::Xlsx =>
                {
                    writer.write_error(doc, why)
                }
                Event::ChunkDone if streaming => writer.flush(),
                _ => Ok(()),
            },
            Output::Journal {
                journal,
                format,
                buf,
                ..
            } => match event {
                Event::Records {
                    doc,
                    hash,
                    records,
                    meta,
                } => {
                    buf.clear();
                    output::encode(*format, records, buf)?;
                    journal.write(
                        doc,
                        hash.unwrap_or_default(),
                        buf,
                        records.len(),
                        false,
                        meta,
                    )
                }
                Event::Kept { entry, .. } => journal.keep(entry),
                Event::Failed { doc, hash, why } => {
                    buf.clear();
                    if errors_as_records {
                        output::encode_error(doc, why, buf)?;
                    }
                    journal.write(
                        doc,
                        hash.unwrap_or_default(),
                        buf,
                        0,
                        true,
                        &Default::default(),
                    )
                }
                Event::ChunkDone => journal.sync(),
            },
        }
    }

    /// Flush and close; a fresh file is renamed into place only if the run completed. Returns
    /// what the summary should add about the output.
    fn finish(self, interrupted: bool) -> std::io::Result<Vec<String>> {
        let mut note = Vec::new();
        match self {
            Output::Stream { writer, file } => {
                writer.finish()?;
                match file {
                    Some((f, path)) if !interrupted => f.commit(&path)?,
                    Some((_, path)) => note.push(format!(
                        "chiso: {} was not written (stopped before the end; --resume keeps partial progress)",
                        path.display()
                    )),
                    None => {}
                }
            }
            Output::Journal {
                mut journal,
                commit,
                path,
                previous,
                ..
            } => {
                match &previous {
                    Previous::None => {}
                    Previous::Changed(why) => note.push(format!(
                        "chiso: {why} since {} was written: every document was extracted again",
                        path.display()
                    )),
                    Previous::Found { documents, damaged } => note.push(format!(
                        "chiso: resumed {}: its metadata vouched for {documents} documents{}",
                        path.display(),
                        if *damaged {
                            " (an unfinished write after them was cut off)"
                        } else {
                            ""
                        }
                    )),
                }
                if interrupted {
                    journal.sync()?;
                    match commit {
                        None => note.push(format!(
                            "chiso: {} holds what was done; run the same command to continue",
                            path.display()
                        )),
                        Some(_) => note.push(format!(
                            "chiso: {} was not written (stopped before the end; --resume keeps partial progress)",
                            path.display()
                        )),
                    }
                    return Ok(note);
                }
                let dropped = journal.finish()?;
                if dropped > 0 {
                    note.push(format!(
                        "chiso: {dropped} documents of the previous output are no longer in the corpus: their records were removed"
                    ));
                }
                if let Some([(out, out_path), (meta, meta_path)]) = commit {
                    out.commit(&out_path)?;
                    meta.commit(&meta_path)?;
                }
            }
        }
        Ok(note)
    }
}

/// The width a table is fitted to: $COLUMNS, else the terminal's (when stdout is one and no
/// -o FILE is given), else 100.
fn table_width(to_file: bool) -> usize {
    if let Some(w) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
    {
        return w;
    }
    if !to_file {
        if let Some((terminal_size::Width(w), _)) =
            terminal_size::terminal_size_of(std::io::stdout())
        {
            return usize::from(w);
        }
    }
    output::DEFAULT_TABLE_WIDTH
}

/// What a workbook's Run sheet says about this run (no date: the same run, the same bytes),
/// and the catalogue for the indicators' labels.
fn workbook_info(args: &ExtractArgs, rs: &Ruleset) -> WorkbookInfo {
    if args.format != Format::Xlsx {
        return WorkbookInfo::default();
    }
    let mut run = vec![
        (
            "inputs".to_string(),
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("rules hash".to_string(), resume::rules_hash(rs)),
    ];
    if let Some(e) = args.encoding {
        run.push(("encoding".to_string(), e.name().to_string()));
    }
    if args.min_confidence > 0.0 {
        run.push((
            "min confidence".to_string(),
            args.min_confidence.to_string(),
        ));
    }
    WorkbookInfo {
        catalog: Some(rs.catalog.clone()),
        run,
    }
}

/// The progress bar's `{rate}`: whole documents per second ("45 documents/s").
fn with_rate(style: ProgressStyle) -> ProgressStyle {
    style.with_key(
        "rate",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{}", rate(state.per_sec()));
        },
    )
}

fn rate(per_sec: f64) -> String {
    format!("{:.0} documents/s", per_sec.max(0.0))
}

/// A confidence floor: a number from 0 to 1.
/// Seconds, as a budget: 0 means none.
fn parse_timeout(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        // Up to a year: beyond, a Duration is no longer what was meant.
        Ok(x) if (0.0..=3.2e7).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{s}` is not a number of seconds (e.g. 30, 2.5; 0 for no limit)"
        )),
    }
}

fn parse_confidence(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(x) => Err(format!("{x} is not between 0 and 1")),
        Err(_) => Err(format!(
            "`{s}` is not a number (a confidence from 0 to 1, e.g. 0.6)"
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_progress_rate_is_a_whole_number_of_documents() {
        assert_eq!(super::rate(44.8135), "45 documents/s");
        assert_eq!(super::rate(0.2), "0 documents/s");
    }
}
