//! `chiso eval`: extract, then score against a gold file.

use std::path::PathBuf;

use clap::Args;

use chiso::engine::{self, RunOptions};

use super::{ExitStatus, RuleArgs};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Gold records (JSON Lines with doc, indicator, value, total, …).
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,
    /// The documents the gold file describes.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Exit 1 when F1 is below this (a quality floor for CI).
    #[arg(long, value_name = "X")]
    pub min_f1: Option<f64>,
    /// Exit 1 when precision is below this.
    #[arg(long, value_name = "X")]
    pub min_precision: Option<f64>,
    /// Exit 1 when recall is below this.
    #[arg(long, value_name = "X")]
    pub min_recall: Option<f64>,
    /// Exit 1 when the share of matched figures whose locality agrees with the gold is below this.
    #[arg(long, value_name = "X")]
    pub min_locality: Option<f64>,
    /// Exit 1 when the share of matched figures whose period agrees with the gold is below this.
    #[arg(long, value_name = "X")]
    pub min_period: Option<f64>,
    /// Score only records with at least this confidence (as `extract --min-confidence`).
    #[arg(long, value_name = "X", default_value_t = 0.0)]
    pub min_confidence: f64,
    #[command(flatten)]
    pub rules: RuleArgs,
}

pub fn run(args: EvalArgs) -> ExitStatus {
    let Some(rs) = args.rules.load(true) else {
        return ExitStatus::Error;
    };
    let gold = match chiso::eval::load_gold(&args.gold) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("chiso: {e}");
            return ExitStatus::Error;
        }
    };
    let (inputs, _) = engine::collect_inputs(&args.paths);
    let mut records = Vec::new();
    let summary = engine::run(
        &rs,
        &inputs,
        &RunOptions {
            min_confidence: args.min_confidence,
            ..RunOptions::default()
        },
        &mut |e| {
            if let engine::Event::Records { records: r, .. } = e {
                records.extend_from_slice(r);
            }
            Ok(())
        },
        &|_| {},
    );
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            eprintln!("chiso: {e}");
            return ExitStatus::Error;
        }
    };
    let docs: Vec<String> = inputs.iter().map(|i| i.id().to_string()).collect();
    let score = chiso::eval::score(&gold, &records, &docs);
    print!("{}", score.render());
    for (doc, why) in &summary.failed {
        eprintln!("chiso: {doc}: {why}");
    }
    let mut below = Vec::new();
    for (name, floor, got) in [
        ("F1", args.min_f1, score.f1()),
        ("precision", args.min_precision, score.precision()),
        ("recall", args.min_recall, score.recall()),
        (
            "locality agreement",
            args.min_locality,
            score.locality_agreement(),
        ),
        (
            "period agreement",
            args.min_period,
            score.period_agreement(),
        ),
    ] {
        if let Some(floor) = floor.filter(|f| got < *f) {
            below.push(format!("{name} {got:.3} is below the floor {floor}"));
        }
    }
    for b in &below {
        eprintln!("chiso eval: {b}");
    }
    if summary.failed.is_empty() && below.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}
