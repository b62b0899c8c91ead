//! `chiso new-plugin`: scaffold a plugin folder that passes `check` and `test` as generated.

use std::path::PathBuf;

use clap::Args;

use chiso::ruleset::{LoadOptions, Ruleset};

use super::{ExitStatus, RuleArgs};

#[derive(Debug, Args)]
pub struct NewPluginArgs {
    /// The plugin's name: lower-case letters, digits and '-' (e.g. ha-giang).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The province its documents are about, as reports write it (e.g. "Hà Giang").
    #[arg(long, value_name = "NAME")]
    pub province: Option<String>,
    /// Where to create it (default: plugins/NAME).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

pub fn run(args: NewPluginArgs) -> ExitStatus {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("plugins").join(&args.name));
    let files = match chiso::scaffold::scaffold(&dir, &args.name, args.province.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("chiso: {e}");
            return ExitStatus::Error;
        }
    };
    // Write the fixture's expectations with the engine itself, so the plugin passes as generated.
    let mut plugin_dirs = vec![dir.clone()];
    plugin_dirs.extend(args.rules.plugins.iter().cloned());
    let opts = LoadOptions {
        rules_dir: args.rules.rules.clone(),
        plugin_dirs,
        no_default_plugins: args.rules.no_default_plugins,
    };
    let rs = match Ruleset::load(&opts) {
        Ok(rs) => rs,
        Err(d) => {
            eprint!("{d}");
            return ExitStatus::Error;
        }
    };
    for fx in chiso::fixtures::discover(&rs)
        .into_iter()
        .filter(|f| f.plugin == args.name)
    {
        if let Err(e) = chiso::fixtures::update(&rs, &fx) {
            eprintln!("chiso: {e}");
            return ExitStatus::Error;
        }
    }
    println!("created plugin `{}` in {}:", args.name, dir.display());
    for f in files {
        println!("  {}", dir.join(f).display());
    }
    println!("  {}", dir.join("tests/example.expected.jsonl").display());
    let d = dir.display();
    println!("\nnext:\n  chiso check --plugins {d}\n  chiso test --plugins {d}\n  chiso extract --plugins {d} {d}/tests/example.txt");
    ExitStatus::Success
}
