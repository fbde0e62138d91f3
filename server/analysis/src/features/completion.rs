//! Completion of ids after `@`, subjects after `claim=`, keys in a block.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::entity::EntityKind;
use crate::id::Id;
use crate::lookup::KnownTable;
use crate::{Analysis, FileId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    Actor,
    Treaty,
    Source,
    Subject,
    Key,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// One line: kind and name.
    pub detail: String,
    pub documentation: Option<String>,
    pub insert_text: String,
    /// The text the item replaces.
    pub replace: Range<usize>,
    /// Ranks items: the more likely first.
    pub sort_text: String,
}

/// Keys Gloss knows, with what they mean.
const KEYS: [(&str, &str); 10] = [
    ("claim", "the span states a figure about SUBJECT"),
    ("src", "who asserts the figure: @agency, @official"),
    ("via", "where it was reported: @article"),
    ("value", "the figure when the text does not give it right: ~10000, >=3000, 2000..5000"),
    ("unit", "the unit of the figure"),
    ("date", "when the figure holds: 2024, 2024-10, 2024-10-23, 2024-06..2024-08"),
    ("cred", "credibility of the information, 1-6"),
    ("ack", "diagnostic codes the annotator accepts on this span"),
    ("note", "free text shown on hover"),
    ("kind", "what a #id span defines: person, state, treaty, source..."),
];

/// What is being typed at the cursor.
enum Context {
    /// After `@` (in a block, `src=`, `via=`): `key` is the key, if any.
    Id { key: Option<String>, prefix: Range<usize> },
    /// After `claim=`.
    Subject { prefix: Range<usize> },
    /// A new attribute in a block.
    Key { prefix: Range<usize> },
}

/// What completion offers at a place.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Completions {
    pub items: Vec<CompletionItem>,
    /// Whether the client should ask again as the annotator types: the
    /// list is cut at [`LIMIT`], or made from the definitions known before
    /// the latest change (while the new ones are taken in).
    pub incomplete: bool,
}

pub fn complete(analysis: &Analysis, file: FileId, offset: usize) -> Completions {
    let Some(f) = analysis.file(file) else { return Completions::default() };
    if f.document().is_none() {
        return Completions::default();
    }
    let (items, current) = match context(&f.text, offset) {
        Some(Context::Id { key, prefix }) => {
            let table = analysis.definitions_known_now();
            (ids(analysis, &table, key.as_deref(), &f.text, prefix), table.is_current())
        }
        Some(Context::Subject { prefix }) => {
            let table = analysis.definitions_known_now();
            (subjects(analysis, &table, &f.text, prefix), table.is_current())
        }
        Some(Context::Key { prefix }) => (
            KEYS.iter()
                .enumerate()
                .map(|(i, (k, doc))| CompletionItem {
                    label: k.to_string(),
                    kind: CompletionKind::Key,
                    detail: doc.to_string(),
                    documentation: None,
                    insert_text: format!("{k}="),
                    replace: prefix.clone(),
                    sort_text: format!("{i:02}"),
                })
                .collect(),
            true,
        ),
        None => return Completions::default(),
    };
    let incomplete = items.len() >= LIMIT || !current;
    Completions { items, incomplete }
}

/// Reads the attribute being typed: the text from the block's `{` on this
/// line to the cursor.
fn context(text: &str, offset: usize) -> Option<Context> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let open = before.rfind('{')?;
    if before[open..].contains('}') || before[open..].starts_with("{%") {
        return None;
    }
    let block_is_attrs = open == 0 || before[..open].ends_with(']') || before[..open].trim().is_empty();
    if !block_is_attrs {
        return None;
    }
    let inside = &before[open + 1..];
    if inside.matches('"').count() % 2 == 1 {
        return None; // inside a quoted value
    }
    // After the last whitespace character, however many bytes it takes.
    let word_start = inside.char_indices().rfind(|(_, c)| c.is_whitespace()).map_or(0, |(i, c)| i + c.len_utf8());
    let word = &inside[word_start..];
    let word_at = line_start + open + 1 + word_start;
    if let Some(at) = word.rfind('@') {
        let key = word.split_once('=').map(|(k, _)| k.to_string());
        return Some(Context::Id { key, prefix: word_at + at + 1..offset });
    }
    if let Some(rest) = word.strip_prefix("claim=") {
        let _ = rest;
        return Some(Context::Subject { prefix: word_at + "claim=".len()..offset });
    }
    if !word.contains('=') && !word.starts_with('#') {
        return Some(Context::Key { prefix: word_at..offset });
    }
    None
}

/// At most this many ids are offered, the most likely first: a workspace
/// of thousands of documents defines thousands of ids. A full list tells
/// the client to ask again as the annotator types.
pub const LIMIT: usize = 200;

/// Whether `typed` can still become `id`: its characters in order, as
/// editors filter completions (so no item the editor would show is held
/// back).
fn may_become(typed: &str, id: &str) -> bool {
    let mut rest = id.chars().flat_map(char::to_lowercase);
    typed.chars().flat_map(char::to_lowercase).all(|c| rest.any(|r| r == c))
}

/// [`may_become`] for ASCII text already lowercased (ids are ASCII): bytes
/// compared, no char lowercased. Every id of the workspace is tried, so
/// this is most of a completion at 100,000 documents.
fn may_become_ascii(typed: &[u8], id: &[u8]) -> bool {
    let mut rest = id.iter();
    typed.iter().all(|c| rest.any(|r| r == c))
}

/// How likely an id of this kind is after this key (0 first): who a
/// figure comes from is an actor or a source; a plain mention is most often
/// an actor.
fn rank(key: Option<&str>, kind: EntityKind) -> usize {
    match (key, kind) {
        (Some("via"), EntityKind::Source) => 0,
        (Some("via"), _) => 1,
        (Some("src"), EntityKind::Actor | EntityKind::Source) => 0,
        (Some(_), _) => 1,
        (None, EntityKind::Actor) => 0,
        (None, EntityKind::Treaty) => 1,
        (None, _) => 2,
    }
}

/// Whether the first LIMIT ids offered are known: the ranks before some
/// rank have no id left to look at, and with that rank's ids found so far
/// they make LIMIT (its ids still to come are used less, so come after).
fn known<T>(ranked: &[Vec<T>; 3], left: &[usize; 3]) -> bool {
    let mut found = 0;
    for (list, left) in ranked.iter().zip(left) {
        found += list.len();
        if found >= LIMIT {
            return true;
        }
        if *left > 0 {
            return false;
        }
    }
    false
}

fn ids(analysis: &Analysis, table: &KnownTable, key: Option<&str>, text: &str, prefix: Range<usize>) -> Vec<CompletionItem> {
    let typed = &text[prefix.clone()];
    let typed_lower: String = typed.chars().flat_map(char::to_lowercase).collect();
    // Ranked first without building any item: ids in order of use, each
    // rank in a list of its own, until the first LIMIT are known (see
    // `known`): a workspace of 100,000 documents is not walked to the end
    // for the first letters typed.
    let kinds = [EntityKind::Actor, EntityKind::Treaty, EntityKind::Source];
    // Ids of each rank not looked at yet.
    let mut left = [0usize; 3];
    for kind in kinds {
        left[rank(key, kind)] += table.per_kind[kind as usize];
    }
    let mut ranked: [Vec<(u32, &str, crate::index::Site)>; 3] = Default::default();
    for (k, offer) in table.by_use.iter().enumerate() {
        if offer.kind == EntityKind::Subject {
            continue;
        }
        let r = rank(key, offer.kind);
        left[r] -= 1;
        let lower = table.lowercase_id_by_use(k);
        let fits = match typed_lower.is_ascii() && lower.is_ascii() {
            true => may_become_ascii(typed_lower.as_bytes(), lower.as_bytes()),
            false => may_become(typed, &table.rows[offer.row as usize].id),
        };
        if !fits {
            continue;
        }
        let row = &table.rows[offer.row as usize];
        ranked[r].push((row.uses, &*row.id, row.site));
        if known(&ranked, &left) {
            break;
        }
    }
    ranked
        .into_iter()
        .enumerate()
        .flat_map(|(rank, list)| list.into_iter().map(move |(uses, id, site)| (rank, uses, id, site)))
        .take(LIMIT)
        .filter_map(|(rank, uses, id, site)| {
            let d = match table.is_current() {
                true => analysis.definition_at(site)?,
                // An earlier table's site may be another definition's now:
                // the id is looked up (and offered only if still defined).
                false => analysis.entity(id).map(|(_, d)| d).filter(|d| d.kind != EntityKind::Subject)?,
            };
            Some((rank, uses, id, d))
        })
        .map(|(rank, uses, id, d)| {
            let kind = match d.kind {
                EntityKind::Actor => CompletionKind::Actor,
                EntityKind::Treaty => CompletionKind::Treaty,
                _ => CompletionKind::Source,
            };
            let finer = d.field_text("kind").map(|k| format!(" ({k})")).unwrap_or_default();
            CompletionItem {
                label: id.to_string(),
                kind,
                detail: format!("{}{finer}: {}", d.kind, d.display_name()),
                // The card counts every mention: built for the one item the
                // annotator looks at (`documentation`), not for every item.
                documentation: None,
                insert_text: id.to_string(),
                replace: prefix.clone(),
                sort_text: format!("{rank}{:08}{id}", 99_999_999usize.saturating_sub(uses as usize)),
            }
        })
        .collect()
}

/// The card of the entity an id item names, shown beside the list.
pub fn documentation(analysis: &Analysis, id: &str) -> Option<String> {
    let (_, d) = analysis.entity(id)?;
    Some(super::hover::entity_card(analysis, d))
}

fn subjects(analysis: &Analysis, table: &KnownTable, text: &str, prefix: Range<usize>) -> Vec<CompletionItem> {
    let index = analysis.index();
    // The subject being typed is itself a subject of one claim: skip it.
    let typed = &text[prefix.clone()];
    let mut ids: BTreeSet<Id> = index.subjects().filter(|(id, ledger)| !(id.as_str() == typed && ledger.claims.len() == 1)).map(|(id, _)| *id).collect();
    // Declared subjects from the flat table of definitions: a scan of its
    // rows, not a lookup for each of the workspace's 100,000 ids.
    // (An earlier table's may be declared no longer.)
    let declared = table.rows.iter().filter(|r| r.resolves && r.kind == EntityKind::Subject);
    let still = |r: &&crate::lookup::Row| table.is_current() || analysis.entity(&r.id).is_some_and(|(_, d)| d.kind == EntityKind::Subject);
    ids.extend(declared.filter(still).map(|r| r.id));
    let mut items: Vec<CompletionItem> = ids
        .into_iter()
        .map(|id| {
            let id = id.as_str();
            let claims = index.claims_about(id).len();
            let def = analysis.entity(id).filter(|(_, d)| d.kind == EntityKind::Subject).map(|(_, d)| d);
            let name = def.map_or("not declared".to_string(), |d| d.display_name().to_string());
            let unit = def.and_then(|d| d.field_text("unit")).map(|u| format!(", in {u}")).unwrap_or_default();
            CompletionItem {
                label: id.to_string(),
                kind: CompletionKind::Subject,
                detail: format!("subject: {name}{unit} ({claims} claims)"),
                documentation: None,
                insert_text: id.to_string(),
                replace: prefix.clone(),
                sort_text: format!("{}{:08}{id}", u8::from(def.is_none()), 99_999_999usize.saturating_sub(claims)),
            }
        })
        .collect();
    items.sort_by(|a, b| a.sort_text.cmp(&b.sort_text));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids offered in order of use, stopping once the first LIMIT are
    /// known, are those a sort of every matching id gives.
    #[test]
    fn offers_are_the_first_of_every_matching_id_in_order() {
        let corpus = gloss_corpus::generate(gloss_corpus::Shape { documents: 400, references: 10, entities: 300, subjects: 5, claim_every: 4, seed: 5 });
        let analysis = crate::fixture::workspace_of(&corpus.config, &corpus.registry, &corpus.documents).snapshot();
        let table = analysis.definition_table();
        for typed in ["", "a", "ac", "A", "d", "doc-1", "s", "1", "zzz"] {
            for key in [None, Some("src"), Some("via"), Some("other")] {
                let mut every: Vec<_> = table
                    .rows
                    .iter()
                    .filter(|r| r.resolves && r.kind != EntityKind::Subject && may_become(typed, &r.id))
                    .map(|r| (rank(key, r.kind), std::cmp::Reverse(r.uses), r.id.to_string()))
                    .collect();
                every.sort();
                let expected: Vec<String> = every.into_iter().take(LIMIT).map(|(_, _, id)| id).collect();
                let offered: Vec<String> = ids(&analysis, &KnownTable::Current(table), key, typed, 0..typed.len()).into_iter().map(|i| i.label).collect();
                assert_eq!(offered, expected, "typed {typed:?} after {key:?}");
            }
        }
    }

    /// While another thread builds the table of definitions that changed
    /// (or is about to),
    /// ids and subjects come from the table built before, each looked up
    /// as it is defined now (a site of the earlier table is another
    /// definition's now), and the list asks to be asked again.
    #[test]
    fn while_changed_definitions_are_taken_in_the_earlier_ones_are_offered() {
        let before = "[actor.kim]\nname = \"Kim Jong Un\"\n[actor.putin]\nname = \"Vladimir Putin\"\n[subject.nk-pay]\nname = \"Pay\"\n";
        let fixture = crate::fixture::Fixture::parse(&format!("//- gloss.toml\n{before}//- a.txt\n[x]{{@$0}}\n[10]{{claim=}}\n"));
        let mut ws = fixture.workspace();
        assert!(crate::lookup::TableToBuild::new(ws.snapshot()).completions_wait(), "no table built before: completions would wait");
        let (at_id, at_subject) = (fixture.cursor.unwrap().1, fixture.files[1].text.find("claim=").unwrap() + "claim=".len());
        let offered = |analysis: &Analysis, at: usize| {
            let file = analysis.file_id("a.txt").unwrap();
            let offered = complete(analysis, file, at);
            (offered.items.into_iter().map(|i| format!("{} {}", i.label, i.detail)).collect::<Vec<_>>(), offered.incomplete)
        };
        let analysis = ws.snapshot();
        assert_eq!(offered(&analysis, at_id).0, ["kim actor: Kim Jong Un", "putin actor: Vladimir Putin"]);
        // Kim and the subject gone, Shoigu new where Putin was.
        ws.set_registry("gloss.toml", "[actor.putin]\nname = \"Vladimir Putin\"\n[actor.shoigu]\nname = \"Sergei Shoigu\"\n", true);
        let to_build = crate::lookup::TableToBuild::new(ws.snapshot());
        assert!(!to_build.completions_wait());
        let analysis = ws.snapshot();
        assert_eq!(offered(&analysis, at_id), (vec!["putin actor: Vladimir Putin".to_string()], true));
        assert_eq!(offered(&analysis, at_subject), (vec![], true));
        // Once built, the table of the definitions as they are.
        to_build.build();
        assert_eq!(offered(&analysis, at_id), (vec!["putin actor: Vladimir Putin".to_string(), "shoigu actor: Sergei Shoigu".to_string()], false));
        // Nobody building it (or no longer): the request builds it, as it
        // always did.
        ws.set_registry("gloss.toml", before, true);
        drop(crate::lookup::TableToBuild::new(ws.snapshot()));
        let analysis = ws.snapshot();
        assert_eq!(offered(&analysis, at_subject), (vec!["nk-pay subject: Pay (0 claims)".to_string()], false));
    }

    proptest::proptest! {
        /// The byte comparison of lowercased ASCII decides as the char by
        /// char one, whatever is typed (capitals, the Kelvin sign that
        /// lowercases to `k`, letters no id has).
        #[test]
        fn ascii_matching_agrees_with_matching_chars(typed in "[a-zA-Z0-9_.:\\-\u{212A}é]{0,6}", id in "[A-Za-z0-9_][A-Za-z0-9_.:\\-]{0,12}") {
            let typed_lower: String = typed.chars().flat_map(char::to_lowercase).collect();
            if typed_lower.is_ascii() {
                proptest::prop_assert_eq!(may_become_ascii(typed_lower.as_bytes(), id.to_lowercase().as_bytes()), may_become(&typed, &id));
            }
        }
    }
}
