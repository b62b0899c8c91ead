//! Text normalisation, with a map back to the text as decoded.
//!
//! - NFC: decomposed tone marks (Windows-1258, VNI, some editors) are composed.
//! - One tone-mark placement: in an open `oa`, `oe`, `uy` syllable the tone goes on the first
//!   vowel ("hoà" → "hòa", "khoẻ" → "khỏe", "thuỷ" → "thủy"; "quý" keeps it on the `y`), so a
//!   rule written either way matches both. Rule patterns, triggers and phrases get the same
//!   treatment when they are loaded.
//! - No-break and other odd spaces become spaces; `\r\n` and `\r` become `\n`; zero-width
//!   characters and soft hyphens are dropped.
//!
//! Record spans count characters of the normalised text; the [`OffsetMap`] turns them back
//! into character offsets of the decoded original, so nothing is lost by normalising.
//! [`fold`] strips diacritics one character for one character, for rules that match text
//! typed without accents.

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::UnicodeNormalization;

/// Character offsets of the normalised text → character offsets of the original.
/// `None` inside [`Normalized`] means the two are the same.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OffsetMap {
    /// For each normalised character, the original character it came from; one extra entry,
    /// the original's length, closes the last span.
    starts: Vec<u32>,
}

impl OffsetMap {
    /// The original character offset of normalised character offset `c` (`c` may be the end).
    pub fn original(&self, c: usize) -> usize {
        self.starts
            .get(c)
            .or(self.starts.last())
            .map_or(c, |&o| o as usize)
    }
}

/// Normalised text and, when it differs from the input, the map back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    pub map: Option<OffsetMap>,
}

fn is_odd_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Vowels that carry a tone on the second letter of an old-style `oa`/`oe`/`uy` syllable.
fn toned_second_vowel(c: char) -> bool {
    matches!(
        c,
        'à' | 'á'
            | 'ả'
            | 'ã'
            | 'ạ'
            | 'è'
            | 'é'
            | 'ẻ'
            | 'ẽ'
            | 'ẹ'
            | 'ỳ'
            | 'ý'
            | 'ỷ'
            | 'ỹ'
            | 'ỵ'
            | 'À'
            | 'Á'
            | 'Ả'
            | 'Ã'
            | 'Ạ'
            | 'È'
            | 'É'
            | 'Ẻ'
            | 'Ẽ'
            | 'Ẹ'
            | 'Ỳ'
            | 'Ý'
            | 'Ỷ'
            | 'Ỹ'
            | 'Ỵ'
    )
}

/// Characters that are NFC whatever follows them (no quick check needed): below U+0300,
/// precomposed Vietnamese letters, general punctuation (dashes, curly quotes, ellipsis).
fn always_nfc(c: char) -> bool {
    (c as u32) < 0x300
        || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
        || ('\u{2010}'..='\u{205E}').contains(&c)
}

/// Normalise text (see the module docs).
pub fn normalize(text: &str) -> Normalized {
    normalize_owned(text.to_string())
}

/// The bytes the clean-text scan stops at: `\r`, the vowels after which a tone may need
/// moving, and the lead bytes of characters other than U+00C0–U+02FF (all NFC, none an odd
/// space). ASCII and continuation bytes pass.
static LOOK: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\r' as usize] = true;
    t[b'o' as usize] = true;
    t[b'O' as usize] = true;
    t[b'u' as usize] = true;
    t[b'U' as usize] = true;
    let mut b = 0xC0;
    while b < 0x100 {
        t[b] = !(b >= 0xC3 && b <= 0xCB);
        b += 1;
    }
    t
};

/// Normalise text it owns: clean text (the usual case) is returned as it is, not copied.
pub fn normalize_owned(text: String) -> Normalized {
    // Most text arrives clean: one cheap pass over the bytes decides (ASCII bytes need only
    // the '\r' test). Characters below U+0300 and precomposed Vietnamese letters
    // (U+1EA0–U+1EF9) are always NFC.
    let bytes = text.as_bytes();
    let mut clean = true;
    let mut needs_nfc_check = false;
    let mut tones = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !LOOK[usize::from(b)] {
            i += 1;
            continue;
        }
        match b {
            b'\r' => {
                clean = false;
                break;
            }
            b'o' | b'O' | b'u' | b'U' => {
                // An old-style tone ("hoà", "thuỷ") is on the character after.
                if !tones && bytes.get(i + 1).is_some_and(|&n| n >= 0xC0) {
                    if let Some(c) = text[i + 1..].chars().next() {
                        tones = old_style_tone(&text, i + 1, c);
                    }
                }
                i += 1;
            }
            // U+1E80–U+1EFF (the text is valid UTF-8: the continuation bytes are there);
            // the precomposed Vietnamese letters U+1EA0–U+1EF9 are NFC.
            0xE1 if matches!(bytes[i + 1], 0xBA | 0xBB) => {
                let cp =
                    0x1000 | (u32::from(bytes[i + 1] & 0x3F) << 6) | u32::from(bytes[i + 2] & 0x3F);
                if !(0x1EA0..=0x1EF9).contains(&cp) {
                    needs_nfc_check = true;
                }
                i += 3;
            }
            _ => {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                if is_odd_space(c) || is_dropped(c) {
                    clean = false;
                    break;
                }
                if !always_nfc(c) {
                    needs_nfc_check = true;
                }
                i += c.len_utf8();
            }
        }
    }
    if clean
        && (!needs_nfc_check
            || unicode_normalization::is_nfc_quick(text.chars())
                == unicode_normalization::IsNormalized::Yes)
    {
        // Tone placement never changes the number of characters: no map needed.
        let text = if tones { unify_tones(&text) } else { text };
        return Normalized { text, map: None };
    }

    // Slow path: cluster by cluster (a starter and its combining marks), so every output
    // character knows which input character it came from.
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut starts: Vec<u32> = Vec::with_capacity(chars.len() + 1);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\r' {
            out.push('\n');
            starts.push(i as u32);
            i += if chars.get(i + 1) == Some(&'\n') {
                2
            } else {
                1
            };
            continue;
        }
        if is_dropped(c) {
            i += 1;
            continue;
        }
        if is_odd_space(c) {
            out.push(' ');
            starts.push(i as u32);
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() && canonical_combining_class(chars[j]) != 0 {
            j += 1;
        }
        for n in chars[i..j].iter().copied().nfc() {
            out.push(n);
            starts.push(i as u32);
        }
        i = j;
    }
    starts.push(chars.len() as u32);
    let text = unify_tones(&out);
    Normalized {
        text,
        map: Some(OffsetMap { starts }),
    }
}

/// A pattern, phrase or trigger as it must be to match normalised text: NFC and the same
/// tone placement. Regex syntax is ASCII and passes through unchanged.
pub fn for_matching(s: &str) -> String {
    normalize(s).text
}

/// Whether the character `c` at byte `at` of `text` may end an old-style toned syllable
/// ("hoà", "thuỷ": an ASCII o/u before, no letter after, not "qu" + y), for
/// [`unify_tones`] to look at. A cheap test on bytes: false positives cost a pass, never a change.
fn old_style_tone(text: &str, at: usize, c: char) -> bool {
    if at == 0 || !toned_second_vowel(c) {
        return false;
    }
    let bytes = text.as_bytes();
    let first = bytes[at - 1].to_ascii_lowercase();
    let base = match c {
        'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'À' | 'Á' | 'Ả' | 'Ã' | 'Ạ' => 'a',
        'è' | 'é' | 'ẻ' | 'ẽ' | 'ẹ' | 'È' | 'É' | 'Ẻ' | 'Ẽ' | 'Ẹ' => 'e',
        _ => 'y',
    };
    let pair = matches!((first, base), (b'o', 'a') | (b'o', 'e') | (b'u', 'y'));
    let after_q = first == b'u' && at >= 2 && matches!(bytes[at - 2], b'q' | b'Q');
    let open = text[at + c.len_utf8()..]
        .chars()
        .next()
        .is_none_or(|n| !n.is_alphabetic());
    pair && open && !after_q
}

/// Move the tone of an open `oa`/`oe`/`uy` syllable to its first vowel, one character for
/// one character ("hoà" → "hòa", "thuỷ" → "thủy"; "quý", "hoàn" unchanged).
pub fn unify_tones(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0; // bytes of `text` already in `out`
    let mut i = 1;
    while i < bytes.len() {
        // Only a non-ASCII character right after an ASCII o/u can be one to move.
        if bytes[i] < 0xC0 || !matches!(bytes[i - 1], b'o' | b'O' | b'u' | b'U') {
            i += 1;
            continue;
        }
        let Some(second) = text[i..].chars().next() else {
            break;
        };
        let next = i + second.len_utf8();
        if old_style_tone(text, i, second) {
            if let Some((a, b)) = move_tone(char::from(bytes[i - 1]), second) {
                out.push_str(&text[copied..i - 1]);
                out.push(a);
                out.push(b);
                copied = next;
            }
        }
        i = next;
    }
    out.push_str(&text[copied..]);
    out
}

/// "oà" → ('ò', 'a'): the tone of the second vowel on the first, each still one character.
fn move_tone(first: char, second: char) -> Option<(char, char)> {
    let mut marks: Vec<char> = second.nfd().skip(1).collect();
    let t = marks
        .iter()
        .position(|m| matches!(m, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}'))?;
    let tone = marks.remove(t);
    let new_first: String = [first, tone].into_iter().nfc().collect();
    let new_second: String = second.nfd().take(1).chain(marks).nfc().collect();
    Some((single(&new_first)?, single(&new_second)?))
}

fn single(s: &str) -> Option<char> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// One character without its diacritics ("ế" → 'e', "Đ" → 'D'), for accent-insensitive rules.
pub fn fold_char(c: char) -> char {
    match c {
        'đ' => 'd',
        'Đ' => 'D',
        c if c.is_ascii() => c,
        c => c.nfd().next().filter(|b| b.is_ascii()).unwrap_or(c),
    }
}

/// Text without diacritics, and for each byte of the result the byte of `text` it came from
/// (plus one closing entry). Characters map one to one.
pub fn fold(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut back = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        let f = fold_char(c);
        for _ in 0..f.len_utf8() {
            back.push(i);
        }
        out.push(f);
    }
    back.push(text.len());
    (out, back)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_copied_without_a_map() {
        let n = normalize("Đảng viên 36.700m2");
        assert_eq!(
            n,
            Normalized {
                text: "Đảng viên 36.700m2".into(),
                map: None
            }
        );
    }

    #[test]
    fn decomposed_text_composes_and_maps_back() {
        // "Hòa" written with a combining grave accent, then a no-break space and CRLF.
        let input = "Ho\u{300}a\u{A0}bi\u{300}nh\r\nx";
        let n = normalize(input);
        assert_eq!(n.text, "Hòa bình\nx");
        let map = n.map.unwrap();
        // "bình" starts at normalised char 4, original char 5 (one combining mark before it).
        assert_eq!(map.original(4), 5);
        // The end of "bình" (normalised 8) is original 10; "x" (normalised 9) is original 12.
        assert_eq!(map.original(8), 10);
        assert_eq!(map.original(9), 12);
        assert_eq!(map.original(10), 13);
    }

    #[test]
    fn one_tone_placement() {
        assert_eq!(
            unify_tones("xã Nghĩa Hoà, thuỷ lợi, khoẻ, Thanh Hoá"),
            "xã Nghĩa Hòa, thủy lợi, khỏe, Thanh Hóa"
        );
        assert_eq!(
            unify_tones("quý, hoàn thành, Quỳnh, tuyển, HOÀ"),
            "quý, hoàn thành, Quỳnh, tuyển, HÒA"
        );
        assert_eq!(normalize("Đông Hoà").text, "Đông Hòa");
        for s in ["hoà", "thuỷ", "Hoá", "hoàn"] {
            assert_eq!(unify_tones(s).chars().count(), s.chars().count());
        }
    }

    #[test]
    fn folding_keeps_characters_one_to_one() {
        let (f, back) = fold("Đảng viên kết nạp");
        assert_eq!(f, "Dang vien ket nap");
        assert_eq!(f.chars().count(), "Đảng viên kết nạp".chars().count());
        let text = "Đảng viên kết nạp";
        let at = f.find("ket").unwrap();
        assert_eq!(&text[back[at]..], "kết nạp");
    }
}
