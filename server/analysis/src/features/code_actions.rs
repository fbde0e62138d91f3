//! Quick fixes: add a missing id to the registry, declare a subject, take
//! the source from the sentence, annotate unannotated mentions, write the
//! value read into `value=`, mark a selected figure as a claim.

use std::ops::Range;

use super::{TextEdit, WorkspaceEdit};
use crate::diagnostics::{diagnostics, Code, Diagnostic};
use crate::entity::{EntityKind, ReferenceRole};
use crate::figure::{Figure, Qualifier};
use crate::index::ClaimId;
use crate::{Analysis, FileId};

#[derive(Debug, Clone, PartialEq)]
pub struct CodeAction {
    pub title: String,
    /// The diagnostic it fixes, if any.
    pub fixes: Option<Code>,
    pub edit: WorkspaceEdit,
    pub preferred: bool,
}

/// Actions for the diagnostics touching `range`, and for a selection.
pub fn code_actions(analysis: &Analysis, file: FileId, range: Range<usize>) -> Vec<CodeAction> {
    let Some(f) = analysis.file(file) else { return Vec::new() };
    let all = diagnostics(analysis, file);
    let mut out = Vec::new();
    for d in all.iter().filter(|d| d.range.start <= range.end && range.start <= d.range.end) {
        match d.code {
            Code::UnknownId => add_to_registry(analysis, file, d, &mut out),
            Code::UndeclaredSubject => declare_subject(analysis, file, d, &mut out),
            Code::UnsourcedClaim => source_from_sentence(analysis, file, d, &mut out),
            Code::UnannotatedMention => annotate_mentions(analysis, file, d, &all, &mut out),
            Code::AmbiguousValue => write_value(analysis, file, d, &mut out),
            _ => {}
        }
    }
    if range.start < range.end && f.document().is_some() {
        mark_claim(analysis, file, range, &mut out);
    }
    out
}

fn single(file: FileId, at: Range<usize>, text: String) -> WorkspaceEdit {
    WorkspaceEdit { changes: vec![(file, vec![TextEdit { range: at, new_text: text }])] }
}

/// The registry file new entries go to: the first listed registry file
/// present in the workspace, else `gloss.toml`.
fn registry_file(analysis: &Analysis) -> Option<(FileId, usize)> {
    let listed = analysis.config().registry.clone();
    let find = |path: &str| analysis.files().find(|(_, f)| f.path == path && f.registry().is_some());
    listed.iter().find_map(|p| find(p)).or_else(|| find("gloss.toml")).map(|(id, f)| (id, f.text.len()))
}

fn append_entry(analysis: &Analysis, entry: String) -> Option<WorkspaceEdit> {
    let (reg, end) = registry_file(analysis)?;
    let text = &analysis.file(reg)?.text;
    let sep = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    Some(single(reg, end..end, format!("{sep}{entry}")))
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn add_to_registry(analysis: &Analysis, file: FileId, d: &Diagnostic, out: &mut Vec<CodeAction>) {
    let f = analysis.file(file).unwrap();
    let id = &f.text[d.range.clone()];
    // The span's text is the best guess at the name; a `src`/`via` names
    // a source or an actor.
    let reference = f.document().and_then(|doc| doc.references.iter().find(|r| r.range == d.range));
    let name = reference
        .and_then(|r| r.span())
        .and_then(|s| f.document()?.definitions.iter().find(|x| x.range == s).and_then(|x| x.text.clone()).or_else(|| span_text(&f.text, s)))
        .unwrap_or_else(|| id.to_string());
    let kinds: &[(&str, &str)] = match reference.map(|r| &r.role) {
        Some(ReferenceRole::Via) => &[("source", "title")],
        Some(ReferenceRole::Src) => &[("actor", "name"), ("source", "title")],
        _ => &[("actor", "name"), ("treaty", "name"), ("source", "title")],
    };
    for (i, (table, field)) in kinds.iter().enumerate() {
        if let Some(edit) = append_entry(analysis, format!("[{table}.{}]\n{field} = {}\n", toml_key(id), quote(&name))) {
            out.push(CodeAction {
                title: format!("Add `{id}` to the registry as {} {table}", if *table == "actor" { "an" } else { "a" }),
                fixes: Some(Code::UnknownId),
                edit,
                preferred: i == 0,
            });
        }
    }
}

fn toml_key(id: &str) -> String {
    if id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
        id.to_string()
    } else {
        quote(id)
    }
}

/// The text inside a span's brackets, roughly: for names only.
fn span_text(text: &str, span: Range<usize>) -> Option<String> {
    let s = text.get(span)?;
    let close = s.rfind("]{")?;
    Some(s.get(1..close)?.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn declare_subject(analysis: &Analysis, file: FileId, d: &Diagnostic, out: &mut Vec<CodeAction>) {
    let f = analysis.file(file).unwrap();
    let id = &f.text[d.range.clone()];
    if analysis.entity(id).is_some() {
        return; // defined as something else: declaring would duplicate it
    }
    let unit = f
        .document()
        .and_then(|doc| doc.claims.iter().position(|c| c.subject.range == d.range))
        .and_then(|i| analysis.relations(ClaimId { file, index: i as u32 }).unit);
    let unit = unit.map(|u| format!("unit = {}\n", quote(u))).unwrap_or_default();
    let name = id.replace(['-', '_'], " ");
    if let Some(edit) = append_entry(analysis, format!("[subject.{}]\nname = {}\n{unit}", toml_key(id), quote(&name))) {
        out.push(CodeAction { title: format!("Declare subject `{id}` in the registry"), fixes: Some(Code::UndeclaredSubject), edit, preferred: true });
    }
}

/// The nearest actor or source mentioned in the claim's sentence becomes
/// its `src` (an actor) or `via` (a source).
fn source_from_sentence(analysis: &Analysis, file: FileId, d: &Diagnostic, out: &mut Vec<CodeAction>) {
    let f = analysis.file(file).unwrap();
    let Some(doc) = f.document() else { return };
    let Some(claim) = doc.claims.iter().find(|c| c.text_range == d.range) else { return };
    let sentence = sentence_around(&f.text, claim.range.range());
    let mut candidates: Vec<(usize, &str, EntityKind)> = doc
        .references
        .iter()
        .filter(|r| r.role == ReferenceRole::Mention && sentence.start <= r.range.start() && r.range.end() <= sentence.end)
        .filter(|r| !(claim.range.start() <= r.range.start() && r.range.end() <= claim.range.end()))
        .filter_map(|r| {
            let (_, def) = analysis.entity(&r.id)?;
            matches!(def.kind, EntityKind::Actor | EntityKind::Source).then(|| {
                let distance = if r.range.start() < claim.range.start() { claim.range.start() - r.range.end() } else { r.range.start() - claim.range.end() };
                (distance, r.id.as_str(), def.kind)
            })
        })
        .collect();
    candidates.sort();
    candidates.dedup_by_key(|c| c.1);
    for (i, (_, id, kind)) in candidates.into_iter().take(3).enumerate() {
        let key = if kind == EntityKind::Source { "via" } else { "src" };
        let at = claim.range.end() - 1;
        out.push(CodeAction {
            title: format!("Take the source from the sentence: {key}=@{id}"),
            fixes: Some(Code::UnsourcedClaim),
            edit: single(file, at..at, format!(" {key}=@{id}")),
            preferred: i == 0,
        });
    }
}

/// From the end of the previous sentence to the end of this one, within
/// the paragraph.
fn sentence_around(text: &str, range: Range<usize>) -> Range<usize> {
    let para_start = text[..range.start].rfind("\n\n").map_or(0, |i| i + 2);
    let para_end = text[range.end..].find("\n\n").map_or(text.len(), |i| range.end + i);
    let ends = |c: char| matches!(c, '.' | '!' | '?');
    let start = text[para_start..range.start]
        .char_indices()
        .rfind(|(i, c)| ends(*c) && text[para_start + i + 1..].starts_with(char::is_whitespace))
        .map_or(para_start, |(i, _)| para_start + i + 1);
    let end = text[range.end..para_end]
        .char_indices()
        .find(|(i, c)| ends(*c) && text[range.end + i + 1..].starts_with(|ch: char| ch.is_whitespace()))
        .map_or(para_end, |(i, _)| range.end + i + 1);
    start..end
}

fn annotate_mentions(analysis: &Analysis, file: FileId, d: &Diagnostic, all: &[Diagnostic], out: &mut Vec<CodeAction>) {
    let f = analysis.file(file).unwrap();
    let Some(names) = analysis.index().names() else { return };
    let id_at = |range: &Range<usize>| names.find(&f.text, range.clone()).first().map(|h| h.id.to_string());
    let Some(id) = id_at(&d.range) else { return };
    let wrap = |edit: &mut WorkspaceEdit, range: &Range<usize>, id: &str| {
        edit.add(file, TextEdit { range: range.start..range.start, new_text: "[".into() });
        edit.add(file, TextEdit { range: range.end..range.end, new_text: format!("]{{@{id}}}") });
    };
    let mut one = WorkspaceEdit::default();
    wrap(&mut one, &d.range, &id);
    out.push(CodeAction {
        title: format!("Annotate `{}` as @{id}", &f.text[d.range.clone()]),
        fixes: Some(Code::UnannotatedMention),
        edit: one,
        preferred: true,
    });
    let mut every = WorkspaceEdit::default();
    let mut count = 0;
    for other in all.iter().filter(|o| o.code == Code::UnannotatedMention) {
        if let Some(other_id) = id_at(&other.range) {
            wrap(&mut every, &other.range, &other_id);
            count += 1;
        }
    }
    if count > 1 {
        out.push(CodeAction {
            title: format!("Annotate all {count} unannotated mentions in this file"),
            fixes: Some(Code::UnannotatedMention),
            edit: every,
            preferred: false,
        });
    }
}

fn write_value(analysis: &Analysis, file: FileId, d: &Diagnostic, out: &mut Vec<CodeAction>) {
    let f = analysis.file(file).unwrap();
    let Some(claim) = f.document().and_then(|doc| doc.claims.iter().find(|c| c.text_range == d.range)) else { return };
    let Some(figure) = &claim.figure else { return };
    let at = claim.range.end() - 1;
    out.push(CodeAction {
        title: format!("Write the value read into value={}", value_form(figure)),
        fixes: Some(d.code),
        edit: single(file, at..at, format!(" value={}", value_form(figure))),
        preferred: true,
    });
}

/// A figure as `value=` would write it: `10000`, `~10000`, `>=3000`, `2000..9999`.
pub fn value_form(f: &Figure) -> String {
    let n = |x: Option<f64>| x.map_or(String::new(), |x| if x.fract() == 0.0 && x.abs() < 1e15 { format!("{x:.0}") } else { x.to_string() });
    let approx = if f.approximate { "~" } else { "" };
    match f.qualifier {
        Qualifier::AtLeast => format!(">={}", n(f.low)),
        Qualifier::MoreThan => format!(">{}", n(f.low)),
        Qualifier::AtMost => format!("<={}", n(f.high)),
        Qualifier::LessThan => format!("<{}", n(f.high)),
        _ if f.low == f.high => format!("{approx}{}", n(f.low)),
        _ => format!("{approx}{}..{}", n(f.low), n(f.high)),
    }
}

/// A selection in prose becomes a claim stub for the annotator to finish.
fn mark_claim(analysis: &Analysis, file: FileId, range: Range<usize>, out: &mut Vec<CodeAction>) {
    let f = analysis.file(file).unwrap();
    let Some(doc) = f.document() else { return };
    let Some(selected) = f.text.get(range.clone()) else { return };
    let in_prose = doc.bare_prose.iter().any(|p| p.start() <= range.start && range.end <= p.end());
    if !in_prose || selected.contains("\n\n") || crate::figure::read_figure(selected).is_none() {
        return;
    }
    let mut edit = WorkspaceEdit::default();
    edit.add(file, TextEdit { range: range.start..range.start, new_text: "[".into() });
    edit.add(file, TextEdit { range: range.end..range.end, new_text: "]{claim=}".into() });
    out.push(CodeAction { title: "Mark the figure as a claim".into(), fixes: None, edit, preferred: false });
}
