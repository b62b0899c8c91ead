//! Web pages: the main article text of an HTML page, without menus, lists of other
//! articles, share bars or reader comments.
//!
//! A small tolerant tokenizer builds a tree the way browsers roughly do (implied end
//! tags, void elements, raw-text elements, stray `<` as text); then
//! 1. elements that are never article text are dropped: `nav`, `aside`, `footer`,
//!    `script`, `style`, `noscript`, forms and their controls, `iframe`, hidden elements,
//!    and elements whose class/id names them as comments, related news, share bars,
//!    menus, sidebars, breadcrumbs, tags, captchas or ads;
//! 2. blocks headed "Tin khác", "Tin liên quan", "Bài viết liên quan", "Xem thêm",
//!    "Bình luận", "Ý kiến của bạn"… are dropped with what follows them;
//! 3. the article is `[itemprop=articleBody]` if there is one, else the element with the
//!    densest paragraph text (widened to its `<article>` or to a parent that only adds a
//!    headline and a lead); the page's `h1` and lead are put first when outside it.
//!
//! Never panics, whatever the input: every index is checked, nesting is capped.

// Nodes live in an arena with parallel per-node arrays (dropped, lengths, scores):
// indexing them by node number reads better than zipping five iterators.
#![allow(clippy::needless_range_loop)]

use std::borrow::Cow;
use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

use super::Extracted;
use crate::encoding;

/// Deepest element nesting kept; deeper start tags are treated as empty elements.
const MAX_DEPTH: usize = 256;
/// Most nodes built; past it, further tags are ignored (text still joins the last node).
const MAX_NODES: usize = 2_000_000;
/// Longest attribute value kept (longer ones are cut on a character boundary).
const MAX_ATTR: usize = 4096;

/// Main article text of an HTML page, as paragraphs separated by "\n".
///
/// Metadata: `title` (og:title, else `<title>`, else the headline), `date`
/// (article:published_time, other publication-date metas, else `<time datetime>`),
/// `source` (og:site_name, else the host of the canonical URL), and when present `url`
/// (canonical or og:url), `description`, and `legacy_fonts` when text set in a legacy
/// Vietnamese font (`<font face=".VnTime">`, `style="font-family:'VNI-Times'"`, as in
/// pages saved from old Word files) was converted to Unicode.
pub fn html_to_text(html: &str) -> Extracted {
    let dom = Dom::parse(html);
    let mut page = Page::new(&dom);
    page.drop_boilerplate();
    let main = page.main_content();
    let (text, legacy_fonts) = page.render(&main);
    let mut meta = page.metadata(&main);
    if !legacy_fonts.is_empty() {
        meta.insert("legacy_fonts".to_string(), legacy_fonts.join(","));
    }
    Extracted { text, meta }
}

// ---------------------------------------------------------------------------------------
// Character references

/// Named references whose `;` may be left out (the HTML legacy set), U+00A0..=U+00FF in order.
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
    "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
    "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave", "Eacute",
    "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve", "Oacute",
    "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute",
    "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil",
    "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde",
    "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash", "ugrave", "uacute", "ucirc",
    "uuml", "yacute", "thorn", "yuml",
];

/// Other named references: Vietnamese letters outside Latin-1, punctuation, symbols.
const NAMED: &[(&str, &str)] = &[
    ("amp", "&"),
    ("AMP", "&"),
    ("lt", "<"),
    ("LT", "<"),
    ("gt", ">"),
    ("GT", ">"),
    ("quot", "\""),
    ("QUOT", "\""),
    ("apos", "'"),
    ("COPY", "©"),
    ("REG", "®"),
    ("Abreve", "Ă"),
    ("abreve", "ă"),
    ("Dstrok", "Đ"),
    ("dstrok", "đ"),
    ("Itilde", "Ĩ"),
    ("itilde", "ĩ"),
    ("Utilde", "Ũ"),
    ("utilde", "ũ"),
    ("Ycirc", "Ŷ"),
    ("ycirc", "ŷ"),
    ("OElig", "Œ"),
    ("oelig", "œ"),
    ("Scaron", "Š"),
    ("scaron", "š"),
    ("Yuml", "Ÿ"),
    ("fnof", "ƒ"),
    ("circ", "ˆ"),
    ("tilde", "˜"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("thinsp", "\u{2009}"),
    ("zwnj", "\u{200C}"),
    ("zwj", "\u{200D}"),
    ("lrm", "\u{200E}"),
    ("rlm", "\u{200F}"),
    ("hyphen", "‐"),
    ("dash", "‐"),
    ("ndash", "–"),
    ("mdash", "—"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("dagger", "†"),
    ("Dagger", "‡"),
    ("bull", "•"),
    ("hellip", "…"),
    ("permil", "‰"),
    ("prime", "′"),
    ("Prime", "″"),
    ("lsaquo", "‹"),
    ("rsaquo", "›"),
    ("oline", "‾"),
    ("frasl", "⁄"),
    ("euro", "€"),
    ("trade", "™"),
    ("larr", "←"),
    ("uarr", "↑"),
    ("rarr", "→"),
    ("darr", "↓"),
    ("harr", "↔"),
    ("minus", "−"),
    ("le", "≤"),
    ("ge", "≥"),
    ("ne", "≠"),
    ("asymp", "≈"),
    ("infin", "∞"),
    ("sum", "∑"),
    ("percnt", "%"),
    ("comma", ","),
    ("period", "."),
    ("colon", ":"),
    ("semi", ";"),
    ("excl", "!"),
    ("quest", "?"),
    ("num", "#"),
    ("dollar", "$"),
    ("lpar", "("),
    ("rpar", ")"),
    ("ast", "*"),
    ("plus", "+"),
    ("sol", "/"),
    ("bsol", "\\"),
    ("lowbar", "_"),
    ("equals", "="),
    ("commat", "@"),
    ("lsqb", "["),
    ("rsqb", "]"),
    ("lcub", "{"),
    ("rcub", "}"),
    ("verbar", "|"),
    ("Tab", "\t"),
    ("NewLine", "\n"),
];

/// Windows-1252 meanings of the C1 code points, as browsers read `&#128;`…`&#159;`.
const CP1252_C1: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn named_entity(name: &str) -> Option<Cow<'static, str>> {
    if let Some(i) = LATIN1.iter().position(|&n| n == name) {
        let c = char::from_u32(0xA0 + i as u32)?;
        return Some(Cow::Owned(c.to_string()));
    }
    NAMED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| Cow::Borrowed(*v))
}

fn numeric_entity(code: u32) -> char {
    match code {
        0x80..=0x9F => CP1252_C1[(code - 0x80) as usize],
        0 => '\u{FFFD}',
        _ => char::from_u32(code).unwrap_or('\u{FFFD}'),
    }
}

/// Decode character references (`&amp;`, `&#7889;`, `&#x1EBF;`, `&agrave;`…).
/// In attribute values a reference without `;` followed by a letter, digit or `=` stays
/// as written, as in browsers (so `?a=1&copy=2` keeps its `&copy`).
fn decode_entities(s: &str, in_attr: bool) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut copied = 0;
    while let Some(off) = s[i..].find('&') {
        let amp = i + off;
        let (replacement, end) = reference_at(s, amp, in_attr);
        match replacement {
            Some(r) => {
                out.push_str(&s[copied..amp]);
                out.push_str(&r);
                copied = end;
                i = end;
            }
            None => i = amp + 1,
        }
        if i >= b.len() {
            break;
        }
    }
    out.push_str(&s[copied..]);
    Cow::Owned(out)
}

/// The text a reference starting at `s[amp] == '&'` stands for, and where it ends.
fn reference_at(s: &str, amp: usize, in_attr: bool) -> (Option<Cow<'static, str>>, usize) {
    let b = s.as_bytes();
    let mut j = amp + 1;
    if b.get(j) == Some(&b'#') {
        j += 1;
        let hex = matches!(b.get(j), Some(b'x' | b'X'));
        if hex {
            j += 1;
        }
        let start = j;
        let mut code: u32 = 0;
        while let Some(&c) = b.get(j) {
            let d = match (hex, c) {
                (_, b'0'..=b'9') => u32::from(c - b'0'),
                (true, b'a'..=b'f') => u32::from(c - b'a' + 10),
                (true, b'A'..=b'F') => u32::from(c - b'A' + 10),
                _ => break,
            };
            code = code
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(d);
            j += 1;
        }
        if j == start {
            return (None, amp + 1);
        }
        if b.get(j) == Some(&b';') {
            j += 1;
        }
        let c = numeric_entity(code.min(0x11_0000));
        return (Some(Cow::Owned(c.to_string())), j);
    }
    let start = j;
    while j < b.len() && b[j].is_ascii_alphanumeric() && j - start < 32 {
        j += 1;
    }
    if j == start {
        return (None, amp + 1);
    }
    let name = &s[start..j];
    if b.get(j) == Some(&b';') {
        if let Some(r) = named_entity(name) {
            return (Some(r), j + 1);
        }
    }
    // Legacy references without ';': the longest known prefix of the name.
    for k in (2..=name.len()).rev() {
        let prefix = &name[..k];
        let legacy = LATIN1.contains(&prefix) || matches!(prefix, "amp" | "lt" | "gt" | "quot");
        if !legacy {
            continue;
        }
        let next = b.get(start + k).copied();
        if in_attr && next.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'=') {
            return (None, amp + 1);
        }
        return (named_entity(prefix), start + k);
    }
    (None, amp + 1)
}

// ---------------------------------------------------------------------------------------
// Tree

#[derive(Debug, Default)]
struct Node {
    /// Lowercase tag name; empty for a text node.
    tag: String,
    /// The attributes chiso looks at, names lowercase, values decoded.
    attrs: Vec<(String, String)>,
    /// Decoded text, for text nodes.
    text: String,
    parent: usize,
    children: Vec<usize>,
}

impl Node {
    fn is_text(&self) -> bool {
        self.tag.is_empty()
    }
}

/// A parsed page. Node 0 is the root; nodes are in document order.
#[derive(Debug)]
struct Dom {
    nodes: Vec<Node>,
    title: Option<String>,
}

const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];
const RAW_TEXT: &[&str] = &[
    "script", "style", "xmp", "iframe", "noembed", "noframes", "noscript", "textarea", "title",
];
/// Start tags that close an open `<p>`.
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dd",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "li",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];
const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];
const TABLE_SCOPE: &[&str] = &["table", "td", "th", "caption", "template", "html"];
const KEPT_ATTRS: &[&str] = &[
    "id",
    "class",
    "itemprop",
    "role",
    "property",
    "name",
    "content",
    "href",
    "rel",
    "datetime",
    "style",
    "face",
    "hidden",
    "aria-hidden",
];

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Case-insensitive search of an ASCII `needle` (lowercase) in `hay` from `from`.
fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || from >= hay.len() || hay.len() - from < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len())
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

struct Builder {
    nodes: Vec<Node>,
    stack: Vec<usize>,
    title: Option<String>,
}

impl Builder {
    fn current(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    fn tag_at(&self, stack_index: usize) -> &str {
        self.stack
            .get(stack_index)
            .and_then(|&n| self.nodes.get(n))
            .map_or("", |n| n.tag.as_str())
    }

    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        let cur = self.current();
        if let Some(&last) = self.nodes[cur].children.last() {
            if self.nodes[last].is_text() {
                self.nodes[last].text.push_str(s);
                return;
            }
        }
        if self.nodes.len() >= MAX_NODES {
            return;
        }
        let id = self.nodes.len();
        self.nodes.push(Node {
            text: s.to_string(),
            parent: cur,
            ..Node::default()
        });
        self.nodes[cur].children.push(id);
    }

    /// Index in the stack of the innermost open `tags` element, not looking past `scope`.
    fn in_scope(&self, tags: &[&str], scope: &[&str]) -> Option<usize> {
        for i in (1..self.stack.len()).rev() {
            let t = self.tag_at(i);
            if tags.contains(&t) {
                return Some(i);
            }
            if scope.contains(&t) {
                return None;
            }
        }
        None
    }

    fn close_to(&mut self, tags: &[&str], scope: &[&str]) {
        if let Some(i) = self.in_scope(tags, scope) {
            self.stack.truncate(i);
        }
    }

    fn start(&mut self, tag: String, attrs: Vec<(String, String)>, self_closing: bool) {
        let t = tag.as_str();
        if CLOSES_P.contains(&t) {
            self.close_to(
                &["p"],
                &["button", "table", "td", "th", "caption", "template"],
            );
        }
        match t {
            "li" => self.close_to(&["li"], &["ul", "ol", "menu", "table", "td", "th"]),
            "dt" | "dd" => self.close_to(&["dt", "dd"], &["dl", "table", "td", "th"]),
            "td" | "th" => self.close_to(&["td", "th"], &["tr", "table"]),
            "tr" => self.close_to(&["tr"], &["table"]),
            "thead" | "tbody" | "tfoot" => self.close_to(&["thead", "tbody", "tfoot"], &["table"]),
            "option" | "optgroup" => self.close_to(&["option"], &["select", "datalist"]),
            "a" => self.close_to(&["a"], TABLE_SCOPE),
            _ if HEADINGS.contains(&t)
                && HEADINGS.contains(&self.tag_at(self.stack.len().saturating_sub(1))) =>
            {
                self.stack.pop();
            }
            _ => {}
        }
        if self.nodes.len() >= MAX_NODES {
            return;
        }
        let parent = self.current();
        let id = self.nodes.len();
        let empty = self_closing || VOID.contains(&t);
        self.nodes.push(Node {
            tag,
            attrs,
            parent,
            ..Node::default()
        });
        self.nodes[parent].children.push(id);
        if !empty && self.stack.len() < MAX_DEPTH {
            self.stack.push(id);
        }
    }

    fn end(&mut self, tag: &str) {
        match tag {
            "br" => return self.start("br".to_string(), Vec::new(), true),
            "body" | "html" => return,
            _ => {}
        }
        let scope: &[&str] = match tag {
            "table" | "html" => &[],
            "td" | "th" | "tr" | "tbody" | "thead" | "tfoot" | "caption" => &["table"],
            "li" => &["ul", "ol", "table", "td", "th"],
            _ => TABLE_SCOPE,
        };
        self.close_to(&[tag], scope);
    }
}

impl Dom {
    fn parse(html: &str) -> Dom {
        let mut b = Builder {
            nodes: vec![Node {
                tag: "#root".to_string(),
                ..Node::default()
            }],
            stack: vec![0],
            title: None,
        };
        let bytes = html.as_bytes();
        let len = bytes.len();
        let mut i = 0;
        while i < len {
            if bytes[i] != b'<' {
                let end = html[i..].find('<').map_or(len, |o| i + o);
                b.text(&decode_entities(&html[i..end], false));
                i = end;
                continue;
            }
            let next = bytes.get(i + 1).copied();
            match next {
                Some(b'!') => {
                    i = if bytes[i..].starts_with(b"<!--") {
                        html[i + 4..].find("-->").map_or(len, |o| i + 4 + o + 3)
                    } else {
                        html[i..].find('>').map_or(len, |o| i + o + 1)
                    };
                }
                Some(b'?') => i = html[i..].find('>').map_or(len, |o| i + o + 1),
                Some(b'/') => {
                    if bytes.get(i + 2).is_some_and(u8::is_ascii_alphabetic) {
                        let start = i + 2;
                        let mut j = start;
                        while j < len && !is_space(bytes[j]) && bytes[j] != b'>' && bytes[j] != b'/'
                        {
                            j += 1;
                        }
                        let name = html[start..j].to_ascii_lowercase();
                        i = html[j..].find('>').map_or(len, |o| j + o + 1);
                        b.end(&name);
                    } else if bytes.get(i + 2) == Some(&b'>') {
                        i += 3;
                    } else {
                        i = html[i..].find('>').map_or(len, |o| i + o + 1);
                    }
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    let (name, attrs, self_closing, after) = parse_tag(html, i + 1);
                    i = after;
                    if RAW_TEXT.contains(&name.as_str()) && !self_closing {
                        let mut close = Vec::with_capacity(name.len() + 2);
                        close.extend_from_slice(b"</");
                        close.extend_from_slice(name.as_bytes());
                        let mut search = i;
                        let end = loop {
                            match find_ci(bytes, search, &close) {
                                Some(p) => {
                                    let after_name = bytes.get(p + close.len()).copied();
                                    if after_name
                                        .is_none_or(|c| is_space(c) || c == b'>' || c == b'/')
                                    {
                                        break p;
                                    }
                                    search = p + 1;
                                }
                                None => break len,
                            }
                        };
                        let content = &html[i..end];
                        if name == "title" && b.title.is_none() {
                            b.title = Some(collapse(&decode_entities(content, false)));
                        }
                        b.start(name, attrs, true);
                        i = html[end..].find('>').map_or(len, |o| end + o + 1);
                    } else {
                        b.start(name, attrs, self_closing);
                    }
                }
                _ => {
                    b.text("<");
                    i += 1;
                }
            }
        }
        Dom {
            nodes: b.nodes,
            title: b.title,
        }
    }

    fn attr(&self, n: usize, name: &str) -> Option<&str> {
        self.nodes[n]
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parse a start tag whose name begins at `start` (just after `<`).
/// Returns (name, kept attributes, self-closing, index after the tag).
fn parse_tag(html: &str, start: usize) -> (String, Vec<(String, String)>, bool, usize) {
    let b = html.as_bytes();
    let len = b.len();
    let mut j = start;
    while j < len && !is_space(b[j]) && b[j] != b'>' && b[j] != b'/' {
        j += 1;
    }
    let name = html[start..j].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    loop {
        while j < len && (is_space(b[j]) || b[j] == b'/') {
            self_closing = b[j] == b'/' && b.get(j + 1) == Some(&b'>');
            j += 1;
        }
        if j >= len {
            break;
        }
        if b[j] == b'>' {
            j += 1;
            break;
        }
        self_closing = false;
        let name_start = j;
        j += 1; // a name may start with '='
        while j < len && !is_space(b[j]) && !matches!(b[j], b'>' | b'/' | b'=') {
            j += 1;
        }
        let attr_name = &html[name_start..j];
        while j < len && is_space(b[j]) {
            j += 1;
        }
        let mut value = "";
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < len && is_space(b[j]) {
                j += 1;
            }
            match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    let vstart = j + 1;
                    let vend = html[vstart..].find(q as char).map_or(len, |o| vstart + o);
                    value = &html[vstart..vend];
                    j = (vend + 1).min(len);
                }
                _ => {
                    let vstart = j;
                    while j < len && !is_space(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value = &html[vstart..j];
                }
            }
        }
        let key = attr_name.to_ascii_lowercase();
        if KEPT_ATTRS.contains(&key.as_str()) && !attrs.iter().any(|(k, _)| *k == key) {
            let v = decode_entities(cut(value, MAX_ATTR), true).into_owned();
            attrs.push((key, v));
        }
    }
    (name, attrs, self_closing, j)
}

// ---------------------------------------------------------------------------------------
// Text helpers

/// Collapse runs of whitespace (including NBSP) to one space and trim.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().filter(|&c| !is_invisible(c)));
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{00AD}')
}

/// Lowercase, without Vietnamese diacritics, only letters/digits and single spaces:
/// "Tin Khác:" → "tin khac".
fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            '\u{0300}'..='\u{036F}' => continue,
            c => c,
        };
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

/// Headings of blocks that hold reader comments or comment forms.
const COMMENT_HEADINGS: &[&str] = &[
    "binh luan",
    "cac binh luan",
    "gui binh luan",
    "viet binh luan",
    "binh luan cua ban",
    "y kien cua ban",
    "y kien ban doc",
    "y kien doc gia",
    "gui y kien",
    "gui y kien cua ban",
    "y kien phan hoi",
    "comments",
    "leave a comment",
    "ma xac nhan",
    "nhap ma xac nhan",
];

/// Headings of blocks listing other articles, tags or sharing links.
const RELATED_HEADINGS: &[&str] = &[
    "tin khac",
    "cac tin khac",
    "tin tuc khac",
    "tin bai khac",
    "bai viet khac",
    "cac bai viet khac",
    "tin lien quan",
    "tin bai lien quan",
    "bai viet lien quan",
    "bai lien quan",
    "cac bai lien quan",
    "xem them",
    "doc them",
    "tin cung chuyen muc",
    "cung chuyen muc",
    "tin moi",
    "tin moi nhat",
    "tin moi cap nhat",
    "doc nhieu",
    "doc nhieu nhat",
    "tin doc nhieu",
    "xem nhieu",
    "tin xem nhieu",
    "tin noi bat",
    "tin da dua",
    "cac tin da dua",
    "tin tiep theo",
    "tin cu hon",
    "chia se",
    "tu khoa",
    "tag",
    "tags",
    "related",
    "related news",
    "related articles",
    "read more",
    "more news",
];

/// Short lines that start with these (and a colon) are links to other articles.
const RELATED_PREFIXES: &[&str] = &[
    "xem them",
    "doc them",
    "tin lien quan",
    "bai lien quan",
    "tu khoa",
    "tags",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heading {
    Comments,
    Related,
}

fn heading_kind(text: &str) -> Option<Heading> {
    let f = fold(text);
    // "Bình luận (12)" → "binh luan"
    let f = f.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
    if COMMENT_HEADINGS.contains(&f) {
        Some(Heading::Comments)
    } else if RELATED_HEADINGS.contains(&f) {
        Some(Heading::Related)
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------
// Boilerplate

/// Tags whose content is never article text.
const DROP_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
    "embed", "applet", "svg", "math", "canvas", "video", "audio", "map", "nav", "aside", "footer",
    "button", "input", "select", "option", "optgroup", "datalist", "textarea", "label", "dialog",
    "menu", "title", "meta", "link",
];

/// Class/id fragments of comment sections and lists of other articles: always dropped
/// (unless the element holds the headline or the marked article body).
const STRONG_CLASS: &[&str] = &[
    "comment",
    "binhluan",
    "binh-luan",
    "binh_luan",
    "captcha",
    "tinkhac",
    "tin-khac",
    "tin_khac",
    "relate",
    "lienquan",
    "lien-quan",
    "lien_quan",
    "xemthem",
    "xem-them",
    "xem_them",
    "disqus",
    "fb-comments",
];

/// Class/id fragments of page furniture: dropped unless the element holds most of the
/// page's text (a wrapper named "has-sidebar" is not furniture).
const WEAK_CLASS: &[&str] = &[
    "share",
    "social",
    "sharing",
    "menu",
    "navbar",
    "navigation",
    "footer",
    "sidebar",
    "side-bar",
    "breadcrumb",
    "advert",
    "banner",
    "quangcao",
    "quang-cao",
    "popup",
    "cookie",
    "newsletter",
    "subscribe",
    "ykien",
    "y-kien",
    "docnhieu",
    "doc-nhieu",
    "xemnhieu",
    "xem-nhieu",
    "most-read",
    "mostread",
    "tinmoi",
    "tin-moi",
    "tags",
    "tukhoa",
    "tu-khoa",
    "keyword",
    "toolbar",
    "rating",
    "pagination",
    "login",
];

/// Whole words (class/id split on non-alphanumerics) of page furniture.
const WEAK_WORDS: &[&str] = &[
    "nav", "tag", "ad", "ads", "adv", "qc", "tool", "tools", "search", "pager", "paging",
];

const POSITIVE_CLASS: &[&str] = &[
    "article", "body", "content", "entry", "main", "post", "text", "story", "detail", "chitiet",
    "chi-tiet", "noidung", "noi-dung", "fck", "sapo", "baiviet", "bai-viet",
];

const LEAD_CLASS: &[&str] = &[
    "sapo",
    "lead",
    "summary",
    "chapeau",
    "tomtat",
    "tom-tat",
    "excerpt",
    "abstract",
    "intro",
    "description",
    "desc",
];

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "caption",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "address",
    "hr",
    "center",
    "details",
    "summary",
    "fieldset",
    "legend",
    "hgroup",
    "body",
    "html",
    "form",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassHint {
    Strong,
    Weak,
}

fn class_hint(id_class: &str) -> Option<ClassHint> {
    let s = id_class.to_ascii_lowercase();
    if STRONG_CLASS.iter().any(|p| s.contains(p)) {
        return Some(ClassHint::Strong);
    }
    if WEAK_CLASS.iter().any(|p| s.contains(p))
        || s.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| WEAK_WORDS.contains(&w))
    {
        return Some(ClassHint::Weak);
    }
    None
}

fn is_hidden(dom: &Dom, n: usize) -> bool {
    if dom.attr(n, "hidden").is_some() || dom.attr(n, "aria-hidden") == Some("true") {
        return true;
    }
    dom.attr(n, "style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// The page with what has been dropped so far, and text lengths that leave it out.
struct Page<'d> {
    dom: &'d Dom,
    dropped: Vec<bool>,
    /// Non-space characters of visible text in the subtree.
    len: Vec<u32>,
    /// The part of `len` inside links.
    link: Vec<u32>,
    /// Visible text before each node in document order (non-space characters).
    before: Vec<u32>,
    /// The headline element, if any.
    title_h1: Option<usize>,
    /// `[itemprop=articleBody]`, if any.
    article_body: Option<usize>,
    /// Ancestors-or-self of the headline and of the article body: never dropped.
    protected: Vec<bool>,
}

impl<'d> Page<'d> {
    fn new(dom: &'d Dom) -> Page<'d> {
        let n = dom.nodes.len();
        let mut page = Page {
            dom,
            dropped: vec![false; n],
            len: vec![0; n],
            link: vec![0; n],
            before: vec![0; n],
            title_h1: None,
            article_body: None,
            protected: vec![false; n],
        };
        for i in 1..n {
            let tag = dom.nodes[i].tag.as_str();
            if DROP_TAGS.contains(&tag) || (!tag.is_empty() && is_hidden(dom, i)) {
                page.dropped[i] = true;
            }
            if let Some(role) = dom.attr(i, "role") {
                if matches!(
                    role,
                    "navigation" | "complementary" | "contentinfo" | "search" | "menu" | "menubar"
                ) {
                    page.dropped[i] = true;
                }
            }
        }
        page.measure();
        page
    }

    fn nodes(&self) -> &'d [Node] {
        &self.dom.nodes
    }

    /// Recompute `len` and `link` leaving out dropped subtrees.
    fn measure(&mut self) {
        let nodes = self.nodes();
        self.len.iter_mut().for_each(|v| *v = 0);
        self.link.iter_mut().for_each(|v| *v = 0);
        for i in (1..nodes.len()).rev() {
            if self.dropped[i] {
                self.len[i] = 0;
                self.link[i] = 0;
                continue;
            }
            let node = &nodes[i];
            if node.is_text() {
                self.len[i] = node.text.chars().filter(|c| !c.is_whitespace()).count() as u32;
            }
            if node.tag == "a" {
                self.link[i] = self.len[i];
            }
            let p = node.parent;
            self.len[p] = self.len[p].saturating_add(self.len[i]);
            self.link[p] = self.link[p].saturating_add(self.link[i]);
        }
        let dead = self.dead_all();
        let mut sum = 0u32;
        for i in 0..nodes.len() {
            self.before[i] = sum;
            if nodes[i].is_text() && !dead[i] {
                sum = sum.saturating_add(self.len[i]);
            }
        }
    }

    /// Whether `n` or one of its ancestors is dropped.
    fn dead(&self, mut n: usize) -> bool {
        loop {
            if self.dropped[n] {
                return true;
            }
            if n == 0 {
                return false;
            }
            n = self.nodes()[n].parent;
        }
    }

    /// `dead` for every node at once.
    fn dead_all(&self) -> Vec<bool> {
        let nodes = self.nodes();
        let mut dead = self.dropped.clone();
        for i in 1..nodes.len() {
            dead[i] = dead[i] || dead[nodes[i].parent];
        }
        dead
    }

    fn is_ancestor(&self, anc: usize, mut n: usize) -> bool {
        loop {
            if n == anc {
                return true;
            }
            if n == 0 {
                return false;
            }
            n = self.nodes()[n].parent;
        }
    }

    /// Visible text of a subtree, collapsed.
    fn text_of(&self, n: usize) -> String {
        self.text_within(n, usize::MAX).unwrap_or_default()
    }

    /// Visible text of a subtree, collapsed; `None` when it has more than `budget` nodes
    /// (a heading has few; this keeps pathological pages linear).
    fn text_within(&self, n: usize, mut budget: usize) -> Option<String> {
        let mut out = String::new();
        let mut stack = vec![n];
        while let Some(i) = stack.pop() {
            budget = budget.checked_sub(1)?;
            if self.dropped[i] {
                continue;
            }
            let node = &self.nodes()[i];
            if node.is_text() {
                out.push_str(&node.text);
            } else {
                if BLOCK_TAGS.contains(&node.tag.as_str()) || node.tag == "br" {
                    out.push(' ');
                }
                stack.extend(node.children.iter().rev());
            }
        }
        Some(collapse(&out))
    }

    fn id_class(&self, n: usize) -> String {
        let mut s = String::new();
        for key in ["id", "class"] {
            if let Some(v) = self.dom.attr(n, key) {
                s.push_str(v);
                s.push(' ');
            }
        }
        s
    }

    fn drop_boilerplate(&mut self) {
        let nodes = self.nodes();
        let total = self.len[0].max(1);

        // The headline: an h1 matching the page title, else the longest visible h1.
        let page_title = self
            .meta_content(&["og:title", "twitter:title"])
            .or(self.dom.title.clone())
            .map(|t| fold(&t))
            .unwrap_or_default();
        let mut best: Option<(bool, usize, usize)> = None;
        for i in 1..nodes.len() {
            if nodes[i].tag != "h1" || self.dead(i) {
                continue;
            }
            let Some(t) = self.text_within(i, 10_000) else {
                continue;
            };
            let t = fold(&t);
            if t.is_empty() {
                continue;
            }
            let matches = !page_title.is_empty() && page_title.contains(&t) && t.len() >= 10;
            let key = (matches, t.len(), usize::MAX - i);
            if best.is_none_or(|b| key > b) {
                best = Some(key);
            }
        }
        self.title_h1 = best.map(|(_, _, inv)| usize::MAX - inv);
        self.article_body = (1..nodes.len()).find(|&i| {
            self.len[i] > 0
                && self
                    .dom
                    .attr(i, "itemprop")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("articlebody"))
                && !self.dead(i)
        });
        for start in [self.title_h1, self.article_body].into_iter().flatten() {
            let mut n = start;
            loop {
                self.protected[n] = true;
                if n == 0 {
                    break;
                }
                n = nodes[n].parent;
            }
        }

        // Forms and headers: page furniture, unless they wrap the article.
        for i in 1..nodes.len() {
            let tag = nodes[i].tag.as_str();
            if self.protected[i] || self.dropped[i] {
                continue;
            }
            let drop = match tag {
                "form" => 2 * self.len[i] < total,
                "header" => !self.has_ancestor_tag(i, &["article", "main"]),
                _ => false,
            };
            if drop {
                self.dropped[i] = true;
            }
            if nodes[i].is_text() {
                continue;
            }
            match class_hint(&self.id_class(i)) {
                Some(ClassHint::Strong) => self.dropped[i] = true,
                Some(ClassHint::Weak) if 2 * self.len[i] < total => self.dropped[i] = true,
                _ => {}
            }
        }
        self.measure();

        // Blocks headed "Tin khác", "Bình luận"…
        let total = self.len[0].max(1);
        for i in 1..nodes.len() {
            let node = &nodes[i];
            // A link saying "Bình luận (5)" jumps to the comments; it does not head them.
            if node.is_text()
                || self.len[i] == 0
                || self.len[i] > 40
                || 2 * self.link[i] >= self.len[i]
                || self.dead(i)
            {
                continue;
            }
            if self.protected[i] {
                continue;
            }
            let Some(text) = self.text_within(i, 200) else {
                continue;
            };
            match heading_kind(&text) {
                Some(kind) => self.drop_headed_block(i, kind, total),
                None => {
                    let f = fold(&text);
                    let prefixed = RELATED_PREFIXES
                        .iter()
                        .any(|p| f.starts_with(p) && text.contains(':') && f.len() > p.len());
                    if prefixed && BLOCK_TAGS.contains(&node.tag.as_str()) {
                        self.dropped[i] = true;
                    }
                }
            }
        }
        // Short "Xem thêm: …" lines with a link, longer than the heading limit above.
        for i in 1..nodes.len() {
            let node = &nodes[i];
            if !matches!(node.tag.as_str(), "p" | "div" | "li")
                || self.len[i] == 0
                || self.len[i] > 300
                || self.protected[i]
                || self.dead(i)
            {
                continue;
            }
            if 2 * self.link[i] < self.len[i] {
                continue;
            }
            let Some(text) = self.text_within(i, 1000) else {
                continue;
            };
            if text.contains(':') && RELATED_PREFIXES.iter().any(|p| fold(&text).starts_with(p)) {
                self.dropped[i] = true;
            }
        }
        self.measure();
    }

    fn has_ancestor_tag(&self, mut n: usize, tags: &[&str]) -> bool {
        while n != 0 {
            n = self.nodes()[n].parent;
            if tags.contains(&self.nodes()[n].tag.as_str()) {
                return true;
            }
        }
        false
    }

    /// Children of `p` that show something.
    fn visible_children(&self, p: usize) -> impl Iterator<Item = usize> + '_ {
        self.nodes()[p]
            .children
            .iter()
            .copied()
            .filter(move |&c| !self.dropped[c] && self.len[c] > 0)
    }

    /// Drop the block a heading starts: climb while the heading is the first thing in
    /// its parent, then drop it and, for comments, everything after it; for related
    /// lists, the link lists after it.
    fn drop_headed_block(&mut self, heading: usize, kind: Heading, total: u32) {
        let nodes = self.nodes();
        let mut n = heading;
        loop {
            let p = nodes[n].parent;
            if p == 0
                || self.protected[p]
                || matches!(nodes[p].tag.as_str(), "body" | "html" | "main" | "article")
                || 2 * self.len[p] >= total
                || self.visible_children(p).next() != Some(n)
            {
                break;
            }
            let fits = match kind {
                Heading::Comments => true,
                // A box of links, or a heading with little else.
                Heading::Related => {
                    10 * self.link[p] >= 4 * self.len[p] || self.len[p] <= self.len[n] + 40
                }
            };
            if !fits {
                break;
            }
            n = p;
        }
        self.dropped[n] = true;
        // Comments follow the article: a "Bình luận" heading with little text between
        // the headline and it is a counter or toolbar near the top, not the section.
        let since_title =
            self.before[heading].saturating_sub(self.title_h1.map_or(0, |h| self.before[h]));
        if kind == Heading::Comments && since_title < 100 {
            return;
        }
        let p = nodes[n].parent;
        let after: Vec<usize> = nodes[p]
            .children
            .iter()
            .copied()
            .skip_while(|&c| c != n)
            .skip(1)
            .collect();
        for c in after {
            if self.dropped[c] || self.len[c] == 0 {
                continue;
            }
            let drop = match kind {
                Heading::Comments => !self.protected[c],
                Heading::Related => {
                    !self.protected[c]
                        && (matches!(nodes[c].tag.as_str(), "ul" | "ol")
                            || 2 * self.link[c] >= self.len[c])
                }
            };
            if !drop {
                break;
            }
            self.dropped[c] = true;
        }
    }

    /// Length and commas of the text directly in an element (not in a block child), or
    /// of its whole subtree when `whole`: the "paragraph" an element makes.
    fn paragraph_stats(&self, n: usize, whole: bool) -> (u32, usize) {
        let (mut len, mut commas) = (0u32, 0usize);
        let mut stack: Vec<usize> = self.nodes()[n].children.clone();
        while let Some(c) = stack.pop() {
            if self.dropped[c] {
                continue;
            }
            let node = &self.nodes()[c];
            if node.is_text() {
                len = len.saturating_add(self.len[c]);
                commas += node.text.matches([',', '\u{FF0C}']).count();
            } else if whole || !BLOCK_TAGS.contains(&node.tag.as_str()) {
                stack.extend(node.children.iter().copied());
            }
        }
        (len, commas)
    }

    /// The nodes whose text is the article, in document order.
    fn main_content(&self) -> Vec<usize> {
        let nodes = self.nodes();
        let n = nodes.len();
        let dead = self.dead_all();
        let mut score = vec![0f64; n];
        let mut scored = vec![false; n];
        for i in 1..n {
            let tag = nodes[i].tag.as_str();
            if nodes[i].is_text() || self.len[i] == 0 || dead[i] {
                continue;
            }
            let (para_len, commas) = match tag {
                "p" | "pre" | "blockquote" => self.paragraph_stats(i, true),
                "div" | "td" | "section" | "article" | "li" | "dd" | "font" | "center" => {
                    self.paragraph_stats(i, false)
                }
                _ => continue,
            };
            if para_len < 25 {
                continue;
            }
            let content = 1.0 + commas as f64 + (f64::from(para_len) / 100.0).min(3.0);
            let mut anc = nodes[i].parent;
            for level in 0..3 {
                if anc == 0 {
                    break;
                }
                if !scored[anc] {
                    scored[anc] = true;
                    score[anc] += self.initial_score(anc);
                }
                score[anc] += content / [1.0, 2.0, 6.0][level];
                anc = nodes[anc].parent;
            }
        }
        let mut best: Option<(f64, usize)> = None;
        for i in 1..n {
            if !scored[i] || self.len[i] == 0 {
                continue;
            }
            let density = f64::from(self.link[i]) / f64::from(self.len[i]);
            let s = score[i] * (1.0 - density);
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, i));
            }
        }

        let mut main = match (self.article_body, best) {
            (Some(body), _) => body,
            (None, Some((_, i))) => i,
            (None, None) => {
                return vec![(1..n).find(|&i| nodes[i].tag == "body").unwrap_or(0)];
            }
        };
        // Widen to the enclosing <article>, or to parents that only add a little
        // (headline, lead, date line).
        if self.article_body.is_none() {
            let mut p = nodes[main].parent;
            while p != 0 {
                if nodes[p].tag == "article" && self.len[p] <= 3 * self.len[main] && !self.dead(p) {
                    main = p;
                    break;
                }
                p = nodes[p].parent;
            }
        }
        for _ in 0..3 {
            let p = nodes[main].parent;
            if p == 0 || matches!(nodes[p].tag.as_str(), "body" | "html") {
                break;
            }
            let extra = self.len[p].saturating_sub(self.len[main]);
            if 10 * extra > 3 * self.len[main] {
                break;
            }
            main = p;
        }

        let mut parts = vec![main];
        if let Some(h1) = self.title_h1 {
            if !self.is_ancestor(main, h1) && !self.dead(h1) {
                parts.push(h1);
            }
        }
        // A lead ("sapo") outside the article body, between the headline and the body.
        let from = self.title_h1.unwrap_or(0);
        for i in from + 1..main {
            if nodes[i].is_text() || self.len[i] == 0 || self.len[i] > 1500 {
                continue;
            }
            let class = self.id_class(i).to_ascii_lowercase();
            if LEAD_CLASS.iter().any(|c| class.contains(c))
                && !self.dead(i)
                && !self.is_ancestor(i, main)
                && !parts.iter().any(|&p| self.is_ancestor(p, i))
            {
                parts.push(i);
            }
        }
        parts.sort_unstable();
        parts.dedup();
        parts
    }

    fn initial_score(&self, n: usize) -> f64 {
        let base = match self.nodes()[n].tag.as_str() {
            "div" | "article" | "section" | "main" => 5.0,
            "pre" | "td" | "blockquote" => 3.0,
            "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
            _ => 0.0,
        };
        let class = self.id_class(n).to_ascii_lowercase();
        let positive = POSITIVE_CLASS.iter().any(|c| class.contains(c));
        let itemprop = self
            .dom
            .attr(n, "itemprop")
            .is_some_and(|v| v.to_ascii_lowercase().contains("articlebody"));
        base + if positive || itemprop { 25.0 } else { 0.0 }
    }

    /// Paragraph text of the chosen nodes.
    /// Paragraph text of the chosen nodes, and the legacy fonts converted.
    fn render(&self, parts: &[usize]) -> (String, Vec<String>) {
        let mut out = Renderer::default();
        for &p in parts {
            out.block();
            self.render_node(p, &mut out, 0);
            out.block();
        }
        let fonts = std::mem::take(&mut out.legacy_used);
        (out.finish(), fonts)
    }

    /// The font family an element sets (`face`, or `font-family` in `style`), if any.
    fn font_of(&self, n: usize) -> Option<String> {
        let family = |list: &str| -> Option<String> {
            let first = list.split(',').next()?.trim();
            let first = first.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
            (!first.is_empty()).then(|| first.to_string())
        };
        if let Some(face) = self.dom.attr(n, "face") {
            return family(face);
        }
        let style = self.dom.attr(n, "style")?;
        style.split(';').find_map(|decl| {
            let (key, value) = decl.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case("font-family")
                .then(|| family(value))?
        })
    }

    fn render_node(&self, n: usize, out: &mut Renderer, depth: usize) {
        if self.dropped[n] || depth > MAX_DEPTH + 8 {
            return;
        }
        let node = &self.nodes()[n];
        if node.is_text() {
            match out.legacy.as_deref() {
                Some(font) => match encoding::legacy_font_encoding(font) {
                    Some(enc) => {
                        let font = font.to_string();
                        out.text(&encoding::convert_legacy_font_text(&node.text, enc));
                        if !out.legacy_used.contains(&font) {
                            out.legacy_used.push(font);
                        }
                    }
                    None => out.text(&node.text),
                },
                None => out.text(&node.text),
            }
            return;
        }
        // Text in a legacy Vietnamese font is converted; another font inside ends it.
        let outer_font = match self.font_of(n) {
            Some(font) => {
                let legacy = encoding::legacy_font_encoding(&font).map(|_| font);
                Some(std::mem::replace(&mut out.legacy, legacy))
            }
            None => None,
        };
        self.render_element(n, out, depth);
        if let Some(outer) = outer_font {
            out.legacy = outer;
        }
    }

    fn render_element(&self, n: usize, out: &mut Renderer, depth: usize) {
        let node = &self.nodes()[n];
        let tag = node.tag.as_str();
        match tag {
            "br" => return out.line_break(),
            "hr" => return out.block(),
            "img" => return,
            _ => {}
        }
        let block = BLOCK_TAGS.contains(&tag);
        // A cell of a data table joins its row; a cell of a layout table (long text, a
        // nested table, or no row around it) is a block like any other.
        let data_cell =
            matches!(tag, "td" | "th") && !out.cells.is_empty() && !self.is_layout_cell(n);
        match tag {
            "td" | "th" if !data_cell => out.block(),
            "tr" => {
                out.block();
                out.cells.push(0);
            }
            "td" | "th" => {
                if let Some(count) = out.cells.last_mut() {
                    *count += 1;
                    if *count > 1 {
                        out.cell_sep();
                    }
                }
                out.in_cell += 1;
            }
            "pre" => {
                out.block();
                out.in_pre += 1;
            }
            _ if block => out.block(),
            _ => {}
        }
        for &c in &node.children {
            self.render_node(c, out, depth + 1);
        }
        match tag {
            "tr" => {
                out.cells.pop();
                out.block();
            }
            "td" | "th" if !data_cell => out.block(),
            "td" | "th" => out.in_cell = out.in_cell.saturating_sub(1),
            "pre" => {
                out.in_pre = out.in_pre.saturating_sub(1);
                out.block();
            }
            _ if block => out.block(),
            _ => {}
        }
    }

    fn is_layout_cell(&self, n: usize) -> bool {
        if self.len[n] > 250 {
            return true;
        }
        let mut stack = self.nodes()[n].children.clone();
        let mut budget = 5000usize;
        let mut blocks = 0;
        while let Some(c) = stack.pop() {
            budget = budget.saturating_sub(1);
            let tag = self.nodes()[c].tag.as_str();
            if self.dropped[c] || self.len[c] == 0 {
                continue;
            }
            if matches!(
                tag,
                "p" | "div" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "section" | "article"
            ) {
                blocks += 1;
            }
            if budget == 0 || blocks >= 2 || tag == "table" {
                return true;
            }
            stack.extend(self.nodes()[c].children.iter().copied());
        }
        false
    }

    fn meta_content(&self, keys: &[&str]) -> Option<String> {
        let nodes = self.nodes();
        for key in keys {
            for i in 1..nodes.len() {
                if nodes[i].tag != "meta" {
                    continue;
                }
                let named = ["property", "name", "itemprop"].iter().any(|a| {
                    self.dom
                        .attr(i, a)
                        .is_some_and(|v| v.eq_ignore_ascii_case(key))
                });
                if named {
                    if let Some(c) = self.dom.attr(i, "content").map(collapse) {
                        if !c.is_empty() {
                            return Some(c);
                        }
                    }
                }
            }
        }
        None
    }

    fn metadata(&self, main: &[usize]) -> BTreeMap<String, String> {
        let nodes = self.nodes();
        let mut meta = BTreeMap::new();
        let title = self
            .meta_content(&["og:title", "twitter:title"])
            .or_else(|| self.dom.title.clone().filter(|t| !t.is_empty()))
            .or_else(|| self.title_h1.map(|h| self.text_of(h)));
        if let Some(t) = title {
            meta.insert("title".to_string(), t);
        }

        let date = self
            .meta_content(&[
                "article:published_time",
                "datePublished",
                "og:published_time",
                "pubdate",
                "publishdate",
                "publish-date",
                "dc.date.issued",
                "dcterms.created",
                "dc.date",
                "date",
            ])
            .or_else(|| {
                // <time datetime> in the article first, then anywhere.
                let in_main = |i: usize| main.iter().any(|&m| self.is_ancestor(m, i));
                let times = (1..nodes.len())
                    .filter(|&i| nodes[i].tag == "time" && self.dom.attr(i, "datetime").is_some());
                let mut first = None;
                for i in times {
                    if in_main(i) {
                        return self.dom.attr(i, "datetime").map(collapse);
                    }
                    first = first.or(Some(i));
                }
                first.and_then(|i| self.dom.attr(i, "datetime").map(collapse))
            })
            .or_else(|| {
                (1..nodes.len())
                    .find(|&i| {
                        nodes[i].tag != "meta"
                            && self.dom.attr(i, "itemprop") == Some("datePublished")
                    })
                    .and_then(|i| {
                        self.dom
                            .attr(i, "datetime")
                            .or(self.dom.attr(i, "content"))
                            .map(collapse)
                            .or_else(|| Some(self.text_of(i)))
                    })
            })
            .filter(|d| !d.is_empty());
        if let Some(d) = date {
            meta.insert("date".to_string(), d);
        }

        let canonical = (1..nodes.len())
            .find(|&i| {
                nodes[i].tag == "link"
                    && self.dom.attr(i, "rel").is_some_and(|r| {
                        r.split_whitespace()
                            .any(|w| w.eq_ignore_ascii_case("canonical"))
                    })
            })
            .and_then(|i| self.dom.attr(i, "href"))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let url = canonical.or_else(|| self.meta_content(&["og:url"]));
        let source = self
            .meta_content(&["og:site_name"])
            .or_else(|| url.as_deref().and_then(host));
        if let Some(s) = source {
            meta.insert("source".to_string(), s);
        }
        if let Some(u) = url {
            meta.insert("url".to_string(), u);
        }
        if let Some(d) = self.meta_content(&["og:description", "description"]) {
            meta.insert("description".to_string(), d);
        }
        meta
    }
}

/// "https://www.example.vn/a/b" → "example.vn".
fn host(url: &str) -> Option<String> {
    let rest = url.trim().split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host
        .strip_prefix("www.")
        .unwrap_or(host)
        .to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Lines of output text: whitespace collapsed, blocks on their own lines, table cells
/// joined by " | ".
#[derive(Default)]
struct Renderer {
    lines: Vec<String>,
    cur: String,
    space: bool,
    in_cell: usize,
    in_pre: usize,
    cells: Vec<usize>,
    /// The legacy font the text being rendered is set in.
    legacy: Option<String>,
    legacy_used: Vec<String>,
}

impl Renderer {
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\n' && self.in_pre > 0 && self.in_cell == 0 {
                self.line_break();
            } else if c.is_whitespace() {
                self.space = true;
            } else if !is_invisible(c) {
                if self.space && !self.cur.is_empty() {
                    self.cur.push(' ');
                }
                self.space = false;
                self.cur.push(c);
            }
        }
    }

    fn line_break(&mut self) {
        if self.in_cell > 0 {
            self.space = true;
            return;
        }
        let line = std::mem::take(&mut self.cur);
        if !line.is_empty() {
            self.lines.push(line);
        }
        self.space = false;
    }

    fn block(&mut self) {
        self.line_break();
    }

    fn cell_sep(&mut self) {
        self.cur.push_str(" | ");
        self.space = false;
    }

    fn finish(mut self) -> String {
        self.in_cell = 0;
        self.line_break();
        let lines: Vec<String> = self
            .lines
            .into_iter()
            .map(|l| {
                let l = l.trim_matches(|c: char| c == ' ' || c == '|').trim();
                l.to_string()
            })
            .filter(|l| !l.is_empty())
            .collect();
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A news page laid out like Vietnamese provincial Party-building portals.
    const NEWS_PAGE: &str = r##"<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Đảng bộ tỉnh kết nạp 1.234 đảng viên mới - Báo Xây dựng Đảng</title>
<meta property="og:title" content="Đảng bộ tỉnh kết nạp 1.234 đảng viên mới">
<meta property="og:site_name" content="Báo Xây dựng Đảng">
<meta property="article:published_time" content="2024-01-15T08:30:00+07:00">
<meta name="description" content="Năm 2023, Đảng bộ tỉnh kết nạp 1.234 đảng viên.">
<link rel="canonical" href="https://www.xaydungdang.example.vn/tin/dang-bo-tinh-123.html">
<style>.menu{display:none} p{margin:0}</style>
<script>var counter = "999 đảng viên"; if (a < b && c > d) { x = "</div>"; }</script>
</head>
<body class="page-detail">
<header class="site-header"><h1 class="logo"><a href="/">Báo Xây dựng Đảng</a></h1>
<nav class="main-menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/xdd">Xây dựng Đảng</a></li><li><a href="/tt">777 chuyên mục</a></li></ul></nav>
</header>
<div class="breadcrumb"><a href="/">Trang chủ</a> &raquo; <a href="/xdd">Xây dựng Đảng</a></div>
<div class="container">
 <div class="col-left">
  <div class="detail">
   <h1 class="title-detail">Đảng bộ tỉnh kết nạp 1.234 đảng viên mới</h1>
   <div class="date-line"><time datetime="2024-01-15T08:30:00+07:00">Thứ Hai, 15/01/2024 08:30</time></div>
   <div class="social-share"><a href="#">Chia sẻ</a> <a href="#">Facebook</a> <span>Lượt xem: 4.321</span></div>
   <div class="sapo"><strong>Năm 2023, toàn Đảng bộ tỉnh kết nạp 1.234 đảng viên mới, đạt 105% kế hoạch.</strong></div>
   <div class="detail-content" id="content">
    <p>Theo báo cáo của Ban Tổ chức Tỉnh ủy, đến hết năm 2023, Đảng bộ tỉnh có 56 đảng bộ trực thuộc, 1.025 tổ chức cơ sở đảng với 98.765 đảng viên.</p>
    <p>Công tác phát triển đảng viên được chú trọng, trong đó kết nạp 312 đảng viên là đoàn viên thanh niên&nbsp;và 45 đảng viên là người có đạo.</p>
    <table class="tbl"><tr><th>Chỉ tiêu</th><th>Kết quả</th></tr><tr><td>Chi bộ thôn có đảng viên</td><td>100%</td></tr></table>
    <p>Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ đạt 89,5%.<br>Có 21 tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ.</p>
    <div class="tin-lien-quan-inline"><a href="/a">Tin liên quan: Huyện A kết nạp 66 đảng viên</a></div>
    <p>Xem thêm: <a href="/b">Kết nạp 88 đảng viên trong quý I</a></p>
    <p class="author">Nguyễn Văn A</p>
   </div>
   <div class="tags"><span>Từ khóa:</span> <a href="/t/1">đảng viên</a>, <a href="/t/2">333 tổ chức</a></div>
   <div class="box-tinkhac">
    <h3>Tin khác</h3>
    <ul><li><a href="/c">Thành ủy kết nạp 444 đảng viên</a><p>Tóm tắt: năm qua 444 đảng viên được kết nạp trên địa bàn thành phố, tăng so với cùng kỳ.</p></li>
    <li><a href="/d">Đảng bộ khối có 555 đảng viên</a></li></ul>
   </div>
   <section id="comments" class="box-comment">
    <h3>Bình luận (2)</h3>
    <div class="comment-item"><b>Trần B</b><p>Xã tôi năm nay cũng kết nạp được 1.500 đảng viên, rất phấn khởi, mong tỉnh tiếp tục quan tâm.</p></div>
    <div class="comment-item"><b>Lê C</b><p>Ý kiến: cần tăng lên 2.000 đảng viên trẻ trong năm tới, nhất là ở vùng sâu vùng xa.</p></div>
   </section>
   <div class="post-comment">
    <h4>Ý kiến của bạn</h4>
    <form action="/comment" method="post"><textarea name="c">Nhập 3.000 ký tự</textarea><input name="name" value="Họ tên"><label>Mã xác nhận</label><div class="captcha">8 4 2 1</div><button>Gửi bình luận</button></form>
   </div>
  </div>
 </div>
 <aside class="col-right"><div class="box"><h3>Đọc nhiều</h3><p>Hội nghị với 600 đại biểu tham dự đã diễn ra trong ba ngày tại thành phố, đánh giá công tác năm.</p></div></aside>
</div>
<footer class="footer"><p>Cơ quan chủ quản: Tỉnh ủy. Giấy phép số 99/GP-BTTTT.</p></footer>
<div class="banner-ads"><a href="/qc">Quảng cáo 50% giảm giá</a></div>
</body></html>"##;

    #[test]
    fn news_page_keeps_article_drops_comments_and_furniture() {
        let out = html_to_text(NEWS_PAGE);
        let text = &out.text;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0], "Đảng bộ tỉnh kết nạp 1.234 đảng viên mới",
            "{text}"
        );
        assert!(text.contains("đạt 105% kế hoạch"), "{text}");
        assert!(
            text.contains("1.025 tổ chức cơ sở đảng với 98.765 đảng viên"),
            "{text}"
        );
        assert!(
            text.contains("đoàn viên thanh niên và 45 đảng viên"),
            "{text}"
        );
        assert!(lines.contains(&"Chỉ tiêu | Kết quả"), "{text}");
        assert!(lines.contains(&"Chi bộ thôn có đảng viên | 100%"), "{text}");
        assert!(lines.contains(&"Tỷ lệ tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ đạt 89,5%."));
        assert!(lines.contains(&"Có 21 tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ."));
        for gone in [
            "1.500",
            "2.000",
            "3.000",
            "8 4 2 1",
            "444",
            "555",
            "66 đảng viên",
            "88 đảng viên",
            "333",
            "777",
            "999",
            "600 đại biểu",
            "99/GP",
            "50%",
            "4.321",
            "Trang chủ",
            "Tin khác",
            "Bình luận",
            "Ý kiến",
            "Gửi",
            "Từ khóa",
            "Facebook",
        ] {
            assert!(!text.contains(gone), "{gone:?} should be dropped:\n{text}");
        }
        assert_eq!(
            out.meta["title"],
            "Đảng bộ tỉnh kết nạp 1.234 đảng viên mới"
        );
        assert_eq!(out.meta["date"], "2024-01-15T08:30:00+07:00");
        assert_eq!(out.meta["source"], "Báo Xây dựng Đảng");
        assert_eq!(
            out.meta["url"],
            "https://www.xaydungdang.example.vn/tin/dang-bo-tinh-123.html"
        );
    }

    #[test]
    fn comments_without_class_names_are_dropped_by_their_heading() {
        let page = r#"<html><body><div id="main">
<h1>Hội nghị tổng kết công tác tổ chức xây dựng Đảng năm 2023</h1>
<div class="body">
<p>Năm 2023, huyện kết nạp 215 đảng viên mới, nâng tổng số đảng viên lên 7.650 người.</p>
<p>Có 95% chi bộ được xếp loại hoàn thành tốt nhiệm vụ trở lên, tăng 3% so với năm trước.</p>
</div>
<div><div><h2>Ý kiến bạn đọc</h2></div>
<div><p>Bạn đọc Hoa: xã tôi đã có 1.500 đảng viên rồi, con số của huyện chưa đúng đâu, đề nghị kiểm tra lại kỹ.</p></div>
<div><p>Bạn đọc Minh: theo tôi phải là 9.999 người mới đúng với thực tế ở địa phương mình hiện nay.</p></div></div>
<h3>Tin liên quan</h3>
<ul><li><a href="/1">Kết nạp 111 đảng viên</a></li></ul>
</div></body></html>"#;
        let text = html_to_text(page).text;
        assert!(text.starts_with("Hội nghị tổng kết"), "{text}");
        assert!(text.contains("215 đảng viên mới"), "{text}");
        assert!(text.contains("95% chi bộ"), "{text}");
        assert!(!text.contains("1.500"), "{text}");
        assert!(!text.contains("9.999"), "{text}");
        assert!(!text.contains("111"), "{text}");
    }

    #[test]
    fn comment_counter_near_the_top_does_not_hide_the_article() {
        let page = r#"<html><body><div class="wrap">
<h1>Tỉnh ủy tổng kết năm 2023 với 4.321 đảng viên mới</h1>
<div class="bar"><span>Bình luận (5)</span> <span>Lượt xem 12</span></div>
<div class="text"><p>Năm 2023, toàn tỉnh kết nạp 4.321 đảng viên mới, vượt chỉ tiêu đề ra.</p>
<p>Có 98% tổ chức đảng hoàn thành nhiệm vụ, tăng 2% so với năm 2022.</p></div>
<div class="bar2"><a href="/c">Bình luận</a></div>
</div></body></html>"#;
        let text = html_to_text(page).text;
        assert!(text.contains("kết nạp 4.321 đảng viên mới"), "{text}");
        assert!(text.contains("98% tổ chức đảng"), "{text}");
    }

    #[test]
    fn old_portal_with_page_form_and_layout_table() {
        // ASP.NET portals wrap the whole page in one <form>; layout is a table.
        let out = html_to_text(ASPNET);
        assert_eq!(
            out.text,
            "Ban Thường vụ Huyện ủy kiểm điểm năm 2023\n20/12/2023\n\
             Huyện ủy có 32 tổ chức cơ sở đảng, 2.450 đảng viên.\n\
             Trong năm, kết nạp 96 đảng viên mới; 100% chi bộ thôn, tổ dân phố có chi ủy.\n\
             Xếp loại: 28 tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ, đạt 87,5%."
        );
        assert_eq!(out.meta["title"], "Cổng TTĐT Đảng bộ tỉnh");
    }

    #[test]
    fn national_news_layout_with_lead_outside_the_article() {
        let out = html_to_text(VNE);
        assert_eq!(
            out.text,
            "Hà Nội kết nạp 10.000 đảng viên\n\
             Năm 2023, Đảng bộ thành phố kết nạp hơn 10.000 đảng viên, cao nhất 5 năm.\n\
             Theo Ban Tổ chức Thành ủy, thành phố có 480.000 đảng viên, sinh hoạt tại 2.300 tổ chức cơ sở đảng.\n\
             Số đảng viên trẻ dưới 30 tuổi chiếm 12%, tăng 1,5% so với năm trước.\n\
             Võ Hải"
        );
        assert_eq!(out.meta["date"], "2024-02-03T10:00:00+07:00");
    }

    const ASPNET: &str = r##"<html><head><title>Cổng TTĐT Đảng bộ tỉnh</title></head><body>
<form name="aspnetForm" method="post" action="./Default.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="AAAA" />
<table width="100%"><tr><td class="menu-left"><a href="/">Trang chủ</a><br><a href="/gt">Giới thiệu</a><br><a href="/tt">Tin tức</a></td>
<td class="main">
<span id="lblTitle" class="TieuDe">Ban Thường vụ Huyện ủy kiểm điểm năm 2023</span><br>
<span class="NgayDang">20/12/2023</span>
<div id="ctl00_ContentPlaceHolder1_divNoiDung">
<p>Huyện ủy có 32 tổ chức cơ sở đảng, 2.450 đảng viên.</p>
<p>Trong năm, kết nạp 96 đảng viên mới; 100% chi bộ thôn, tổ dân phố có chi ủy.</p>
<p>Xếp loại: 28 tổ chức cơ sở đảng hoàn thành tốt nhiệm vụ, đạt 87,5%.</p>
</div>
<div class="tinkhac"><b>Các tin khác:</b><br><a href="/1">Huyện A có 77 đảng viên</a><br><a href="/2">Xã B có 88 đảng viên</a></div>
<div><b>Ý kiến bạn đọc</b></div>
<div>Họ tên: <input name="ten"> Email: <input name="email"></div>
<div>Nội dung: <textarea>5.555 đảng viên</textarea></div>
</td></tr></table>
<div id="footer">Bản quyền © 2023 Tỉnh ủy. Điện thoại: 0123.456.789</div>
</form></body></html>"##;

    const VNE: &str = r##"<!DOCTYPE html><html><head><meta property="og:title" content="Hà Nội kết nạp 10.000 đảng viên"/><meta itemprop="datePublished" content="2024-02-03T10:00:00+07:00"/></head><body>
<header><div class="logo"><a>VnE</a></div><nav><a>Thời sự</a></nav></header>
<section class="section page-detail top-detail"><div class="container"><div class="sidebar-1">
<div class="header-content"><ul class="breadcrumb"><li><a>Thời sự</a></li></ul><span class="date">Thứ bảy, 3/2/2024, 10:00 (GMT+7)</span></div>
<h1 class="title-detail">Hà Nội kết nạp 10.000 đảng viên</h1>
<p class="description">Năm 2023, Đảng bộ thành phố kết nạp hơn 10.000 đảng viên, cao nhất 5 năm.</p>
<article class="fck_detail">
<p class="Normal">Theo Ban Tổ chức Thành ủy, thành phố có 480.000 đảng viên, sinh hoạt tại 2.300 tổ chức cơ sở đảng.</p>
<p class="Normal">Số đảng viên trẻ dưới 30 tuổi chiếm 12%, tăng 1,5% so với năm trước.</p>
<p class="Normal" style="text-align:right;"><strong>Võ Hải</strong></p>
</article>
<div class="footer-content"><div class="box-tag"><h4 class="item-tag"><a>đảng viên</a></h4></div></div>
<div class="box_comment_vne"><h3>Ý kiến (3)</h3><div class="comment_item"><p class="full_content">Tôi thấy xã tôi có 999 đảng viên.</p></div></div>
</div><div class="sidebar-2"><div class="box-category"><h3>Xem nhiều</h3><article class="item-news"><h3><a>Bài khác 123</a></h3><p class="description"><a>Mô tả bài khác 456 với nhiều chữ cho dài hơn một chút nữa.</a></p></article></div></div></div></section>
<footer>VnExpress</footer></body></html>"##;

    #[test]
    fn article_body_itemprop_wins() {
        let page = r#"<html><head><meta property="og:url" content="http://baodientu.example.vn/x"></head><body>
<div class="list"><p>Một đoạn văn dài ở ngoài bài, có tới 123 đảng viên, dài hơn cả bài viết chính, với rất nhiều dấu phẩy, phẩy, phẩy, phẩy, phẩy.</p>
<p>Thêm một đoạn văn dài nữa ở ngoài bài viết chính, chứa 456 chi bộ, phẩy, phẩy, phẩy, phẩy, phẩy, phẩy, phẩy, phẩy.</p></div>
<div itemprop="articleBody"><p>Chi bộ có 17 đảng viên.</p></div>
<time datetime="2023-05-01">1/5</time>
</body></html>"#;
        let out = html_to_text(page);
        assert_eq!(out.text, "Chi bộ có 17 đảng viên.");
        assert_eq!(out.meta["source"], "baodientu.example.vn");
        assert_eq!(out.meta["date"], "2023-05-01");
        assert!(!out.meta.contains_key("title"));
    }

    #[test]
    fn legacy_font_text_is_converted() {
        // Pages saved from old Word files keep TCVN3/VNI bytes and name the font.
        let raw = "\u{AE}\u{B6}ng vi\u{AA}n";
        let page = format!(
            "<div><p><font face=\".VnTime, serif\">{raw}</font> Unicode 1</p>\
             <p><span style='color:red; font-family:\"VNI-Times\"'>ña\u{FB}ng <b>vie\u{E2}n</b></span></p>\
             <p style=\"font-family:'.VnTime'\">{raw} <span style=\"font-family:Arial\">Arial 2</span></p></div>"
        );
        let convert = |text: &str, font: &str| {
            encoding::convert_legacy_font_text(text, encoding::legacy_font_encoding(font).unwrap())
        };
        let out = html_to_text(&page);
        let expected = [
            format!("{} Unicode 1", convert(raw, ".VnTime")),
            format!(
                "{}{}",
                convert("ña\u{FB}ng ", "VNI-Times"),
                convert("vie\u{E2}n", "VNI-Times")
            ),
            format!("{} Arial 2", convert(raw, ".VnTime").trim_end()),
        ];
        assert_eq!(out.text, expected.join("\n"));
        assert_eq!(out.meta["legacy_fonts"], ".VnTime,VNI-Times");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            decode_entities("&amp;&lt;&gt;&quot;&#39;&nbsp;x", false),
            "&<>\"'\u{a0}x"
        );
        assert_eq!(decode_entities("&#7889;&#x1EBF;&#X1ec7;", false), "ốếệ");
        assert_eq!(
            decode_entities(
                "&agrave;&aacute;&acirc;&atilde;&egrave;&ecirc;&ocirc;&otilde;&yacute;",
                false
            ),
            "àáâãèêôõý"
        );
        assert_eq!(
            decode_entities("&abreve;&dstrok;&Dstrok;&utilde;&itilde;", false),
            "ăđĐũĩ"
        );
        assert_eq!(
            decode_entities("&ldquo;x&rdquo; &ndash; &hellip;", false),
            "“x” – …"
        );
        assert_eq!(
            decode_entities("&#150;&#8211;&#0;&#xD800;&#99999999999;", false),
            "––\u{FFFD}\u{FFFD}\u{FFFD}"
        );
        assert_eq!(
            decode_entities("&nbsp1.500 &amp &copy2024", false),
            "\u{a0}1.500 & ©2024"
        );
        assert_eq!(decode_entities("?a=1&copy=2&amp;b", true), "?a=1&copy=2&b");
        assert_eq!(
            decode_entities("& &; &# &#x; &bogus; &", false),
            "& &; &# &#x; &bogus; &"
        );
        let page = "<p>T&#7893;ng s&#7889; &#273;&#7843;ng vi&ecirc;n: 1.234&nbsp;ng&#432;&#7901;i &amp; 56 chi b&#7897;</p>";
        assert_eq!(
            html_to_text(page).text,
            "Tổng số đảng viên: 1.234 người & 56 chi bộ"
        );
    }

    #[test]
    fn breaks_blocks_and_whitespace() {
        let page = "<div><p>  Dòng   một\n\t tiếp  </p><p>Dòng hai<br/>Dòng ba<br>Dòng bốn</p><ul><li>Mục A<li>Mục B</ul>Cuối<pre>a  b\nc</pre></div>";
        assert_eq!(
            html_to_text(page).text,
            "Dòng một tiếp\nDòng hai\nDòng ba\nDòng bốn\nMục A\nMục B\nCuối\na b\nc"
        );
        assert_eq!(
            html_to_text("Chỉ có chữ, 12 chi bộ.").text,
            "Chỉ có chữ, 12 chi bộ."
        );
        assert_eq!(html_to_text("").text, "");
        assert_eq!(html_to_text("<b>a</b><i>b</i> <u>c</u>").text, "ab c");
    }

    #[test]
    fn malformed_markup_is_tolerated() {
        let page = "<html><body><div class=content><p>Có 3 < 5 chi bộ & 2 > 1<p>Đoạn <b>hai <i>lồng</b> sai</i> thứ tự<div>Khối</span></div>\
                    <p title='unterminated>Vẫn đọc được 42 đảng viên</p>";
        let text = html_to_text(page).text;
        assert!(text.contains("Có 3 < 5 chi bộ & 2 > 1"), "{text}");
        assert!(text.contains("Đoạn hai lồng sai thứ tự"), "{text}");
        assert!(text.contains("Khối"), "{text}");
        // An unclosed <script> swallows the rest, as in browsers.
        assert_eq!(
            html_to_text("<p>Trước 7 người</p><script>var x = '<p>9</p>';").text,
            "Trước 7 người"
        );
        // Deep nesting is capped, not a stack overflow.
        let deep = format!(
            "{}Sâu 5 chi bộ{}",
            "<div>".repeat(20_000),
            "</div>".repeat(20_000)
        );
        assert!(html_to_text(&deep).text.contains("Sâu 5 chi bộ"));
        let deep_inline = "<span><b><i>".repeat(10_000) + "x";
        assert_eq!(html_to_text(&deep_inline).text, "x");
        // A huge attribute value.
        let huge = format!(
            "<p class=\"{}\">Nội dung 8 đảng viên</p>",
            "x".repeat(5_000_000)
        );
        assert_eq!(html_to_text(&huge).text, "Nội dung 8 đảng viên");
    }

    /// A tiny deterministic generator for the fuzz-like loops (no extra dependency).
    struct XorShift(u64);
    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn never_panics_on_random_or_truncated_input() {
        // Every truncation of a real-looking page, on char boundaries.
        for end in (0..NEWS_PAGE.len())
            .filter(|&i| NEWS_PAGE.is_char_boundary(i))
            .step_by(7)
        {
            let _ = html_to_text(&NEWS_PAGE[..end]);
            let _ = html_to_text(&NEWS_PAGE[end..]);
        }
        // Random strings drawn from markup-heavy pieces and random bytes.
        const PIECES: &[&str] = &[
            "<",
            ">",
            "</",
            "/>",
            "<!--",
            "-->",
            "<!",
            "<?",
            "&",
            "&#",
            "&#x",
            ";",
            "=",
            "\"",
            "'",
            " ",
            "\n",
            "p",
            "div",
            "script",
            "</script",
            "<script>",
            "<style>",
            "<title>",
            "<br>",
            "<td>",
            "<tr>",
            "<table>",
            "</table>",
            "<li>",
            "class=",
            "comment",
            "Tin khác",
            "Bình luận",
            "đảng viên",
            "1.500",
            "&nbsp;",
            "&#7889;",
            "<h1>",
            "</h1>",
            "<article>",
            "itemprop=articleBody",
            "<form>",
            "<p>",
            "</p>",
            "<a href=x>",
            "</a>",
            "<meta property=og:title content=",
            "\u{0}",
            "é",
            "\u{FFFD}",
            "<![CDATA[",
            "]]>",
            "<header>",
            "<nav>",
            "style=display:none",
        ];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let n = (rng.next() % 60) as usize;
            let mut s = String::new();
            for _ in 0..n {
                if rng.next() % 5 == 0 {
                    let bytes: Vec<u8> = (0..(rng.next() % 8)).map(|_| rng.next() as u8).collect();
                    s.push_str(&String::from_utf8_lossy(&bytes));
                } else {
                    s.push_str(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
                }
            }
            let out = html_to_text(&s);
            assert!(!out.text.starts_with('\n') && !out.text.ends_with('\n'));
        }
    }
}
