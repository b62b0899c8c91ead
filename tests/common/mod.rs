//! Shared helpers for the integration tests.
#![allow(dead_code)]

pub mod makers;

use std::path::{Path, PathBuf};
use std::process::Command;

use chiso::ruleset::{LoadOptions, Ruleset};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled rules and plugins, nothing from the environment.
pub fn bundled() -> Ruleset {
    Ruleset::load(&LoadOptions {
        rules_dir: Some(root().join("rules")),
        plugin_dirs: vec![root().join("plugins")],
        no_default_plugins: true,
    })
    .unwrap_or_else(|d| panic!("bundled rules do not load:\n{d}"))
}

/// The binary under test, run from the project folder with a clean environment.
pub fn chiso() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_chiso"));
    cmd.current_dir(root())
        .env_remove("CHISO_PLUGIN_PATH")
        .env_remove("CHISO_RULES")
        .env("NO_COLOR", "1");
    cmd
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Filters for CLI snapshots: temporary paths and timings vary between runs.
pub fn filters() -> Vec<(String, String)> {
    vec![
        (
            r"in \d+\.\d+ s \(\d+\.\d+ MB/s\)".into(),
            "in [TIME]".into(),
        ),
        (
            r"(?:/private)?/(?:tmp|var/folders/[^ ]+?)/\.tmp[A-Za-z0-9]+".into(),
            "[TMP]".into(),
        ),
        // The summary says where the rules and plugins were loaded from (a canonical path).
        (
            regex::escape(&root().canonicalize().unwrap().display().to_string()),
            "[ROOT]".into(),
        ),
        (
            regex::escape(&root().display().to_string()),
            "[ROOT]".into(),
        ),
    ]
}

/// The bundled sample documents: (file name, text), sorted.
pub fn samples() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(root().join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}
