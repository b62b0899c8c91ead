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
