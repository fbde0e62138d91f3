//! Reading markup straight into the typed view, without a tree: the fast
//! path for documents nobody is editing (the workspace read, `gloss check`).
//!
//! It makes exactly the decisions of the grammar and its external scanner
//! (`grammar/src/scanner.c`, whose look-ahead functions are mirrored here
//! one for one, code point budgets included), so it gives the same
//! [`Markup`] as lowering a tree-sitter tree; property and fuzz tests hold
//! the two to that. Tree-sitter stays the reference, and the parser of open
//! documents, whose trees are reparsed incrementally; this reader is some
//! ten times faster on span-dense text.

use std::ops::Range;

mod bytes;

use bytes::{next_byte_in, next_markup_byte};

use crate::parse::{bad_attribute, unquote};
use crate::{Attr, AttrBlock, AttrKind, Id, Key, Markup, Span, SyntaxError, Value, ValueKind};

/// As the scanner's: how far the look-ahead of one `[` goes, in code
/// points, and how deep it counts brackets.
const LOOKAHEAD_LIMIT: u32 = 64 * 1024;
const MAX_DEPTH: u32 = 64;
const UNLIMITED: u32 = u32::MAX;

pub(crate) fn read(text: &str) -> Markup {
    let mut reader = Reader { text, markup: Markup::default(), slots: slots_for(text) };
    // Tree-sitter skips a byte order mark at the start: it is in no token.
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let at = reader.header(start);
    reader.content(at);
    reader.finish()
}

/// Reads the content in `range`, which starts a line after a blank line and
/// ends at a blank line (or the end): every look-ahead stops at a blank
/// line, so the paragraphs in it read as in the whole text. No header, and
/// no byte order mark is skipped: those are at the document's start.
pub(crate) fn read_paragraphs(text: &str, range: Range<usize>) -> Markup {
    let mut reader = Reader { text: &text[..range.end], markup: Markup::default(), slots: slots_for(&text[range.clone()]) };
    reader.content(range.start);
    reader.finish()
}

/// Room for a slot per `[`, at most one per span: growing the slots one
/// by one was 9% of `gloss check` (each move copying the spans so far).
/// (Counted with memchr: a plain count of the bytes was 15% of the
/// reader's time in a profile.)
fn slots_for(text: &str) -> Vec<Slot> {
    Vec::with_capacity(memchr::memchr_iter(b'[', text.as_bytes()).count())
}

/// A position in the text that moves one code point at a time, like
/// tree-sitter's lexer: `lookahead` is `None` at the end.
#[derive(Clone, Copy)]
struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl Cursor<'_> {
    fn lookahead(&self) -> Option<char> {
        match self.text.as_bytes().get(self.at) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.text[self.at..].chars().next(),
            None => None,
        }
    }
    fn is(&self, c: char) -> bool {
        self.lookahead() == Some(c)
    }
    fn eof(&self) -> bool {
        self.at >= self.text.len()
    }
    fn advance(&mut self) {
        if let Some(c) = self.lookahead() {
            self.at += c.len_utf8();
        }
    }
    /// Advances over the code points up to the next byte that is
    /// `special` (or the end), as many `take`s would: false, with the
    /// budget spent, when there are more than it allows. The look-aheads
    /// step through prose this way, a run at a time rather than a code
    /// point at a time (which was most of the reader's time).
    #[inline(always)]
    fn skip_plain<const N: usize>(&mut self, budget: &mut u32, special: [u8; N]) -> bool {
        let bytes = self.text.as_bytes();
        let end = next_byte_in(bytes, self.at, special).unwrap_or(bytes.len());
        if *budget != UNLIMITED {
            // Code points: the bytes that do not continue one (all of
            // them, in ASCII: most runs, told apart faster than counted).
            let run = &bytes[self.at..end];
            let taken = if run.is_ascii() { run.len() } else { run.iter().filter(|&&b| (b as i8) >= -0x40).count() };
            match u32::try_from(taken).ok().filter(|&n| n <= *budget) {
                Some(n) => *budget -= n,
                None => {
                    *budget = 0;
                    return false;
                }
            }
        }
        self.at = end;
        true
    }
    /// Advances over the code points that are `wanted` (ASCII ones a byte
    /// at a time, without decoding).
    fn advance_while(&mut self, wanted: impl Fn(char) -> bool) {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.at) {
            let c = if b < 0x80 { char::from(b) } else { self.text[self.at..].chars().next().unwrap_or_default() };
            if !wanted(c) {
                return;
            }
            self.at += c.len_utf8();
        }
    }
    /// Advances one code point within a budget; false when it is spent.
    fn take(&mut self, budget: &mut u32) -> bool {
        if *budget == 0 {
            return false;
        }
        if *budget != UNLIMITED {
            *budget -= 1;
        }
        self.advance();
        true
    }
    fn at_line_end(&self) -> bool {
        self.lookahead().is_none_or(is_line_end)
    }
}

fn is_line_end(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// White space other than line ends: a line of these is blank.
fn is_blank(c: char) -> bool {
    c.is_whitespace() && !is_line_end(c)
}

fn is_space(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-')
}

fn is_key_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

fn is_escapable(c: char) -> bool {
    matches!(c, '[' | ']' | '{' | '}' | '\\' | '%')
}

fn is_bare_char(c: char) -> bool {
    c != '\0' && !is_blank(c) && !is_line_end(c) && !matches!(c, '"' | '{' | '}')
}

/// At a line end: skips it and the blanks of the next line; whether the
/// paragraph goes on.
fn paragraph_continues(cur: &mut Cursor, budget: &mut u32) -> bool {
    if cur.is('\r') {
        if !cur.take(budget) || (cur.is('\n') && !cur.take(budget)) {
            return false;
        }
    } else if !cur.take(budget) {
        return false;
    }
    while cur.lookahead().is_some_and(is_blank) {
        if !cur.take(budget) {
            return false;
        }
    }
    !cur.at_line_end()
}

/// Just past a `{`: whether a `}` outside quotes closes the block on this
/// line; the cursor ends past it, or at the line's end.
fn block_closes(cur: &mut Cursor, budget: &mut u32) -> bool {
    let mut quoted = false;
    loop {
        if !cur.skip_plain(budget, [b'"', b'}', b'\\', b'\n', b'\r']) {
            return false;
        }
        if cur.at_line_end() {
            break;
        }
        let c = cur.lookahead().unwrap_or_default();
        if !cur.take(budget) {
            return false;
        }
        if quoted {
            if c == '\\' {
                if !cur.at_line_end() && !cur.take(budget) {
                    return false;
                }
            } else if c == '"' {
                quoted = false;
            }
        } else if c == '"' {
            quoted = true;
        } else if c == '}' {
            return true;
        }
    }
    false
}

/// Just past a `{%`: `Ok(end)` past the `%}` closing it in this paragraph,
/// or `Err(end)` at the end of the paragraph's last line.
fn comment_closes(cur: &mut Cursor, budget: &mut u32) -> Result<usize, usize> {
    let mut percent = false;
    let mut mark = cur.at;
    loop {
        if cur.at_line_end() {
            mark = cur.at;
            if cur.eof() || !paragraph_continues(cur, budget) {
                return Err(mark);
            }
            percent = false;
            continue;
        }
        let c = cur.lookahead().unwrap_or_default();
        if !cur.take(budget) {
            return Err(mark);
        }
        if percent && c == '}' {
            return Ok(cur.at);
        }
        percent = c == '%';
    }
}

/// Just past a `[`: whether its matching `]`, in this paragraph, is
/// directly followed by an attribute block's `{`.
fn opens_span(mut cur: Cursor) -> bool {
    let mut budget = LOOKAHEAD_LIMIT;
    let mut depth = 1;
    loop {
        if !cur.skip_plain(&mut budget, [b'[', b']', b'\\', b'{', b'\n', b'\r']) {
            return false;
        }
        let Some(c) = cur.lookahead() else { return false };
        if is_line_end(c) {
            if !paragraph_continues(&mut cur, &mut budget) {
                return false;
            }
            continue;
        }
        if !cur.take(&mut budget) {
            return false;
        }
        match c {
            // An escaped character; a comment, which must close.
            '\\' if cur.lookahead().is_some_and(is_escapable) && !cur.take(&mut budget) => return false,
            '{' if cur.is('%') && (!cur.take(&mut budget) || comment_closes(&mut cur, &mut budget).is_err()) => return false,
            '[' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return false;
                }
            }
            ']' => {
                depth -= 1;
                if !cur.is('{') {
                    if depth == 0 {
                        return false;
                    }
                    continue;
                }
                if !cur.take(&mut budget) {
                    return false;
                }
                if cur.is('%') {
                    // `]{%`: a bracket, then a comment.
                    if depth == 0 || !cur.take(&mut budget) || comment_closes(&mut cur, &mut budget).is_err() {
                        return false;
                    }
                    continue;
                }
                if depth == 0 {
                    return true;
                }
                // A nested span's block; if it does not close, it takes the line.
                block_closes(&mut cur, &mut budget);
                if budget == 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
}

/// At an id's first character: reads it; false if there is none or it
/// ends in `.` or `:`.
fn scan_id(cur: &mut Cursor) -> bool {
    // Id characters are ASCII: read as bytes (ids are most of what the
    // attribute blocks of a workspace hold).
    let bytes = &cur.text.as_bytes()[cur.at..];
    let len = bytes.iter().position(|&b| !is_id_char(char::from(b))).unwrap_or(bytes.len());
    if len == 0 || matches!(bytes[0], b'.' | b':' | b'-') {
        return false;
    }
    cur.at += len;
    !matches!(bytes[len - 1], b'.' | b':')
}

/// After `key=`: a quoted value, a reference list or a bare value.
fn scan_value(cur: &mut Cursor) -> bool {
    match cur.lookahead() {
        Some('"') => {
            let mut nul = false;
            cur.advance();
            while !cur.at_line_end() {
                let mut c = cur.lookahead().unwrap_or_default();
                cur.advance();
                if c == '"' {
                    return !nul;
                }
                if c == '\\' && !cur.at_line_end() {
                    c = cur.lookahead().unwrap_or_default();
                    cur.advance();
                }
                if c == '\0' {
                    nul = true;
                }
            }
            false
        }
        Some('@') => loop {
            cur.advance();
            if !scan_id(cur) {
                return false;
            }
            if !cur.is(',') {
                return true;
            }
            cur.advance();
            if !cur.is('@') {
                return false;
            }
        },
        Some(c) if is_bare_char(c) => {
            cur.advance_while(is_bare_char);
            true
        }
        _ => false,
    }
}

fn run_ended(cur: &Cursor) -> bool {
    cur.lookahead().is_none_or(|c| is_line_end(c) || is_space(c) || c == '}')
}

/// Reads to the end of an attribute run (a space, a tab or `}` outside
/// quotes, or the line end).
fn skip_run(cur: &mut Cursor) {
    let mut quoted = false;
    while !cur.at_line_end() && (quoted || !run_ended(cur)) {
        let c = cur.lookahead().unwrap_or_default();
        cur.advance();
        if quoted {
            if c == '\\' {
                if !cur.at_line_end() {
                    cur.advance();
                }
            } else if c == '"' {
                quoted = false;
            }
        } else if c == '"' {
            quoted = true;
        }
    }
}

/// At an attribute run: reads it; whether it is `@ID`, `#ID` or `KEY=value`.
fn scan_attribute(cur: &mut Cursor) -> bool {
    let mut ok = false;
    match cur.lookahead() {
        Some('@' | '#') => {
            cur.advance();
            ok = scan_id(cur);
        }
        Some(c) if c.is_ascii_lowercase() => {
            cur.advance_while(is_key_char);
            if cur.is('=') {
                cur.advance();
                ok = scan_value(cur);
            }
        }
        _ => {}
    }
    if !run_ended(cur) {
        ok = false;
        skip_run(cur);
    }
    ok
}

/// Just past a `{` at the document's start: whether it is the header's,
/// closed on its line with nothing else on the line.
fn header_follows(mut cur: Cursor) -> bool {
    if cur.is('%') || !block_closes(&mut cur, &mut UNLIMITED.clone()) {
        return false;
    }
    while cur.lookahead().is_some_and(is_blank) {
        cur.advance();
    }
    cur.at_line_end()
}

/// A span being read: where its `[` is, its enclosing span's slot, and
/// what it turned out to be once its `]` came (empty until then, and for
/// good if its block does not close).
struct Slot {
    start: usize,
    enclosing: Option<usize>,
    span: Option<Span>,
}

struct Reader<'a> {
    text: &'a str,
    markup: Markup,
    /// Every `[` that opened a span, in order; spans whose block did not
    /// close stay empty.
    slots: Vec<Slot>,
}

impl<'a> Reader<'a> {
    fn cursor(&self, at: usize) -> Cursor<'a> {
        Cursor { text: self.text, at }
    }

    /// The header, if the document starts with one; where content starts.
    fn header(&mut self, start: usize) -> usize {
        let mut cur = self.cursor(start);
        let at_brace = match cur.lookahead() {
            Some(c) if is_blank(c) || is_line_end(c) => {
                while cur.lookahead().is_some_and(|c| is_blank(c) || is_line_end(c)) {
                    cur.advance();
                }
                cur.at
            }
            _ => start,
        };
        let mut past = self.cursor(at_brace);
        if !past.is('{') {
            return start;
        }
        past.advance();
        if !header_follows(past) {
            return start;
        }
        let (block, end) = self.block(at_brace);
        self.markup.header = Some(block);
        end
    }

    /// Content from `at` to the end: prose, spans, comments, escapes.
    fn content(&mut self, mut at: usize) {
        let bytes = self.text.as_bytes();
        // Slots of the spans open here, innermost last.
        let mut open: Vec<usize> = Vec::new();
        while let Some(next) = next_markup_byte(bytes, at) {
            at = next;
            match bytes[at] {
                b'[' => {
                    if opens_span(self.cursor(at + 1)) {
                        self.slots.push(Slot { start: at, enclosing: open.last().copied(), span: None });
                        open.push(self.slots.len() - 1);
                    }
                    at += 1;
                }
                b']' if !open.is_empty() && bytes.get(at + 1) == Some(&b'{') && bytes.get(at + 2) != Some(&b'%') => {
                    let slot = open.pop().unwrap();
                    at = self.close(slot, at);
                }
                b'\\' if self.cursor(at + 1).lookahead().is_some_and(is_escapable) => {
                    self.markup.escapes.push(at..at + 2);
                    at += 2;
                }
                b'{' if bytes.get(at + 1) == Some(&b'%') => {
                    let mut cur = self.cursor(at + 2);
                    match comment_closes(&mut cur, &mut UNLIMITED.clone()) {
                        Ok(end) => {
                            self.markup.comments.push(at..end);
                            at = end;
                        }
                        Err(end) => {
                            self.markup.comments.push(at..end);
                            self.markup
                                .errors
                                .push(SyntaxError { range: at..at + 2, message: "comment not closed before the end of its paragraph: add `%}`".into() });
                            at = end;
                        }
                    }
                }
                _ => at += 1,
            }
        }
        // The look-ahead guarantees every span it opened closes; should one
        // be left open anyway, its slot stays empty: it is not a span.
    }

    /// At the `]{` of the span in `slot`: its attribute block; where
    /// reading goes on.
    fn close(&mut self, slot: usize, bracket: usize) -> usize {
        let start = self.slots[slot].start;
        let brace = bracket + 1;
        let mut cur = self.cursor(brace + 1);
        if !block_closes(&mut cur, &mut UNLIMITED.clone()) {
            self.markup.errors.push(SyntaxError { range: brace..brace + 1, message: "attribute block not closed on its line: add `}`".into() });
            return cur.at;
        }
        let (block, end) = self.block(brace);
        self.slots[slot].span = Some(Span { range: start..end, text: start + 1..bracket, block, parent: None });
        end
    }

    /// The attribute block whose `{` is at `brace` (known to close on its
    /// line); where it ends.
    fn block(&mut self, brace: usize) -> (AttrBlock, usize) {
        let mut cur = self.cursor(brace + 1);
        // Room for a claim's two (`claim=`, `src=`); a mention's one.
        // Growing from nothing went through reallocating: a tenth of
        // reading the blocks.
        let mut attrs = Vec::with_capacity(2);
        loop {
            cur.advance_while(is_space);
            // `block_closes` saw the `}`; the end of the line is a guard.
            if cur.is('}') || cur.at_line_end() {
                break;
            }
            let start = cur.at;
            let ok = scan_attribute(&mut cur);
            let range = start..cur.at;
            match ok.then(|| self.attribute(range.clone())) {
                Some(kind) => attrs.push(Attr { range, kind }),
                None => {
                    let message = bad_attribute(&self.text[range.clone()]);
                    self.markup.errors.push(SyntaxError { range, message });
                }
            }
        }
        if cur.is('}') {
            cur.advance();
        }
        (AttrBlock { range: brace..cur.at, attrs }, cur.at)
    }

    /// A well-formed attribute, typed.
    fn attribute(&self, range: Range<usize>) -> AttrKind {
        let written = &self.text[range.clone()];
        let id = |from: usize, to: usize| Id { name: self.text[from..to].to_string(), range: from..to };
        match written.as_bytes()[0] {
            b'@' => AttrKind::Ref(id(range.start + 1, range.end)),
            b'#' => AttrKind::Def(id(range.start + 1, range.end)),
            _ => {
                // Bytes searched, not chars: a key is a few ASCII bytes, and
                // a search for a char costs its setting up each time.
                let eq = range.start + written.bytes().position(|b| b == b'=').unwrap_or_default();
                let key = Key { name: self.text[range.start..eq].to_string(), range: range.start..eq };
                let value_range = eq + 1..range.end;
                let value = &self.text[value_range.clone()];
                let kind = if value.starts_with('"') {
                    ValueKind::Quoted(unquote(value))
                } else if value.starts_with('@') {
                    // Made to size: growing it from nothing goes through
                    // reallocating, which cost more than the allocation.
                    let mut ids = Vec::with_capacity(value.bytes().filter(|&b| b == b',').count() + 1);
                    let mut from = value_range.start;
                    for piece in value.as_bytes().split(|&b| b == b',') {
                        ids.push(id(from + 1, from + piece.len()));
                        from += piece.len() + 1;
                    }
                    ValueKind::Refs(ids)
                } else {
                    ValueKind::Bare(value.to_string())
                };
                AttrKind::Pair { key, value: Value { range: value_range, kind } }
            }
        }
    }

    /// The spans that closed, in order of their `[`, each with the nearest
    /// enclosing one that is a span as its parent.
    fn finish(mut self) -> Markup {
        let mut index = vec![None; self.slots.len()];
        self.markup.spans.reserve_exact(self.slots.iter().filter(|s| s.span.is_some()).count());
        for i in 0..self.slots.len() {
            let Some(mut span) = self.slots[i].span.take() else { continue };
            let mut up = self.slots[i].enclosing;
            while let Some(u) = up {
                if index[u].is_some() {
                    break;
                }
                up = self.slots[u].enclosing;
            }
            span.parent = up.and_then(|u| index[u]);
            index[i] = Some(self.markup.spans.len());
            self.markup.spans.push(span);
        }
        self.markup.errors.sort_by_key(|e| e.range.start);
        self.markup
    }
}
