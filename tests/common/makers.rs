//! Documents in each format, made here from plain text: an HTML page with boilerplate, a
//! DOCX, a one-page PDF. Used by the format tests and the fuzzers.

use std::io::Write;

pub fn paragraphs(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn html_page(text: &str) -> String {
    let ps = paragraphs(text);
    let body: String = ps[1..]
        .iter()
        .map(|p| format!("<p>{}</p>\n", escape(p)))
        .collect();
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>{t} | Báo Điện tử</title>
<meta property="og:site_name" content="Báo Điện tử"></head><body>
<nav class="menu"><ul><li><a href="/">Trang chủ</a></li><li><a href="/xd">Xây dựng Đảng</a></li></ul></nav>
<div class="share-bar">Chia sẻ Facebook Zalo</div>
<article><h1>{t}</h1>
{body}</article>
<div class="tin-khac"><h3>Tin khác</h3><ul><li><a href="/a">Huyện Yên Dũng kết nạp 210 đảng viên mới</a></li></ul></div>
<div id="binh-luan" class="comments"><h3>Bình luận</h3><div class="comment">Bạn đọc Minh: xã tôi kết nạp được 1.500 đảng viên mới!</div>
<form><input name="captcha"></form></div>
<footer>© Báo Điện tử. Tòa soạn: số 1 đường X</footer></body></html>"#,
        t = escape(ps[0])
    )
}

pub fn docx(text: &str, font: Option<&str>, transform: impl Fn(&str) -> String) -> Vec<u8> {
    let rpr = font.map_or(String::new(), |f| {
        format!(r#"<w:rPr><w:rFonts w:ascii="{f}" w:hAnsi="{f}"/></w:rPr>"#)
    });
    let body: String = paragraphs(text)
        .iter()
        .map(|p| {
            format!(
                r#"<w:p><w:r>{rpr}<w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                escape(&transform(p))
            )
        })
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default();
        zip.start_file("[Content_Types].xml", opts).unwrap();
        zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
        zip.start_file("word/document.xml", opts).unwrap();
        zip.write_all(document.as_bytes()).unwrap();
        zip.finish().unwrap();
    }
    buf.into_inner()
}

/// A one-page PDF whose text uses a Type0 font with a ToUnicode map (how PDFs carry
/// Vietnamese), one paragraph a line.
pub fn pdf(text: &str) -> Vec<u8> {
    let mut cids: Vec<char> = Vec::new();
    let mut lines = Vec::new();
    for p in paragraphs(text) {
        let mut hex = String::new();
        for c in p.chars() {
            let cid = cids.iter().position(|&x| x == c).unwrap_or_else(|| {
                cids.push(c);
                cids.len() - 1
            }) + 1;
            hex.push_str(&format!("{cid:04X}"));
        }
        lines.push(hex);
    }
    let mut content = String::from("BT /F1 10 Tf 14 TL 40 800 Td\n");
    for l in &lines {
        content.push_str(&format!("<{l}> Tj T*\n"));
    }
    content.push_str("ET\n");
    let mut cmap = String::from("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange\n");
    for chunk in cids.chunks(100).enumerate() {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.1.len()));
        for (i, c) in chunk.1.iter().enumerate() {
            let mut units = [0u16; 2];
            let u: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            cmap.push_str(&format!("<{:04X}> <{u}>\n", chunk.0 * 100 + i + 1));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
    let widths = format!("[1 [{}]]", vec!["500"; cids.len()].join(" "));
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type0 /BaseFont /Arial /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        format!("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Arial /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 500 /W {widths} >>"),
        format!("<< /Length {} >>\nstream\n{cmap}endstream", cmap.len()),
        "<< /Type /FontDescriptor /FontName /Arial /Flags 32 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}
