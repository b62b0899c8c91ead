//! Records out: JSON Lines (the default), CSV (optionally with a BOM so Excel reads
//! Vietnamese), or an aligned table for the terminal. `-o FILE` is written atomically.

use std::io::{self, Write};
use std::path::Path;

use unicode_width::UnicodeWidthStr;

use crate::record::{format_number, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per record per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// A table for reading in a terminal.
    Table,
}

pub const CSV_HEADER: [&str; 23] = [
    "doc",
    "indicator",
    "value",
    "total",
    "unit",
    "qualifier",
    "period_from",
    "period_to",
    "province",
    "district",
    "commune",
    "span_start",
    "span_end",
    "quote",
    "plugin",
    "rule",
    "confidence",
    "locality_source",
    "period_source",
    "counterpart_map",
    "counterpart_provinces",
    "counterpart_district",
    "counterpart_commune",
];

/// Writes records in one format; call [`RecordWriter::finish`] at the end.
pub struct RecordWriter<W: Write> {
    format: Format,
    out: W,
    started: bool,
    bom: bool,
    table: Vec<[String; 9]>,
    buf: Vec<u8>,
}

impl<W: Write> RecordWriter<W> {
    pub fn new(format: Format, out: W, bom: bool) -> Self {
        RecordWriter {
            format,
            out,
            started: false,
            bom,
            table: Vec::new(),
            buf: Vec::new(),
        }
    }

    pub fn write(&mut self, records: &[Record]) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.start()?;
        }
        match self.format {
            Format::Table => self.table.extend(records.iter().map(table_row)),
            format => {
                self.buf.clear();
                encode(format, records, &mut self.buf)?;
                self.out.write_all(&self.buf)?;
            }
        }
        Ok(())
    }

    /// A document that failed, as a record of its own (`{"doc": …, "error": …}`): for
    /// streaming, where the caller's engine expects one output per input. JSONL only.
    pub fn write_error(&mut self, doc: &str, error: &str) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.start()?;
        }
        self.buf.clear();
        encode_error(doc, error, &mut self.buf)?;
        self.out.write_all(&self.buf)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn start(&mut self) -> io::Result<()> {
        self.out.write_all(&prelude(self.format, self.bom))
    }

    /// Flush what is buffered (the table is laid out here) and return the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.started {
            self.started = true;
            self.start()?;
        }
        if self.format == Format::Table {
            write_table(&mut self.out, &self.table)?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// What an output starts with: for CSV, the byte-order mark if asked for and the header row.
pub fn prelude(format: Format, bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if format == Format::Csv {
        if bom {
            out.extend_from_slice("\u{FEFF}".as_bytes());
        }
        out.extend_from_slice(CSV_HEADER.join(",").as_bytes());
        out.push(b'\n');
    }
    out
}

/// Records as JSON lines or CSV rows, appended to `out` (a table is laid out only at the end).
pub fn encode(format: Format, records: &[Record], out: &mut Vec<u8>) -> io::Result<()> {
    match format {
        Format::Jsonl => {
            for r in records {
                serde_json::to_writer(&mut *out, r)?;
                out.push(b'\n');
            }
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(&mut *out);
            for r in records {
                w.write_record(csv_row(r))?;
            }
            w.flush()?;
        }
        Format::Table => {
            return Err(io::Error::other(
                "a table is laid out at the end, not encoded per document",
            ))
        }
    }
    Ok(())
}

/// A failed document as a JSON line of its own: `{"doc": …, "error": …}`.
pub fn encode_error(doc: &str, error: &str, out: &mut Vec<u8>) -> io::Result<()> {
    serde_json::to_writer(
        &mut *out,
        &serde_json::json!({ "doc": doc, "error": error }),
    )?;
    out.push(b'\n');
    Ok(())
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn csv_row(r: &Record) -> Vec<String> {
    vec![
        r.doc.clone(),
        r.indicator.clone(),
        format_number(r.value),
        opt(r.total.map(format_number)),
        r.unit.clone(),
        r.qualifier.as_str().to_string(),
        opt(r.period.and_then(|p| p.from)),
        opt(r.period.and_then(|p| p.to)),
        opt(r.locality.province.clone()),
        opt(r.locality.district.clone()),
        opt(r.locality.commune.clone()),
        r.span[0].to_string(),
        r.span[1].to_string(),
        r.quote.clone(),
        r.plugin.clone(),
        r.rule.clone(),
        format!("{:.2}", r.confidence),
        r.locality_source.reason.clone(),
        r.period_source.reason.clone(),
        opt(r.counterpart.as_ref().map(|c| c.map)),
        opt(r.counterpart.as_ref().map(|c| c.provinces.join("; "))),
        opt(r.counterpart.as_ref().and_then(|c| c.district.clone())),
        opt(r.counterpart.as_ref().and_then(|c| c.commune.clone())),
    ]
}

const TABLE_HEADER: [&str; 9] = [
    "doc",
    "indicator",
    "value",
    "qualifier",
    "conf",
    "period",
    "locality",
    "quote",
    "rule",
];
const QUOTE_WIDTH: usize = 60;

fn table_row(r: &Record) -> [String; 9] {
    let mut value = format_number(r.value);
    if let Some(t) = r.total {
        value = format!("{value}/{}", format_number(t));
    }
    let period = match r.period {
        Some(p) if p.from == p.to => opt(p.from),
        Some(p) => format!(
            "{}–{}",
            opt(p.from),
            p.to.map_or("nay".to_string(), |t| t.to_string())
        ),
        None => String::new(),
    };
    let locality = [
        &r.locality.commune,
        &r.locality.district,
        &r.locality.province,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect::<Vec<_>>()
    .join(", ");
    let mut quote = String::new();
    for c in r.quote.chars() {
        if quote.width() + 1 >= QUOTE_WIDTH {
            quote.push('…');
            break;
        }
        quote.push(if c == '\n' { ' ' } else { c });
    }
    [
        r.doc.clone(),
        r.indicator.clone(),
        value,
        r.qualifier.as_str().to_string(),
        format!("{:.2}", r.confidence),
        period,
        locality,
        quote,
        r.rule.clone(),
    ]
}

fn write_table<W: Write>(out: &mut W, rows: &[[String; 9]]) -> io::Result<()> {
    let mut widths: Vec<usize> = TABLE_HEADER.iter().map(|h| h.width()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let line = |out: &mut W, cells: &[&str]| -> io::Result<()> {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(cell);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w - cell.width()));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &TABLE_HEADER)?;
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    line(out, &rule.iter().map(String::as_str).collect::<Vec<_>>())?;
    for row in rows {
        line(out, &row.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    writeln!(out, "({} records)", rows.len())
}

/// A file written in full or not at all: records go to a temporary file beside the target,
/// renamed over it only when the run completes. A target that is not a regular file (a
/// device such as `/dev/null`, a FIFO) is written to directly, never replaced.
pub enum AtomicFile {
    Temp(tempfile::NamedTempFile),
    Direct(std::fs::File),
}

impl AtomicFile {
    pub fn create(path: &Path) -> io::Result<AtomicFile> {
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            return Ok(AtomicFile::Direct(
                std::fs::OpenOptions::new().write(true).open(path)?,
            ));
        }
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        builder.prefix(".chiso-").suffix(".tmp");
        // Temporary files are private (0600); the output gets what any new file gets (0666
        // less the umask: 0644 usually), or keeps the mode of the file it replaces.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).map_or(0o666, |m| m.permissions().mode() & 0o7777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        Ok(AtomicFile::Temp(builder.tempfile_in(dir)?))
    }

    /// Whether this writes a regular file (which can carry metadata beside it).
    pub fn is_regular(&self) -> bool {
        matches!(self, AtomicFile::Temp(_))
    }

    pub fn writer(&mut self) -> &mut std::fs::File {
        match self {
            AtomicFile::Temp(t) => t.as_file_mut(),
            AtomicFile::Direct(f) => f,
        }
    }

    /// A second handle on the file, to write through while this one commits later.
    pub fn handle(&self) -> io::Result<std::fs::File> {
        match self {
            AtomicFile::Temp(t) => t.as_file().try_clone(),
            AtomicFile::Direct(f) => f.try_clone(),
        }
    }

    pub fn commit(self, path: &Path) -> io::Result<()> {
        if let AtomicFile::Temp(tmp) = self {
            tmp.as_file().sync_all()?;
            tmp.persist(path).map_err(|e| e.error)?;
        }
        Ok(())
    }
}
