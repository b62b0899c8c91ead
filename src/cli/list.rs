//! `chiso indicators` and `chiso plugins`: what is loaded.

use super::{ExitStatus, RuleArgs};

pub fn indicators(args: RuleArgs) -> ExitStatus {
    let Some(rs) = args.load(true) else {
        return ExitStatus::Error;
    };
    let width = rs.catalog.ids().map(str::len).max().unwrap_or(0);
    for ind in rs.catalog.iter() {
        let total = if ind.total { " (+total)" } else { "" };
        println!(
            "{:width$}  {:5}  {:12}  {}{total}",
            ind.id,
            ind.kind.as_str(),
            ind.unit,
            ind.label
        );
    }
    ExitStatus::Success
}

pub fn plugins(args: RuleArgs) -> ExitStatus {
    let Some(rs) = args.load(true) else {
        return ExitStatus::Error;
    };
    for (i, p) in rs.plugins.iter().enumerate() {
        let rules = rs.rule_count_of(i);
        println!(
            "{} {}  priority {}  {} rules, {} scripts  {}\n    {}",
            p.name,
            p.version,
            p.priority,
            rules,
            p.scripts.len(),
            p.dir.display(),
            p.description
        );
    }
    ExitStatus::Success
}

pub fn lexicon(args: RuleArgs) -> ExitStatus {
    let Some(rs) = args.load(true) else {
        return ExitStatus::Error;
    };
    for e in rs.lexicon.entries() {
        let parse = format!("{:?}", e.parse).to_lowercase();
        println!("%{{{}}}  ({parse})  {}", e.name, e.doc);
        for (alias, plugin) in &e.aliases {
            println!("    + {alias:?} from plugin {plugin}");
        }
    }
    ExitStatus::Success
}
