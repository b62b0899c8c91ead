//! `chiso check`: what loading finds, plus what only running the rules shows — examples
//! that fail, rules without examples, and rules that always fire together.

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};
use crate::rule::Rule;
use crate::ruleset::Ruleset;

/// Problems found by running the loaded rules against their own examples.
pub fn lint(rs: &Ruleset) -> Diagnostics {
    let mut diags = Diagnostics::default();
    for rule in &rs.rules {
        for f in rule.check_examples() {
            diags.push(
                f.place
                    .diagnostic(&rule.origin.file, format!("rule `{}`: {f}", rule.id))
                    .with_hint("fix the pattern or the example; `chiso explain` on a file with the text shows why"),
            );
        }
        if rule.examples.is_empty() {
            diags.push(
                warning(
                    rule,
                    format!(
                        "rule `{}` has no examples, so nothing proves what it finds",
                        rule.id
                    ),
                )
                .with_hint("add examples = [{ text = \"…\", value = … }]"),
            );
        }
        if rule.negative_examples.is_empty() {
            diags.push(
                warning(rule, format!("rule `{}` has no negative examples", rule.id))
                    .with_hint("add negative_examples = [\"…\"]: a plan, a delta or a near miss it must not catch"),
            );
        }
    }
    for (i, a) in rs.rules.iter().enumerate() {
        for (j, b) in rs.rules.iter().enumerate().skip(i + 1) {
            if rs.rule_plugin[i] == rs.rule_plugin[j]
                && a.indicator == b.indicator
                && covers(a, b)
                && covers(b, a)
            {
                diags.push(
                    b.origin
                        .diagnostic(format!(
                            "rules `{}` and `{}` always fire on the same text: each finds all the other's examples",
                            a.id, b.id
                        ))
                        .with_hint(format!(
                            "merge them, or give one an example the other does not match ({} is at line {})",
                            a.id, a.origin.line
                        )),
                );
            }
        }
    }
    diags.extend(script_places(rs));
    diags
}

/// Place names a script sets as constants (`locality: #{ commune: "Nghĩa Hưng" }`): each must
/// be a unit the gazetteer knows, or `chiso check` fails, naming the file, line and column.
/// Names a script computes are checked when it runs (a warning, and the name is not used).
fn script_places(rs: &Ruleset) -> Diagnostics {
    static SET: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?P<level>province|district|commune)\s*:\s*"(?P<name>[^"\\]*)""#)
            .expect("place regex")
    });
    let mut diags = Diagnostics::default();
    let Some(g) = rs.gazetteer.as_deref() else {
        return diags;
    };
    for script in &rs.scripts {
        let Ok(source) = std::fs::read_to_string(&script.path) else {
            continue;
        };
        for c in SET.captures_iter(&source) {
            let name = &c["name"];
            let known = match &c["level"] {
                "province" => g.knows_province(name),
                "district" => g.knows_district(name),
                _ => g.knows_commune(name),
            };
            if !known {
                let at = c.name("name").map_or(0, |m| m.start());
                diags.push(
                    Diagnostic::error(
                        &script.path,
                        format!(
                            "script `{}` sets {} «{name}», which the gazetteer does not know",
                            script.id, &c["level"]
                        ),
                    )
                    .at_offset(&source, at)
                    .with_hint("write the unit as reports name it, without its type word (\"Lạng Giang\", \"Quận 1\"); rules/gazetteer/ lists them"),
                );
            }
        }
    }
    diags
}

fn warning(rule: &Rule, message: String) -> Diagnostic {
    let mut d = rule.origin.diagnostic(message);
    d.severity = Severity::Warning;
    d
}

/// Whether `a` finds, with the same value, every positive example of `b`.
fn covers(a: &Rule, b: &Rule) -> bool {
    !b.examples.is_empty()
        && b.examples.iter().all(|ex| {
            a.find_in_text(&ex.text).iter().any(|c| {
                (c.value - ex.value).abs() < 1e-9 && ex.total.is_none_or(|t| c.total == Some(t))
            })
        })
}
