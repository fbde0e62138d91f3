//! The facts one annotated document states, read from its markup alone.

use std::ops::Range;

use rayon::prelude::*;

use gloss_syntax::{AttrBlock, AttrKind, Markup, Value, ValueKind};

use crate::byte_range::ByteRange;
use crate::claim::{Claim, ClaimDetails, IdAt};
use crate::date::Period;
use crate::diagnostics::{Code, Problem};
use crate::entity::{Definition, DefinitionSite, EntityKind, Field, FieldKey, FieldValue, Reference, ReferenceRole};
use crate::figure::{parse_value, read_figure};
use crate::id::Id;

mod paragraphs;
mod reread;

pub use reread::reread_document;

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Default, PartialEq)]
pub struct DocumentFacts {
    pub definitions: Vec<Definition>,
    pub references: Vec<Reference>,
    pub claims: Vec<Claim>,
    /// In order of where they start (stably: for one place, in the order
    /// they were found).
    pub problems: Vec<Problem>,
    /// Spans with `ack=`: the codes their annotator accepted.
    pub acks: Vec<(ByteRange, Vec<Code>)>,
    /// Text outside every span, header and comment, cut at blank lines
    /// (no stretch runs from one paragraph into the next).
    pub bare_prose: Vec<ByteRange>,
    /// The header's `date`, the default date of the document's claims.
    pub date: Option<Period>,
}

/// A text longer than this is read a run of paragraphs of about this
/// size at a time (see [`read_document_text`]).
const RUN: usize = 64 * 1024;

/// Reads a document's facts from its text: what `read_document(text,
/// &Markup::parse(text))` gives. A long text is read a run of paragraphs at
/// a time (markup never decides across a blank line): the markup, which is
/// not kept and takes some nine times the text's size, is held for a run at
/// a time on each core, not for the whole text (opening a 1 MB document
/// held 9 MB of it).
pub fn read_document_text(text: &str) -> DocumentFacts {
    read_document_in_runs(text, RUN)
}

/// [`read_document_text`] with runs of about `size` bytes (tests read
/// short texts in many runs).
pub fn read_document_in_runs(text: &str, size: usize) -> DocumentFacts {
    let runs = paragraphs::runs(text, size);
    let mut runs = runs.into_iter();
    let Some(first) = runs.next().filter(|r| r.end < text.len()) else {
        return read_document(text, &Markup::parse(text));
    };
    // The header's run is read as a text of its own: it ends where a
    // blank line starts, so what follows changes nothing in it.
    let head = &text[..first.end];
    let mut facts = read_document(head, &Markup::parse(head));
    // On a thread of a pool (reading a workspace), the runs side by side,
    // put together in order: a long document is not left to one core while
    // the others wait for it (the last of a workspace's documents to be
    // read, say). Elsewhere one by one: a thread answering an editor does
    // not wait on a pool busy with background work.
    let date = facts.date;
    let read = |run: Range<usize>| read_paragraphs(text, &Markup::parse_paragraphs(text, run.clone()), run, date);
    let runs: Vec<DocumentFacts> = match rayon::current_thread_index() {
        Some(_) => runs.collect::<Vec<_>>().into_par_iter().map(read).collect(),
        None => runs.map(read).collect(),
    };
    for read in runs {
        facts.definitions.extend(read.definitions);
        facts.references.extend(read.references);
        facts.claims.extend(read.claims);
        facts.problems.extend(read.problems);
        facts.acks.extend(read.acks);
        facts.bare_prose.extend(read.bare_prose);
    }
    facts.shrink_to_fit();
    facts
}

/// Reads a document's facts from its parsed markup.
pub fn read_document(text: &str, markup: &Markup) -> DocumentFacts {
    let mut facts = DocumentFacts {
        problems: markup.errors.iter().map(|e| Problem::new(Code::Syntax, e.range.clone(), e.message.clone())).collect(),
        bare_prose: paragraphs::without_blank_lines(text, markup.bare_prose(text)),
        ..DocumentFacts::default()
    };
    if let Some(header) = &markup.header {
        facts.date = read_date(text, header, &mut facts.problems);
        read_block(&mut facts, text, header, header.range.clone(), None, DefinitionSite::Header);
    }
    read_spans(&mut facts, text, markup);
    facts.shrink_to_fit();
    facts
}

impl DocumentFacts {
    /// Gives back what the lists grew by but do not use: a workspace holds
    /// the facts of every document for as long as it is open.
    fn shrink_to_fit(&mut self) {
        self.definitions.iter_mut().for_each(|d| d.fields.shrink_to_fit());
        self.definitions.shrink_to_fit();
        self.references.shrink_to_fit();
        self.claims.shrink_to_fit();
        self.problems.shrink_to_fit();
        self.acks.shrink_to_fit();
        self.bare_prose.shrink_to_fit();
    }
}

/// The facts of the paragraphs in `range` read by [`Markup::parse_paragraphs`],
/// for a document whose header gives `date`: what [`read_document`] finds
/// there.
fn read_paragraphs(text: &str, markup: &Markup, range: Range<usize>, date: Option<Period>) -> DocumentFacts {
    let bare = markup.bare_prose(&text[..range.end]).into_iter().map(|r| r.start.max(range.start)..r.end).filter(|r| !r.is_empty());
    let mut facts = DocumentFacts {
        problems: markup.errors.iter().map(|e| Problem::new(Code::Syntax, e.range.clone(), e.message.clone())).collect(),
        bare_prose: paragraphs::without_blank_lines(text, bare.collect()),
        date,
        ..DocumentFacts::default()
    };
    read_spans(&mut facts, text, markup);
    facts
}

/// Spans, claims and their problems; then problems in order of place.
fn read_spans(facts: &mut DocumentFacts, text: &str, markup: &Markup) {
    // The references and claims to come, counted: made with room for them,
    // the lists need neither grow nor shrink (reallocating every
    // document's lists to fit was 8% of `gloss check`).
    let (references, claims) = markup.spans.iter().map(|s| counts(&s.block)).fold((0, 0), |(r, c), (sr, sc)| (r + sr, c + sc));
    facts.references.reserve_exact(references);
    facts.claims.reserve_exact(claims);
    for span in &markup.spans {
        let subject = span.block.get("claim");
        // The prose only where it is kept: a claim's text, a definition's.
        // Most spans are mentions, which need none.
        let prose = (subject.is_some() || span.block.def().is_some()).then(|| markup.prose(text, span.text.clone()));
        read_block(facts, text, &span.block, span.range.clone(), prose.as_deref(), DefinitionSite::Span);
        if let (Some(subject), Some(prose)) = (subject, prose) {
            let claim = read_claim(facts, text, &span.block, span.range.clone(), span.text.clone(), prose, subject);
            facts.claims.push(claim);
        }
    }
    // Stable: problems found at one place keep the order they were found in.
    facts.problems.sort_by_key(|p| p.range.start);
}

/// How many references and claims [`read_block`] and [`read_spans`] find
/// in a span's block: each `@id`, each id of a `key=@a,@b` list, and a
/// claim's subject.
fn counts(block: &AttrBlock) -> (usize, usize) {
    let (mut references, mut claim) = (0, false);
    for attr in &block.attrs {
        match &attr.kind {
            AttrKind::Ref(_) => references += 1,
            AttrKind::Def(_) => {}
            AttrKind::Pair { key, value } => {
                let subject = key.name == "claim";
                claim |= subject;
                references += match &value.kind {
                    ValueKind::Refs(ids) => ids.len(),
                    _ => usize::from(subject),
                };
            }
        }
    }
    (references, usize::from(claim))
}

/// References, definitions and acks of one attribute block.
fn read_block(facts: &mut DocumentFacts, text: &str, block: &AttrBlock, span: Range<usize>, prose: Option<&str>, site: DefinitionSite) {
    let in_span = (site == DefinitionSite::Span).then(|| span.clone());
    // A definition's fields, copied out only for a block that defines
    // (not for every claim).
    let defines = block.def().is_some();
    let mut fields = Vec::new();
    for attr in &block.attrs {
        match &attr.kind {
            AttrKind::Ref(id) => facts.references.push(Reference::new(Id::new(&id.name), &id.range, ReferenceRole::Mention, in_span.clone())),
            AttrKind::Def(_) => {}
            AttrKind::Pair { key, value } => {
                let role = match key.name.as_str() {
                    "src" => ReferenceRole::Src,
                    "via" => ReferenceRole::Via,
                    "claim" => ReferenceRole::Subject,
                    other => ReferenceRole::Field(FieldKey::new(other)),
                };
                match &value.kind {
                    ValueKind::Refs(ids) => {
                        for id in ids {
                            facts.references.push(Reference::new(Id::new(&id.name), &id.range, role, in_span.clone()));
                        }
                        if defines {
                            let list = ids.iter().map(|i| format!("@{}", i.name)).collect();
                            fields.push(Field { key: key.name.clone(), value: FieldValue::List(list), range: value.range.clone().into() });
                        }
                    }
                    ValueKind::Bare(s) | ValueKind::Quoted(s) => {
                        if role == ReferenceRole::Subject {
                            facts.references.push(Reference::new(Id::new(s), &value.range, ReferenceRole::Subject, in_span.clone()));
                        }
                        if matches!(role, ReferenceRole::Src | ReferenceRole::Via) {
                            facts.problems.push(Problem::new(
                                Code::Syntax,
                                value.range.clone(),
                                format!("`{}` takes references, like {}=@some-id", key.name, key.name),
                            ));
                        }
                        if key.name == "ack" {
                            let codes = read_acks(s, value.range.clone(), &mut facts.problems);
                            facts.acks.push((span.clone().into(), codes));
                        }
                        if defines {
                            fields.push(Field { key: key.name.clone(), value: FieldValue::Text(s.clone()), range: value.range.clone().into() });
                        }
                    }
                }
            }
        }
    }
    if let Some(id) = block.def() {
        let kind = EntityKind::from_inline_kind(block.get("kind").map(|v| v.as_str(text)));
        facts.definitions.push(Definition {
            id: Id::new(&id.name),
            kind,
            site,
            id_range: id.range.clone().into(),
            range: span.into(),
            text: prose.map(str::to_string),
            fields,
        });
    }
}

fn read_acks(value: &str, range: Range<usize>, problems: &mut Vec<Problem>) -> Vec<Code> {
    let mut codes = Vec::new();
    for name in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match Code::parse(name) {
            Some(code) => codes.push(code),
            None => problems.push(Problem::new(Code::Syntax, range.clone(), format!("`ack`: unknown diagnostic code `{name}`"))),
        }
    }
    codes
}

fn read_date(text: &str, block: &AttrBlock, problems: &mut Vec<Problem>) -> Option<Period> {
    read_date_value(text, block.get("date")?, problems)
}

fn read_date_value(text: &str, value: &Value, problems: &mut Vec<Problem>) -> Option<Period> {
    Period::parse(value.as_str(text)).map_err(|e| problems.push(Problem::new(Code::Syntax, value.range.clone(), e))).ok()
}

/// The values of the keys a claim reads (the first of each), found in one
/// pass over its block: looking each key up on its own was a tenth of
/// reading a claim.
#[derive(Default)]
struct ClaimValues<'a> {
    value: Option<&'a Value>,
    unit: Option<&'a Value>,
    date: Option<&'a Value>,
    cred: Option<&'a Value>,
    note: Option<&'a Value>,
    via: Option<&'a Value>,
    src: Option<&'a Value>,
}

impl<'a> ClaimValues<'a> {
    fn of(block: &'a AttrBlock) -> ClaimValues<'a> {
        let mut values = ClaimValues::default();
        for attr in &block.attrs {
            let AttrKind::Pair { key, value } = &attr.kind else { continue };
            let slot = match key.name.as_str() {
                "value" => &mut values.value,
                "unit" => &mut values.unit,
                "date" => &mut values.date,
                "cred" => &mut values.cred,
                "note" => &mut values.note,
                "via" => &mut values.via,
                "src" => &mut values.src,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        values
    }
}

/// The ids of a `key=@a,@b` value.
fn ids(value: Option<&Value>) -> Vec<IdAt> {
    match value.map(|v| (&v.kind, v)) {
        Some((ValueKind::Refs(ids), _)) => ids.iter().map(|i| IdAt { id: Id::new(&i.name), range: i.range.clone().into() }).collect(),
        // A bare value here is a syntax problem, reported by read_block.
        Some(_) | None => Vec::new(),
    }
}

fn read_claim(
    facts: &mut DocumentFacts,
    text: &str,
    block: &AttrBlock,
    range: Range<usize>,
    text_range: Range<usize>,
    prose: String,
    subject: &gloss_syntax::Value,
) -> Claim {
    let subject = match &subject.kind {
        ValueKind::Refs(ids) => IdAt { id: Id::new(&ids[0].name), range: ids[0].range.clone().into() },
        _ => IdAt { id: Id::new(subject.as_str(text)), range: subject.range.clone().into() },
    };
    let values = ClaimValues::of(block);
    let explicit = values.value;
    let figure = match explicit {
        Some(v) => parse_value(v.as_str(text)).map_err(|e| facts.problems.push(Problem::new(Code::BadValue, text_range.clone(), e))).ok(),
        None => {
            let figure = read_figure(&prose);
            match &figure {
                None => facts.problems.push(Problem::new(
                    Code::BadValue,
                    text_range.clone(),
                    format!("no figure can be read from `{prose}`: give it with value=, e.g. value=~10000"),
                )),
                Some(f) if f.ambiguous => facts.problems.push(Problem::new(
                    Code::AmbiguousValue,
                    text_range.clone(),
                    format!("several numbers here; the first was taken ({}): add value= if another is meant", f.describe()),
                )),
                Some(_) => {}
            }
            figure
        }
    };
    let unit = values.unit.map(|u| u.as_str(text).into()).or_else(|| figure.as_ref().and_then(|f| f.currency.clone()));
    let date = match values.date {
        Some(value) => read_date_value(text, value, &mut facts.problems),
        None => facts.date,
    };
    let cred = values.cred.and_then(|v| match v.as_str(text).parse::<u8>() {
        Ok(n @ 1..=6) => Some(n),
        _ => {
            facts.problems.push(Problem::new(Code::Syntax, v.range.clone(), "`cred` is the credibility of the information, 1 to 6"));
            None
        }
    });
    const KNOWN: [&str; 9] = ["claim", "src", "via", "value", "unit", "date", "cred", "ack", "note"];
    let other = block
        .attrs
        .iter()
        .filter_map(|a| match &a.kind {
            AttrKind::Pair { key, value } if !KNOWN.contains(&key.name.as_str()) => Some((key.name.as_str().into(), value.as_str(text).into())),
            _ => None,
        })
        .collect();
    let details =
        ClaimDetails { via: ids(values.via).into(), explicit_value: explicit.is_some(), unit, cred, note: values.note.map(|n| n.as_str(text).into()), other };
    Claim {
        range: range.into(),
        text_range: text_range.into(),
        text: prose.into(),
        subject,
        sources: ids(values.src).into(),
        figure,
        date,
        details: details.boxed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gloss_syntax::strategies::markup_text;
    use proptest::prelude::*;

    proptest! {
        /// The lists are made with room for exactly what is read into
        /// them: the counts are those read (the header's too).
        #[test]
        fn references_and_claims_are_counted_exactly(text in markup_text()) {
            let markup = Markup::parse(&text);
            let facts = read_document(&text, &markup);
            let blocks = markup.header.iter().chain(markup.spans.iter().map(|s| &s.block));
            let (references, _) = blocks.map(counts).fold((0, 0), |(r, c), (sr, sc)| (r + sr, c + sc));
            let (_, claims) = markup.spans.iter().map(|s| counts(&s.block)).fold((0, 0), |(r, c), (sr, sc)| (r + sr, c + sc));
            prop_assert_eq!((references, claims), (facts.references.len(), facts.claims.len()), "{}", text);
        }
    }
}
