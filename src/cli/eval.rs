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
        &RunOptions::default(),
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
    print!("{}", chiso::eval::score(&gold, &records, &docs).render());
    if summary.failed.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    }
}
