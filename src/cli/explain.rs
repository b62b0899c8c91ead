//! `chiso explain`: what happened inside one document, and why a rule did or did not fire.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use chiso::document::Document;

use super::{ExitStatus, RuleArgs};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The document to explain.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Also tell the story of this rule: why it fired, or why not.
    #[arg(long, value_name = "ID")]
    pub rule: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    #[command(flatten)]
    pub rules: RuleArgs,
}

pub fn run(args: ExplainArgs) -> ExitStatus {
    let Some(rs) = args.rules.load(true) else {
        return ExitStatus::Error;
    };
    let id = args.file.file_name().map_or_else(
        || args.file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let doc = match Document::read(&args.file, id) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("chiso: {}: {e}", args.file.display());
            return ExitStatus::Failure;
        }
    };
    let explanation = match chiso::explain::explain(&rs, &doc, args.rule.as_deref()) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("chiso: {e}");
            return ExitStatus::Error;
        }
    };
    match args.format {
        ExplainFormat::Json => match serde_json::to_string_pretty(&explanation) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("chiso: {e}");
                return ExitStatus::Error;
            }
        },
        ExplainFormat::Text => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            print!("{}", chiso::explain::render(&explanation, color));
        }
    }
    if explanation.error.is_some() {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
