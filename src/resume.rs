//! Incremental runs: the output's metadata, and `--resume`.
//!
//! Beside an output file `OUT`, chiso keeps `OUT.meta.jsonl`: a header line (chiso's version, a
//! hash of the rules and of the settings that shaped the output), then one line per document
//! in output order: its id, the hash of its content, where its records sit in `OUT` (offset,
//! length and a hash of those bytes) and how many there are.
//!
//! With `--resume`, `OUT` is written in place, and each chunk's journal lines follow its
//! records to disk, so a run that is stopped (Ctrl-C, a crash, `kill -9`) leaves a prefix the
//! metadata vouches for. The next run checks that prefix byte by byte, keeps the records of
//! every document whose content and rules are unchanged, extracts the others, and drops those
//! no longer in the corpus: the result is the same bytes as a run from scratch.

use std::collections::BTreeMap;
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::ruleset::Ruleset;

/// The metadata file is the output's path with this appended.
pub const META_SUFFIX: &str = ".meta.jsonl";
const META_FORMAT: u32 = 1;

/// Where the metadata of `out` lives.
pub fn meta_path(out: &Path) -> PathBuf {
    let mut s = out.as_os_str().to_owned();
    s.push(META_SUFFIX);
    PathBuf::from(s)
}

/// A hash of some bytes: BLAKE3, the first 128 bits in hex.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..32].to_string()
}

/// A hash of everything that decides which records come out: chiso itself (the running
/// binary), the catalogue, lexicon, gazetteer and core rules under the rules folder, and every
/// loaded plugin's files (its fixtures under `tests/` aside).
pub fn rules_hash(rs: &Ruleset) -> String {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(exe) = std::env::current_exe().and_then(std::fs::read) {
        h.update(&exe);
    }
    let mut dirs = vec![rs.rules_dir.clone()];
    dirs.extend(rs.plugins.iter().map(|p| p.dir.clone()));
    for dir in dirs {
        h.update(dir.as_os_str().as_encoded_bytes());
        let walker = walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let name = e.file_name().to_string_lossy();
                e.depth() == 0 || !(name.starts_with('.') || (e.depth() == 1 && name == "tests"))
            });
        for entry in walker.flatten() {
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
                h.update(rel.as_os_str().as_encoded_bytes());
                let bytes = std::fs::read(entry.path()).unwrap_or_default();
                h.update(&(bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
        }
    }
    h.finalize().to_hex()[..32].to_string()
}

/// The first line of the metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub chiso_meta: u32,
    pub version: String,
    /// See [`rules_hash`].
    pub rules: String,
    /// The settings that shape the output's bytes (format, fields, encoding…), as text.
    pub settings: String,
}

impl Header {
    pub fn new(rules: String, settings: String) -> Header {
        Header {
            chiso_meta: META_FORMAT,
            version: env!("CARGO_PKG_VERSION").into(),
            rules,
            settings,
        }
    }
}

/// One document of the output.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub doc: String,
    /// Hash of the document's content as read (empty when it could not be read).
    pub hash: String,
    /// Its records: bytes `at..at + len` of the output, with this hash.
    pub at: u64,
    pub len: u64,
    pub check: String,
    pub records: usize,
    /// The document failed (an error record, or nothing): extracted again on resume.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub failed: bool,
    /// What the document says of itself, when it says it: `title`, `date`, `outlet`, `url`
    /// (an HTML page's head, a JSONL line's fields).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, String>,
}

/// Documents of a previous output that can be kept: id → (content hash, entry, records).
#[derive(Debug, Default)]
pub struct Reuse {
    by_doc: HashMap<String, Vec<(String, usize, usize)>>,
}

impl Reuse {
    /// The entry (and its record count) holding `doc`'s records for this content, if any.
    pub fn find(&self, doc: &str, hash: &str) -> Option<(usize, usize)> {
        self.by_doc
            .get(doc)?
            .iter()
            .find(|(h, ..)| h == hash)
            .map(|&(_, entry, records)| (entry, records))
    }

    pub fn len(&self) -> usize {
        self.by_doc.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_doc.is_empty()
    }
}

/// What was found of a previous run, for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Previous {
    /// No output, or no metadata beside it: written from scratch.
    None,
    /// Rules, chiso or settings changed since: everything is extracted again.
    Changed(&'static str),
    /// This many documents are vouched for by the metadata; `damaged` is set when the output
    /// or the metadata ended in something unusable (a torn write), which is cut off.
    Found { documents: usize, damaged: bool },
}

/// The output and its metadata, written document by document in output order.
pub struct Journal {
    out: File,
    meta: File,
    /// The previous run's entries (a checked prefix of the output), and where each one's
    /// metadata line starts (`meta_at[i]`; `meta_at[len]` is the end).
    prev: Vec<Entry>,
    meta_at: Vec<u64>,
    /// Previous entries confirmed in place, in order: the output is untouched up to them.
    cursor: usize,
    /// Set once the new output departs from the previous one: the offset it was cut at, and
    /// the previous bytes from there on, kept aside to copy from.
    cut: Option<(u64, File)>,
    /// End of the output's data and of the metadata, counting what is pending.
    pos: u64,
    pending_out: Vec<u8>,
    pending_meta: Vec<u8>,
    used: Vec<bool>,
    /// Documents written anew (changed or new), to tell changed from removed at the end.
    written: HashSet<String>,
    /// Documents whose records were kept from the previous run.
    pub kept: usize,
}

impl Journal {
    /// Nothing known yet of what `out` and `meta` hold.
    fn empty(out: File, meta: File) -> Journal {
        Journal {
            out,
            meta,
            prev: Vec::new(),
            meta_at: Vec::new(),
            cursor: 0,
            cut: None,
            pos: 0,
            pending_out: Vec::new(),
            pending_meta: Vec::new(),
            used: Vec::new(),
            written: HashSet::new(),
            kept: 0,
        }
    }

    /// A new output in `out` and `meta` (both empty), starting with `prelude` (a CSV header).
    pub fn fresh(out: File, meta: File, header: &Header, prelude: &[u8]) -> io::Result<Journal> {
        let mut j = Journal::empty(out, meta);
        j.start(header, prelude)?;
        Ok(j)
    }

    fn start(&mut self, header: &Header, prelude: &[u8]) -> io::Result<()> {
        for f in [&mut self.out, &mut self.meta] {
            f.set_len(0)?;
            f.seek(SeekFrom::Start(0))?;
        }
        self.out.write_all(prelude)?;
        let mut line = serde_json::to_vec(header)?;
        line.push(b'\n');
        self.meta.write_all(&line)?;
        self.prev.clear();
        self.meta_at = vec![line.len() as u64];
        self.cursor = 0;
        self.cut = Some((prelude.len() as u64, tempfile::tempfile()?));
        self.pos = prelude.len() as u64;
        Ok(())
    }

    /// Open `path` and its metadata to continue: check what the metadata vouches for, keep it,
    /// and say which documents need no extraction.
    pub fn resume(
        path: &Path,
        header: &Header,
        prelude: &[u8],
    ) -> io::Result<(Journal, Reuse, Previous)> {
        let open = |p: &Path| {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(p)
        };
        let out = open(path)?;
        let meta = open(&meta_path(path))?;
        let mut j = Journal::empty(out, meta);
        let previous = j.check(header, prelude)?;
        let mut reuse = Reuse::default();
        match previous {
            Previous::Found { .. } => {
                for (i, e) in j.prev.iter().enumerate() {
                    if !e.failed && !e.hash.is_empty() {
                        reuse.by_doc.entry(e.doc.clone()).or_default().push((
                            e.hash.clone(),
                            i,
                            e.records,
                        ));
                    }
                }
                j.used = vec![false; j.prev.len()];
                j.pos = j.prev.last().map_or(prelude.len() as u64, |e| e.at + e.len);
            }
            _ => j.start(header, prelude)?,
        }
        Ok((j, reuse, previous))
    }

    /// Read the metadata and the output side by side; keep the entries whose bytes match.
    fn check(&mut self, header: &Header, prelude: &[u8]) -> io::Result<Previous> {
        let mut meta = BufReader::new(&self.meta);
        let mut line = Vec::new();
        if meta.read_until(b'\n', &mut line)? == 0 {
            return Ok(Previous::None);
        }
        match serde_json::from_slice::<Header>(&line) {
            Ok(h) if h.chiso_meta != header.chiso_meta || h.version != header.version => {
                return Ok(Previous::Changed("chiso's version changed"))
            }
            Ok(h) if h.rules != header.rules => {
                return Ok(Previous::Changed("the rules or plugins changed"))
            }
            Ok(h) if h.settings != header.settings => {
                return Ok(Previous::Changed("the output settings changed"))
            }
            Ok(_) => {}
            Err(_) => return Ok(Previous::None),
        }
        let mut data = BufReader::new(&self.out);
        let mut head = vec![0; prelude.len()];
        if data.read_exact(&mut head).is_err() || head != prelude {
            return Ok(Previous::None);
        }
        let mut meta_pos = line.len() as u64;
        self.meta_at = vec![meta_pos];
        let mut pos = prelude.len() as u64;
        let mut damaged = false;
        let mut bytes = Vec::new();
        loop {
            line.clear();
            let n = meta.read_until(b'\n', &mut line)?;
            if n == 0 {
                break;
            }
            let entry = match serde_json::from_slice::<Entry>(&line) {
                Ok(e) if line.ends_with(b"\n") && e.at == pos => e,
                _ => {
                    damaged = true;
                    break;
                }
            };
            bytes.resize(entry.len as usize, 0);
            if data.read_exact(&mut bytes).is_err() || hash(&bytes) != entry.check {
                damaged = true;
                break;
            }
            pos += entry.len;
            meta_pos += n as u64;
            self.meta_at.push(meta_pos);
            self.prev.push(entry);
        }
        // Bytes after the last vouched-for document are a torn write.
        if data.read(&mut [0])? > 0 {
            damaged = true;
        }
        Ok(Previous::Found {
            documents: self.prev.len(),
            damaged,
        })
    }

    /// The new output departs from the previous one here: put the previous bytes from here on
    /// aside (to copy kept records from), and cut the output and the metadata.
    fn diverge(&mut self) -> io::Result<()> {
        if self.cut.is_some() {
            return Ok(());
        }
        let end = self.prev.last().map_or(self.pos, |e| e.at + e.len);
        let at = self.prev.get(self.cursor).map_or(end, |e| e.at);
        let mut tail = tempfile::tempfile()?;
        self.out.seek(SeekFrom::Start(at))?;
        io::copy(&mut (&self.out).take(end - at), &mut tail)?;
        self.out.set_len(at)?;
        self.out.seek(SeekFrom::Start(at))?;
        let meta_end = self.meta_at[self.cursor];
        self.meta.set_len(meta_end)?;
        self.meta.seek(SeekFrom::Start(meta_end))?;
        self.pos = at;
        self.cut = Some((at, tail));
        Ok(())
    }

    /// A document whose records are entry `i` of the previous output.
    pub fn keep(&mut self, i: usize) -> io::Result<()> {
        self.kept += 1;
        self.used[i] = true;
        if self.cut.is_none() && i == self.cursor {
            self.cursor += 1;
            return Ok(());
        }
        self.diverge()?;
        let e = self.prev[i].clone();
        let mut bytes = vec![0; e.len as usize];
        match &self.cut {
            Some((at, tail)) if e.at >= *at => tail.read_exact_at(&mut bytes, e.at - at)?,
            _ => self.out.read_exact_at(&mut bytes, e.at)?,
        }
        self.append(&e.doc, &e.hash, &bytes, e.records, false, &e.meta)
    }

    /// A document's records, encoded (`failed`: an error record, or nothing).
    pub fn write(
        &mut self,
        doc: &str,
        hash: &str,
        bytes: &[u8],
        records: usize,
        failed: bool,
        meta: &BTreeMap<String, String>,
    ) -> io::Result<()> {
        self.diverge()?;
        if !self.prev.is_empty() {
            self.written.insert(doc.to_string());
        }
        self.append(doc, hash, bytes, records, failed, meta)
    }

    fn append(
        &mut self,
        doc: &str,
        content: &str,
        bytes: &[u8],
        records: usize,
        failed: bool,
        meta: &BTreeMap<String, String>,
    ) -> io::Result<()> {
        let entry = Entry {
            doc: doc.to_string(),
            hash: content.to_string(),
            at: self.pos,
            len: bytes.len() as u64,
            check: hash(bytes),
            records,
            failed,
            meta: meta.clone(),
        };
        self.pending_out.extend_from_slice(bytes);
        serde_json::to_writer(&mut self.pending_meta, &entry)?;
        self.pending_meta.push(b'\n');
        self.pos += bytes.len() as u64;
        Ok(())
    }

    /// The end of a chunk: records to disk first, then the metadata lines that vouch for them.
    pub fn sync(&mut self) -> io::Result<()> {
        if !self.pending_out.is_empty() {
            self.out.write_all(&self.pending_out)?;
            self.pending_out.clear();
        }
        if !self.pending_meta.is_empty() {
            self.meta.write_all(&self.pending_meta)?;
            self.pending_meta.clear();
        }
        Ok(())
    }

    /// The run is complete: previous documents not seen again are dropped, and everything is
    /// flushed to disk. Returns how many previous documents are gone from the corpus.
    pub fn finish(mut self) -> io::Result<usize> {
        self.sync()?;
        if self.cut.is_none() && self.cursor < self.prev.len() {
            // Documents gone from the end of the corpus.
            self.out.set_len(self.prev[self.cursor].at)?;
            self.meta.set_len(self.meta_at[self.cursor])?;
        }
        self.out.sync_all()?;
        self.meta.sync_all()?;
        Ok(self
            .prev
            .iter()
            .zip(&self.used)
            .filter(|(e, used)| !**used && !e.failed && !self.written.contains(&e.doc))
            .count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header::new("r".into(), "s".into())
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    /// Write documents (id, content hash, output line) through a resumed journal.
    fn run(path: &Path, docs: &[(&str, &str, &str)]) -> (Previous, usize, usize) {
        let (mut j, reuse, prev) = Journal::resume(path, &header(), b"HEAD\n").unwrap();
        for (doc, content, line) in docs {
            match reuse.find(doc, content) {
                Some((i, _)) => j.keep(i).unwrap(),
                None => j
                    .write(doc, content, line.as_bytes(), 1, false, &BTreeMap::new())
                    .unwrap(),
            }
            j.sync().unwrap();
        }
        let kept = j.kept;
        let dropped = j.finish().unwrap();
        (prev, kept, dropped)
    }

    #[test]
    fn resume_keeps_unchanged_documents_and_matches_a_fresh_run() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let docs = [("a", "1", "A\n"), ("b", "2", "B\n"), ("c", "3", "C\n")];
        assert_eq!(run(&path, &docs), (Previous::None, 0, 0));
        assert_eq!(read(&path), "HEAD\nA\nB\nC\n");
        // Unchanged: nothing extracted.
        let (prev, kept, dropped) = run(&path, &docs);
        assert_eq!(
            prev,
            Previous::Found {
                documents: 3,
                damaged: false
            }
        );
        assert_eq!((kept, dropped), (3, 0));
        assert_eq!(read(&path), "HEAD\nA\nB\nC\n");
        // b changed, a gone, d new: same bytes as from scratch.
        let docs2 = [("b", "2x", "B2\n"), ("c", "3", "C\n"), ("d", "4", "D\n")];
        let (_, kept, dropped) = run(&path, &docs2);
        assert_eq!((kept, dropped), (1, 1));
        assert_eq!(read(&path), "HEAD\nB2\nC\nD\n");
        let fresh = dir.path().join("fresh.txt");
        run(&fresh, &docs2);
        assert_eq!(read(&fresh), read(&path));
        assert_eq!(read(&meta_path(&fresh)), read(&meta_path(&path)));
    }

    #[test]
    fn a_torn_tail_is_cut_off_and_extracted_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        let docs = [("a", "1", "A\n"), ("b", "2", "B\n"), ("c", "3", "C\n")];
        run(&path, &docs[..2]);
        // A crash mid-chunk: records written, their metadata half written.
        let mut out = OpenOptions::new().append(true).open(&path).unwrap();
        out.write_all(b"C\n").unwrap();
        let mut meta = OpenOptions::new()
            .append(true)
            .open(meta_path(&path))
            .unwrap();
        meta.write_all(b"{\"doc\":\"c\",\"ha").unwrap();
        let (prev, kept, _) = run(&path, &docs);
        assert_eq!(
            prev,
            Previous::Found {
                documents: 2,
                damaged: true
            }
        );
        assert_eq!(kept, 2);
        assert_eq!(read(&path), "HEAD\nA\nB\nC\n");
        // Bytes that no longer match their hash are not trusted either.
        std::fs::write(&path, "HEAD\nA\nX\nC\n").unwrap();
        let (prev, kept, _) = run(&path, &docs);
        assert_eq!(
            prev,
            Previous::Found {
                documents: 1,
                damaged: true
            }
        );
        assert_eq!(kept, 1);
        assert_eq!(read(&path), "HEAD\nA\nB\nC\n");
    }

    #[test]
    fn changed_rules_or_settings_start_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        run(&path, &[("a", "1", "A\n")]);
        let other = Header::new("r2".into(), "s".into());
        let (j, reuse, prev) = Journal::resume(&path, &other, b"HEAD\n").unwrap();
        assert_eq!(prev, Previous::Changed("the rules or plugins changed"));
        assert!(reuse.is_empty());
        j.finish().unwrap();
        assert_eq!(read(&path), "HEAD\n");
    }
}
