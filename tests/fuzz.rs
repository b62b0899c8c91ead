//! Fuzzing on stable Rust (issue 12): property tests over everything that reads what users
//! hand chiso. Each target holds for any input, not for chosen examples:
//!
//! - `numbers`: the number grammar reads back what a number-to-words writer and the
//!   Vietnamese number format wrote, and never panics on any string;
//! - `decoders`: every decoder takes any bytes without panicking, and text written in each
//!   encoding reads back the same;
//! - `readers`: the HTML, DOCX and PDF readers take any bytes and mutated real files without
//!   panicking;
//! - `loaders`: a rule file, catalogue, lexicon, readings file, plugin manifest or script,
//!   mutated, always loads or gives a diagnostic naming its file, never a panic;
//! - `scripts`: the Rhai host API (`find_all`, `parse_number`, `parse_quantity`, `indicator`,
//!   `lexicon`) called with any strings: a value or a script error, never a panic;
//! - `extraction`: any text made of report words, numbers and punctuation extracts without
//!   panicking, each record quoting the words at its span.
//!
//! `cargo test` runs each target for a fixed, seeded number of cases. For a real campaign:
//!
//! ```text
//! CHISO_FUZZ_SECS=600 cargo test --release --test fuzz -- --ignored fuzz
//! ```
//!
//! runs each target for that many seconds with fresh random seeds and prints the cases run.
//! A failure prints the seed (`CHISO_FUZZ_SEED` replays it) and the smallest failing input;
//! crashers found become regular tests next to the code they broke.

mod common;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use chiso::document::ReadOptions;
use chiso::encoding::{decode, encode, Encoding};
use chiso::formats::Format;
use chiso::ruleset::{LoadOptions, Ruleset};
use chiso::{extract, Document};

/// Runs `test` on values of `strategy`: `quick` seeded cases under `cargo test`; in a fuzz
/// campaign (`fuzz` true), batches with fresh seeds until CHISO_FUZZ_SECS (default 60) have
/// passed. Returns the number of cases run; panics with the seed and the smallest failing
/// input on a failure.
fn run<S: Strategy>(
    name: &str,
    quick: u32,
    fuzz: bool,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> u64
where
    S::Value: std::fmt::Debug,
{
    let secs: u64 = std::env::var("CHISO_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let replay: Option<u64> = std::env::var("CHISO_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    let mut cases = 0u64;
    let mut batch = 0u64;
    loop {
        let seed = match (replay, fuzz) {
            (Some(s), _) => s,
            (None, false) => 2017,
            (None, true) => {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64)
                    ^ batch.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            }
        };
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        // A campaign runs batches of fresh seeds: small ones for the slow targets.
        let n = if fuzz { (quick * 4).min(256) } else { quick };
        let config = Config {
            cases: n,
            failure_persistence: None,
            max_shrink_iters: 2000,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("fuzz target {name} failed (CHISO_FUZZ_SEED={seed}): {e}");
        }
        cases += u64::from(n);
        batch += 1;
        if !fuzz || replay.is_some() || Instant::now() >= deadline {
            break;
        }
    }
    if fuzz {
        eprintln!("fuzz {name}: {cases} cases in {batch} batches, no failure");
    }
    cases
}

/// Applies byte edits to a real file: each (kind, place, byte) overwrites, inserts, deletes,
/// truncates or repeats a stretch.
fn mutate(base: &[u8], edits: &[(u8, usize, u8)]) -> Vec<u8> {
    let mut out = base.to_vec();
    for &(kind, place, byte) in edits {
        let at = if out.is_empty() {
            0
        } else {
            place % (out.len() + 1)
        };
        match kind % 6 {
            0 if at < out.len() => out[at] = byte,
            1 => out.insert(at, byte),
            2 if at < out.len() => {
                out.remove(at);
            }
            3 => out.truncate(at.max(out.len() / 2)),
            4 => {
                let end = (at + usize::from(byte)).min(out.len());
                let chunk = out[at..end].to_vec();
                out.splice(at..at, chunk);
            }
            5 if at < out.len() => out[at] ^= 1 << (byte % 8),
            _ => {}
        }
    }
    out
}

fn edits() -> impl Strategy<Value = Vec<(u8, usize, u8)>> {
    prop::collection::vec((any::<u8>(), any::<usize>(), any::<u8>()), 1..6)
}

/// Words of district reports, numbers in their many spellings, names and punctuation.
const WORDS: &[&str] = &[
    "Năm",
    "năm",
    "2021",
    "2023,",
    "huyện",
    "Yên Thế",
    "tỉnh",
    "Bắc Giang",
    "xã",
    "Tân Lập",
    "kết nạp",
    "được",
    "172",
    "1.500",
    "57,4%",
    "8/9",
    "hai mươi",
    "một trăm linh năm",
    "đảng viên mới",
    "ĐV",
    "tổ chức cơ sở đảng",
    "doanh nghiệp",
    "trưởng thôn",
    "là đảng viên",
    "đạt chuẩn",
    "nông thôn mới",
    "chiếm",
    "trên",
    "gần",
    "trong đó",
    "chỉ tiêu",
    "phấn đấu",
    "đến năm 2025",
    "(",
    ")",
    ",",
    ";",
    ".",
    ":",
    "\n",
    "Trong đó,",
    "nhiệm kỳ 2020-2025",
    "quỹ",
    "tỷ đồng",
    "triệu",
    "cử tri",
    "đi bầu",
    "99,8%",
    "số",
    "Nghị quyết",
    "tháng 9",
    "khoảng",
    "hơn",
    "ngày 3/2/2023",
    "TP.",
    "Hồ Chí Minh",
    "\u{0301}",
    "é",
    "…",
    "–",
];

fn report_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 0..80).prop_map(|w| w.join(" "))
}

/// Text of Vietnamese letters (lowercase: TCVN3 writes a toned capital as its small letter),
/// digits and punctuation.
fn vietnamese_text() -> impl Strategy<Value = String> {
    "[a-zàáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ0-9 ,.;:%/()\n-]{0,200}"
}

// ---------------------------------------------------------------------------------------------
// numbers

fn numbers(fuzz: bool) -> u64 {
    let words = run(
        "numbers (words)",
        300,
        fuzz,
        0u64..1_000_000_000_000_000,
        |n| {
            let words = chiso::number::to_words(n);
            prop_assert_eq!(
                chiso::number::parse_number(&words),
                Some(n as f64),
                "{:?}",
                words
            );
            Ok(())
        },
    );
    let formatted = run(
        "numbers (format)",
        300,
        fuzz,
        (0u64..10_000_000_000, 0usize..3),
        |(n, decimals)| {
            let value = n as f64 / 10f64.powi(decimals as i32);
            let text = chiso::number::format_vietnamese(value, decimals);
            let back = chiso::number::parse_number(&text);
            prop_assert!(
                back.is_some_and(|b| (b - value).abs() <= 1e-9 * value.max(1.0)),
                "{} → {:?} → {:?}",
                value,
                text,
                back
            );
            Ok(())
        },
    );
    let any_text = run(
        "numbers (any string)",
        300,
        fuzz,
        prop_oneof![report_text(), any::<String>()],
        |s| {
            let _ = chiso::number::parse_number(&s);
            let _ = chiso::number::parse_quantity(&s);
            let _ = chiso::number::parse_ratio(&s);
            for (i, _) in s.char_indices() {
                let _ = chiso::number::is_vague(&s, i, &s[i..]);
            }
            Ok(())
        },
    );
    words + formatted + any_text
}

// ---------------------------------------------------------------------------------------------
// decoders

fn decoders(fuzz: bool) -> u64 {
    let bytes = run(
        "decoders (any bytes)",
        300,
        fuzz,
        prop::collection::vec(any::<u8>(), 0..2048),
        |b| {
            let _ = decode(&b, None);
            for &e in Encoding::all() {
                if let Ok(d) = decode(&b, Some(e)) {
                    prop_assert_eq!(d.encoding, e);
                }
            }
            let _ = Document::from_bytes_with("x", &b, &ReadOptions::default());
            Ok(())
        },
    );
    let round_trip = run(
        "decoders (round trip)",
        300,
        fuzz,
        vietnamese_text(),
        |text| {
            use unicode_normalization::UnicodeNormalization;
            let text: String = text.nfc().collect();
            for &e in Encoding::all() {
                let bytes = encode(&text, e);
                let d = decode(&bytes, Some(e)).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let back: String = d.text.nfc().collect();
                prop_assert_eq!(&back, &text, "{:?}", e);
            }
            Ok(())
        },
    );
    bytes + round_trip
}

// ---------------------------------------------------------------------------------------------
// readers

static SAMPLE: LazyLock<String> = LazyLock::new(|| {
    common::samples()
        .into_iter()
        .map(|(_, t)| t)
        .next()
        .expect("a sample")
});
static HTML: LazyLock<Vec<u8>> = LazyLock::new(|| common::makers::html_page(&SAMPLE).into_bytes());
static DOCX: LazyLock<Vec<u8>> =
    LazyLock::new(|| common::makers::docx(&SAMPLE, None, str::to_string));
static PDF: LazyLock<Vec<u8>> = LazyLock::new(|| common::makers::pdf(&SAMPLE));

fn read_as(bytes: Vec<u8>, format: Format) {
    if let Ok(doc) = Document::from_format("x", bytes, format, &ReadOptions::default()) {
        // What a reader gives must be text the rest can work on.
        let _ = doc.sentences();
        let _ = doc.source_offset(doc.text.chars().count());
    }
}

fn readers(fuzz: bool) -> u64 {
    let formats = [Format::Html, Format::Docx, Format::Pdf];
    let any_bytes = run(
        "readers (any bytes)",
        200,
        fuzz,
        (prop::collection::vec(any::<u8>(), 0..2048), 0usize..3),
        |(b, f)| {
            read_as(b, formats[f]);
            Ok(())
        },
    );
    let html = run(
        "readers (any HTML-ish text)",
        200,
        fuzz,
        "(<[a-zA-Z/!?][a-zA-Z0-9 =\"'/-]{0,12}>?|&#?[a-zA-Z0-9]{0,6};?|[^<&]{0,20}|<!--|-->|<script>|</script>|<p>|<br>){0,60}",
        |s| {
            let _ = chiso::formats::html::html_to_text(&s);
            Ok(())
        },
    );
    let mutated = run(
        "readers (mutated real files)",
        150,
        fuzz,
        (edits(), 0usize..3),
        |(e, f)| {
            let base: &[u8] = match f {
                0 => &HTML,
                1 => &DOCX,
                _ => &PDF,
            };
            read_as(mutate(base, &e), formats[f]);
            Ok(())
        },
    );
    any_bytes + html + mutated
}

// ---------------------------------------------------------------------------------------------
// loaders

/// The files a mutation may hit: (path under the project, where it goes in the copy).
static LOADABLE: LazyLock<Vec<(PathBuf, Vec<u8>)>> = LazyLock::new(|| {
    let root = common::root();
    let mut files = vec![
        root.join("rules/indicators.toml"),
        root.join("rules/lexicon.toml"),
        root.join("rules/readings.toml"),
    ];
    for p in ["bac-giang", "tap-chi-xay-dung-dang"] {
        files.push(root.join(format!("plugins/{p}/plugin.toml")));
    }
    files.push(root.join("plugins/tap-chi-xay-dung-dang/scripts/forward_section.rhai"));
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.strip_prefix(&root).unwrap().to_path_buf(), bytes)
        })
        .collect()
});

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn loaders(fuzz: bool) -> u64 {
    // A copy of the rules (the gazetteer, never mutated, is shared) and of two plugins.
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    std::fs::create_dir_all(dir.path().join("rules/gazetteer")).unwrap();
    for f in ["indicators.toml", "lexicon.toml", "readings.toml"] {
        std::fs::copy(root.join("rules").join(f), dir.path().join("rules").join(f)).unwrap();
    }
    for e in std::fs::read_dir(root.join("rules/gazetteer")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(
            e.path(),
            dir.path().join("rules/gazetteer").join(e.file_name()),
        )
        .unwrap();
    }
    for p in ["bac-giang", "tap-chi-xay-dung-dang"] {
        copy_dir(
            &root.join("plugins").join(p),
            &dir.path().join("plugins").join(p),
        );
    }
    let opts = LoadOptions {
        rules_dir: Some(dir.path().join("rules")),
        plugin_dirs: vec![dir.path().join("plugins")],
        no_default_plugins: true,
    };
    let (rs, diags) = Ruleset::load_all(&opts);
    assert!(rs.is_some() && diags.errors().next().is_none(), "{diags}");
    let strategy = (edits(), 0..LOADABLE.len(), any::<bool>());
    run(
        "loaders (mutated files)",
        60,
        fuzz,
        strategy,
        |(e, f, text_edit)| {
            let (rel, base) = &LOADABLE[f];
            let path = dir.path().join(rel);
            let mutated = if text_edit {
                // Edits on lines keep the file UTF-8: a line dropped, doubled or cut.
                let text = String::from_utf8_lossy(base);
                let mut lines: Vec<&str> = text.lines().collect();
                for &(kind, place, byte) in &e {
                    if lines.is_empty() {
                        break;
                    }
                    let at = place % lines.len();
                    match kind % 3 {
                        0 => {
                            lines.remove(at);
                        }
                        1 => lines.insert(at, lines[at]),
                        _ => {
                            let l = lines[at];
                            let cut = (usize::from(byte)).min(l.len());
                            let cut = (0..=cut)
                                .rev()
                                .find(|&c| l.is_char_boundary(c))
                                .unwrap_or(0);
                            lines[at] = &l[..cut];
                        }
                    }
                }
                lines.join("\n").into_bytes()
            } else {
                mutate(base, &e)
            };
            std::fs::write(&path, &mutated).unwrap();
            let result = std::panic::catch_unwind(|| Ruleset::load_all(&opts));
            std::fs::write(&path, base).unwrap();
            let (rs, diags) = result.map_err(|_| TestCaseError::fail("the loader panicked"))?;
            let rendered = diags.to_string();
            if rs.is_none() {
                prop_assert!(diags.errors().next().is_some(), "no ruleset, no error");
            }
            for d in diags.errors() {
                // Every error names a file of the copy.
                let text = d.to_string();
                prop_assert!(
                    text.contains(&*dir.path().to_string_lossy()) || text.contains("rules"),
                    "an error that names no file: {}",
                    text
                );
            }
            let _ = rendered;
            Ok(())
        },
    )
}

// ---------------------------------------------------------------------------------------------
// scripts

fn scripts(fuzz: bool) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("host");
    common::write(
        &p.join("plugin.toml"),
        "name = \"host\"\nversion = \"0.1.0\"\n[applies]\nalways = true\n[[script]]\npath = \"scripts/host.rhai\"\n",
    );
    // The document's text, cut at "|", feeds every host function.
    common::write(
        &p.join("scripts/host.rhai"),
        r#"fn extract(doc) {
    let parts = doc.text.split("|");
    let a = if parts.len() > 0 { parts[0] } else { "" };
    let b = if parts.len() > 1 { parts[1] } else { "" };
    find_all(a, b);
    parse_number(a);
    parse_number(b);
    parse_quantity(a);
    indicator(a);
    lexicon(b);
    []
}
"#,
    );
    let rs = Ruleset::load(&LoadOptions {
        rules_dir: Some(common::root().join("rules")),
        plugin_dirs: vec![p],
        no_default_plugins: true,
    })
    .unwrap_or_else(|d| panic!("{d}"));
    let strategy = (
        prop_oneof![report_text(), any::<String>()],
        prop_oneof![
            "[a-zđ\\\\ .*+?()\\[\\]{}|^$0-9,:_-]{0,16}",
            prop::sample::select(vec!["NUMBER", "{NUMBER}", "(?P<v>\\d+)", "[", "(?", "\\p{"])
                .prop_map(str::to_string),
            any::<String>(),
        ],
    );
    run("scripts (host API)", 200, fuzz, strategy, |(a, b)| {
        let text = format!("{}|{}", a.replace('|', " "), b.replace('|', " "));
        let doc = Document::from_text("x", &text);
        // A script error is the document's failure, not a crash.
        let _ = extract(&rs, &doc);
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------------
// extraction

static BUNDLED: LazyLock<Ruleset> = LazyLock::new(common::bundled);

fn extraction(fuzz: bool) -> u64 {
    run(
        "extraction (report words)",
        200,
        fuzz,
        prop_oneof![4 => report_text(), 1 => any::<String>()],
        |text| {
            let doc = Document::from_text("x", &text);
            let records = extract(&BUNDLED, &doc).map_err(|e| TestCaseError::fail(e.0))?;
            let chars: Vec<char> = doc.text.chars().collect();
            for r in records {
                prop_assert!(r.span[0] <= r.span[1] && r.span[1] <= chars.len());
                let at: String = chars[r.span[0]..r.span[1]].iter().collect();
                prop_assert_eq!(&at, &r.quote);
                prop_assert!(r.value.is_finite());
                prop_assert!((0.0..=1.0).contains(&r.confidence));
            }
            Ok(())
        },
    )
}

// ---------------------------------------------------------------------------------------------
// `cargo test`: a seeded run of each; `-- --ignored fuzz`: a timed campaign of each.

macro_rules! targets {
    ($($name:ident),*) => {
        mod quick {
            $(#[test]
            fn $name() {
                assert!(super::$name(false) > 0);
            })*
        }
        mod fuzz {
            $(#[test]
            #[ignore = "a timed fuzz campaign: cargo test --release --test fuzz -- --ignored fuzz"]
            fn $name() {
                assert!(super::$name(true) > 0);
            })*
        }
    };
}

targets!(numbers, decoders, readers, loaders, scripts, extraction);
