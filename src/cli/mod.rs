//! The command line: one file per subcommand; each returns an [`ExitStatus`].

mod check;
mod eval;
mod explain;
mod extract;
mod list;
mod new_plugin;
mod report;
mod test;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use chiso::ruleset::{LoadOptions, Ruleset};

/// How a run ended (documented in the README and `chiso --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the run completed and every document was read.
    Success = 0,
    /// 1: the run completed, but some documents failed (listed in the summary).
    Failure = 1,
    /// 2: usage error, or the rules/plugins have errors; nothing was extracted.
    Error = 2,
    /// 130: stopped by Ctrl-C (with `--resume`, what was done is kept for the next run).
    Interrupted = 130,
}

const AFTER_HELP: &str = "\
Exit codes: 0 the run completed; 1 some documents failed (see the summary on stderr);
2 usage error or broken rules/plugins (nothing was extracted); 130 stopped by Ctrl-C.

Rules are found in --rules DIR, $CHISO_RULES, or rules/ in the working directory or beside
the binary. Plugins in every --plugins DIR, $CHISO_PLUGIN_PATH, and plugins/ likewise.";

#[derive(Debug, Parser)]
#[command(name = "chiso", version, about = "Indicators from Vietnamese Party-building reports and news", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract figures from documents (files, folders, or - for stdin) as records.
    Extract(extract::ExtractArgs),
    /// Check the catalogue, lexicon, rules, plugins and scripts: every problem, with file:line:column.
    Check(RuleArgs),
    /// Run every rule's examples and every plugin's fixtures.
    Test(test::TestArgs),
    /// Explain one document: plugins applied, rules fired, what was dropped and why.
    Explain(explain::ExplainArgs),
    /// Create a new plugin folder that passes `check` and `test` as generated.
    NewPlugin(new_plugin::NewPluginArgs),
    /// Write one self-contained HTML page to check figures by eye: pivot, charts, evidence.
    Report(report::ReportArgs),
    /// Score extracted records against a gold file: precision and recall.
    Eval(eval::EvalArgs),
    /// List the indicator catalogue.
    Indicators(RuleArgs),
    /// List the plugins found, with their rules and scripts.
    Plugins(RuleArgs),
    /// List the lexicon: the %{NAME} placeholders rule patterns can use.
    Lexicon(RuleArgs),
}

/// Where rules and plugins come from; shared by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct RuleArgs {
    /// The rules folder (indicators.toml, lexicon.toml, core/).
    #[arg(long, value_name = "DIR", env = "CHISO_RULES")]
    pub rules: Option<PathBuf>,
    /// A plugin folder, or a folder of plugins; may be repeated. Searched before the defaults.
    #[arg(long = "plugins", value_name = "DIR")]
    pub plugins: Vec<PathBuf>,
    /// Use only --plugins folders: not $CHISO_PLUGIN_PATH nor the default plugins/.
    #[arg(long)]
    pub no_default_plugins: bool,
}

impl RuleArgs {
    /// Load the ruleset, printing every problem on stderr; `None` when there are errors.
    pub fn load(&self, quiet: bool) -> Option<Ruleset> {
        let opts = LoadOptions {
            rules_dir: self.rules.clone(),
            plugin_dirs: self.plugins.clone(),
            no_default_plugins: self.no_default_plugins,
        };
        match Ruleset::load(&opts) {
            Ok(rs) => {
                if !quiet {
                    for w in rs.warnings.0.iter() {
                        eprintln!("{w}");
                    }
                }
                Some(rs)
            }
            Err(diags) => {
                eprint!("{diags}");
                let n = diags.errors().count();
                eprintln!(
                    "chiso: {n} error{} in rules or plugins; nothing was extracted",
                    if n == 1 { "" } else { "s" }
                );
                None
            }
        }
    }
}

pub fn run(cli: Cli) -> ExitStatus {
    match cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Report(args) => report::run(args),
        Command::Check(args) => check::run(args),
        Command::Test(args) => test::run(args),
        Command::Explain(args) => explain::run(args),
        Command::NewPlugin(args) => new_plugin::run(args),
        Command::Indicators(args) => list::indicators(args),
        Command::Plugins(args) => list::plugins(args),
        Command::Lexicon(args) => list::lexicon(args),
    }
}

/// Writing to a closed pipe (`chiso … | head`) is a normal end, not an error.
pub fn is_broken_pipe(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::BrokenPipe
}
