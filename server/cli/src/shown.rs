//! One diagnostic as `gloss check` prints it in text: a title, then the
//! line of each place it shows, the place underlined, in the layout of
//! rustc's diagnostics (the annotate-snippets crate's).
//!
//! annotate-snippets lays each diagnostic out in a grid of styled
//! characters, some 50 µs a diagnostic: printing the 70,000 diagnostics of
//! the 20,000-document benchmark took 2 s, against 0.3 s for the whole
//! check in JSON. So the shape nearly every diagnostic has, each place on
//! one line and no tab or control character in sight, is laid out here, in
//! colour or not, to the very bytes annotate-snippets would print (the
//! tests hold the two together on random diagnostics). Anything else is
//! left to annotate-snippets.

use std::fmt::Write;
use std::ops::Range;

use annotate_snippets::renderer::{
    Style, DEFAULT_CONTEXT_STYLE, DEFAULT_EMPHASIS_STYLE, DEFAULT_ERROR_STYLE, DEFAULT_HELP_STYLE, DEFAULT_INFO_STYLE, DEFAULT_LINE_NUM_STYLE,
    DEFAULT_WARNING_STYLE,
};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use gloss_analysis::diagnostics::Severity;
use unicode_width::UnicodeWidthChar;

/// How wide the report is laid out: prose lines are long, so each is cut
/// around its place to fit.
pub const WIDTH: usize = 120;

/// What a diagnostic shows.
pub struct Shown<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub message: &'a str,
    /// The diagnostic's own place, then the related places shown.
    pub places: Vec<Place<'a>>,
    pub note: Option<String>,
}

/// One place: its line (or lines) and where it is on them.
pub struct Place<'a> {
    pub path: &'a str,
    /// The number of `source`'s first line, from 1.
    pub line: usize,
    /// The lines the place is on, without the last one's line end.
    pub source: &'a str,
    /// The place, in `source`.
    pub span: Range<usize>,
    /// What the place is to the diagnostic (none for its own).
    pub label: Option<String>,
}

/// How diagnostics are shown: in colour or not, laid out here or, for the
/// shapes this module leaves, by annotate-snippets' renderer.
pub struct Layout {
    colour: bool,
    renderer: Renderer,
}

impl Layout {
    pub fn new(colour: bool) -> Layout {
        Layout { colour, renderer: renderer(colour) }
    }

    /// The diagnostic as text, without a final line end.
    pub fn render(&self, shown: &Shown) -> String {
        lay_out(shown, self.colour).unwrap_or_else(|| with_annotate_snippets(&self.renderer, shown))
    }

    /// The lines of a related place (from `::: path:line:column` to its
    /// underline and label) as [`Layout::render`] lays them out in a
    /// diagnostic whose line numbers are `numbers` wide ([`numbers`]); `None`
    /// if such a diagnostic is left to annotate-snippets. A report shows
    /// the same few related places again and again (on the
    /// 20,000-document benchmark, 1,629 places 204,628 times), so they are
    /// laid out once each ([`Layout::render_laid_out`]).
    pub fn related_lines(&self, place: &Place, numbers: usize) -> Option<String> {
        if !printable(place.path) {
            return None;
        }
        let mut out = Lines { text: String::with_capacity(256), colour: self.colour, style: NONE };
        lay_out_place(&mut out, place, numbers, None)?;
        // Its style reset at its end: the next line starts unstyled, as it
        // would after the place laid out in place.
        Some(out.finish())
    }

    /// [`Layout::render`] of a diagnostic whose related places are laid out
    /// already, by [`Layout::related_lines`] with the `numbers` of all its
    /// places: `shown.places` is its own place only. `None` if it is left
    /// to annotate-snippets: the caller renders it with all its places.
    pub fn render_laid_out(&self, shown: &Shown, related: &[&str], numbers: usize) -> Option<String> {
        lay_out_with(shown, self.colour, numbers, |out| {
            for lines in related {
                out.end_line();
                out.text.push_str(lines);
            }
            Some(())
        })
    }
}

/// How wide the column of line numbers is for places on these lines (as
/// wide as the widest number).
pub fn numbers(lines: impl IntoIterator<Item = usize>) -> usize {
    lines.into_iter().map(digits).max().unwrap_or(1)
}

fn renderer(colour: bool) -> Renderer {
    if colour { Renderer::styled() } else { Renderer::plain() }.term_width(WIDTH)
}

fn with_annotate_snippets(renderer: &Renderer, shown: &Shown) -> String {
    let level = match shown.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Information => Level::INFO,
        Severity::Hint => Level::HELP,
    };
    let mut group = Group::with_title(level.primary_title(shown.message).id(shown.code));
    for (i, place) in shown.places.iter().enumerate() {
        let kind = if i == 0 { AnnotationKind::Primary } else { AnnotationKind::Context };
        let mut annotation = kind.span(place.span.clone());
        if let Some(label) = &place.label {
            annotation = annotation.label(label.as_str());
        }
        group = group.element(Snippet::source(place.source).line_start(place.line).path(place.path).annotation(annotation));
    }
    if let Some(note) = &shown.note {
        group = group.element(Level::NOTE.message(note.as_str()));
    }
    renderer.render(&[group])
}

/// The style of a diagnostic's level, its own place's underline and label.
fn level_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => DEFAULT_ERROR_STYLE,
        Severity::Warning => DEFAULT_WARNING_STYLE,
        Severity::Information => DEFAULT_INFO_STYLE,
        Severity::Hint => DEFAULT_HELP_STYLE,
    }
}

fn level_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information => "info",
        Severity::Hint => "help",
    }
}

/// The layout of a diagnostic whose places are each on one line and whose
/// texts hold nothing annotate-snippets would replace (tabs, control
/// characters, the joiner, text direction marks); `None` for any other.
fn lay_out(shown: &Shown, colour: bool) -> Option<String> {
    if !shown.places.iter().all(|p| printable(p.path)) {
        return None;
    }
    // A diagnostic without a place is left to annotate-snippets by
    // `lay_out_with`.
    let numbers = numbers(shown.places.iter().map(|p| p.line));
    lay_out_with(shown, colour, numbers, |out| {
        for place in shown.places.iter().skip(1) {
            out.end_line();
            lay_out_place(out, place, numbers, None)?;
        }
        Some(())
    })
}

/// [`lay_out`], the related places laid out by `related` after the
/// diagnostic's own place (the first of `shown.places`, the others left
/// to `related`).
fn lay_out_with(shown: &Shown, colour: bool, numbers: usize, related: impl FnOnce(&mut Lines) -> Option<()>) -> Option<String> {
    let texts = [shown.code, shown.message].into_iter().chain(shown.note.as_deref());
    let own = shown.places.first()?;
    if !texts.chain([own.path]).all(printable) {
        return None;
    }
    let mut out = Lines { text: String::with_capacity(512), colour, style: NONE };
    let level = level_style(shown.severity);
    out.push(level, level_name(shown.severity));
    out.push(level, "[");
    out.push(level, shown.code);
    out.push(level, "]");
    out.push(DEFAULT_EMPHASIS_STYLE, ": ");
    out.push(DEFAULT_EMPHASIS_STYLE, shown.message);
    out.end_line();
    lay_out_place(&mut out, own, numbers, Some(level))?;
    related(&mut out)?;
    if let Some(note) = &shown.note {
        out.end_line();
        out.gutter(numbers);
        out.end_line();
        out.pad(numbers + 1);
        out.push(DEFAULT_LINE_NUM_STYLE, "= ");
        out.push(DEFAULT_EMPHASIS_STYLE, "note");
        out.push(NONE, ": ");
        out.push(NONE, note);
    }
    Some(out.finish())
}

/// The text before the code on a source line: the line number, then ` | `.
const BEFORE_CODE: usize = 3;

/// Where `...` stands for what is cut of a line.
const ELLIPSIS: &str = "...";

/// A place's path and position, its line and the line underlining it;
/// `primary`, in the diagnostic's style, for the diagnostic's own place.
fn lay_out_place(out: &mut Lines, place: &Place, numbers: usize, primary: Option<Style>) -> Option<()> {
    let source = place.source;
    let span = place.span.clone();
    let line = Line::new(source);
    if !line.printable()
        || !place.label.as_deref().is_none_or(printable)
        || span.start >= span.end
        || !source.is_char_boundary(span.start)
        || !source.is_char_boundary(span.end)
    {
        return None;
    }
    // Columns as a terminal shows them, from the line's start.
    let start = line.width(0..span.start);
    let end = start + line.width(span.clone());
    let line_width = end + line.width(span.end..source.len());
    if end == start {
        return None;
    }
    let code_at = numbers + BEFORE_CODE;
    let leading_blanks = if source.chars().any(|c| !c.is_whitespace()) { source.chars().take_while(|c| c.is_whitespace()).count() } else { 0 };
    let label_width = place.label.as_deref().map_or(0, |l| str_width(l) + 1);
    let window = Window::new(leading_blanks, start, end, end + label_width, WIDTH.saturating_sub(code_at), line_width);
    if end - start > 2 * window.width {
        // annotate-snippets cuts the middle out of a place this long.
        return None;
    }

    // The part of the line shown: whole characters from `left` on, as many
    // as fit before `right`.
    let mut left = window.left.min(line_width);
    let right = if line_width.saturating_sub(window.left) <= window.width { line_width } else { line_width.min(window.right) };
    let (from, skipped) = line.skip_columns(left);
    let shown = &source[from..line.fit_columns(from, right - left)];
    left = left.max(skipped);
    if left > start {
        return None;
    }

    if primary.is_none() {
        out.gutter(numbers);
        out.end_line();
    }
    out.pad(numbers);
    out.push(DEFAULT_LINE_NUM_STYLE, if primary.is_some() { "--> " } else { "::: " });
    out.push(NONE, place.path);
    out.push(NONE, ":");
    out.push(NONE, itoa::Buffer::new().format(place.line));
    out.push(NONE, ":");
    out.push(NONE, itoa::Buffer::new().format(line.chars(span.start) + 1));
    out.end_line();
    out.gutter(numbers);
    out.end_line();

    let mut number = itoa::Buffer::new();
    let number = number.format(place.line);
    // Right-aligned, the spaces in the number's style.
    out.repeat(DEFAULT_LINE_NUM_STYLE, SPACES, numbers - number.len());
    out.push(DEFAULT_LINE_NUM_STYLE, number);
    out.push(NONE, " ");
    out.push(DEFAULT_LINE_NUM_STYLE, "|");
    out.push(NONE, " ");
    let mut rest = shown;
    if window.left > 0 {
        // `...` over the first characters shown, as many as it covers.
        let mut width = 0;
        let cut = rest.find(|c| {
            width += char_width(c);
            width >= ELLIPSIS.len()
        })?;
        let cut = cut + rest[cut..].chars().next()?.len_utf8();
        rest = &rest[cut..];
        out.push(DEFAULT_LINE_NUM_STYLE, ELLIPSIS);
        out.pad(width - ELLIPSIS.len());
    }
    if line_width > right {
        // And over the last ones: annotate-snippets writes `...` over as
        // many characters as it covers (counted from the end of all that is
        // shown), and past them.
        let (mut width, mut chars) = (0, 0);
        let cut = shown.rfind(|c| {
            width += char_width(c);
            chars += 1;
            width >= ELLIPSIS.len()
        })?;
        if chars > ELLIPSIS.len() || cut < shown.len() - rest.len() {
            return None;
        }
        out.push(NONE, &shown[shown.len() - rest.len()..cut]);
        out.push(DEFAULT_LINE_NUM_STYLE, ELLIPSIS);
    } else {
        out.push(NONE, rest);
    }
    out.end_line();

    out.gutter(numbers);
    out.pad(start - left + 1);
    let style = primary.unwrap_or(DEFAULT_CONTEXT_STYLE);
    out.repeat(style, if primary.is_some() { CARETS } else { DASHES }, end - start);
    if let Some(label) = place.label.as_deref().filter(|l| !l.is_empty()) {
        out.push(NONE, " ");
        out.push(style, label);
    }
    Some(())
}

/// A source line, and whether it is all printable ASCII, as most prose
/// lines are: then a column is a byte and a character, and the line need
/// not be walked for them.
struct Line<'a> {
    text: &'a str,
    ascii: bool,
}

impl<'a> Line<'a> {
    fn new(text: &'a str) -> Line<'a> {
        Line { text, ascii: plain_ascii(text) }
    }

    fn printable(&self) -> bool {
        self.ascii || printable(self.text)
    }

    /// The columns of the text in `bytes`.
    fn width(&self, bytes: Range<usize>) -> usize {
        if self.ascii {
            bytes.len()
        } else {
            str_width(&self.text[bytes])
        }
    }

    /// Where the line's first characters of at least `columns` columns end
    /// (or the line), and their columns.
    fn skip_columns(&self, columns: usize) -> (usize, usize) {
        if self.ascii {
            let at = columns.min(self.text.len());
            (at, at)
        } else {
            skip_columns(self.text, columns)
        }
    }

    /// Where the characters from `from` on that fit in `columns` end.
    fn fit_columns(&self, from: usize, columns: usize) -> usize {
        if self.ascii {
            from + columns.min(self.text.len() - from)
        } else {
            from + fit_columns(&self.text[from..], columns)
        }
    }

    /// How many characters come before byte `at`.
    fn chars(&self, at: usize) -> usize {
        if self.ascii {
            at
        } else {
            chars(&self.text[..at])
        }
    }
}

/// Whether every byte of `text` is printable ASCII (a space to `~`),
/// looked at 16 at a time.
fn plain_ascii(text: &str) -> bool {
    let plain = |b: u8| (b' '..=b'~').contains(&b);
    let sixteens = text.as_bytes().chunks_exact(16);
    let rest = sixteens.remainder();
    sixteens.into_iter().all(|sixteen| sixteen.iter().fold(true, |all, &b| all & plain(b))) && rest.iter().all(|&b| plain(b))
}

/// The columns of a line shown: where it starts and ends, cut to fit
/// `width` around the place and its label (rustc's margin, as
/// annotate-snippets computes it).
struct Window {
    left: usize,
    right: usize,
    width: usize,
}

/// Room kept for `...` beside what must show.
const ROOM: usize = 6;

impl Window {
    fn new(leading_blanks: usize, start: usize, end: usize, label_end: usize, width: usize, line_width: usize) -> Window {
        let blanks = leading_blanks.min(start).saturating_sub(ROOM);
        let (start, end, label_end) = (start.saturating_sub(ROOM), end + ROOM, label_end + ROOM);
        // Long indentation is cut, some kept.
        let mut left = if blanks > 20 { blanks - 16 } else { 0 };
        let mut right = line_width.max(left);
        if right - left > width {
            if label_end.saturating_sub(blanks) <= width && label_end >= blanks {
                // Cutting the indentation is enough.
                left = blanks;
                right = left + width;
            } else if label_end - start <= width {
                // The place and its label, centred.
                left = start.saturating_sub((width - (label_end - start)) / 2);
                right = left + width;
            } else if end - start <= width {
                // The place, two fifths of the room before it.
                left = start.saturating_sub((width - (end - start)) / 5 * 2);
                right = left + width;
            } else {
                left = start;
                right = end;
            }
        }
        Window { left, right, width }
    }
}

/// The report's lines as they are laid out: text pushed in runs of one
/// style, each run's escape codes where the style changes and a reset
/// where a styled run ends, as annotate-snippets prints them (no codes
/// without colour).
struct Lines {
    text: String,
    colour: bool,
    /// The style of the run being pushed.
    style: Style,
}

/// No style: plain text.
const NONE: Style = Style::new();

impl Lines {
    fn push(&mut self, style: Style, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.colour && style != self.style {
            let _ = write!(self.text, "{:#}{style}", self.style);
            self.style = style;
        }
        self.text.push_str(text);
    }

    fn end_line(&mut self) {
        self.end_run();
        self.text.push('\n');
    }

    fn end_run(&mut self) {
        if self.colour {
            let _ = write!(self.text, "{:#}", self.style);
            self.style = NONE;
        }
    }

    fn finish(mut self) -> String {
        self.end_run();
        self.text
    }

    /// The column of line numbers, then `|`.
    fn gutter(&mut self, numbers: usize) {
        self.pad(numbers + 1);
        self.push(DEFAULT_LINE_NUM_STYLE, "|");
    }

    fn pad(&mut self, n: usize) {
        self.repeat(NONE, SPACES, n);
    }

    /// `n` times the one character `run` is made of, pushed a run at a
    /// time (pushed one by one, the spaces were a twentieth of the
    /// report's time).
    fn repeat(&mut self, style: Style, run: &str, mut n: usize) {
        while n > 0 {
            let k = n.min(run.len());
            self.push(style, &run[..k]);
            n -= k;
        }
    }
}

const SPACES: &str = "                                ";
const CARETS: &str = "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^";
const DASHES: &str = "--------------------------------";

fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// No character annotate-snippets would print otherwise (it replaces
/// control characters with symbols, tabs with spaces, and drops the zero
/// width joiner and text direction marks).
fn printable(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Bytes looked at 16 at a time, without stopping at the first that
    // might start a character replaced (so that the compiler reads them
    // side by side); each of those again, closely. Those above U+007F all
    // start with the byte E2, as do ≈, … and —.
    let suspect = |b: u8| (b < b' ') | (b == 0x7f) | (b == 0xe2);
    let printed_as_is = |at: usize| match bytes[at..] {
        [0xe2, 0x80, 0x8d | 0xaa..=0xae, ..] | [0xe2, 0x81, 0xa6..=0xa9, ..] => false,
        [0xe2, ..] => true,
        _ => false,
    };
    let closely = |from: usize, to: usize| (from..to).all(|at| !suspect(bytes[at]) || printed_as_is(at));
    let sixteens = bytes.len() / 16;
    (0..sixteens).all(|n| {
        let sixteen: &[u8; 16] = bytes[16 * n..16 * n + 16].try_into().expect("16 bytes");
        !sixteen.iter().fold(false, |any, &b| any | suspect(b)) || closely(16 * n, 16 * n + 16)
    }) && closely(16 * sixteens, bytes.len())
}

/// How many columns a terminal gives a character (annotate-snippets' count,
/// for the characters laid out here).
#[inline]
fn char_width(c: char) -> usize {
    if c.is_ascii() {
        1
    } else {
        c.width().unwrap_or(1)
    }
}

/// Where `text`'s first characters of at least `columns` columns end (or
/// its end), and how many columns they are.
fn skip_columns(text: &str, columns: usize) -> (usize, usize) {
    walk(text, columns, |width, _| width < columns)
}

/// Where `text`'s first characters end that fit in `columns` columns.
fn fit_columns(text: &str, columns: usize) -> usize {
    walk(text, columns, |width, next| width + next <= columns).0
}

fn str_width(text: &str) -> usize {
    walk(text, usize::MAX, |_, _| true).1
}

/// Walks `text` from its start, whole characters at a time while
/// `further(columns walked, the next character's columns)` holds, runs of
/// ASCII (up to `limit` columns) at once: where it stopped, and the
/// columns walked.
fn walk(text: &str, limit: usize, further: impl Fn(usize, usize) -> bool) -> (usize, usize) {
    let (mut at, mut width) = (0, 0);
    loop {
        let run = ascii_run(&text[at..], limit.saturating_sub(width));
        (at, width) = (at + run, width + run);
        match text[at..].chars().next() {
            Some(c) if further(width, char_width(c)) => (at, width) = (at + c.len_utf8(), width + char_width(c)),
            _ => return (at, width),
        }
    }
}

/// How many of `text`'s first bytes, `most` at most, are ASCII: a column
/// each. Prose lines are mostly ASCII: walked a character at a time, they
/// were two thirds of the layout's time, so they are looked at 16 bytes at
/// a time.
fn ascii_run(text: &str, most: usize) -> usize {
    const HIGH_BITS: u128 = u128::from_ne_bytes([0x80; 16]);
    let bytes = &text.as_bytes()[..most.min(text.len())];
    let sixteens = bytes.chunks_exact(16).take_while(|&c| u128::from_ne_bytes(c.try_into().expect("16 bytes")) & HIGH_BITS == 0).count();
    16 * sixteens + bytes[16 * sixteens..].iter().take_while(|b| b.is_ascii()).count()
}

/// How many characters `text` has: its bytes that do not continue one.
fn chars(text: &str) -> usize {
    text.bytes().filter(|&b| (b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests;
