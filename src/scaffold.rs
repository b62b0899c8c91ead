//! `chiso new-plugin`: a plugin folder that works as generated — a commented plugin.toml, one
//! reading, one rule with examples, one script, a phrasebook, one fixture with its
//! expectations — for an analyst to change step by step.

use std::path::{Path, PathBuf};

/// Files written for a new plugin, relative to its folder.
pub fn scaffold(dir: &Path, name: &str, province: Option<&str>) -> Result<Vec<PathBuf>, String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!(
            "plugin name {name:?} must be lower-case letters, digits and '-' (e.g. ha-giang)"
        ));
    }
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(format!("{} already exists and is not empty", dir.display()));
    }
    let dateline = province.map_or_else(|| name.to_uppercase(), |p| p.to_uppercase());
    let (applies, locality) = match province {
        Some(p) => (
            format!("text = [\"{dateline} –\", \"{dateline} -\", \"tỉnh {p}\", \"Tỉnh ủy {p}\"]\n# districts = true          # also apply when one of its districts is named (\"huyện X\")"),
            format!("province = \"{p}\"\n# districts = [\"…\", \"…\"]   # only if the gazetteer lacks some: it knows every province's districts"),
        ),
        None => (
            format!("text = [\"{dateline} –\"]     # replace with your outlet's dateline or name"),
            "# province = \"…\"\n# districts = [\"…\"]".to_string(),
        ),
    };
    let plugin_toml = format!(
        r#"# Plugin `{name}`: teaches chiso one province's or one outlet's report style.
# Check it with `chiso check --plugins <folder>` and test it with `chiso test --plugins <folder>`.
name = "{name}"
version = "0.1.0"
description = "TODO: which documents this plugin is for"
# Higher priority wins conflicts and gives documents their default locality
# (generic = 10, province plugins = 50).
priority = 50
# Reading or rule ids to switch off for documents this plugin applies to
# (`chiso explain` names the one behind each figure):
# disable = ["reading.petitions_received.sent"]

# When the plugin applies to a document: any one condition is enough.
[applies]
{applies}
# title = ["…"]                 # phrases in the first line
# path = ["…"]                  # substrings of the document's path
# min_mentions = 1

# The locality of figures in documents this plugin applies to.
[locality]
{locality}

# Extra spellings for lexicon word entries (`chiso lexicon` lists them).
[aliases]
# PARTY_MEMBER = ["Đ.viên"]

# Scripts for what a flat pattern cannot say (see README, "Scripts").
[[script]]
path = "scripts/example.rhai"
triggers = ["so với"]
description = "example: figures cited for comparison ('so với năm 2022, khi …') are not this document's result"
"#
    );
    let rule_toml = format!(
        r#"# Rules of plugin `{name}`. Each rule proves itself with examples (`chiso test`).

[[rule]]
id = "{name}.new_party_members.bo_sung"
indicator = "new_party_members"
description = "members added: 'bổ sung N đảng viên mới'"
# %{{QNUM:value}} is a number with its qualifier ("trên 12.000", "hơn một nghìn"): never write
# a regex for a number. `chiso lexicon` lists the placeholders.
pattern = 'bổ sung\s+%{{QNUM:value}}\s+%{{PARTY_MEMBER}}\s+mới'
# The rule is only tried in sentences holding one of these words.
triggers = ["bổ sung"]
# A plan is not a result: "phấn đấu bổ sung 50 đảng viên mới".
reject_before = ["@plan"]
examples = [
  {{ text = "Năm 2023, toàn huyện bổ sung 84 đảng viên mới cho các chi bộ.", value = 84 }},
  {{ text = "bổ sung hơn 1.200 đảng viên mới", value = 1200, qualifier = "at_least" }},
]
negative_examples = ["Phấn đấu bổ sung 50 đảng viên mới trong năm tới."]
"#
    );
    let readings_toml = format!(
        r#"#:schema ../../rules/schema/readings.schema.json
# Readings of plugin `{name}`: words that make a number a figure, for this plugin's documents.
# They add to rules/readings.toml (see README, "How chiso reads a number"). A reading of a
# plugin counts only in documents the plugin applies to.

[[reading]]
indicator = "new_party_members"
id = "{name}.new_party_members.hang_ngu"
description = "admitted, said as joining the ranks: '37 thanh niên được đứng trong hàng ngũ Đảng'"
# The noun right after the number: these, or any word of the core list @new_members.
nouns = ["thanh niên", "@new_members"]
# Every group must be found; "after:" looks after the number, in its own stretch of the sentence.
cues = ["after: đứng trong hàng ngũ Đảng | đứng trong hàng ngũ của Đảng"]
# One found means it is not this figure.
blockers = ["near: dự kiến | đối tượng"]
"#
    );
    let phrasebook = format!(
        r#"# Phrasebook of plugin `{name}`: sentences of your own, each with the figures it must give.
# `chiso test` runs every entry. Format: rules/phrasebook/README.md. Each entry is a document
# of its own: the plugin's readings count in it only if the plugin applies (the dateline).

{dateline} – Năm 2023, toàn huyện có 37 thanh niên được đứng trong hàng ngũ Đảng.
=> new_party_members 37

{dateline} – Dự kiến năm tới có 40 thanh niên được đứng trong hàng ngũ Đảng.
=> nothing
"#
    );
    let script = r#"// Example review script: a figure cited for comparison ("so với năm 2022, khi huyện bổ sung
// 60 đảng viên mới") is another period's result, not this document's: drop it.
// `candidates` are maps with indicator, value, start, end, quote, rule…; return the ones to
// keep (you may also change their fields, e.g. c.qualifier = "approx").

fn review(doc, candidates) {
    let comparisons = [];
    for s in doc.sentences {
        if s.text.to_lower().contains("so với") {
            comparisons.push(s);
        }
    }
    candidates.filter(|c| !comparisons.some(|s| c.start >= s.start && c.end <= s.end))
}
"#;
    let fixture = format!(
        "{dateline} – Năm 2023, toàn huyện bổ sung 84 đảng viên mới cho các chi bộ thôn, bản.\n\
         Con số này cao hơn so với năm 2022, khi huyện bổ sung 60 đảng viên mới.\n\
         Trong 6 tháng đầu năm 2024, 21 thanh niên của huyện được đứng trong hàng ngũ Đảng.\n"
    );
    let files: Vec<(PathBuf, String)> = vec![
        (PathBuf::from("plugin.toml"), plugin_toml),
        (PathBuf::from("readings.toml"), readings_toml),
        (PathBuf::from("rules/rules.toml"), rule_toml),
        (PathBuf::from("scripts/example.rhai"), script.to_string()),
        (
            PathBuf::from("phrasebook/{name}.txt".replace("{name}", name)),
            phrasebook,
        ),
        (PathBuf::from("tests/example.txt"), fixture),
    ];
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
