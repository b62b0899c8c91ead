//! Where rules and plugins are found: `--rules`/`--plugins` options, the `CHISO_RULES` and
//! `CHISO_PLUGIN_PATH` environment variables, and `rules/`, `plugins/` in the working
//! directory or beside the binary (or a folder above it, as in `target/release/`).

use std::path::{Path, PathBuf};

/// The folder holding `indicators.toml`, `lexicon.toml` and the core pack.
pub fn rules_dir(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(dir) = explicit {
        return if dir.join("indicators.toml").is_file() {
            Ok(dir.to_path_buf())
        } else {
            Err(format!(
                "{} has no indicators.toml: not a chiso rules folder",
                dir.display()
            ))
        };
    }
    if let Some(dir) = std::env::var_os("CHISO_RULES") {
        return rules_dir(Some(Path::new(&dir)));
    }
    let (here, beside) = default_places("rules");
    let tried: Vec<PathBuf> = here.into_iter().chain(beside).collect();
    tried
        .iter()
        .find(|d| d.join("indicators.toml").is_file())
        .cloned()
        .ok_or_else(|| {
            let list: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
            format!(
                "cannot find the rules folder (looked in {}); pass --rules DIR or set CHISO_RULES",
                list.join(", ")
            )
        })
}

/// Plugin folders, in precedence order: explicit ones, then `CHISO_PLUGIN_PATH`, then the
/// default `plugins/`. Each root is a plugin (has `plugin.toml`) or a folder of plugins.
pub fn plugin_dirs(explicit: &[PathBuf], use_defaults: bool) -> (Vec<PathBuf>, Vec<String>) {
    let mut roots: Vec<PathBuf> = explicit.to_vec();
    if let Some(path) = std::env::var_os("CHISO_PLUGIN_PATH") {
        roots.extend(std::env::split_paths(&path).filter(|p| !p.as_os_str().is_empty()));
    }
    let mut problems = Vec::new();
    if use_defaults {
        // `plugins/` in the working directory, then the bundled set beside the binary: a
        // folder of one's own adds to the bundled plugins, it does not hide them.
        let (here, bundled) = default_places("plugins");
        roots.extend(here.into_iter().filter(|d| d.is_dir()));
        match bundled.into_iter().find(|d| d.is_dir()) {
            Some(d) => roots.push(d),
            None if std::env::var_os("CHISO_PLUGIN_PATH").is_none() => problems.push(
                "the bundled plugins were not found (no plugins/ beside the chiso binary or in \
                 a folder above it): only the plugins listed in the summary are used; set \
                 CHISO_PLUGIN_PATH or pass --plugins DIR"
                    .to_string(),
            ),
            None => {}
        }
    }
    let mut dirs = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // The same plugin reached twice (`--plugins plugins/x` and `plugins/`) is loaded once.
    let mut push = |dirs: &mut Vec<PathBuf>, dir: PathBuf| {
        if seen.insert(dir.canonicalize().unwrap_or_else(|_| dir.clone())) {
            dirs.push(dir);
        }
    };
    let mut roots_seen = std::collections::BTreeSet::new();
    for root in roots {
        let key = root.canonicalize().unwrap_or_else(|_| root.clone());
        if !roots_seen.insert(key) {
            continue;
        }
        if root.join("plugin.toml").is_file() {
            push(&mut dirs, root);
            continue;
        }
        match std::fs::read_dir(&root) {
            Ok(entries) => {
                let mut subs: Vec<PathBuf> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .filter(|p| {
                        !p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                    })
                    .collect();
                subs.sort();
                for sub in subs {
                    if sub.join("plugin.toml").is_file() {
                        push(&mut dirs, sub);
                    } else {
                        problems.push(format!(
                            "{}: no plugin.toml, not a plugin (ignored)",
                            sub.display()
                        ));
                    }
                }
            }
            Err(e) => problems.push(format!(
                "{}: cannot read plugin folder: {e}",
                root.display()
            )),
        }
    }
    (dirs, problems)
}

/// `name` in the working directory; and beside the binary or in a folder above it.
fn default_places(name: &str) -> (Option<PathBuf>, Vec<PathBuf>) {
    let here = std::env::current_dir().ok().map(|cwd| cwd.join(name));
    let mut beside = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        let exe = exe.canonicalize().unwrap_or(exe);
        for dir in exe.ancestors().skip(1).take(4) {
            beside.push(dir.join(name));
        }
    }
    (here, beside)
}
