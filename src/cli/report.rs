//! `chiso report`: records from a run, plus the documents, into one self-contained HTML page.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use chiso::engine::{self, Input, RunOptions};
use chiso::output::AtomicFile;
use chiso::report::Report;
use chiso::ruleset::Ruleset;

use super::{ExitStatus, RuleArgs};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Records written by `chiso extract` as JSONL (`-` for standard input); error records
    /// (`--errors-as-records`) are listed as failed documents.
    #[arg(value_name = "RECORDS")]
    pub records: PathBuf,
    /// The documents the records came from (files, folders or JSONL corpora, as given to
    /// `extract`), read again to show each figure inside its paragraph.
    #[arg(value_name = "DOCS")]
    pub docs: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// The report's title (default: the records file's name).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// JSONL corpora: the field holding each document's id (as given to `extract`).
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id_field: String,
    /// JSONL corpora: the field holding each document's text (as given to `extract`).
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub text_field: String,
    #[command(flatten)]
    pub rules: RuleArgs,
}

pub fn run(args: ReportArgs) -> ExitStatus {
    let Some(rs) = args.rules.load(true) else {
        return ExitStatus::Error;
    };
    let name = args.records.display().to_string();
    let title = args.title.clone().unwrap_or_else(|| {
        args.records
            .file_name()
            .map_or(name.clone(), |n| n.to_string_lossy().into_owned())
    });
    let mut report = Report::new(title);
    let reader: Box<dyn BufRead> = if name == "-" {
        Box::new(BufReader::new(std::io::stdin()))
    } else {
        match std::fs::File::open(&args.records) {
            Ok(f) => Box::new(BufReader::new(f)),
            Err(e) => {
                eprintln!("chiso: cannot read {name}: {e}");
                return ExitStatus::Error;
            }
        }
    };
    let mut bad = 0;
    for (n, line) in reader.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("chiso: {name}:{}: cannot read: {e}", n + 1);
                return ExitStatus::Error;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        if let Err(why) = report.add_json_line(&line) {
            bad += 1;
            eprintln!("chiso: {name}:{}: {why}", n + 1);
        }
    }
    report.setting("records", &name);
    if let Some(header) = meta_header(&args.records) {
        report.setting("run (from its .meta.jsonl)", header);
    }
    report.setting(
        "documents",
        args.docs
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(" "),
    );
    let (inputs, skipped) = engine::collect_inputs(&args.docs);
    for (doc, why) in skipped {
        report.skipped(doc, why);
    }
    let opts = RunOptions {
        id_field: args.id_field.clone(),
        text_field: args.text_field.clone(),
        ..RunOptions::default()
    };
    let status = save(&mut report, &rs, &inputs, &opts, &args.output, false);
    if bad > 0 {
        eprintln!("chiso: {bad} lines of {name} are not records and were left out");
        return ExitStatus::Failure;
    }
    status
}

/// The first line of RECORDS.meta.jsonl (chiso's version, rules hash, settings), if any.
fn meta_header(records: &Path) -> Option<String> {
    let meta = chiso::resume::meta_path(records);
    let file = std::fs::File::open(meta).ok()?;
    let first = BufReader::new(file).lines().next()?.ok()?;
    first.contains("chiso_meta").then_some(first)
}

/// Read the documents again for the paragraphs, then write the page atomically; says on
/// stderr (unless `quiet`) what was written and how many documents' paragraphs could not be
/// shown. Failing to write is always said.
pub(super) fn save(
    report: &mut Report,
    rs: &Ruleset,
    inputs: &[Input],
    opts: &RunOptions,
    path: &Path,
    quiet: bool,
) -> ExitStatus {
    report.setting("rules", rs.describe());
    let wanted: HashSet<String> = report.documents().map(str::to_string).collect();
    engine::reread(inputs, opts, &|id| wanted.contains(id), &mut |doc| {
        report.attach(&doc)
    });
    let written = AtomicFile::create(path).and_then(|mut file| {
        let mut w = std::io::BufWriter::new(file.writer());
        report.write_html(&rs.catalog, &mut w)?;
        w.flush()?;
        drop(w);
        file.commit(path)
    });
    if let Err(e) = written {
        eprintln!("chiso: cannot write the report {}: {e}", path.display());
        return ExitStatus::Error;
    }
    let without = report.without_text();
    if quiet {
        return ExitStatus::Success;
    }
    eprintln!(
        "chiso: report written to {} ({} figures{})",
        path.display(),
        report.figures(),
        if without.is_empty() {
            String::new()
        } else {
            format!(
                "; {} documents' paragraphs not shown: not given, unreadable or changed",
                without.len()
            )
        }
    );
    ExitStatus::Success
}
