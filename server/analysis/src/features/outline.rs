//! The shape of a document: symbols, folds, links, code lenses, inlay hints.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::entity::{Definition, DefinitionSite, EntityKind, ReferenceRole};
use crate::index::ClaimId;
use crate::{Analysis, FileId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    Actor,
    Treaty,
    Source,
    Subject,
    Claim,
}

impl From<EntityKind> for SymbolKind {
    fn from(k: EntityKind) -> SymbolKind {
        match k {
            EntityKind::Actor => SymbolKind::Actor,
            EntityKind::Treaty => SymbolKind::Treaty,
            EntityKind::Source => SymbolKind::Source,
            EntityKind::Subject => SymbolKind::Subject,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: Range<usize>,
    pub selection_range: Range<usize>,
    pub children: Vec<Symbol>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InlayHint {
    /// Where the hint stands: after the claim's text.
    pub offset: usize,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoldKind {
    Paragraph,
    References,
}

fn definition_symbol(d: &Definition) -> Symbol {
    Symbol {
        name: d.display_name().to_string(),
        detail: Some(format!("{} @{}", d.kind, d.id)),
        kind: d.kind.into(),
        range: d.range.range(),
        selection_range: d.id_range.range(),
        children: Vec::new(),
    }
}

/// Claims grouped by subject, then the entities the document defines and
/// mentions (each at its first mention).
pub fn document_symbols(analysis: &Analysis, file: FileId) -> Vec<Symbol> {
    let Some(f) = analysis.file(file) else { return Vec::new() };
    if let Some(r) = f.registry() {
        return r.definitions.iter().map(definition_symbol).collect();
    }
    let Some(doc) = f.document() else { return Vec::new() };
    let mut out = Vec::new();
    let mut by_subject: BTreeMap<&str, Vec<Symbol>> = BTreeMap::new();
    for (i, c) in doc.claims.iter().enumerate() {
        let value = c.figure.as_ref().map_or("?".to_string(), |fig| fig.describe());
        let detail = Some(crate::diagnostics::summary(analysis, ClaimId { file, index: i as u32 }));
        by_subject.entry(&c.subject.id).or_default().push(Symbol {
            name: format!("{value}: {}", c.text),
            detail,
            kind: SymbolKind::Claim,
            range: c.range.range(),
            selection_range: c.text_range.range(),
            children: Vec::new(),
        });
    }
    for (subject, children) in by_subject {
        let range = children[0].range.start..children.last().unwrap().range.end;
        let name = analysis.entity(subject).filter(|(_, d)| d.kind == EntityKind::Subject).map_or(subject.to_string(), |(_, d)| d.display_name().to_string());
        out.push(Symbol {
            name,
            detail: Some(format!("{} claims on {subject}", children.len())),
            kind: SymbolKind::Subject,
            selection_range: children[0].selection_range.clone(),
            range,
            children,
        });
    }
    out.extend(doc.definitions.iter().filter(|d| d.site != DefinitionSite::Registry).map(definition_symbol));
    // Each mentioned entity once, at its first mention, with its count.
    let mut mentioned: BTreeMap<&str, (Symbol, usize)> = BTreeMap::new();
    for r in doc.references.iter().filter(|r| r.role == ReferenceRole::Mention) {
        let Some((_, d)) = analysis.entity(&r.id) else { continue };
        let (_, count) = mentioned.entry(&r.id).or_insert_with(|| {
            let symbol = definition_symbol(d);
            (Symbol { range: r.span().unwrap_or(r.range.range()), selection_range: r.range.range(), ..symbol }, 0)
        });
        *count += 1;
    }
    let mut mentioned: Vec<Symbol> = mentioned
        .into_values()
        .map(|(mut s, n)| {
            s.detail = Some(format!("{}: {n} {}", s.detail.unwrap_or_default(), if n == 1 { "mention" } else { "mentions" }));
            s
        })
        .collect();
    mentioned.sort_by_key(|s| s.range.start);
    out.extend(mentioned);
    out
}

/// Entities and subjects whose id or name contains `query` (any case).
pub fn workspace_symbols(analysis: &Analysis, query: &str) -> Vec<(FileId, Symbol)> {
    let query = query.to_lowercase();
    let mut out: Vec<(FileId, Symbol)> =
        analysis.definition_table().matching(&query).filter_map(|row| Some((row.site.file, definition_symbol(analysis.definition_at(row.site)?)))).collect();
    out.sort_by(|a, b| (&a.1.name, a.0, a.1.range.start).cmp(&(&b.1.name, b.0, b.1.range.start)));
    out
}

/// Paragraphs of several lines, and the reference list: a run of
/// paragraphs that each begin with a span defining a source.
pub fn folding_ranges(analysis: &Analysis, file: FileId) -> Vec<(Range<usize>, FoldKind)> {
    let Some(f) = analysis.file(file) else { return Vec::new() };
    let Some(doc) = f.document() else { return Vec::new() };
    let text = &f.text;
    let mut paragraphs: Vec<Range<usize>> = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(pos),
            (true, Some(s)) => {
                paragraphs.push(s..end);
                start = None;
            }
            _ => {}
        }
        pos += line.len();
        if !blank {
            end = pos - (line.len() - line.trim_end_matches(['\n', '\r']).len());
        }
    }
    if let Some(s) = start {
        paragraphs.push(s..end);
    }
    let lines = |r: &Range<usize>| text[r.clone()].lines().count();
    let mut out: Vec<(Range<usize>, FoldKind)> = paragraphs.iter().filter(|p| lines(p) > 1).map(|p| (p.clone(), FoldKind::Paragraph)).collect();
    let is_reference =
        |p: &Range<usize>| doc.definitions.iter().any(|d| d.site == DefinitionSite::Span && d.kind == EntityKind::Source && d.range.start() == p.start);
    let mut run: Option<Range<usize>> = None;
    for p in paragraphs.iter().chain(std::iter::once(&(usize::MAX..usize::MAX))) {
        if p.start != usize::MAX && is_reference(p) {
            run = Some(run.map_or(p.clone(), |r| r.start..p.end));
        } else if let Some(r) = run.take() {
            if lines(&r) > 1 {
                out.push((r, FoldKind::References));
            }
        }
    }
    out.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    out
}

/// `url` fields: the range of the URL and the URL.
pub fn document_links(analysis: &Analysis, file: FileId) -> Vec<(Range<usize>, String)> {
    let Some(f) = analysis.file(file) else { return Vec::new() };
    let defs = match (f.document(), f.registry()) {
        (Some(d), _) => &d.definitions,
        (_, Some(r)) => &r.definitions,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for d in defs {
        for field in d.fields.iter().filter(|x| x.key == "url") {
            let url = field.value.texts().first().cloned().unwrap_or_default();
            let written = &f.text[field.range.range()];
            let range = match written.find(&url) {
                Some(at) if !url.is_empty() => field.range.start() + at..field.range.start() + at + url.len(),
                _ => field.range.range(),
            };
            if url.starts_with("http://") || url.starts_with("https://") {
                out.push((range, url));
            }
        }
    }
    out
}

/// On each claim: `3 claims on this subject · 1 conflict`.
pub fn code_lenses(analysis: &Analysis, file: FileId) -> Vec<(Range<usize>, String)> {
    let Some(doc) = analysis.file(file).and_then(|f| f.document()) else { return Vec::new() };
    let index = analysis.index();
    doc.claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let relations = analysis.relations(ClaimId { file, index: i as u32 });
            let total = index.claims_about(&c.subject.id).len();
            let conflicts = relations.conflicts.len();
            let mut title = format!("{total} {} on this subject", if total == 1 { "claim" } else { "claims" });
            if conflicts > 0 {
                title.push_str(&format!(" · {conflicts} {}", if conflicts == 1 { "conflict" } else { "conflicts" }));
            }
            if !relations.revised_by.is_empty() {
                title.push_str(" · revised");
            }
            (c.text_range.range(), title)
        })
        .collect()
}

/// After each claim's text in `range`: the value read, e.g. `≈10,000 soldiers`.
pub fn inlay_hints(analysis: &Analysis, file: FileId, range: Range<usize>) -> Vec<InlayHint> {
    let Some(doc) = analysis.file(file).and_then(|f| f.document()) else { return Vec::new() };
    doc.claims
        .iter()
        .enumerate()
        .filter(|(_, c)| c.text_range.end() >= range.start && c.text_range.end() <= range.end)
        .filter_map(|(i, c)| {
            let fig = c.figure.as_ref()?;
            let unit = analysis
                .relations(ClaimId { file, index: i as u32 })
                .unit
                .filter(|u| fig.currency.as_deref() != Some(*u))
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            Some(InlayHint { offset: c.text_range.end(), label: format!("{}{unit}", fig.describe()) })
        })
        .collect()
}

/// The workspace in numbers, for a status bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub claims: usize,
    /// Pairs of claims on one subject whose figures cannot both hold.
    pub conflicts: usize,
}

pub fn summary(analysis: &Analysis) -> Summary {
    let documents = analysis.files().filter(|(_, f)| f.document().is_some()).count();
    // Every claim is on a subject; its ledger keeps the count of pairs.
    let claims = analysis.index().subjects().map(|(_, l)| l.claims.len()).sum();
    Summary { documents, claims, conflicts: analysis.conflict_pairs() }
}
