//! Hover: an entity's card, a subject's claims, a claim with the ledger of
//! every other claim on its subject.

use std::fmt::Write;
use std::ops::Range;

use super::cursor::{target_at, Target};
use crate::entity::{Definition, EntityKind, FieldValue, Reference, ReferenceRole};
use crate::figure::Qualifier;
use crate::index::ClaimId;
use crate::{Analysis, FileId};

#[derive(Debug, Clone, PartialEq)]
pub struct Hover {
    /// What the hover is about (the id, the claim text).
    pub range: Range<usize>,
    pub markdown: String,
}

pub fn hover(analysis: &Analysis, file: FileId, offset: usize) -> Option<Hover> {
    let target = target_at(analysis, file, offset)?;
    let markdown = match target {
        Target::Claim(no) => claim_card(analysis, no),
        Target::Reference(r) if r.role == ReferenceRole::Subject => subject_card(analysis, &r.id),
        Target::Reference(r) => match analysis.entity(&r.id) {
            Some((_, d)) => entity_card(analysis, d),
            None => format!("`@{}` is not defined yet: add it to the registry or define it with `#{}` on a span.", r.id, r.id),
        },
        Target::Definition(d) if d.kind == EntityKind::Subject => subject_card(analysis, &d.id),
        Target::Definition(d) => entity_card(analysis, d),
    };
    Some(Hover { range: target.range(analysis), markdown })
}

/// Whether [`hover`] at `offset` would first relate the claims of a
/// subject, which takes milliseconds for a busy one: the claims its card
/// lists (a claim's, a subject's, those an entity is the source of) are on
/// a subject not related yet. The server answers the other hovers on the
/// thread that read the request, without a hop to another thread.
pub fn needs_relating(analysis: &Analysis, file: FileId, offset: usize) -> bool {
    let Some(target) = target_at(analysis, file, offset) else { return false };
    let claim_unrelated = |no: ClaimId| !analysis.is_related(&analysis.claim(no).1.subject.id);
    match target {
        Target::Claim(no) => claim_unrelated(no),
        Target::Reference(r) if r.role == ReferenceRole::Subject => !analysis.is_related(&r.id),
        Target::Definition(d) if d.kind == EntityKind::Subject => !analysis.is_related(&d.id),
        // An entity's card (or none, for an id not defined: asking is harmless).
        Target::Reference(Reference { id, .. }) | Target::Definition(Definition { id, .. }) => sourced_claims(analysis, id).any(claim_unrelated),
    }
}

/// The claims an entity's card lists as sourced from it.
fn sourced_claims<'a>(analysis: &'a Analysis, id: &str) -> impl Iterator<Item = ClaimId> + 'a {
    analysis.index().citations(id).take(SOURCED_ROWS)
}

/// `Name (@id)` for a reference written in a field.
fn name_of(analysis: &Analysis, text: &str) -> String {
    match text.strip_prefix('@') {
        Some(id) => match analysis.entity(id) {
            Some((_, d)) => format!("{} (`@{id}`)", d.display_name()),
            None => format!("`@{id}`"),
        },
        None => text.to_string(),
    }
}

fn field_line(analysis: &Analysis, value: &FieldValue) -> String {
    value.texts().iter().map(|t| name_of(analysis, t)).collect::<Vec<_>>().join(", ")
}

/// Fields shown in a card's heading or paragraphs rather than its list.
const SHOWN_APART: [&str; 8] = ["name", "title", "kind", "role", "description", "summary", "provisions", "aliases"];

pub(crate) fn entity_card(analysis: &Analysis, d: &Definition) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "### {}", d.display_name());
    let finer = d.field_text("kind").map(|k| format!(" · {k}")).unwrap_or_default();
    let _ = writeln!(md, "*{}{finer}* · `@{}`\n", d.kind, d.id);
    for key in ["role", "description", "summary"] {
        if let Some(text) = d.field_text(key) {
            let _ = writeln!(md, "{text}\n");
        }
    }
    if let Some(aliases) = d.field("aliases") {
        let _ = writeln!(md, "**Also called:** {}  ", aliases.texts().join(", "));
    }
    for f in d.fields.iter().filter(|f| !SHOWN_APART.contains(&f.key.as_str())) {
        let value = match (f.key.as_str(), f.value.texts().first()) {
            ("reliability", Some(r)) => format!("{r} ({})", reliability_word(r)),
            _ => field_line(analysis, &f.value),
        };
        let _ = writeln!(md, "**{}:** {value}  ", f.key);
    }
    if let Some(p) = d.field("provisions") {
        let _ = writeln!(md, "\n**Provisions:**");
        for item in p.texts() {
            let _ = writeln!(md, "- {item}");
        }
    }

    // Counted as the index goes, so a card on an entity with 50,000
    // mentions costs what one on an entity with five does.
    let index = analysis.index();
    let usage = index.usage(&d.id);
    let (mentions, documents) = (usage.mentions as usize, usage.documents as usize);
    let mut treaties: Vec<String> = Vec::new();
    for site in index.treaties_of(&d.id) {
        let Some(f) = analysis.file(site.file) else { continue };
        let defs = f.registry().map(|x| &x.definitions[..]).or(f.document().map(|x| &x.definitions[..])).unwrap_or(&[]);
        if let Some(t) = defs.get(site.index as usize) {
            let signed = t.field_text("signed").map(|s| format!(" (signed {s})")).unwrap_or_default();
            let line = format!("{}{signed}", t.display_name());
            if !treaties.contains(&line) {
                treaties.push(line);
            }
        }
    }
    let _ = writeln!(md, "\nMentioned {mentions} {} in {documents} {}.", plural(mentions, "time"), plural(documents, "document"));
    if !treaties.is_empty() {
        let _ = writeln!(md, "\n**Party to:** {}", treaties.join("; "));
    }
    let sourced = index.citation_count(&d.id);
    if sourced > 0 {
        let _ = writeln!(md, "\n**Source of {sourced} {}:**", plural(sourced, "claim"));
        for no in sourced_claims(analysis, &d.id) {
            let (_, c) = analysis.claim(no);
            let _ = writeln!(md, "- {} on `{}`", crate::diagnostics::summary(analysis, no), c.subject.id);
        }
        if sourced > SOURCED_ROWS {
            let _ = writeln!(md, "- … and {} more", sourced - SOURCED_ROWS);
        }
    }
    md
}

fn subject_card(analysis: &Analysis, id: &str) -> String {
    let mut md = String::new();
    let def = analysis.entity(id).map(|(_, d)| d).filter(|d| d.kind == EntityKind::Subject);
    match def {
        Some(d) => {
            let _ = writeln!(md, "### {}\n*subject* · `{id}`{}\n", d.display_name(), d.field_text("unit").map(|u| format!(" · in {u}")).unwrap_or_default());
            if let Some(text) = d.field_text("description") {
                let _ = writeln!(md, "{text}\n");
            }
        }
        None => {
            let _ = writeln!(md, "### `{id}`\n*subject, not declared in the registry*\n");
        }
    }
    ledger(analysis, &mut md, id, None);
    md
}

fn claim_card(analysis: &Analysis, no: ClaimId) -> String {
    let (_, c) = analysis.claim(no);
    let mut md = String::new();
    let subject = analysis.entity(&c.subject.id).filter(|(_, d)| d.kind == EntityKind::Subject).map(|(_, d)| d.display_name());
    let _ = writeln!(md, "### Claim: {}\n`{}`\n", subject.unwrap_or(&c.subject.id), c.subject.id);
    match &c.figure {
        Some(f) => {
            let unit = analysis.relations(no).unit.filter(|u| f.currency.as_deref() != Some(*u)).map(|u| format!(" {u}")).unwrap_or_default();
            let how = if c.explicit_value() { "from `value=`" } else { "read from the text" };
            let _ = writeln!(md, "**{}{unit}**: {}, interval {} ({how})  ", f.describe(), qualifier(&f.qualifier), f.interval(analysis.config().claims.approx));
        }
        None => {
            let _ = writeln!(md, "**No figure could be read**: give it with `value=`.  ");
        }
    }
    let _ = writeln!(md, "**Date:** {}  ", c.date.map_or("none (compared with every date)".to_string(), |d| d.to_string()));
    let who = |ids: &[crate::claim::IdAt]| ids.iter().map(|s| name_of(analysis, &format!("@{}", s.id))).collect::<Vec<_>>().join(", ");
    if !c.is_sourced() {
        let _ = writeln!(md, "**Sources:** none: this figure is unsourced  ");
    }
    if !c.sources.is_empty() {
        let _ = writeln!(md, "**Sources:** {}  ", who(&c.sources));
    }
    if !c.via().is_empty() {
        let _ = writeln!(md, "**Via:** {}  ", who(c.via()));
    }
    if let Some(cred) = c.cred() {
        let reliability = c.sources.iter().chain(c.via()).find_map(|s| analysis.entity(&s.id).and_then(|(_, d)| d.field_text("reliability"))).unwrap_or("?");
        let _ = writeln!(md, "**Grade:** {reliability}{cred} ({}; information {})  ", reliability_word(reliability), credibility(cred));
    }
    if let Some(note) = c.note() {
        let _ = writeln!(md, "**Note:** {note}  ");
    }
    for (k, v) in c.other() {
        let _ = writeln!(md, "**{k}:** {v}  ");
    }
    let _ = writeln!(md);
    ledger(analysis, &mut md, &c.subject.id, Some(no));
    md
}

/// The table of claims on a subject (but `about`), conflicts and
/// revisions marked relative to `about` when given.
fn ledger(analysis: &Analysis, md: &mut String, subject: &str, about: Option<ClaimId>) {
    let index = analysis.index();
    let Some(ledger) = index.ledger(subject) else {
        let _ = writeln!(md, "No other claims on this subject.");
        return;
    };
    let total = ledger.claims.len() - usize::from(about.is_some_and(|a| ledger.claims.binary_search(&a).is_ok()));
    if total == 0 {
        let _ = writeln!(md, "No other claims on this subject.");
        return;
    }
    let title = if about.is_some() { "Other claims on this subject" } else { "Claims on this subject" };
    let _ = writeln!(md, "**{title}** ({total})\n");
    let _ = writeln!(md, "| | value | sources | date | where |\n|---|---|---|---|---|");
    // A busy subject has thousands of claims: the rows that matter first
    // (those related to the claim at hand, then those in conflict), in
    // workspace order, and a count of the rest. The walk along the ledger
    // stops when the table is full.
    let mut rows: Vec<ClaimId> = Vec::with_capacity(LEDGER_ROWS);
    let take = |o: ClaimId, rows: &mut Vec<ClaimId>| {
        if rows.len() < LEDGER_ROWS && Some(o) != about && !rows.contains(&o) {
            rows.push(o);
        }
        rows.len() < LEDGER_ROWS
    };
    if let Some(a) = about {
        let r = analysis.relations(a);
        for &o in r.conflicts.iter().chain(&r.revised_by).chain(&r.revises) {
            if !take(o, &mut rows) {
                break;
            }
        }
    }
    let in_conflict = analysis.ledger_entries(subject).into_iter().flatten().filter(|(_, r)| !r.conflicts.is_empty()).map(|(o, _)| o);
    for o in in_conflict.chain(ledger.claims.iter().copied()) {
        if !take(o, &mut rows) {
            break;
        }
    }
    rows.sort_unstable();
    rows.dedup();
    for &o in &rows {
        let (file, c) = analysis.claim(o);
        let mark = match about {
            Some(a) if analysis.relations(a).conflicts.contains(&o) => "⚠ conflicts",
            Some(a) if analysis.relations(a).revised_by.contains(&o) => "revises this",
            Some(a) if analysis.relations(o).revised_by.contains(&a) => "revised by this",
            _ if !analysis.relations(o).conflicts.is_empty() => "⚠ in conflict",
            _ if !analysis.relations(o).revised_by.is_empty() => "revised",
            _ => "",
        };
        let value = c.figure.as_ref().map_or("?".into(), |f| f.describe());
        let who: Vec<String> = c.named().map(|s| format!("@{}", s.id)).collect();
        let f = analysis.file(file).expect("claim of a known file");
        let line = f.line_index().line_col(c.range.start(), crate::line_index::Encoding::Utf8).line + 1;
        let _ = writeln!(
            md,
            "| {mark} | {value} | {} | {} | {}:{line} |",
            if who.is_empty() { "unsourced".to_string() } else { who.join(", ") },
            c.date.map_or("—".to_string(), |d| d.to_string()),
            f.path
        );
    }
    if total > rows.len() {
        let _ = writeln!(md, "\n… and {} more (the subject's references list them all).", total - rows.len());
    }
}

/// Rows of a subject's claims table in a hover.
const LEDGER_ROWS: usize = 15;
/// Claims listed under "Source of" in an entity's card.
const SOURCED_ROWS: usize = 10;

fn qualifier(q: &Qualifier) -> &'static str {
    match q {
        Qualifier::Exact => "exact",
        Qualifier::Approximate => "approximate",
        Qualifier::AtLeast => "at least",
        Qualifier::MoreThan => "more than",
        Qualifier::AtMost => "at most",
        Qualifier::LessThan => "less than",
        Qualifier::Range => "a range",
        Qualifier::Vague => "a vague amount",
    }
}

/// Admiralty scale: the reliability of a source.
fn reliability_word(grade: &str) -> &'static str {
    match grade {
        "A" => "completely reliable",
        "B" => "usually reliable",
        "C" => "fairly reliable",
        "D" => "not usually reliable",
        "E" => "unreliable",
        "F" => "reliability cannot be judged",
        _ => "reliability not given",
    }
}

/// Admiralty scale: the credibility of a piece of information.
fn credibility(n: u8) -> &'static str {
    match n {
        1 => "confirmed",
        2 => "probably true",
        3 => "possibly true",
        4 => "doubtful",
        5 => "improbable",
        _ => "cannot be judged",
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
