//! Computing each file's diagnostics from its facts and the index.

use crate::claim::Claim;
use crate::diagnostics::{About, Code, Diagnostic, Related};
use crate::entity::{EntityKind, ReferenceRole};
use crate::index::ClaimId;
use crate::{Analysis, Facts, FileId};

/// How many other claims a conflict message names before "and N more".
const NAMED_IN_MESSAGE: usize = 3;
/// How many conflicting claims (or other definitions of a duplicate id) a
/// diagnostic points at; the message counts them all.
const RELATED_AT_MOST: usize = 50;
/// How many places all the diagnostics of one file point at together:
/// beyond, the rest point at none (their messages still count them). A
/// document pasted together from many copies of the same articles has
/// thousands of conflicts, each pointing at 50 others: 186 MB of JSON for
/// a 50 MB document, and gigabytes in the server and the editor.
const RELATED_PER_FILE: usize = 2_000;

/// How many of a claim's conflicts its diagnostics name or list, when they
/// list at most `listed` related places each: the rest are only counted.
pub(crate) fn conflicts_needed(listed: usize) -> usize {
    listed.clamp(NAMED_IN_MESSAGE, RELATED_AT_MOST)
}

/// Every diagnostic of one file, in order of position.
pub fn diagnostics(analysis: &Analysis, file_id: FileId) -> Vec<Diagnostic> {
    diagnostics_listing(analysis, file_id, usize::MAX, &mut Kinds::default())
}

/// [`diagnostics`], with the kinds of the ids already looked up for other
/// files of the same `analysis` (a pass over a workspace's files).
pub fn diagnostics_seeing(analysis: &Analysis, file_id: FileId, kinds: &mut Kinds) -> Vec<Diagnostic> {
    diagnostics_listing(analysis, file_id, usize::MAX, kinds)
}

/// The kind of entity each id names (`None`: undefined), looked up once
/// per id: a workspace names a few hundred entities hundreds of thousands
/// of times, and each lookup goes through the index. Good for one
/// snapshot only.
#[derive(Default)]
pub struct Kinds(std::collections::HashMap<usize, Option<EntityKind>, foldhash::fast::RandomState>);

impl Kinds {
    fn of(&mut self, analysis: &Analysis, id: crate::Id) -> Option<EntityKind> {
        *self.0.entry(id.key()).or_insert_with(|| analysis.entity(&id).map(|(_, d)| d.kind))
    }
}

/// [`diagnostics`], each listing at most `listed` of its related places
/// (the others counted in `unlisted_related`): a report that shows none
/// or a few need not look millions of them up.
fn diagnostics_listing(analysis: &Analysis, file_id: FileId, listed: usize, kinds: &mut Kinds) -> Vec<Diagnostic> {
    let Some(file) = analysis.file(file_id) else { return Vec::new() };
    let mut out = Vec::new();
    let mut budget = RELATED_PER_FILE;
    let mut push = |range: std::ops::Range<usize>, code: Code, message: String, (related, unlisted_related): Listing| {
        out.push(Diagnostic { file: file_id, range, severity: code.severity(), code, message, related, unlisted_related })
    };
    let (problems, definitions, references) = match &*file.facts {
        Facts::Unreadable { why, registry } => {
            push(0..0, if *registry { Code::Registry } else { Code::Unreadable }, why.clone(), NO_RELATED);
            return out;
        }
        Facts::Document(d) => (&d.problems, &d.definitions, &d.references),
        Facts::Registry(r) => (&r.problems, &r.definitions, &r.references),
    };
    for p in problems {
        push(p.range.clone(), p.code, p.message.clone(), NO_RELATED);
    }

    for r in references {
        match (&r.role, kinds.of(analysis, r.id)) {
            (ReferenceRole::Subject, Some(EntityKind::Subject)) => {}
            (ReferenceRole::Subject, Some(kind)) => push(
                r.range.range(),
                Code::UndeclaredSubject,
                format!("`{}` is {} {kind}, not a subject: declare a subject for what the figure counts", r.id, article(kind)),
                NO_RELATED,
            ),
            (ReferenceRole::Subject, None) => push(
                r.range.range(),
                Code::UndeclaredSubject,
                format!("subject `{}` is not declared: add [subject.{}] with its name and unit to the registry", r.id, r.id),
                NO_RELATED,
            ),
            (_, Some(_)) => {}
            (_, None) => push(r.range.range(), Code::UnknownId, format!("`@{}` is not defined in the registry or the documents", r.id), NO_RELATED),
        }
    }

    for d in definitions {
        // Counted, and at most RELATED_AT_MOST of the others pointed at: an
        // id defined a thousand times must not cost a million.
        let count = analysis.index().definition_count(&d.id);
        if count > 1 {
            let others = analysis.definitions(&d.id).filter(|(f, other)| !(*f == file_id && other.id_range == d.id_range)).take(RELATED_AT_MOST.min(budget));
            let related = list(others, listed, |(f, other)| Related { file: f, range: other.id_range.range(), about: About::AlsoDefined(d.id.to_string()) });
            budget -= related.0.len() + related.1;
            push(d.id_range.range(), Code::DuplicateId, format!("`{}` is defined {count} times; ids must be unique in the workspace", d.id), related);
        }
    }

    if let Some(doc) = file.document() {
        for (i, claim) in doc.claims.iter().enumerate() {
            let no = ClaimId { file: file_id, index: i as u32 };
            claim_diagnostics(analysis, no, claim, (&mut budget, listed), &mut push);
        }
        if let Some(names) = analysis.index().names() {
            for range in &doc.bare_prose {
                for hit in names.find(&file.text, range.range()) {
                    let name = analysis.entity(hit.id).map_or(hit.name, |(_, d)| d.display_name());
                    push(
                        hit.range.clone(),
                        Code::UnannotatedMention,
                        format!("`{}` mentions {name} (@{}) without annotation", &file.text[hit.range.clone()], hit.id),
                        NO_RELATED,
                    );
                }
            }
        }
        out.retain(|d| !doc.acks.iter().any(|(span, codes)| span.start() <= d.range.start && d.range.end <= span.end() && codes.contains(&d.code)));
    }
    out.sort_by_key(|a| (a.range.start, a.range.end, a.code));
    out
}

fn claim_diagnostics(
    analysis: &Analysis,
    no: ClaimId,
    claim: &Claim,
    (budget, listed): (&mut usize, usize),
    push: &mut impl FnMut(std::ops::Range<usize>, Code, String, Listing),
) {
    // The claim's place in its subject's ledger: the claims it conflicts
    // with are named by their places there, without looking each one up.
    let view = analysis.ledger_view(&claim.subject.id);
    let placed = view.and_then(|v| Some((v, v.place(no)?)));
    let relations = placed.and_then(|(v, at)| v.standing(at)).unwrap_or_default();
    let range = claim.text_range;
    if !claim.is_sourced() {
        push(range.range(), Code::UnsourcedClaim, format!("`{}` states a figure with no source: add src=@who or via=@where", claim.text), NO_RELATED);
    }
    if let Some(expected) = &relations.unit_mismatch {
        let unit = relations.unit.unwrap_or("?");
        push(
            range.range(),
            Code::UnitMismatch,
            format!("this figure is in {unit}, other claims on `{}` in {expected}: they are not compared", claim.subject.id),
            NO_RELATED,
        );
    }
    // Where the ledger keeps a claim's first few conflicts only, they are
    // all that is named or listed; the rest are counted.
    let (others, count) = (&relations.conflicts, relations.conflict_count());
    let Some((view, at)) = placed.filter(|_| count > 0) else { return };
    let summary_at = |place: usize| view.summary(place, |id, unit| write_summary(analysis.claim(id).1, unit)).unwrap_or("?");
    // Written in place: one message for each claim in conflict, a hundred
    // thousand in a big workspace.
    let mut message = String::with_capacity(64 * (NAMED_IN_MESSAGE + 1));
    message.push_str(summary_at(at));
    message.push_str(" on `");
    message.push_str(&claim.subject.id);
    message.push_str("` conflicts with ");
    for (k, place) in others.places().take(NAMED_IN_MESSAGE).enumerate() {
        if k > 0 {
            message.push_str("; ");
        }
        message.push_str(summary_at(place));
    }
    if let Some(more) = count.checked_sub(NAMED_IN_MESSAGE).filter(|&n| n > 0) {
        use std::fmt::Write;
        write!(message, " and {more} more").expect("writing to a String");
    }
    let pointed_at = count.min(RELATED_AT_MOST).min(*budget);
    let related: Vec<Related> = others
        .iter()
        .take(listed.min(pointed_at))
        .map(|&o| {
            let (f, c) = analysis.claim(o);
            Related { file: f, range: c.text_range.range(), about: About::ConflictingClaim(o) }
        })
        .collect();
    *budget -= pointed_at;
    let unlisted = pointed_at - related.len();
    push(range.range(), Code::ConflictingClaim, message, (related, unlisted));
}

/// A diagnostic's related places as listed, and how many more it has.
type Listing = (Vec<Related>, usize);

const NO_RELATED: Listing = (Vec::new(), 0);

/// The first `listed` of `places`, made related places, and how many more
/// there are (counted, not made).
fn list<T>(mut places: impl Iterator<Item = T>, listed: usize, make: impl FnMut(T) -> Related) -> Listing {
    let related: Vec<Related> = places.by_ref().take(listed).map(make).collect();
    (related, places.count())
}

/// A claim in a few words: `≈10,000 soldiers (@ua-intel, 2024-10)`.
pub fn summary(analysis: &Analysis, no: ClaimId) -> String {
    summary_str(analysis, no).to_string()
}

/// The summary, from its ledger's memory when the claim has one.
pub(super) fn summary_str(analysis: &Analysis, no: ClaimId) -> std::borrow::Cow<'_, str> {
    let (_, c) = analysis.claim(no);
    match analysis.kept_summary(no, |unit| write_summary(c, unit)) {
        Some(s) => s.into(),
        None => write_summary(c, analysis.relations(no).unit).into(),
    }
}

/// A claim in a few words, its figure in `unit` (its relations' unit).
fn write_summary(c: &Claim, unit: Option<&str>) -> String {
    // One string, written in place (a report writes one per claim in
    // conflict, a hundred thousand on the benchmark).
    let mut out = String::with_capacity(64);
    match &c.figure {
        Some(f) => f.write_to(&mut out).expect("writing to a String"),
        None => out.push('?'),
    }
    match unit {
        Some(u) if c.figure.as_ref().is_some_and(|f| f.currency.as_deref() == Some(u)) => {}
        Some(u) => {
            out.push(' ');
            out.push_str(u);
        }
        None => {}
    }
    out.push_str(" (");
    let mut who = c.named().peekable();
    if who.peek().is_none() {
        out.push_str("unsourced");
    }
    for (i, s) in who.enumerate() {
        out.push_str(if i == 0 { "@" } else { ", @" });
        out.push_str(&s.id);
    }
    match c.date {
        Some(d) => {
            out.push_str(", ");
            d.write_to(&mut out).expect("writing to a String");
            out.push(')');
        }
        None => out.push_str(", undated)"),
    }
    out
}

fn article(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Actor => "an",
        _ => "a",
    }
}

/// Every diagnostic of the workspace, by file path and position.
pub fn workspace_diagnostics(analysis: &Analysis) -> Vec<Diagnostic> {
    workspace_diagnostics_listing(analysis, usize::MAX, |_| true)
}

/// [`workspace_diagnostics`] of the files `wanted`, each listing at most
/// `listed` related places (the rest counted in
/// [`Diagnostic::unlisted_related`]).
pub fn workspace_diagnostics_listing(analysis: &Analysis, listed: usize, wanted: impl Fn(FileId) -> bool) -> Vec<Diagnostic> {
    let mut all = Vec::new();
    workspace_diagnostics_each(analysis, listed, wanted, |_, found| found, |found| all.extend(found));
    all
}

/// [`workspace_diagnostics_listing`], made into what
/// `each` makes of one file's diagnostics (a printed report, say) side by
/// side, and handed to `sink` in the order of the files' paths, a run of
/// files at a time: a report printed as it is worked out holds one run's
/// diagnostics, not the workspace's.
pub fn workspace_diagnostics_each<T: Send>(
    analysis: &Analysis,
    listed: usize,
    wanted: impl Fn(FileId) -> bool,
    each: impl Fn(FileId, Vec<Diagnostic>) -> T + Sync,
    mut sink: impl FnMut(T) + Send,
) {
    use rayon::prelude::*;
    // Every subject's conflicts worked out first, side by side, rather
    // than by whichever file asks first.
    analysis.relate_conflicts();
    let mut files: Vec<_> = analysis.files().filter(|(id, _)| wanted(*id)).collect();
    files.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    // The kinds looked up, one table per thread for the whole pass (a
    // table per task of each run looked the same ids up again and again).
    let kinds: Vec<std::sync::Mutex<Kinds>> = (0..rayon::current_num_threads()).map(|_| Default::default()).collect();
    let listing = |id: FileId| {
        let mine = rayon::current_thread_index().unwrap_or(0) % kinds.len();
        let mut kinds = kinds[mine].lock().unwrap_or_else(|e| e.into_inner());
        diagnostics_listing(analysis, id, listed, &mut kinds)
    };
    // Each run is handed over while the next is worked out.
    let mut made: Vec<T> = Vec::new();
    for run in files.chunks(1024) {
        let handed = std::mem::take(&mut made);
        made = rayon::join(|| run.par_iter().map(|&(id, _)| each(id, listing(id))).collect(), || handed.into_iter().for_each(&mut sink)).0;
    }
    made.into_iter().for_each(sink);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Workspace;

    /// An id defined 300 times: each definition says so, and points at no
    /// more than RELATED_AT_MOST of the others (pointing at every other
    /// made a pasted document cost the square of its definitions).
    #[test]
    fn a_duplicate_id_points_at_a_bounded_number_of_others() {
        let mut ws = Workspace::new();
        let a = ws.set_document("a.txt", &"[x]{#dup kind=person} ".repeat(200));
        ws.set_document("b.txt", &"[y]{#dup kind=person}\n".repeat(100));
        let analysis = ws.snapshot();
        let found = diagnostics(&analysis, a);
        assert_eq!(found.len(), 200);
        for d in &found {
            assert_eq!(d.code, Code::DuplicateId);
            assert_eq!(d.message, "`dup` is defined 300 times; ids must be unique in the workspace");
            assert!(d.related.iter().all(|r| !(r.file == a && r.range == d.range)), "a definition is not related to itself");
        }
        // 50 each, until the file's 2,000 are given.
        let counts: Vec<usize> = found.iter().map(|d| d.related.len()).collect();
        assert_eq!(counts.iter().sum::<usize>(), RELATED_PER_FILE);
        assert!(counts[..RELATED_PER_FILE / RELATED_AT_MOST].iter().all(|&n| n == RELATED_AT_MOST), "{counts:?}");
        // Two definitions: each points at the other.
        let mut ws = Workspace::new();
        let a = ws.set_document("a.txt", "[x]{#two kind=person} [y]{#two kind=person}");
        let analysis = ws.snapshot();
        let found = diagnostics(&analysis, a);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].related.len(), found[0].related[0].range.clone()), (1, found[1].range.clone()));
    }

    /// Claims that all conflict: every one says with how many, and the
    /// places they point at stop at the file's budget.
    #[test]
    fn conflicts_point_at_a_bounded_number_of_places_per_file() {
        let mut ws = Workspace::new();
        ws.set_registry("gloss.toml", "[subject.x]\nname = \"X\"\nunit = \"u\"\n[actor.s]\nname = \"S\"\n", true);
        let claims: String = (0..400).map(|i| format!("[{} u]{{claim=x src=@s date=2024-10}}\n", if i % 2 == 0 { "10" } else { "3,000" })).collect();
        let a = ws.set_document("a.txt", &claims);
        let analysis = ws.snapshot();
        let found = diagnostics(&analysis, a);
        assert_eq!(found.len(), 400);
        assert!(found.iter().all(|d| d.code == Code::ConflictingClaim && d.message.ends_with(" and 197 more")), "{:?}", found[0].message);
        assert_eq!(found.iter().map(|d| d.related.len()).sum::<usize>(), RELATED_PER_FILE);
        assert_eq!(found[0].related.len(), RELATED_AT_MOST);
        assert!(found.last().unwrap().related.is_empty());
    }

    /// Listing fewer related places changes nothing else: the first ones
    /// are those a full listing gives, and the rest are counted.
    #[test]
    fn a_shorter_listing_is_the_full_one_cut_and_counted() {
        let corpus = gloss_corpus::generate(gloss_corpus::Shape { documents: 60, references: 20, entities: 40, subjects: 4, claim_every: 2, seed: 3 });
        let mut ws = crate::fixture::workspace_of(&corpus.config, &corpus.registry, &corpus.documents);
        // Definitions pasted twice: duplicate ids with related places too.
        ws.set_document("dup.txt", &format!("{}\n\n{}", corpus.documents[0].1, corpus.documents[0].1));
        let analysis = ws.snapshot();
        let full = workspace_diagnostics(&analysis);
        assert!(full.iter().any(|d| d.code == Code::DuplicateId && !d.related.is_empty()));
        assert!(full.iter().any(|d| d.related.len() > 3), "some diagnostic has many related places");
        for listed in [0, 1, 3, 50] {
            let short = workspace_diagnostics_listing(&analysis, listed, |_| true);
            assert_eq!(short.len(), full.len());
            for (s, f) in short.iter().zip(&full) {
                let n = f.related.len().min(listed);
                assert_eq!((&s.file, &s.range, s.code, &s.message), (&f.file, &f.range, f.code, &f.message));
                assert_eq!((&s.related[..], s.unlisted_related), (&f.related[..n], f.related.len() - n));
                assert_eq!(f.unlisted_related, 0);
            }
        }
    }
}
