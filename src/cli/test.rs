//! `chiso test`: every rule's examples, every plugin fixture and every phrasebook entry;
//! failures as expected-vs-got.

use clap::Args;

use chiso::{fixtures, phrasebook};

use super::{ExitStatus, RuleArgs};

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Only rules whose id contains this, fixtures whose plugin or file name contains it, and
    /// phrasebook entries whose file name, text or expected indicator contains it.
    #[arg(long, value_name = "ID")]
    pub filter: Option<String>,
    /// Rewrite the selected fixtures' expectations with what chiso yields now (review the diff!).
    #[arg(long)]
    pub update: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
}

pub fn run(args: TestArgs) -> ExitStatus {
    let Some(rs) = args.rules.load(true) else {
        return ExitStatus::Error;
    };
    let selected = |s: &str| args.filter.as_deref().is_none_or(|f| s.contains(f));
    let (mut passed, mut failed) = (0usize, 0usize);
    for rule in rs.rules.iter().filter(|r| selected(&r.id)) {
        let failures = rule.check_examples();
        let total = rule.examples.len() + rule.negative_examples.len();
        passed += total - failures.len();
        failed += failures.len();
        for f in failures {
            println!(
                "FAIL rule {}  {}:{}:{}",
                rule.id,
                rule.origin.file.display(),
                f.place.line,
                f.place.column
            );
            println!("     text:     {:?}", f.text);
            println!("     expected: {}", f.expected);
            println!("     got:      {}\n", f.got);
        }
    }
    for fx in fixtures::discover(&rs) {
        let name = fx.document.display().to_string();
        if !selected(&fx.plugin) && !selected(&name) {
            continue;
        }
        if args.update {
            match fixtures::update(&rs, &fx) {
                Ok(n) => println!(
                    "updated {} ({n} records): review it before committing",
                    fx.expected.display()
                ),
                Err(e) => {
                    failed += 1;
                    println!("FAIL fixture {name}: {e}\n");
                }
            }
            continue;
        }
        let outcome = fixtures::run(&rs, &fx);
        if outcome.passed() {
            passed += 1;
            continue;
        }
        failed += 1;
        println!("FAIL fixture {name}  (plugin {})", fx.plugin);
        if let Some(e) = &outcome.error {
            println!("     {e}");
        }
        for m in &outcome.missing {
            println!("     expected, not found: {m}");
        }
        for u in &outcome.unexpected {
            println!("     found, not expected: {u}");
        }
        println!(
            "     (if the new output is right: chiso test --update --filter {})\n",
            fx.plugin
        );
    }
    for file in phrasebook::files(&rs) {
        let source = match std::fs::read_to_string(&file) {
            Ok(s) => s,
            Err(e) => {
                failed += 1;
                println!("FAIL phrasebook {}: {e}\n", file.display());
                continue;
            }
        };
        let entries = match phrasebook::parse(&file, &source) {
            Ok(e) => e,
            Err(diags) => {
                failed += diags.errors().count();
                for d in diags.errors() {
                    println!("FAIL phrasebook {d}\n");
                }
                continue;
            }
        };
        let name = file.display().to_string();
        for entry in entries.iter().filter(|e| {
            selected(&name) || selected(&e.text) || e.expect.iter().any(|x| selected(&x.indicator))
        }) {
            match phrasebook::check(&rs, entry) {
                None => passed += 1,
                Some(f) => {
                    failed += 1;
                    println!("FAIL phrasebook {}:{}", name, entry.line);
                    for line in entry.text.lines() {
                        println!("     text:     {line}");
                    }
                    if let Some(e) = &f.error {
                        println!("     error:    {e}");
                    }
                    for m in &f.missing {
                        println!("     expected, not found: {m}");
                    }
                    for u in &f.unexpected {
                        println!("     found, not expected: {u}");
                    }
                    println!();
                }
            }
        }
    }
    println!("result: {passed} passed, {failed} failed");
    if failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
