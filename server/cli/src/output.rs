//! Printing diagnostics: text with the source line and a caret, JSON lines,
//! SARIF 2.1.0.

use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};
use std::sync::{Arc, Mutex};

use gloss_analysis::diagnostics::{workspace_diagnostics_each, Code, Diagnostic, Related, Severity};
use gloss_analysis::line_index::{Encoding, LineCol};
use gloss_analysis::{Analysis, FileId};
use gloss_project::Project;
use rayon::prelude::*;
use serde_json::{json, Value};

use crate::check::Loaded;
use crate::shown::{self, Place, Shown};
use crate::{CheckArgs, Format};

pub type Report = (Project, Analysis, Vec<Diagnostic>);

/// How many related places (other conflicting claims, other definitions) a
/// diagnostic shows in text: as many as its message names. A conflict in a
/// busy subject has dozens, and showing each one's line made `gloss check`
/// print 770 MB in 55 s on the 20,000-document benchmark.
pub const RELATED_SHOWN: usize = 3;

/// How many related places each diagnostic lists in a format: text a few
/// (counting the rest), SARIF all, JSON none.
pub fn related_listed(format: Format) -> usize {
    match format {
        Format::Json => 0,
        Format::Text => RELATED_SHOWN,
        Format::Sarif => usize::MAX,
    }
}

/// The text report: each diagnostic with its lines, then the counts. Each
/// file's diagnostics are laid out as they are worked out (side by side, in
/// order), as in [`json`]. Whether any `fails`, and how printing went.
pub fn text(loaded: &[Loaded], args: &CheckArgs, fails: impl Fn(&Diagnostic) -> bool + Sync) -> (bool, io::Result<()>) {
    let colour = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal(),
    };
    let layout = shown::Layout::new(colour);
    let mut out = io::BufWriter::with_capacity(256 * 1024, io::stdout());
    let (mut failed, mut printed) = (false, Ok(()));
    let mut counts = [0usize; 4];
    let mut documents = 0;
    for l in loaded {
        documents += l.analysis.files().filter(|(_, f)| f.document().is_some()).count();
        // Of this workspace's files: ids are a workspace's own.
        let related = RelatedLines::new();
        let each = |_, found: Vec<Diagnostic>| {
            let mut counts = [0usize; 4];
            for d in &found {
                counts[d.severity as usize] += 1;
            }
            let shown: Vec<&Diagnostic> = found.iter().filter(|d| d.severity != Severity::Hint || args.hints).collect();
            // A file can have thousands (a long one, with claims on every subject).
            let rendered: Vec<String> = shown.par_iter().with_min_len(64).map(|d| render(&layout, &related, &l.analysis, d)).collect();
            let mut lines = String::with_capacity(rendered.iter().map(|r| r.len() + 2).sum());
            for r in rendered {
                lines.push_str(&r);
                lines.push_str("\n\n");
            }
            (found.iter().any(&fails), counts, lines)
        };
        workspace_diagnostics_each(
            &l.analysis,
            related_listed(Format::Text),
            |id| l.wants(id),
            each,
            |(fails, found, lines)| {
                failed |= fails;
                for (all, n) in counts.iter_mut().zip(found) {
                    *all += n;
                }
                if printed.is_ok() {
                    printed = out.write_all(lines.as_bytes());
                }
            },
        );
    }
    let [errors, warnings, infos, hints] = counts;
    let hidden = if args.hints || hints == 0 { String::new() } else { format!(" ({hints} hints not shown: --hints shows them)") };
    let printed = printed.and_then(|()| {
        writeln!(
            out,
            "{}: {errors} {}, {warnings} {}, {infos} information{hidden}",
            plural_of(documents, "document", "documents"),
            plural(errors, "error"),
            plural(warnings, "warning")
        )?;
        out.flush()
    });
    (failed, printed)
}

/// The lines a range is on, their 1-based number and the range within them.
/// The renderer is given these lines only: given the whole text it would
/// go through all of it for each snippet, and a conflict in a 1 MB document
/// is shown next to many others.
fn excerpt<'a>(analysis: &'a Analysis, file: FileId, range: &std::ops::Range<usize>) -> (&'a str, usize, std::ops::Range<usize>) {
    let f = analysis.file(file).expect("diagnostic of a known file");
    let index = f.line_index();
    let first = index.line_col(range.start, Encoding::Utf8).line as usize;
    let last = index.line_col(range.end, Encoding::Utf8).line as usize;
    let lines = index.line_range(&f.text, first).start..index.line_range(&f.text, last).end;
    let span = range.start.clamp(lines.start, lines.end) - lines.start..range.end.clamp(lines.start, lines.end) - lines.start;
    (&f.text[lines], first + 1, span)
}

fn path_of(analysis: &Analysis, file: FileId) -> &str {
    analysis.file(file).expect("diagnostic of a known file").path.as_str()
}

/// The lines of related places as laid out for a diagnostic whose line
/// numbers are so wide (`None`: left to annotate-snippets), kept while a
/// workspace's report is printed, a table per thread.
struct RelatedLines {
    tables: Vec<Mutex<HashMap<Related, ByNumbers, foldhash::fast::RandomState>>>,
}

/// A related place's lines by the width of the line numbers they were
/// laid out for.
type ByNumbers = Vec<(usize, Option<Arc<str>>)>;

/// How many related places a thread keeps laid out: a report shows the
/// same few again and again, but a workspace whose every diagnostic
/// names places of its own must not keep them all.
const RELATED_KEPT: usize = 4096;

impl RelatedLines {
    fn new() -> RelatedLines {
        RelatedLines { tables: (0..rayon::current_num_threads()).map(|_| Mutex::default()).collect() }
    }

    /// The lines of `related` for line numbers `numbers` wide, laid out by
    /// `lay_out` if this thread has not laid them out yet.
    fn get(&self, related: &Related, numbers: usize, lay_out: impl FnOnce() -> Option<String>) -> Option<Arc<str>> {
        let mine = rayon::current_thread_index().unwrap_or(0) % self.tables.len();
        let mut table = self.tables[mine].lock().unwrap_or_else(|e| e.into_inner());
        let widths = table.get(related).map_or(&[][..], Vec::as_slice);
        if let Some((_, lines)) = widths.iter().find(|(n, _)| *n == numbers) {
            return lines.clone();
        }
        let lines: Option<Arc<str>> = lay_out().map(Arc::from);
        if table.len() == RELATED_KEPT {
            table.clear();
        }
        table.entry(related.clone()).or_default().push((numbers, lines.clone()));
        lines
    }
}

/// One diagnostic with its line and the lines of the related places its
/// message names, those laid out before taken from `related`.
fn render(layout: &shown::Layout, related: &RelatedLines, analysis: &Analysis, d: &Diagnostic) -> String {
    let place = |file: FileId, range: &std::ops::Range<usize>, label: Option<String>| {
        let (source, line, span) = excerpt(analysis, file, range);
        Place { path: path_of(analysis, file), line, source, span, label }
    };
    let related_place = |r: &Related| place(r.file, &r.range, Some(r.message(analysis)));
    let shown = &d.related[..d.related.len().min(RELATED_SHOWN)];
    let hidden = d.related.len() - shown.len() + d.unlisted_related;
    let note = (hidden > 0).then(|| format!("{} not shown: `--format sarif` lists them", plural_of(hidden, "more related place", "more related places")));
    let mut shown_as = Shown { severity: d.severity, code: d.code.as_str(), message: d.message.as_str(), places: vec![place(d.file, &d.range, None)], note };
    let numbers = shown::numbers(std::iter::once(shown_as.places[0].line).chain(shown.iter().map(|r| first_line(analysis, r.file, &r.range))));
    let laid_out: Option<Vec<Arc<str>>> = shown.iter().map(|r| related.get(r, numbers, || layout.related_lines(&related_place(r), numbers))).collect();
    if let Some(laid_out) = laid_out {
        let lines: Vec<&str> = laid_out.iter().map(|l| &**l).collect();
        if let Some(text) = layout.render_laid_out(&shown_as, &lines, numbers) {
            return text;
        }
    }
    shown_as.places.extend(shown.iter().map(related_place));
    layout.render(&shown_as)
}

/// The number, from 1, of the line a range starts on ([`excerpt`]'s).
fn first_line(analysis: &Analysis, file: FileId, range: &std::ops::Range<usize>) -> usize {
    let f = analysis.file(file).expect("diagnostic of a known file");
    f.line_index().line_col(range.start, Encoding::Utf8).line as usize + 1
}

fn plural_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// Path, LSP range (0-based line, UTF-16 character), severity, code.
fn located(project: &Project, analysis: &Analysis, file: FileId, range: &std::ops::Range<usize>) -> (String, LineCol, LineCol) {
    let (start, end) = ends(analysis, file, range);
    (path_in(project, analysis, file), start, end)
}

/// Where a range of a file starts and ends.
fn ends(analysis: &Analysis, file: FileId, range: &std::ops::Range<usize>) -> (LineCol, LineCol) {
    let f = analysis.file(file).expect("diagnostic of a known file");
    f.line_index().line_cols(range, Encoding::Utf16)
}

/// A file's path as printed: relative to where `gloss check` runs.
fn path_in(project: &Project, analysis: &Analysis, file: FileId) -> String {
    let f = analysis.file(file).expect("diagnostic of a known file");
    project.paths.get(&file).map(|p| project.relative(p)).unwrap_or_else(|| f.path.clone())
}

/// JSON lines, each file's printed as soon as they are worked out (side by
/// side, in order): the workspace's diagnostics are never all held at
/// once. Whether any `fails`, and how printing went (on an error, the rest
/// is still worked out, for the exit status, but not printed).
pub fn json(loaded: &[Loaded], fails: impl Fn(&Diagnostic) -> bool + Sync) -> (bool, io::Result<()>) {
    // Not the locked handle: lines are written from whichever thread is
    // free while the next files are worked out.
    let mut out = io::BufWriter::with_capacity(256 * 1024, io::stdout());
    let (mut failed, mut printed) = (false, Ok(()));
    for l in loaded {
        // No related places: the lines show none.
        let each = |file: FileId, found: Vec<Diagnostic>| (found.iter().any(&fails), json_lines(l, file, &found));
        workspace_diagnostics_each(
            &l.analysis,
            related_listed(Format::Json),
            |id| l.wants(id),
            each,
            |(fails, lines)| {
                failed |= fails;
                if printed.is_ok() {
                    printed = out.write_all(&lines);
                }
            },
        );
    }
    (failed, printed.and_then(|()| out.flush()))
}

/// One object per line, keys in order (as serde_json's maps print them), for
/// the diagnostics of one file.
fn json_lines(l: &Loaded, file: FileId, found: &[Diagnostic]) -> Vec<u8> {
    let mut printed = Vec::new();
    if found.is_empty() {
        return printed;
    }
    printed.reserve(found.len() * 256);
    let path = path_in(&l.project, &l.analysis, file);
    // Looked up once: every diagnostic here is in this file.
    let lines = l.analysis.file(file).expect("diagnostic of a known file").line_index();
    for d in found {
        json_line(&mut printed, d, &path, lines.line_cols(&d.range, Encoding::Utf16));
    }
    printed
}

/// One diagnostic's line, laid out here rather than through serde: the
/// lines all have this shape, and escaping every string byte by byte was
/// a twentieth of `gloss check`'s instructions, though few strings need
/// it (the test holds the two to the same bytes).
fn json_line(out: &mut Vec<u8>, d: &Diagnostic, path: &str, (start, end): (LineCol, LineCol)) {
    let mut number = itoa::Buffer::new();
    let mut position = |out: &mut Vec<u8>, p: LineCol| {
        out.extend_from_slice(b"{\"character\":");
        out.extend_from_slice(number.format(p.col).as_bytes());
        out.extend_from_slice(b",\"line\":");
        out.extend_from_slice(number.format(p.line).as_bytes());
        out.push(b'}');
    };
    out.extend_from_slice(b"{\"code\":");
    json_string(out, d.code.as_str());
    out.extend_from_slice(b",\"message\":");
    json_string(out, &d.message);
    out.extend_from_slice(b",\"path\":");
    json_string(out, path);
    out.extend_from_slice(b",\"range\":{\"end\":");
    position(out, end);
    out.extend_from_slice(b",\"start\":");
    position(out, start);
    out.extend_from_slice(b"},\"severity\":");
    json_string(out, d.severity.as_str());
    out.extend_from_slice(b"}\n");
}

/// A JSON string: as it is when nothing in it is escaped in JSON (a quote,
/// a backslash, a control character), else as serde_json writes it.
fn json_string(out: &mut Vec<u8>, s: &str) {
    // Every byte looked at, without stopping early: the compiler makes it
    // a few vector instructions per sixteen bytes.
    if s.bytes().fold(false, |escaped, b| escaped | (b < 0x20) | (b == b'"') | (b == b'\\')) {
        serde_json::to_writer(out, s).expect("a string, into memory");
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

pub fn sarif(reports: &[Report]) -> io::Result<()> {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|c| json!({"id": c.as_str(), "defaultConfiguration": {"level": level(c.severity())}, "shortDescription": {"text": describe(*c)}}))
        .collect();
    let mut results = Vec::new();
    for (project, analysis, diagnostics) in reports {
        let location = |file: FileId, range: &std::ops::Range<usize>| {
            let (path, start, end) = located(project, analysis, file, range);
            json!({"physicalLocation": {
                "artifactLocation": {"uri": uri(&path)},
                "region": {"startLine": start.line + 1, "startColumn": start.col + 1, "endLine": end.line + 1, "endColumn": end.col + 1}
            }})
        };
        for d in diagnostics {
            let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
            let mut result = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": rule_index,
                "level": level(d.severity),
                "message": {"text": d.message},
                "locations": [location(d.file, &d.range)],
            });
            if !d.related.is_empty() {
                result["relatedLocations"] = d
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let mut l = location(r.file, &r.range);
                        l["id"] = json!(i);
                        l["message"] = json!({"text": r.message(analysis)});
                        l
                    })
                    .collect();
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "gloss", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &log)?;
    writeln!(out)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

/// A relative path as a URI reference: `/` separators, spaces and other
/// reserved bytes percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn describe(code: Code) -> &'static str {
    match code {
        Code::Syntax => "An attribute block that does not close, or a bad attribute",
        Code::UnknownId => "A reference to an id that nothing defines",
        Code::DuplicateId => "An id defined twice",
        Code::UnsourcedClaim => "A claim with neither src nor via",
        Code::ConflictingClaim => "A claim whose figure conflicts with another claim on the same subject",
        Code::BadValue => "A claim whose figure cannot be read",
        Code::AmbiguousValue => "A claim with several numbers; the first was taken",
        Code::UnitMismatch => "A claim in another unit than the other claims on its subject",
        Code::UndeclaredSubject => "A subject not declared in the registry",
        Code::UnannotatedMention => "A registry name or alias in prose outside any span",
        Code::Registry => "The registry cannot be read, or an entry lacks its name or title",
        Code::Unreadable => "A document that cannot be read or is not UTF-8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json writes for a line, to hold `json_line` to.
    fn by_serde(d: &Diagnostic, path: &str, (start, end): (LineCol, LineCol)) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Line<'a> {
            code: &'a str,
            message: &'a str,
            path: &'a str,
            range: Span,
            severity: &'a str,
        }
        #[derive(serde::Serialize)]
        struct Span {
            end: Position,
            start: Position,
        }
        #[derive(serde::Serialize)]
        struct Position {
            character: u32,
            line: u32,
        }
        let at = |p: LineCol| Position { character: p.col, line: p.line };
        let line = Line { code: d.code.as_str(), message: &d.message, path, range: Span { end: at(end), start: at(start) }, severity: d.severity.as_str() };
        let mut out = serde_json::to_vec(&line).unwrap();
        out.push(b'\n');
        out
    }

    #[test]
    fn json_lines_are_what_serde_json_writes() {
        let messages = ["plain", "", "`\"a\"` quoted", "back\\slash", "tab\there, line\nend, \u{0}, \u{1f}, \u{7f}", "é, 兵, 🎖, \u{2028}", "\"", "\\"];
        let paths = ["docs/a.txt", "dir with space/\"q\".txt", "c:\\x\\y.txt"];
        for (k, message) in messages.iter().enumerate() {
            for path in paths {
                let code = Code::ALL[k % Code::ALL.len()];
                let d = Diagnostic {
                    file: FileId(0),
                    range: 0..1,
                    severity: code.severity(),
                    code,
                    message: message.to_string(),
                    related: Vec::new(),
                    unlisted_related: 0,
                };
                let ends = (LineCol { line: k as u32, col: 7 }, LineCol { line: u32::MAX, col: 1_000_000 });
                let mut out = Vec::new();
                json_line(&mut out, &d, path, ends);
                assert_eq!(String::from_utf8(out).unwrap(), String::from_utf8(by_serde(&d, path, ends)).unwrap());
            }
        }
    }

    /// Related places are laid out once each, for each width of line
    /// numbers, and a thread keeps at most RELATED_KEPT of them.
    #[test]
    fn related_lines_are_laid_out_once_and_kept_bounded() {
        use gloss_analysis::diagnostics::About;
        let kept = RelatedLines::new();
        let place = |n: usize| Related { file: FileId(0), range: n..n + 1, about: About::AlsoDefined("x".to_string()) };
        let laid_out = std::cell::Cell::new(0);
        let lay_out = |n: usize, numbers: usize| {
            laid_out.set(laid_out.get() + 1);
            Some(format!("{n} in {numbers}"))
        };
        assert_eq!(kept.get(&place(7), 1, || lay_out(7, 1)).as_deref(), Some("7 in 1"));
        assert_eq!(kept.get(&place(7), 1, || lay_out(7, 1)).as_deref(), Some("7 in 1"));
        assert_eq!(kept.get(&place(7), 3, || lay_out(7, 3)).as_deref(), Some("7 in 3"));
        assert_eq!(laid_out.get(), 2);
        for n in 0..2 * RELATED_KEPT + 1 {
            kept.get(&place(n), 1, || lay_out(n, 1));
        }
        assert!(kept.tables.iter().all(|t| t.lock().unwrap().len() <= RELATED_KEPT));
    }
}
