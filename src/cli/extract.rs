//! `chiso extract`: documents in, records out, a summary on stderr.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use chiso::document::{ReadOptions, MAX_DOCUMENT_BYTES};
use chiso::encoding::Encoding;
use chiso::engine::{self, Event, Input, RunOptions};
use chiso::output::{AtomicFile, Format, RecordWriter};

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
    /// Write documents that fail as records `{"doc": …, "error": …}` (JSONL), and exit 0.
    #[arg(long)]
    pub errors_as_records: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Write to FILE (atomically: a crash never leaves half a file) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
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
    /// JSONL corpora: the field holding each document's id.
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id_field: String,
    /// JSONL corpora: the field holding each document's text.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub text_field: String,
    /// No progress bar and no summary on stderr (errors are still printed).
    #[arg(long, short = 'q')]
    pub quiet: bool,
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
    let Some(rs) = args.rules.load(args.quiet) else {
        return ExitStatus::Error;
    };
    let (inputs, skipped) = if args.stdin_jsonl {
        (vec![Input::StdinJsonl], Vec::new())
    } else {
        engine::collect_inputs(&args.paths)
    };
    let errors_as_records = args.errors_as_records || args.stdin_jsonl;
    if errors_as_records && args.format != Format::Jsonl {
        eprintln!("chiso: --errors-as-records needs --format jsonl");
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
            ProgressStyle::with_template("{spinner} {pos} documents  {per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    } else {
        let b =
            ProgressBar::with_draw_target(Some(inputs.len() as u64), ProgressDrawTarget::stderr());
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} documents  {per_sec}  eta {eta}")
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
    };
    let streaming = args.stdin_jsonl;
    let progress = |done: usize| bar.set_position(done as u64);

    // The records go to a file written atomically, or to stdout; either way one writer.
    let file = match &args.output {
        Some(path) => match AtomicFile::create(path).and_then(|f| f.handle().map(|h| (f, h))) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("chiso: cannot write {}: {e}", path.display());
                return ExitStatus::Error;
            }
        },
        None => None,
    };
    let (file, out): (Option<AtomicFile>, Box<dyn Write>) = match file {
        Some((f, handle)) => (Some(f), Box::new(std::io::BufWriter::new(handle))),
        None => (
            None,
            Box::new(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout().lock(),
            )),
        ),
    };
    let mut w = RecordWriter::new(args.format, out, args.bom);
    let summary = engine::run(
        &rs,
        &inputs,
        &opts,
        &mut |e| handle(&mut w, e, errors_as_records, streaming),
        &progress,
    );
    let result =
        summary
            .and_then(|s| w.finish().map(|_| s))
            .and_then(|s| match (file, &args.output) {
                (Some(f), Some(path)) => f.commit(path).map(|_| s),
                _ => Ok(s),
            });
    bar.finish_and_clear();
    let mut summary = match result {
        Ok(s) => s,
        Err(e) if is_broken_pipe(&e) => return ExitStatus::Success,
        Err(e) => {
            eprintln!("chiso: cannot write the output: {e}");
            return ExitStatus::Error;
        }
    };
    summary.skipped.extend(skipped);
    if !args.quiet {
        let _ = std::io::stderr().write_all(summary.render().as_bytes());
    } else if !summary.failed.is_empty() {
        for (id, why) in &summary.failed {
            eprintln!("chiso: {id}: {why}");
        }
    }
    if summary.failed.is_empty() || errors_as_records {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}

/// One event of the run, written out.
fn handle<W: Write>(
    w: &mut RecordWriter<W>,
    event: Event,
    errors_as_records: bool,
    streaming: bool,
) -> std::io::Result<()> {
    match event {
        Event::Records(r) => w.write(r),
        Event::Failed(doc, why) if errors_as_records => w.write_error(doc, why),
        Event::Failed(..) => Ok(()),
        Event::ChunkDone if streaming => w.flush(),
        Event::ChunkDone => Ok(()),
    }
}
