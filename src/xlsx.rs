//! A small SpreadsheetML (.xlsx) writer: typed cells, shared strings, a bold header row,
//! frozen panes, an autofilter and column widths. Enough for chiso's workbook, and
//! deterministic: the same sheets give the same bytes (no dates in the document properties,
//! every zip entry stamped 1980-01-01).
//!
//! It writes through the `zip` crate chiso already uses to read .docx (deflate by flate2),
//! so Excel output adds no dependency.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Cursor, Write};

/// Excel's limits: rows in a sheet, characters in a cell.
pub const MAX_ROWS: usize = 1_048_576;
pub const MAX_CELL_CHARS: usize = 32_767;

/// How a cell looks. The styles are fixed (see [`STYLES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
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
    fn index(self) -> usize {
        match self {
            Style::Header => 1,
            Style::Plain => 2,
            Style::Wrap => 3,
            Style::Integer => 4,
            Style::Fixed2 => 5,
            Style::Digits => 6,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String, Style),
    Number(f64, Style),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into(), Style::Plain)
    }

    /// Text, or an empty cell when there is none.
    pub fn opt_text(s: Option<&str>) -> Cell {
        match s {
            Some(s) if !s.is_empty() => Cell::text(s),
            _ => Cell::Empty,
        }
    }

    /// A number: whole numbers with thousands separators, others as Excel shows them.
    pub fn number(v: f64) -> Cell {
        let style = if v.fract() == 0.0 {
            Style::Integer
        } else {
            Style::Plain
        };
        Cell::Number(v, style)
    }

    /// A number shown as plain digits (a year, an offset).
    pub fn digits(v: impl Into<f64>) -> Cell {
        Cell::Number(v.into(), Style::Digits)
    }

    /// How wide the cell reads, in characters, for sizing its column.
    fn width(&self) -> usize {
        use unicode_width::UnicodeWidthStr;
        match self {
            Cell::Empty => 0,
            Cell::Text(s, _) => s.lines().map(|l| l.width()).max().unwrap_or(0),
            Cell::Number(v, Style::Integer) => {
                let digits = crate::record::format_number(*v).len();
                digits + digits.saturating_sub(1) / 3
            }
            Cell::Number(v, Style::Fixed2) => format!("{v:.2}").len(),
            Cell::Number(v, _) => crate::record::format_number(*v).len(),
        }
    }
}

/// A column's width: sized from its content (in characters, header included) between `min`
/// and `max`; `wrap` columns hold long text and wrap it at `max`.
#[derive(Debug, Clone, Copy)]
pub struct Width {
    pub min: usize,
    pub max: usize,
}

impl Default for Width {
    fn default() -> Self {
        Width { min: 6, max: 40 }
    }
}

/// One worksheet: a header row and data rows.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Per column (missing: the default).
    pub widths: Vec<Width>,
    /// Columns kept in view when scrolling right (the header row is always frozen).
    pub freeze_columns: usize,
    pub autofilter: bool,
}

impl Sheet {
    pub fn new(name: &str, header: &[&str]) -> Sheet {
        Sheet {
            name: name.to_string(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            widths: Vec::new(),
            freeze_columns: 0,
            autofilter: true,
        }
    }

    fn columns(&self) -> usize {
        self.rows
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(0)
            .max(self.header.len())
    }
}

/// What `docProps/core.xml` says: no dates, so runs are byte-identical.
#[derive(Debug, Clone, Default)]
pub struct Properties {
    pub title: String,
    pub creator: String,
}

/// The workbook as .xlsx bytes. Fails only on a sheet over Excel's row limit.
pub fn workbook(sheets: &[Sheet], props: &Properties) -> io::Result<Vec<u8>> {
    for s in sheets {
        if s.rows.len() + 1 > MAX_ROWS {
            return Err(io::Error::other(format!(
                "sheet {} would have {} rows; Excel holds at most {MAX_ROWS} (header included): use --format csv or jsonl",
                s.name,
                s.rows.len() + 1
            )));
        }
    }
    let mut strings = SharedStrings::default();
    let worksheets: Vec<String> = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| worksheet(s, i == 0, &mut strings))
        .collect();

    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut put = |name: &str, body: &str| -> io::Result<()> {
        zip.start_file(name, opts).map_err(io::Error::other)?;
        zip.write_all(body.as_bytes())
    };
    put("[Content_Types].xml", &content_types(sheets.len()))?;
    put("_rels/.rels", ROOT_RELS)?;
    put("docProps/app.xml", &app(sheets))?;
    put("docProps/core.xml", &core(props))?;
    put("xl/workbook.xml", &workbook_xml(sheets))?;
    put("xl/_rels/workbook.xml.rels", &workbook_rels(sheets.len()))?;
    put("xl/styles.xml", STYLES)?;
    put("xl/sharedStrings.xml", &strings.xml())?;
    for (i, ws) in worksheets.iter().enumerate() {
        put(&format!("xl/worksheets/sheet{}.xml", i + 1), ws)?;
    }
    let cursor = zip.finish().map_err(io::Error::other)?;
    Ok(cursor.into_inner())
}

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn content_types(sheets: usize) -> String {
    let mut s = String::from(XML_DECL);
    s.push_str(concat!(
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">",
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>",
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>",
        "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
        "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>",
        "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>",
        "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>",
        "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>",
    ));
    for i in 1..=sheets {
        let _ = write!(
            s,
            "<Override PartName=\"/xl/worksheets/sheet{i}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        );
    }
    s.push_str("</Types>");
    s
}

const ROOT_RELS: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>",
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>",
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>",
    "</Relationships>"
);

fn app(sheets: &[Sheet]) -> String {
    let mut s = String::from(XML_DECL);
    s.push_str(concat!(
        "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" ",
        "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">",
        "<Application>chiso</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>",
        "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>",
    ));
    let _ = write!(
        s,
        "<vt:variant><vt:i4>{}</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"{}\" baseType=\"lpstr\">",
        sheets.len(),
        sheets.len()
    );
    for sheet in sheets {
        let _ = write!(s, "<vt:lpstr>{}</vt:lpstr>", escape(&sheet.name));
    }
    s.push_str("</vt:vector></TitlesOfParts><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>");
    s
}

fn core(props: &Properties) -> String {
    let mut s = String::from(XML_DECL);
    s.push_str(concat!(
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" ",
        "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" ",
        "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    ));
    let _ = write!(
        s,
        "<dc:title>{}</dc:title><dc:creator>{}</dc:creator></cp:coreProperties>",
        escape(&props.title),
        escape(&props.creator)
    );
    s
}

fn workbook_xml(sheets: &[Sheet]) -> String {
    let mut s = String::from(XML_DECL);
    let _ = write!(
        s,
        "<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><workbookPr/><bookViews><workbookView/></bookViews><sheets>"
    );
    for (i, sheet) in sheets.iter().enumerate() {
        let _ = write!(
            s,
            "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>",
            escape(&sheet.name),
            i + 1,
            i + 1
        );
    }
    s.push_str("</sheets>");
    // Excel keeps each sheet's filter range as a hidden name; it expects it beside <autoFilter>.
    let filtered: Vec<_> = sheets
        .iter()
        .enumerate()
        .filter(|(_, s)| s.autofilter)
        .collect();
    if !filtered.is_empty() {
        s.push_str("<definedNames>");
        for (i, sheet) in filtered {
            let range = range(sheet, true);
            let _ = write!(
                s,
                "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" hidden=\"1\">'{}'!{}</definedName>",
                escape(&sheet.name.replace('\'', "''")),
                range
            );
        }
        s.push_str("</definedNames>");
    }
    s.push_str("<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
    s
}

fn workbook_rels(sheets: usize) -> String {
    let mut s = String::from(XML_DECL);
    s.push_str(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">",
    );
    for i in 1..=sheets {
        let _ = write!(
            s,
            "<Relationship Id=\"rId{i}\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"
        );
    }
    let _ = write!(
        s,
        "<Relationship Id=\"rId{}\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId{}\" Type=\"{REL_NS}/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>",
        sheets + 1,
        sheets + 2
    );
    s
}

/// The cell formats [`Style`] indexes (0 is Excel's default). Number formats are built-in:
/// 1 `0`, 2 `0.00`, 3 `#,##0`.
const STYLES: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
    "<fonts count=\"2\">",
    "<font><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font>",
    "<font><b/><sz val=\"11\"/><color theme=\"1\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font>",
    "</fonts>",
    "<fills count=\"3\">",
    "<fill><patternFill patternType=\"none\"/></fill>",
    "<fill><patternFill patternType=\"gray125\"/></fill>",
    "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"FFDDEBF7\"/><bgColor indexed=\"64\"/></patternFill></fill>",
    "</fills>",
    "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>",
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>",
    "<cellXfs count=\"7\">",
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>",
    "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>",
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>",
    "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>",
    "<xf numFmtId=\"3\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>",
    "<xf numFmtId=\"2\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>",
    "<xf numFmtId=\"1\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\"/></xf>",
    "</cellXfs>",
    "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>",
    "<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" defaultPivotStyle=\"PivotStyleLight16\"/>",
    "</styleSheet>"
);

/// The shared string table: each distinct text once, in order of first use.
#[derive(Default)]
struct SharedStrings {
    index: HashMap<String, usize>,
    order: Vec<String>,
    uses: usize,
}

impl SharedStrings {
    fn get(&mut self, s: &str) -> usize {
        self.uses += 1;
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.order.len();
        self.index.insert(s.to_string(), i);
        self.order.push(s.to_string());
        i
    }

    fn xml(&self) -> String {
        let mut s = String::from(XML_DECL);
        let _ = write!(
            s,
            "<sst xmlns=\"{MAIN_NS}\" count=\"{}\" uniqueCount=\"{}\">",
            self.uses,
            self.order.len()
        );
        for t in &self.order {
            let preserve = t.starts_with(char::is_whitespace)
                || t.ends_with(char::is_whitespace)
                || t.contains('\n');
            s.push_str(if preserve {
                "<si><t xml:space=\"preserve\">"
            } else {
                "<si><t>"
            });
            s.push_str(&escape(&cell_text(t)));
            s.push_str("</t></si>");
        }
        s.push_str("</sst>");
        s
    }
}

fn worksheet(sheet: &Sheet, selected: bool, strings: &mut SharedStrings) -> String {
    let columns = sheet.columns();
    let mut s = String::from(XML_DECL);
    let _ = write!(
        s,
        "<worksheet xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><dimension ref=\"{}\"/>",
        range(sheet, false)
    );
    // The header row stays in view, and `freeze_columns` columns with it.
    let tab = if selected { " tabSelected=\"1\"" } else { "" };
    let _ = write!(s, "<sheetViews><sheetView{tab} workbookViewId=\"0\">");
    if sheet.freeze_columns > 0 {
        let _ = write!(
            s,
            "<pane xSplit=\"{x}\" ySplit=\"1\" topLeftCell=\"{tl}\" activePane=\"bottomRight\" state=\"frozen\"/>\
             <selection pane=\"topRight\"/><selection pane=\"bottomLeft\"/><selection pane=\"bottomRight\" activeCell=\"{tl}\" sqref=\"{tl}\"/>",
            x = sheet.freeze_columns,
            tl = cell_ref(1, sheet.freeze_columns)
        );
    } else {
        s.push_str(
            "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
             <selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>",
        );
    }
    s.push_str("</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>");
    if columns > 0 {
        s.push_str("<cols>");
        for c in 0..columns {
            let bounds = sheet.widths.get(c).copied().unwrap_or_default();
            let header = sheet.header.get(c).map_or(0, |h| {
                use unicode_width::UnicodeWidthStr;
                // Room for the autofilter's drop-down button.
                h.width() + if sheet.autofilter { 3 } else { 0 }
            });
            let content = sheet
                .rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(Cell::width)
                .max()
                .unwrap_or(0);
            let chars = header
                .max(content)
                .clamp(bounds.min, bounds.max.max(bounds.min));
            // Excel's unit is the width of a digit; a little more for padding and for
            // Vietnamese letters, wider than digits with their marks.
            let width = chars as f64 * 1.1 + 1.0;
            let _ = write!(
                s,
                "<col min=\"{n}\" max=\"{n}\" width=\"{width:.2}\" customWidth=\"1\"/>",
                n = c + 1
            );
        }
        s.push_str("</cols>");
    }
    s.push_str("<sheetData>");
    let header: Vec<Cell> = sheet
        .header
        .iter()
        .map(|h| Cell::Text(h.clone(), Style::Header))
        .collect();
    for (r, row) in std::iter::once(&header).chain(&sheet.rows).enumerate() {
        let _ = write!(s, "<row r=\"{}\">", r + 1);
        for (c, cell) in row.iter().enumerate() {
            let at = cell_ref(r, c);
            match cell {
                Cell::Empty => {}
                Cell::Text(t, style) => {
                    let i = strings.get(t);
                    let _ = write!(
                        s,
                        "<c r=\"{at}\" s=\"{}\" t=\"s\"><v>{i}</v></c>",
                        style.index()
                    );
                }
                Cell::Number(v, style) if v.is_finite() => {
                    let _ = write!(s, "<c r=\"{at}\" s=\"{}\"><v>{v}</v></c>", style.index());
                }
                Cell::Number(v, style) => {
                    let i = strings.get(&v.to_string());
                    let _ = write!(
                        s,
                        "<c r=\"{at}\" s=\"{}\" t=\"s\"><v>{i}</v></c>",
                        style.index()
                    );
                }
            }
        }
        s.push_str("</row>");
    }
    s.push_str("</sheetData>");
    if sheet.autofilter && columns > 0 {
        let _ = write!(s, "<autoFilter ref=\"{}\"/>", range(sheet, false));
    }
    s.push_str("<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>");
    s
}

/// The sheet's used range, `A1:W42` (`$A$1:$W$42` when `absolute`).
fn range(sheet: &Sheet, absolute: bool) -> String {
    let last = cell_ref(sheet.rows.len(), sheet.columns().max(1) - 1);
    if absolute {
        let split = last.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
        format!("$A$1:${}${}", &last[..split], &last[split..])
    } else {
        format!("A1:{last}")
    }
}

/// The A1 name of a cell, both indices from 0: (0, 0) is A1, (1, 27) is AB2.
pub fn cell_ref(row: usize, column: usize) -> String {
    let mut letters = Vec::new();
    let mut c = column + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + rem as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// A cell's text as SpreadsheetML stores it: at most Excel's cell length, characters XML
/// cannot hold written `_xHHHH_` (and a literal `_xHHHH_` kept literal by escaping its `_`).
fn cell_text(s: &str) -> String {
    let s: String = if s.chars().count() > MAX_CELL_CHARS {
        s.chars().take(MAX_CELL_CHARS - 1).chain(['…']).collect()
    } else {
        s.to_string()
    };
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(c) = rest.chars().next() {
        if c == '_' && looks_escaped(rest) {
            out.push_str("_x005F_");
        } else if (c < ' ' && c != '\t' && c != '\n' && c != '\r')
            || c == '\u{FFFE}'
            || c == '\u{FFFF}'
        {
            let _ = write!(out, "_x{:04X}_", c as u32);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn looks_escaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
}

/// Text for XML content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(1, 25), "Z2");
        assert_eq!(cell_ref(1, 27), "AB2");
        assert_eq!(cell_ref(9, 701), "ZZ10");
        assert_eq!(cell_ref(0, 702), "AAA1");
    }

    #[test]
    fn text_is_kept_as_written() {
        assert_eq!(cell_text("Lê Chân & <Hải Phòng>"), "Lê Chân & <Hải Phòng>");
        assert_eq!(escape(&cell_text("a & b")), "a &amp; b");
        assert_eq!(cell_text("a\u{1}b"), "a_x0001_b");
        assert_eq!(cell_text("_x0041_"), "_x005F_x0041_");
        assert_eq!(cell_text("_x00"), "_x00");
        let long = "đ".repeat(MAX_CELL_CHARS + 5);
        assert_eq!(cell_text(&long).chars().count(), MAX_CELL_CHARS);
    }

    #[test]
    fn ranges() {
        let mut s = Sheet::new("Records", &["a", "b", "c"]);
        s.rows.push(vec![Cell::number(1.0)]);
        assert_eq!(range(&s, false), "A1:C2");
        assert_eq!(range(&s, true), "$A$1:$C$2");
    }

    #[test]
    fn same_sheets_same_bytes() {
        let mut s = Sheet::new("Records", &["doc", "value"]);
        s.rows
            .push(vec![Cell::text("Thành ủy"), Cell::number(1234.5)]);
        let props = Properties {
            title: "t".into(),
            creator: "c".into(),
        };
        let a = workbook(std::slice::from_ref(&s), &props).unwrap();
        let b = workbook(&[s], &props).unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with(b"PK\x03\x04"));
    }
}
