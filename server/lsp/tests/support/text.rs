//! Positions, ranges and edits as LSP counts them (UTF-16 or UTF-8
//! columns; lines ending at `\n`, `\r\n` or a lone `\r`), and semantic
//! tokens decoded.

use serde_json::{json, Value};

/// Char boundaries a client can address: never between the `\r` and `\n`
/// of a line end.
pub fn boundaries(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    text.char_indices().map(|(i, _)| i).chain([text.len()]).filter(|&i| !(i > 0 && b[i - 1] == b'\r' && b.get(i) == Some(&b'\n'))).collect()
}

/// Semantic tokens decoded to (line, start, length, type).
pub fn decode(data: &Value) -> Vec<(u64, u64, u64, u64)> {
    let d: Vec<u64> = data.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let (mut line, mut start) = (0, 0);
    d.chunks(5)
        .map(|t| {
            line += t[0];
            start = if t[0] == 0 { start + t[1] } else { t[1] };
            (line, start, t[2], t[3])
        })
        .collect()
}

/// The UTF-16 or UTF-8 position of the first `needle` in `text`, plus `skip` bytes.
pub fn pos(text: &str, needle: &str, skip: usize, utf8: bool) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in the text")) + skip;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let col: usize = if utf8 { at - line_start } else { text[line_start..at].encode_utf16().count() };
    json!({"line": line, "character": col})
}

/// Applies LSP text edits (UTF-16 or UTF-8 columns) to a text, as a client
/// does: all ranges refer to the text before any of them.
pub fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let offset = |p: &Value| -> usize {
        let (line, col) = (p["line"].as_u64().unwrap() as usize, p["character"].as_u64().unwrap() as usize);
        let mut start = 0;
        for _ in 0..line {
            let rest = &text[start..];
            let end = rest.find(['\n', '\r']).map(|i| start + i).expect("a line of the text");
            start = if text[end..].starts_with("\r\n") { end + 2 } else { end + 1 };
        }
        let line_text = &text[start..start + text[start..].find(['\n', '\r']).unwrap_or(text.len() - start)];
        let mut units = 0;
        for (i, ch) in line_text.char_indices() {
            if units >= col {
                return start + i;
            }
            units += if utf8 { ch.len_utf8() } else { ch.len_utf16() };
        }
        assert!(units >= col, "column {col} past the end of line {line}");
        start + line_text.len()
    };
    let mut ranged: Vec<(usize, usize, &str)> =
        edits.iter().map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap())).collect();
    ranged.sort_by_key(|(s, e, _)| (*s, *e));
    for w in ranged.windows(2) {
        assert!(w[0].1 <= w[1].0, "overlapping edits: {edits:?}");
    }
    let mut out = text.to_string();
    for (s, e, new) in ranged.into_iter().rev() {
        out.replace_range(s..e, new);
    }
    out
}

/// The LSP position of byte `at`: lines end at `\n`, `\r\n` or a lone `\r`.
pub fn position_of(text: &str, at: usize, utf8: bool) -> Value {
    let b = text.as_bytes();
    let (mut line, mut line_start) = (0, 0);
    let mut i = 0;
    while i < at {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
        i += 1;
    }
    let col = if utf8 { at - line_start } else { text[line_start..at].encode_utf16().count() };
    json!({"line": line, "character": col})
}

/// The lines of a text as LSP counts them, without their ends.
pub fn lines(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            out.push(&text[start..i]);
            i += if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&text[start..]);
    out
}

/// The text a range covers, checked to lie within the text.
pub fn covered(text: &str, range: &Value, utf8: bool) -> String {
    let lines = lines(text);
    let mut out = String::new();
    let (start, end) = (&range["start"], &range["end"]);
    let (l1, l2) = (start["line"].as_u64().unwrap() as usize, end["line"].as_u64().unwrap() as usize);
    assert!(l1 <= l2 && l2 < lines.len(), "range {range} outside a text of {} lines", lines.len());
    for (l, line) in lines.iter().enumerate().take(l2 + 1).skip(l1) {
        let from = if l == l1 { byte_of(line, start["character"].as_u64().unwrap() as usize, utf8, range) } else { 0 };
        let to = if l == l2 { byte_of(line, end["character"].as_u64().unwrap() as usize, utf8, range) } else { line.len() };
        out.push_str(&line[from..to]);
        if l < l2 {
            out.push('\n');
        }
    }
    out
}

/// The byte of a column in a line; the column must be on a char boundary
/// inside the line.
fn byte_of(line: &str, col: usize, utf8: bool, what: &Value) -> usize {
    let mut units = 0;
    for (i, ch) in line.char_indices() {
        if units == col {
            return i;
        }
        assert!(units < col, "column {col} inside a character: {what} in {line:?}");
        units += if utf8 { ch.len_utf8() } else { ch.len_utf16() };
    }
    assert_eq!(units, col, "column past the end of the line: {what} in {line:?}");
    line.len()
}
