//! What a new user hit, each pinned by a test (issue 11's list).

mod common;

use common::{chiso, root};

#[cfg(unix)]
#[test]
fn output_files_get_the_usual_permissions_with_or_without_resume() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // What this process's umask gives any new file.
    let plain = dir.path().join("plain");
    std::fs::File::create(&plain).unwrap();
    let usual = mode(&plain);
    for (name, extra) in [("fresh.jsonl", None), ("resumed.jsonl", Some("--resume"))] {
        let out = dir.path().join(name);
        let status = chiso()
            .args(["extract", "-q", "samples/", "-o"])
            .arg(&out)
            .args(extra)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(mode(&out), usual, "{name}");
        let meta = dir.path().join(format!("{name}.meta.jsonl"));
        assert_eq!(mode(&meta), usual, "{name}.meta.jsonl");
    }
    let report = dir.path().join("r.html");
    chiso()
        .args(["extract", "-q", "samples/", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(mode(&report), usual);
    // A file replaced keeps its own mode.
    let private = dir.path().join("fresh.jsonl");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    chiso()
        .args(["extract", "-q", "samples/", "-o"])
        .arg(&private)
        .status()
        .unwrap();
    assert_eq!(mode(&private), 0o600);
    let _ = root();
}

fn run(cmd: &mut std::process::Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn records(cwd: &std::path::Path) -> usize {
    let (code, out, err) = run(chiso()
        .current_dir(cwd)
        .arg("extract")
        .arg(root().join("samples")));
    assert_eq!(code, 0, "{err}");
    out.lines().count()
}

#[test]
fn new_plugin_takes_a_path_like_cargo_new_and_its_next_commands_run_clean() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("some/where/ha-giang");
    let (code, out, err) = run(chiso()
        .current_dir(dir.path())
        .arg("new-plugin")
        .arg(&path)
        .args(["--province", "Hà Giang"]));
    assert_eq!(code, 0, "{err}");
    let toml = std::fs::read_to_string(path.join("plugin.toml")).unwrap();
    assert!(toml.contains("name = \"ha-giang\""), "{toml}");
    // Each `next:` command as printed, from a folder whose plugins/ holds the plugin too.
    std::fs::create_dir_all(dir.path().join("plugins")).unwrap();
    let next: Vec<&str> = out.lines().skip_while(|l| *l != "next:").skip(1).collect();
    assert_eq!(next.len(), 3, "{out}");
    let here = dir.path().join("some/where");
    for line in next {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[0], "chiso");
        let (code, _, err) = run(chiso().current_dir(&here).args(&words[1..]));
        assert_eq!(code, 0, "{line}: {err}");
        assert!(!err.contains("shadowed"), "{line}: {err}");
    }
    // In a folder with plugins/, the plain name goes there; `--plugins plugins/NAME` then
    // reaches it twice (named, and in plugins/) and loads it once, without a warning.
    let (code, _, err) = run(chiso()
        .current_dir(dir.path())
        .args(["new-plugin", "quang-tri"]));
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("plugins/quang-tri/plugin.toml").is_file());
    let (code, _, err) =
        run(chiso()
            .current_dir(dir.path())
            .args(["check", "--plugins", "plugins/quang-tri"]));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("shadowed"), "{err}");
}

#[test]
fn a_plugins_folder_of_ones_own_adds_to_the_bundled_plugins_and_the_summary_says_where() {
    let bundled = records(&root());
    let dir = tempfile::tempdir().unwrap();
    // Outside the project, a new plugin by name goes in a folder of its own.
    let (code, _, err) = run(chiso()
        .current_dir(dir.path())
        .args(["new-plugin", "ha-giang"]));
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("ha-giang/plugin.toml").is_file());
    assert!(!dir.path().join("plugins").exists());
    assert_eq!(records(dir.path()), bundled);
    // A plugins/ folder here adds to the bundled set; it does not hide it.
    std::fs::create_dir(dir.path().join("plugins")).unwrap();
    std::fs::rename(
        dir.path().join("ha-giang"),
        dir.path().join("plugins/ha-giang"),
    )
    .unwrap();
    assert_eq!(records(dir.path()), bundled);
    let (_, _, err) = run(chiso()
        .current_dir(dir.path())
        .arg("extract")
        .arg(root().join("samples")));
    let sources = err.lines().find(|l| l.starts_with("rules: ")).expect(&err);
    assert!(sources.contains("bac-giang"), "{sources}");
    assert!(sources.contains("ha-giang ("), "{sources}");
    assert!(
        sources.contains(&root().join("plugins").display().to_string()),
        "{sources}"
    );
}

#[test]
fn a_binary_without_its_bundled_plugins_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("chiso");
    std::fs::copy(env!("CARGO_BIN_EXE_chiso"), &bin).unwrap();
    let (code, out, err) = run(std::process::Command::new(&bin)
        .current_dir(dir.path())
        .env_remove("CHISO_PLUGIN_PATH")
        .env("CHISO_RULES", root().join("rules"))
        .arg("extract")
        .arg(root().join("samples")));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("the bundled plugins were not found"), "{err}");
    assert!(err.contains("0 plugins: no plugins"), "{err}");
    assert!(out.lines().count() > 0);
}

#[test]
fn a_path_that_does_not_exist_fails_by_name_and_each_failure_is_printed_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.txt"), [0u8, 1, 2, 3].repeat(20)).unwrap();
    let missing = dir.path().join("no-such-report.txt");
    for quiet in [false, true] {
        let (code, _, err) = run(chiso()
            .arg("extract")
            .arg(dir.path())
            .arg(&missing)
            .args(quiet.then_some("-q")));
        assert_eq!(code, 1, "{err}");
        let name = missing.display().to_string();
        assert_eq!(err.matches(&name).count(), 1, "{err}");
        assert!(
            err.contains(&format!("{name}: cannot read: no such file or folder")),
            "{err}"
        );
        assert_eq!(err.matches("b.txt").count(), 1, "{err}");
    }
}

#[test]
fn an_html_pages_title_date_and_outlet_are_in_the_outputs_document_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("tin.html");
    std::fs::write(
        &page,
        "<html><head><title>Yên Thế kết nạp đảng viên</title>\
         <meta property=\"og:site_name\" content=\"Báo Bắc Giang\">\
         <meta property=\"article:published_time\" content=\"2023-12-20T08:00:00+07:00\">\
         <link rel=\"canonical\" href=\"https://baobacgiang.example/tin-1.html\"></head>\
         <body><article><h1>Yên Thế kết nạp đảng viên</h1>\
         <p>Năm 2023, Đảng bộ huyện Yên Thế kết nạp 215 đảng viên mới.</p></article></body></html>",
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    let (code, _, err) = run(chiso()
        .args(["extract", "-q"])
        .arg(&page)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let meta = std::fs::read_to_string(dir.path().join("out.jsonl.meta.jsonl")).unwrap();
    let line: serde_json::Value = serde_json::from_str(meta.lines().nth(1).unwrap()).unwrap();
    assert_eq!(line["doc"], "tin.html");
    assert_eq!(line["meta"]["title"], "Yên Thế kết nạp đảng viên", "{meta}");
    assert_eq!(line["meta"]["outlet"], "Báo Bắc Giang", "{meta}");
    assert!(
        line["meta"]["date"]
            .as_str()
            .unwrap()
            .starts_with("2023-12-20"),
        "{meta}"
    );
    assert_eq!(
        line["meta"]["url"],
        "https://baobacgiang.example/tin-1.html"
    );
    // Resumed with nothing changed: the document is kept, and so is what it said of itself.
    let (code, _, err) = run(chiso()
        .args(["extract", "-q"])
        .arg(&page)
        .arg("-o")
        .arg(&out)
        .arg("--resume"));
    assert_eq!(code, 0, "{err}");
    let again = std::fs::read_to_string(dir.path().join("out.jsonl.meta.jsonl")).unwrap();
    assert_eq!(again, meta);
}

#[test]
fn the_readme_lists_every_option_of_every_command() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for command in [
        "extract",
        "report",
        "check",
        "test",
        "explain",
        "new-plugin",
        "eval",
    ] {
        let (code, help, err) = run(chiso().args([command, "--help"]));
        assert_eq!(code, 0, "{err}");
        for word in help.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            let Some(name) = word.strip_prefix("--") else {
                continue;
            };
            if name.is_empty() || name == "help" {
                continue;
            }
            assert!(
                readme.contains(&format!("--{name}")),
                "chiso {command} --{name} is not in the README"
            );
        }
    }
}
