//! Records out: JSON Lines (the default), CSV (optionally with a BOM so Excel reads
//! Vietnamese), an aligned table for the terminal, or an Excel workbook. `-o FILE` is
//! written atomically.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::catalog::Catalog;
use crate::record::{format_number, Record};
use rust_xlsxwriter as xw;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per record per line.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// A table for reading in a terminal, fitted to its width.
    Table,
    /// An Excel workbook (needs -o FILE, or stdout redirected): Records, Pivot, Errors and
    /// Run sheets.
    Xlsx,
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
    table: Vec<[String; TABLE_COLUMNS]>,
    table_width: usize,
    buf: Vec<u8>,
    /// A workbook is laid out at the end: the records, the failed documents, and the rest.
    records: Vec<Record>,
    failed: Vec<(String, String)>,
    workbook: WorkbookInfo,
}

/// What an Excel workbook says besides the records.
#[derive(Debug, Clone, Default)]
pub struct WorkbookInfo {
    /// Labels for the indicators, and their order in the pivot.
    pub catalog: Option<Arc<Catalog>>,
    /// Lines for the Run sheet (setting, value), after chiso's version.
    pub run: Vec<(String, String)>,
}

impl<W: Write> RecordWriter<W> {
    pub fn new(format: Format, out: W, bom: bool) -> Self {
        RecordWriter {
            format,
            out,
            started: false,
            bom,
            table: Vec::new(),
            table_width: DEFAULT_TABLE_WIDTH,
            buf: Vec::new(),
            records: Vec::new(),
            failed: Vec::new(),
            workbook: WorkbookInfo::default(),
        }
    }

    /// The width a table is fitted to, in terminal columns.
    pub fn with_table_width(mut self, width: usize) -> Self {
        self.table_width = width;
        self
    }

    /// Labels and run notes for an Excel workbook.
    pub fn with_workbook(mut self, info: WorkbookInfo) -> Self {
        self.workbook = info;
        self
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn write(&mut self, records: &[Record]) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.start()?;
        }
        match self.format {
            Format::Table => self.table.extend(records.iter().map(table_row)),
            Format::Xlsx => self.records.extend_from_slice(records),
            format => {
                self.buf.clear();
                encode(format, records, &mut self.buf)?;
                self.out.write_all(&self.buf)?;
            }
        }
        Ok(())
    }

    /// A document that failed, as a record of its own (`{"doc": …, "error": …}`): for
    /// streaming, where the caller's engine expects one output per input. JSONL, or a row of
    /// a workbook's Errors sheet.
    pub fn write_error(&mut self, doc: &str, error: &str) -> io::Result<()> {
        if !self.started {
            self.started = true;
            self.start()?;
        }
        if self.format == Format::Xlsx {
            self.failed.push((doc.to_string(), error.to_string()));
            return Ok(());
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

    /// Flush what is buffered (the table or the workbook is laid out here) and return the
    /// inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        if !self.started {
            self.started = true;
            self.start()?;
        }
        match self.format {
            Format::Table => write_table(&mut self.out, &self.table, self.table_width)?,
            Format::Xlsx => {
                let bytes = workbook(&self.records, &self.failed, &self.workbook)?;
                self.out.write_all(&bytes)?;
            }
            _ => {}
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
        Format::Table | Format::Xlsx => {
            return Err(io::Error::other(
                "a table or a workbook is laid out at the end, not encoded per document",
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

/// The Excel workbook: Records (the CSV's columns, typed, with each indicator's label),
/// Pivot (indicator × province × district × period), Errors (documents that failed) and Run
/// (chiso's version and the settings; no run date, so runs give the same bytes).
fn workbook(
    records: &[Record],
    failed: &[(String, String)],
    info: &WorkbookInfo,
) -> io::Result<Vec<u8>> {
    let label = |id: &str| -> Option<String> {
        let ind = info.catalog.as_ref()?.get(id)?;
        Some(ind.label.clone())
    };
    let mut book = Book::new()?;
    records_sheet(&mut book, records, &label)?;
    pivot_sheet(&mut book, records, info.catalog.as_deref(), &label)?;
    errors_sheet(&mut book, failed)?;
    run_sheet(&mut book, records, failed, info)?;
    book.finish()
}

/// The Records sheet's columns: the CSV's, with the indicator's label after its id.
pub fn xlsx_header() -> Vec<&'static str> {
    let mut h = CSV_HEADER.to_vec();
    h.insert(2, "label");
    h
}

fn records_sheet(
    book: &mut Book,
    records: &[Record],
    label: &dyn Fn(&str) -> Option<String>,
) -> io::Result<()> {
    let header = xlsx_header();
    let mut sheet = book.sheet("Records", &header)?;
    sheet.widths = header
        .iter()
        .map(|h| match *h {
            "quote" => Width { min: 30, max: 60 },
            "label" | "rule" | "locality_source" | "period_source" => Width { min: 6, max: 45 },
            "doc" => Width { min: 6, max: 32 },
            _ => Width::default(),
        })
        .collect();
    sheet.freeze_columns = 0;
    let text = |s: &str| Cell::text(s);
    let digits = |v: Option<i32>| v.map_or(Cell::Empty, Cell::digits);
    for r in records {
        let c = r.counterpart.as_ref();
        sheet.push(vec![
            text(&r.doc),
            text(&r.indicator),
            Cell::opt_text(label(&r.indicator).as_deref()),
            Cell::number(r.value),
            r.total.map_or(Cell::Empty, Cell::number),
            text(&r.unit),
            text(r.qualifier.as_str()),
            digits(r.period.and_then(|p| p.from)),
            digits(r.period.and_then(|p| p.to)),
            Cell::opt_text(r.locality.province.as_deref()),
            Cell::opt_text(r.locality.district.as_deref()),
            Cell::opt_text(r.locality.commune.as_deref()),
            Cell::digits(r.span[0] as f64),
            Cell::digits(r.span[1] as f64),
            Cell::Text(r.quote.clone(), Style::Wrap),
            text(&r.plugin),
            text(&r.rule),
            Cell::Number(r.confidence, Style::Fixed2),
            Cell::opt_text(Some(&r.locality_source.reason)),
            Cell::opt_text(Some(&r.period_source.reason)),
            Cell::opt_text(c.map(|c| c.map)),
            Cell::opt_text(c.map(|c| c.provinces.join("; ")).as_deref()),
            Cell::opt_text(c.and_then(|c| c.district.as_deref())),
            Cell::opt_text(c.and_then(|c| c.commune.as_deref())),
        ])?;
    }
    sheet.finish()
}

/// A record's period as a pivot column: its sort key and its heading.
fn period_column(r: &Record) -> ((u8, i32, i32), String) {
    match r.period {
        None => ((2, 0, 0), "no period".to_string()),
        Some(p) => {
            let from = p.from.unwrap_or(i32::MIN);
            // "until now" with no date: after every dated period.
            let to = p.to.unwrap_or(i32::MAX);
            let heading = match (p.from, p.to) {
                (Some(f), Some(t)) if f == t => f.to_string(),
                (f, t) => format!(
                    "{}–{}",
                    f.map_or("?".to_string(), |f| f.to_string()),
                    t.map_or("nay".to_string(), |t| t.to_string())
                ),
            };
            ((u8::from(p.to.is_none()), to, from), heading)
        }
    }
}

/// One row per indicator (label, then id), province and district (a commune's figures count for its district);
/// one column per period, first a block of values, then a block of counts. A value cell holds
/// the figure chiso is most sure of (highest confidence; on a tie the first in Records): figures
/// of one indicator for one place and period are often the same figure reported twice, or parts
/// of a whole, so they are not summed. The count says how many figures there were.
fn pivot_sheet(
    book: &mut Book,
    records: &[Record],
    catalog: Option<&Catalog>,
    label: &dyn Fn(&str) -> Option<String>,
) -> io::Result<()> {
    let order: BTreeMap<&str, usize> = catalog
        .map(|c| c.ids().enumerate().map(|(i, id)| (id, i)).collect())
        .unwrap_or_default();
    // Unknown places sort after the named ones.
    type RowKey<'a> = (usize, &'a str, (bool, &'a str), (bool, &'a str));
    type PeriodKey = (u8, i32, i32);
    // For each period: how many figures, and the one chiso is most sure of.
    type Cells<'a> = BTreeMap<PeriodKey, (usize, &'a Record)>;
    fn place(s: &Option<String>) -> (bool, &str) {
        (s.is_none(), s.as_deref().unwrap_or(""))
    }
    let mut periods: BTreeMap<PeriodKey, String> = BTreeMap::new();
    let mut cells: BTreeMap<RowKey, Cells> = BTreeMap::new();
    for r in records {
        let (pkey, heading) = period_column(r);
        periods.entry(pkey).or_insert(heading);
        let key = (
            order
                .get(r.indicator.as_str())
                .copied()
                .unwrap_or(usize::MAX),
            r.indicator.as_str(),
            place(&r.locality.province),
            place(&r.locality.district),
        );
        let cell = cells.entry(key).or_default().entry(pkey).or_insert((0, r));
        cell.0 += 1;
        if r.confidence > cell.1.confidence {
            cell.1 = r;
        }
    }
    // The label and the place stay in view while the periods scroll.
    let mut header = vec!["label", "province", "district", "indicator", "unit"];
    let fixed = 3;
    let headings: Vec<String> = periods
        .values()
        .cloned()
        .chain(periods.values().map(|h| format!("figures {h}")))
        .collect();
    header.extend(headings.iter().map(String::as_str));
    let mut sheet = book.sheet("Pivot", &header)?;
    sheet.freeze_columns = fixed;
    sheet.widths = vec![Width { min: 6, max: 40 }];
    for ((_, id, province, district), by_period) in &cells {
        let first = by_period.values().next().map(|c| c.1);
        let mut row = vec![
            Cell::opt_text(label(id).as_deref()),
            Cell::opt_text(Some(province.1)),
            Cell::opt_text(Some(district.1)),
            Cell::text(*id),
            Cell::opt_text(first.map(|r| r.unit.as_str())),
        ];
        row.extend(periods.keys().map(|p| {
            by_period
                .get(p)
                .map_or(Cell::Empty, |(_, r)| Cell::number(r.value))
        }));
        row.extend(periods.keys().map(|p| {
            by_period
                .get(p)
                .map_or(Cell::Empty, |(n, _)| Cell::number(*n as f64))
        }));
        sheet.push(row)?;
    }
    sheet.finish()
}

fn errors_sheet(book: &mut Book, failed: &[(String, String)]) -> io::Result<()> {
    let mut sheet = book.sheet("Errors", &["doc", "error"])?;
    sheet.widths = vec![Width { min: 6, max: 40 }, Width { min: 20, max: 80 }];
    for (doc, why) in failed {
        sheet.push(vec![
            Cell::text(doc.as_str()),
            Cell::Text(why.clone(), Style::Wrap),
        ])?;
    }
    sheet.finish()
}

fn run_sheet(
    book: &mut Book,
    records: &[Record],
    failed: &[(String, String)],
    info: &WorkbookInfo,
) -> io::Result<()> {
    let mut sheet = book.sheet("Run", &["item", "value"])?;
    sheet.autofilter = false;
    sheet.widths = vec![Width { min: 6, max: 30 }, Width { min: 20, max: 90 }];
    let docs: BTreeSet<&str> = records.iter().map(|r| r.doc.as_str()).collect();
    let mut lines: Vec<(String, Cell)> =
        vec![("chiso".to_string(), Cell::text(env!("CARGO_PKG_VERSION")))];
    lines.extend(
        info.run
            .iter()
            .map(|(k, v)| (k.clone(), Cell::Text(v.clone(), Style::Wrap))),
    );
    lines.extend([
        ("records".to_string(), Cell::number(records.len() as f64)),
        (
            "documents with figures".to_string(),
            Cell::number(docs.len() as f64),
        ),
        (
            "documents failed".to_string(),
            Cell::number(failed.len() as f64),
        ),
    ]);
    let notes = [
        ("sheet Records", "one row per figure: the columns of the CSV output, with the indicator's Vietnamese label beside its id; value, total, years, offsets and confidence are numbers"),
        ("sheet Pivot", "one row per indicator, province and district (a commune's figures count for its district); for each period, the value chiso is most sure of (highest confidence; on a tie the first in Records), then the number of figures found. Figures are not summed: several figures for one place and period are often the same figure reported twice"),
        ("sheet Errors", "documents that could not be read or extracted, and why"),
    ];
    lines.extend(
        notes
            .iter()
            .map(|(k, v)| (k.to_string(), Cell::Text(v.to_string(), Style::Wrap))),
    );
    for (k, v) in lines {
        sheet.push(vec![Cell::text(k), v])?;
    }
    sheet.finish()
}

// The workbook's sheets, laid out here and written by rust_xlsxwriter.

/// Excel's limits: rows in a sheet, characters in a cell.
const MAX_ROWS: usize = 1_048_576;
const MAX_CELL_CHARS: usize = 32_767;

/// How a cell looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// Bold on a light fill: header rows.
    Header,
    /// Text or a number as Excel shows it by default, top-aligned.
    Plain,
    /// Text wrapped within the column width, top-aligned.
    Wrap,
    /// A whole number with thousands separators (1,234,567).
    Integer,
    /// Two decimals (0.85).
    Fixed2,
    /// Digits only, no separators: years, offsets.
    Digits,
}

impl Style {
    /// Every style, in the order of its discriminant (`style as usize` indexes this).
    const ALL: [Style; 6] = [
        Style::Header,
        Style::Plain,
        Style::Wrap,
        Style::Integer,
        Style::Fixed2,
        Style::Digits,
    ];

    /// The cell format; number formats are Excel's built-in 1 `0`, 2 `0.00` and 3 `#,##0`.
    fn format(self) -> xw::Format {
        let top = xw::Format::new().set_align(xw::FormatAlign::Top);
        match self {
            Style::Header => top
                .set_bold()
                .set_background_color(xw::Color::RGB(0xDDEBF7)),
            Style::Plain => top,
            Style::Wrap => top.set_text_wrap(),
            Style::Integer => top.set_num_format_index(3),
            Style::Fixed2 => top.set_num_format_index(2),
            Style::Digits => top.set_num_format_index(1),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String, Style),
    Number(f64, Style),
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into(), Style::Plain)
    }

    /// Text, or an empty cell when there is none.
    fn opt_text(s: Option<&str>) -> Cell {
        match s {
            Some(s) if !s.is_empty() => Cell::text(s),
            _ => Cell::Empty,
        }
    }

    /// A number: whole numbers with thousands separators, others as Excel shows them.
    fn number(v: f64) -> Cell {
        let style = if v.fract() == 0.0 {
            Style::Integer
        } else {
            Style::Plain
        };
        Cell::Number(v, style)
    }

    /// A number shown as plain digits (a year, an offset).
    fn digits(v: impl Into<f64>) -> Cell {
        Cell::Number(v.into(), Style::Digits)
    }

    /// How wide the cell reads, in characters, for sizing its column.
    fn width(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Text(s, _) => s.lines().map(|l| l.width()).max().unwrap_or(0),
            Cell::Number(v, Style::Integer) => {
                let digits = format_number(*v).len();
                digits + digits.saturating_sub(1) / 3
            }
            Cell::Number(v, Style::Fixed2) => format!("{v:.2}").len(),
            Cell::Number(v, _) => format_number(*v).len(),
        }
    }
}

/// A column's width: sized from its content (in characters, header included) between `min`
/// and `max`.
#[derive(Debug, Clone, Copy)]
struct Width {
    min: usize,
    max: usize,
}

impl Default for Width {
    fn default() -> Self {
        Width { min: 6, max: 40 }
    }
}

/// A workbook being written: its sheets go straight into rust_xlsxwriter, row by row, in its
/// low-memory mode (rows are kept in a temporary file, strings still shared).
struct Book {
    workbook: xw::Workbook,
    formats: [xw::Format; Style::ALL.len()],
}

fn xlsx_error(e: xw::XlsxError) -> io::Error {
    io::Error::other(format!("writing the workbook: {e}"))
}

impl Book {
    /// A workbook whose properties carry a fixed date (1980-01-01), as every zip entry does,
    /// so the same sheets give the same bytes.
    fn new() -> io::Result<Book> {
        // Each sheet's rows go through a temporary file, which rust_xlsxwriter expects to be
        // able to make (it panics if it cannot): say so as an error instead.
        tempfile::tempfile().map_err(|e| {
            io::Error::other(format!(
                "the workbook is written through temporary files in {}: {e}",
                std::env::temp_dir().display()
            ))
        })?;
        let mut workbook = xw::Workbook::new();
        let date = xw::ExcelDateTime::from_ymd(1980, 1, 1).map_err(xlsx_error)?;
        workbook.set_properties(
            &xw::DocProperties::new()
                .set_title("chiso records")
                .set_author(format!("chiso {}", env!("CARGO_PKG_VERSION")))
                .set_creation_datetime(&date),
        );
        Ok(Book {
            workbook,
            formats: Style::ALL.map(Style::format),
        })
    }

    /// A new sheet with its header row.
    fn sheet(&mut self, name: &str, header: &[&str]) -> io::Result<Sheet<'_>> {
        let ws = self.workbook.add_worksheet_with_low_memory();
        ws.set_name(name).map_err(xlsx_error)?;
        let mut sheet = Sheet {
            name: name.to_string(),
            ws,
            formats: &self.formats,
            widths: Vec::new(),
            header: header.iter().map(|h| h.width()).collect(),
            content: Vec::new(),
            rows: 0,
            freeze_columns: 0,
            autofilter: true,
        };
        for (c, h) in header.iter().enumerate() {
            sheet.cell(0, c, Cell::Text(h.to_string(), Style::Header))?;
        }
        Ok(sheet)
    }

    /// The .xlsx bytes.
    fn finish(mut self) -> io::Result<Vec<u8>> {
        self.workbook.save_to_buffer().map_err(xlsx_error)
    }
}

/// One worksheet being written: a header row, then data rows; [`Sheet::finish`] sizes the
/// columns, freezes the panes and sets the filter.
struct Sheet<'a> {
    name: String,
    ws: &'a mut xw::Worksheet,
    formats: &'a [xw::Format; Style::ALL.len()],
    /// Per column (missing: the default).
    widths: Vec<Width>,
    /// The header's width and the widest cell's so far, per column, in characters.
    header: Vec<usize>,
    content: Vec<usize>,
    /// Data rows written.
    rows: usize,
    /// Columns kept in view when scrolling right (the header row is always frozen).
    freeze_columns: usize,
    autofilter: bool,
}

impl Sheet<'_> {
    /// The next data row. Fails past Excel's row limit.
    fn push(&mut self, row: Vec<Cell>) -> io::Result<()> {
        if self.rows + 1 >= MAX_ROWS {
            return Err(io::Error::other(format!(
                "sheet {} would have more than {MAX_ROWS} rows, Excel's limit (header included): use --format csv or jsonl",
                self.name
            )));
        }
        self.rows += 1;
        if self.content.len() < row.len() {
            self.content.resize(row.len(), 0);
        }
        for (c, cell) in row.into_iter().enumerate() {
            self.content[c] = self.content[c].max(cell.width());
            self.cell(self.rows, c, cell)?;
        }
        Ok(())
    }

    fn cell(&mut self, row: usize, column: usize, cell: Cell) -> io::Result<()> {
        let (row, column) = (row as u32, column as u16);
        match cell {
            Cell::Empty => return Ok(()),
            Cell::Text(t, style) => {
                let format = &self.formats[style as usize];
                self.ws
                    .write_string_with_format(row, column, cell_text(t), format)
            }
            Cell::Number(v, style) if v.is_finite() => {
                let format = &self.formats[style as usize];
                self.ws.write_number_with_format(row, column, v, format)
            }
            // Excel has no NaN or infinity: as text.
            Cell::Number(v, style) => {
                let format = &self.formats[style as usize];
                self.ws
                    .write_string_with_format(row, column, v.to_string(), format)
            }
        }
        .map(|_| ())
        .map_err(xlsx_error)
    }

    /// Each column's width in characters: its widest cell, header included (with room for the
    /// autofilter's button), within the column's bounds.
    fn column_widths(&self) -> Vec<usize> {
        (0..self.header.len().max(self.content.len()))
            .map(|c| {
                let bounds = self.widths.get(c).copied().unwrap_or_default();
                let header = self
                    .header
                    .get(c)
                    .map_or(0, |h| h + if self.autofilter { 3 } else { 0 });
                let content = self.content.get(c).copied().unwrap_or(0);
                header
                    .max(content)
                    .clamp(bounds.min, bounds.max.max(bounds.min))
            })
            .collect()
    }

    fn finish(self) -> io::Result<()> {
        let widths = self.column_widths();
        // The header row stays in view, and `freeze_columns` columns with it.
        self.ws
            .set_freeze_panes(1, self.freeze_columns as u16)
            .map_err(xlsx_error)?;
        for (c, chars) in widths.iter().enumerate() {
            // Excel's unit is the width of a digit (7 pixels); a little more for padding and
            // for Vietnamese letters, wider than digits with their marks.
            let pixels = ((*chars as f64 * 1.1 + 1.0) * 7.0).round() as u32;
            self.ws
                .set_column_width_pixels(c as u16, pixels)
                .map_err(xlsx_error)?;
        }
        if self.autofilter && !widths.is_empty() {
            self.ws
                .autofilter(0, 0, self.rows as u32, widths.len() as u16 - 1)
                .map_err(xlsx_error)?;
        }
        Ok(())
    }
}

/// A cell's text as Excel holds it: at most [`MAX_CELL_CHARS`] characters, cut with an
/// ellipsis.
fn cell_text(s: String) -> String {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        None => s,
        Some(_) => s.chars().take(MAX_CELL_CHARS - 1).chain(['…']).collect(),
    }
}

const TABLE_COLUMNS: usize = 10;
const TABLE_HEADER: [&str; TABLE_COLUMNS] = [
    "doc",
    "indicator",
    "value",
    "unit",
    "qualifier",
    "conf",
    "period",
    "locality",
    "quote",
    "rule",
];

/// The width a table is fitted to when the terminal's is unknown (output to a file or pipe).
pub const DEFAULT_TABLE_WIDTH: usize = 100;

/// Columns that give way when a table is wider than the terminal, with their weight and the
/// narrowest they get: they share the room the others leave, the quote twice as much.
const TABLE_FLEX: [(usize, usize, usize); 4] = [(8, 2, 12), (1, 1, 10), (7, 1, 8), (0, 1, 8)];
const RULE: usize = 9;
const RULE_MIN: usize = 12;
/// Below this the quote no longer reads: the rule column is left out to make room.
const QUOTE_READABLE: usize = 24;

fn table_row(r: &Record) -> [String; TABLE_COLUMNS] {
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
    let one_line = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    [
        one_line(&r.doc),
        r.indicator.clone(),
        value,
        r.unit.clone(),
        r.qualifier.as_str().to_string(),
        format!("{:.2}", r.confidence),
        period,
        locality,
        one_line(&r.quote),
        r.rule.clone(),
    ]
}

/// Column widths for a table that fits in `width` terminal columns where it can, `None` for a
/// column left out. The rule gives way first (down to [`RULE_MIN`]); then the doc, indicator,
/// locality and quote columns share what room is left (see [`TABLE_FLEX`]); when that leaves
/// the quote too narrow to read, the rule column is left out. Value, unit, qualifier,
/// confidence and period are never cut.
fn table_widths(rows: &[[String; TABLE_COLUMNS]], width: usize) -> [Option<usize>; TABLE_COLUMNS] {
    let mut natural = TABLE_HEADER.map(|h| h.width());
    for row in rows {
        for (w, cell) in natural.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let total = |w: &[Option<usize>]| {
        let shown = w.iter().flatten().count();
        w.iter().flatten().sum::<usize>() + 2 * shown.saturating_sub(1)
    };
    let fitted = natural.map(Some);
    if total(&fitted) <= width {
        return fitted;
    }
    let mut last = fitted;
    for rule in [Some(natural[RULE].min(RULE_MIN)), None] {
        let mut w = natural.map(Some);
        w[RULE] = rule;
        for (column, _, _) in TABLE_FLEX {
            w[column] = Some(0);
        }
        let room = width.saturating_sub(total(&w));
        let flex = share(&natural, room);
        for ((column, _, _), f) in TABLE_FLEX.iter().zip(flex) {
            w[*column] = Some(f);
        }
        last = w;
        if w[TABLE_FLEX[0].0] >= Some(QUOTE_READABLE.min(natural[TABLE_FLEX[0].0])) {
            break;
        }
    }
    last
}

/// `room` shared among the [`TABLE_FLEX`] columns: each gets its weight times a common
/// share, no more than it needs and no less than its minimum; what is left over goes to the
/// first (the quote) onwards.
fn share(natural: &[usize; TABLE_COLUMNS], room: usize) -> [usize; 4] {
    let at = |level: usize| {
        TABLE_FLEX.map(|(column, weight, min)| natural[column].min((weight * level).max(min)))
    };
    let top = natural.iter().copied().max().unwrap_or(0);
    let mut level = top;
    while level > 0 && at(level).iter().sum::<usize>() > room {
        level -= 1;
    }
    let mut widths = at(level);
    let mut left = room.saturating_sub(widths.iter().sum());
    for (w, (column, _, _)) in widths.iter_mut().zip(TABLE_FLEX) {
        let more = left.min(natural[column] - *w);
        *w += more;
        left -= more;
    }
    widths
}

/// `s` cut to `width` terminal columns, with an ellipsis where it was cut.
fn truncate(s: &str, width: usize) -> std::borrow::Cow<'_, str> {
    if s.width() <= width {
        return s.into();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out.into()
}

fn write_table<W: Write>(
    out: &mut W,
    rows: &[[String; TABLE_COLUMNS]],
    width: usize,
) -> io::Result<()> {
    let widths = table_widths(rows, width);
    let line = |out: &mut W, cells: &[&str]| -> io::Result<()> {
        let mut s = String::new();
        let shown: Vec<(&str, usize)> = cells
            .iter()
            .zip(&widths)
            .filter_map(|(c, w)| Some((*c, (*w)?)))
            .collect();
        for (i, (cell, w)) in shown.iter().enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            let cell = truncate(cell, *w);
            s.push_str(&cell);
            if i + 1 < shown.len() {
                s.push_str(&" ".repeat(w.saturating_sub(cell.width())));
            }
        }
        writeln!(out, "{}", s.trim_end())
    };
    line(out, &TABLE_HEADER)?;
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(w.unwrap_or(0))).collect();
    line(out, &rule.iter().map(String::as_str).collect::<Vec<_>>())?;
    for row in rows {
        line(out, &row.iter().map(String::as_str).collect::<Vec<_>>())?;
    }
    if widths[RULE].is_none() {
        writeln!(
            out,
            "({} records; the rule column left out to fit {width} columns)",
            rows.len()
        )
    } else {
        writeln!(out, "({} records)", rows.len())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> [String; TABLE_COLUMNS] {
        [
            "003_2bb0146b02c3cca8.txt",
            "enterprise_party_orgs_founded",
            "12",
            "organization",
            "exact",
            "0.77",
            "2020–2022",
            "Lê Chân, Hải Phòng",
            "thành lập được 12 tổ chức Đảng trong doanh nghiệp ngoài nhà nước",
            "reading.enterprise_party_orgs_founded.founded",
        ]
        .map(String::from)
    }

    fn rendered(width: usize) -> String {
        let mut out = Vec::new();
        write_table(&mut out, &[row(), row()], width).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_wide_terminal_shows_everything() {
        let t = rendered(300);
        assert!(t.contains("reading.enterprise_party_orgs_founded.founded"));
        assert!(t.contains("doanh nghiệp ngoài nhà nước"));
        assert!(!t.contains('…'));
    }

    #[test]
    fn tables_fit_the_width_in_terminal_columns() {
        for width in [100, 120, 160, 200] {
            let t = rendered(width);
            for line in t.lines() {
                assert!(
                    line.width() <= width,
                    "{width}: {line:?} is {}",
                    line.width()
                );
            }
            // Never cut: value, unit, qualifier, confidence, period.
            for kept in ["organization", "exact", "0.77", "2020–2022"] {
                assert!(t.contains(kept), "{width}: {kept} cut in\n{t}");
            }
        }
        // Narrow: the rule gives way to the quote, and the footer says so.
        let t = rendered(100);
        assert!(!t.contains("reading."), "{t}");
        assert!(t.contains("the rule column left out to fit 100 columns"));
        let t = rendered(160);
        assert!(t.contains("reading.ent"), "{t}");
    }

    #[test]
    fn cut_with_an_ellipsis_by_display_width() {
        assert_eq!(truncate("Lê Chân, Hải Phòng", 8), "Lê Chân…");
        assert_eq!(truncate("Lê Chân", 7), "Lê Chân");
        // Wide characters take two columns.
        assert_eq!(truncate("中文字符", 5), "中文…");
    }

    #[test]
    fn the_records_sheet_has_the_csv_columns_and_the_label() {
        let h = xlsx_header();
        assert_eq!(h.len(), CSV_HEADER.len() + 1);
        assert_eq!(&h[..3], ["doc", "indicator", "label"]);
    }

    #[test]
    fn styles_index_their_formats() {
        for (i, style) in Style::ALL.into_iter().enumerate() {
            assert_eq!(style as usize, i);
        }
    }

    #[test]
    fn cells_hold_at_most_excels_length() {
        assert_eq!(cell_text("Lê Chân".to_string()), "Lê Chân");
        let long = cell_text("đ".repeat(MAX_CELL_CHARS + 5));
        assert_eq!(long.chars().count(), MAX_CELL_CHARS);
        assert!(long.ends_with('…'));
        let exact = "đ".repeat(MAX_CELL_CHARS);
        assert_eq!(cell_text(exact.clone()), exact);
    }

    #[test]
    fn columns_are_sized_to_their_content_within_bounds() {
        let mut book = Book::new().unwrap();
        let mut s = book.sheet("Records", &["doc", "value", "quote"]).unwrap();
        s.widths = vec![
            Width::default(),
            Width::default(),
            Width { min: 30, max: 60 },
        ];
        s.push(vec![
            Cell::text("Thành ủy"),
            Cell::number(1_234_567.0),
            Cell::text("ngắn"),
        ])
        .unwrap();
        s.push(vec![Cell::text("x".repeat(100))]).unwrap();
        // doc: cut at 40; value: "1,234,567" is 9, the header with its filter button 8;
        // quote: at least 30.
        assert_eq!(s.column_widths(), [40, 9, 30]);
        s.autofilter = false;
        s.widths.clear();
        assert_eq!(s.column_widths(), [40, 9, 6]);
    }

    fn one_sheet(rows: Vec<Vec<Cell>>) -> io::Result<Vec<u8>> {
        let mut book = Book::new()?;
        let mut s = book.sheet("Records", &["doc", "value"])?;
        for row in rows {
            s.push(row)?;
        }
        s.finish()?;
        book.finish()
    }

    #[test]
    fn same_sheets_same_bytes() {
        let rows = || {
            vec![
                vec![Cell::text("Thành ủy"), Cell::number(1234.5)],
                vec![Cell::text("a\u{1}b _x0041_"), Cell::number(f64::NAN)],
            ]
        };
        let a = one_sheet(rows()).unwrap();
        assert_eq!(a, one_sheet(rows()).unwrap());
        assert!(a.starts_with(b"PK\x03\x04"));
    }

    #[test]
    fn a_sheet_over_excels_rows_is_refused() {
        let e = one_sheet(vec![vec![Cell::Empty]; MAX_ROWS])
            .unwrap_err()
            .to_string();
        assert!(e.contains("Records") && e.contains("csv"), "{e}");
        assert!(one_sheet(vec![vec![Cell::Empty]; MAX_ROWS - 1]).is_ok());
    }
}
