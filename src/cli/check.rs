//! `chiso check`: every problem of the catalogue, lexicon, rules, plugins and scripts at once.

use super::{ExitStatus, RuleArgs};
use chiso::ruleset::{LoadOptions, Ruleset};

pub fn run(args: RuleArgs) -> ExitStatus {
    let opts = LoadOptions {
        rules_dir: args.rules.clone(),
        plugin_dirs: args.plugins.clone(),
        no_default_plugins: args.no_default_plugins,
    };
    let (rs, mut diags) = Ruleset::load_all(&opts);
    if let Some(rs) = &rs {
        diags.extend(chiso::check::lint(rs));
    }
    for d in &diags.0 {
        println!("{d}");
    }
    let errors = diags.errors().count();
    let warnings = diags.warnings().count();
    let loaded = rs.as_ref().map_or_else(
        || "the catalogue or lexicon did not load".to_string(),
        |rs| {
            format!(
                "{} readings, {} rules, {} plugins, {} scripts",
                rs.vocabulary.readings.len(),
                rs.rules.len(),
                rs.plugins.len(),
                rs.scripts.len()
            )
        },
    );
    println!(
        "chiso check: {errors} error{}, {warnings} warning{} ({loaded})",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    );
    if errors > 0 {
        ExitStatus::Error
    } else {
        ExitStatus::Success
    }
}
