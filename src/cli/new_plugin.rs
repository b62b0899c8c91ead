//! `chiso new-plugin`: scaffold a plugin folder that passes `check` and `test` as generated.

use std::path::PathBuf;

use clap::Args;

use chiso::ruleset::{LoadOptions, Ruleset};

use super::{ExitStatus, RuleArgs};

#[derive(Debug, Args)]
pub struct NewPluginArgs {
    /// The plugin's name: lower-case letters, digits and '-' (e.g. ha-giang); or a path
    /// (`/some/path/ha-giang`), as `cargo new PATH`: the name is its last component.
    #[arg(value_name = "NAME|PATH")]
    pub name: String,
    /// The province its documents are about, as reports write it (e.g. "Hà Giang").
    #[arg(long, value_name = "NAME")]
    pub province: Option<String>,
    /// Where to create it (default: PATH when a path is given; else plugins/NAME when a
    /// plugins/ folder is here, else ./NAME).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

pub fn run(mut args: NewPluginArgs) -> ExitStatus {
    let given = PathBuf::from(&args.name);
    let is_path = given.components().count() > 1 || given.is_absolute();
    if is_path {
        let Some(name) = given.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            eprintln!("chiso: {}: a plugin path must end in its name", args.name);
            return ExitStatus::Error;
        };
        if args.dir.is_some() {
            eprintln!("chiso: give the plugin as a PATH or as NAME --dir DIR, not both");
            return ExitStatus::Error;
        }
        args.name = name;
    }
    let dir = match (&args.dir, is_path) {
        (Some(d), _) => d.clone(),
        (None, true) => given,
        // In the project (or any folder with plugins/), beside the others; elsewhere in a
        // folder of its own, so that no plugins/ folder appears to hide the bundled ones.
        (None, false) if std::path::Path::new("plugins").is_dir() => {
            PathBuf::from("plugins").join(&args.name)
        }
        (None, false) => PathBuf::from(&args.name),
    };
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
