//! Analysis answers in protocol form.

use std::collections::HashMap;

use gloss_analysis::features::{code_actions, completion, outline, references, tokens, Location, WorkspaceEdit};
use gloss_analysis::line_index::{Encoding, LineIndex};
use gloss_analysis::{Analysis, File};
use tower_lsp_server::ls_types as lsp;

use crate::state::Folder;
use crate::{convert, helpers};

pub fn location(folder: &Folder, analysis: &Analysis, l: &Location, enc: Encoding) -> Option<lsp::Location> {
    let file = analysis.file(l.file)?;
    Some(lsp::Location { uri: folder.uri(&file.path)?, range: convert::range(file, &l.range, enc) })
}

/// References as the JSON of a list of LSP `Location`s, written directly
/// (see `answers`): the same as serializing [`location`]s, without a copy
/// of each URI. A long list is read and written in parts side by side
/// (`helpers`): each location is in a file of its own, whose facts, line
/// index and URI are each a cache miss, most of a long answer's time.
pub fn references_json(folder: &Folder, analysis: &Analysis, found: &references::Found, enc: Encoding) -> Vec<u8> {
    const LONG: usize = 1024;
    let parts = if found.len() < LONG { vec![found.whole()] } else { found.parts(helpers::parts()) };
    let written = helpers::side_by_side(parts.iter().map(|part| move || write_locations(folder, analysis, &part.locations(analysis), enc)).collect());
    list(&written)
}

/// A JSON list of parts, each a run of comma-separated items.
fn list(parts: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for part in parts.iter().filter(|p| !p.is_empty()) {
        if out.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(part);
    }
    out.push(b']');
    out
}

/// The JSON of each location, comma-separated, as ls-types writes a
/// `Location`: `{"uri":…,"range":{"start":{"line":…,"character":…},"end":…}}`.
fn write_locations(folder: &Folder, analysis: &Analysis, found: &[Location], enc: Encoding) -> Vec<u8> {
    // Each location is usually in a file of its own, not touched for a
    // while: its path, its line index and the index's lists are each a
    // cache miss, one after the other. Short loops over a block of
    // locations that only read them let the processor wait for many
    // files at once; writing then finds them in the cache.
    const BLOCK: usize = 64;
    let mut out = Vec::with_capacity(found.len() * 128);
    let mut files: Vec<Option<&File>> = Vec::with_capacity(BLOCK);
    // The locations are in file order.
    let mut in_order = analysis.files_in_order();
    for block in found.chunks(BLOCK) {
        files.clear();
        files.extend(block.iter().map(|l| in_order.get(l.file)));
        let lines: Vec<Option<&LineIndex>> = files.iter().map(|f| f.map(File::line_index)).collect();
        let touched = files.iter().zip(&lines).fold(0u32, |sum, (f, lines)| {
            sum.wrapping_add(f.map_or(0, |f| f.path.bytes().next().unwrap_or(0).into())).wrapping_add(lines.map_or(0, LineIndex::touch))
        });
        std::hint::black_box(touched);
        for (l, file) in block.iter().zip(&files) {
            let Some(file) = file else { continue };
            let before = out.len();
            if before > 0 {
                out.push(b',');
            }
            if !crate::json::location(&mut out, folder, file, &l.range, enc) {
                out.truncate(before);
            }
        }
    }
    out
}

/// Where an answer's edits go: the folder's files and, for a client that
/// takes versioned edits, the version of each open document as the
/// snapshot holds it.
pub struct Scope<'a> {
    pub folder: &'a Folder,
    pub versions: Option<HashMap<lsp::Uri, i32>>,
}

pub fn workspace_edit(scope: &Scope, analysis: &Analysis, edit: &WorkspaceEdit, enc: Encoding) -> lsp::WorkspaceEdit {
    let mut files = Vec::new();
    for (file_id, edits) in &edit.changes {
        let Some(file) = analysis.file(*file_id) else { continue };
        let Some(uri) = scope.folder.uri(&file.path) else { continue };
        let list: Vec<lsp::TextEdit> =
            edits.iter().map(|e| lsp::TextEdit { range: convert::range(file, &e.range, enc), new_text: e.new_text.clone() }).collect();
        files.push((uri, list));
    }
    match &scope.versions {
        Some(versions) => {
            let edits = files
                .into_iter()
                .map(|(uri, list)| lsp::TextDocumentEdit {
                    text_document: lsp::OptionalVersionedTextDocumentIdentifier { version: versions.get(&uri).copied(), uri },
                    edits: list.into_iter().map(lsp::OneOf::Left).collect(),
                })
                .collect();
            lsp::WorkspaceEdit { document_changes: Some(lsp::DocumentChanges::Edits(edits)), ..lsp::WorkspaceEdit::default() }
        }
        None => lsp::WorkspaceEdit { changes: Some(files.into_iter().collect()), ..lsp::WorkspaceEdit::default() },
    }
}

fn symbol_kind(k: outline::SymbolKind) -> lsp::SymbolKind {
    match k {
        outline::SymbolKind::Actor => lsp::SymbolKind::OBJECT,
        outline::SymbolKind::Treaty => lsp::SymbolKind::CLASS,
        outline::SymbolKind::Source => lsp::SymbolKind::NAMESPACE,
        outline::SymbolKind::Subject => lsp::SymbolKind::STRUCT,
        outline::SymbolKind::Claim => lsp::SymbolKind::NUMBER,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
pub fn document_symbol(file: &File, s: &outline::Symbol, enc: Encoding) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if s.name.is_empty() { "(unnamed)".into() } else { s.name.clone() },
        detail: s.detail.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: convert::range(file, &s.range, enc),
        selection_range: convert::range(file, &s.selection_range, enc),
        children: Some(s.children.iter().map(|c| document_symbol(file, c, enc)).collect()),
    }
}

pub fn workspace_symbol(folder: &Folder, file: &File, s: &outline::Symbol, enc: Encoding) -> Option<lsp::WorkspaceSymbol> {
    Some(lsp::WorkspaceSymbol {
        name: s.name.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        container_name: s.detail.clone(),
        location: lsp::OneOf::Left(lsp::Location { uri: folder.uri(&file.path)?, range: convert::range(file, &s.selection_range, enc) }),
        data: None,
    })
}

/// Ids carry where they were completed, so that `completionItem/resolve`
/// can add the entity's card.
/// The protocol's kind of a completion item.
pub fn completion_kind(kind: completion::CompletionKind) -> lsp::CompletionItemKind {
    match kind {
        completion::CompletionKind::Actor => lsp::CompletionItemKind::VARIABLE,
        completion::CompletionKind::Treaty => lsp::CompletionItemKind::CLASS,
        completion::CompletionKind::Source => lsp::CompletionItemKind::REFERENCE,
        completion::CompletionKind::Subject => lsp::CompletionItemKind::STRUCT,
        completion::CompletionKind::Key => lsp::CompletionItemKind::PROPERTY,
    }
}

/// Whether an item is an entity's id, whose card `completionItem/resolve`
/// adds (found again from the item's `data`).
pub fn resolves_to_card(kind: completion::CompletionKind) -> bool {
    matches!(kind, completion::CompletionKind::Actor | completion::CompletionKind::Treaty | completion::CompletionKind::Source)
}

/// The protocol's list of completions, as the ordinary handler answers.
pub fn completion_list(file: &File, offered: &completion::Completions, enc: Encoding, uri: &lsp::Uri) -> lsp::CompletionResponse {
    lsp::CompletionResponse::List(lsp::CompletionList {
        is_incomplete: offered.incomplete,
        items: offered.items.iter().map(|i| completion_item(file, i, enc, uri)).collect(),
    })
}

/// A completion item in protocol form (`json::completion_list` writes the
/// same as JSON).
pub fn completion_item(file: &File, item: &completion::CompletionItem, enc: Encoding, uri: &lsp::Uri) -> lsp::CompletionItem {
    let is_id = resolves_to_card(item.kind);
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(completion_kind(item.kind)),
        detail: Some(item.detail.clone()),
        documentation: item.documentation.clone().map(|d| lsp::Documentation::MarkupContent(lsp::MarkupContent { kind: lsp::MarkupKind::Markdown, value: d })),
        sort_text: Some(item.sort_text.clone()),
        filter_text: Some(item.label.clone()),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit { range: convert::range(file, &item.replace, enc), new_text: item.insert_text.clone() })),
        data: is_id.then(|| serde_json::json!({"uri": uri.as_str(), "id": item.label})),
        ..lsp::CompletionItem::default()
    }
}

/// The document and id of a completion item made by [`completion_item`].
pub fn completion_data(item: &lsp::CompletionItem) -> Option<(lsp::Uri, String)> {
    let data = item.data.as_ref()?;
    let uri = data.get("uri")?.as_str()?.parse().ok()?;
    Some((uri, data.get("id")?.as_str()?.to_string()))
}

pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: tokens::TokenKind::ALL.iter().map(|k| lsp::SemanticTokenType::new(k.lsp_name())).collect(),
        token_modifiers: vec![lsp::SemanticTokenModifier::DEFINITION],
    }
}

/// Tokens as the protocol's relative, encoding-aware integers: one per
/// line (a token over a line end is cut there), in order, never
/// overlapping.
pub fn semantic_tokens(file: &File, list: &[tokens::Token], enc: Encoding) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(list.len());
    // The previous token's line and start (deltas count from them), and
    // where it ends.
    let (mut line, mut col, mut end_col) = (0u32, 0u32, 0u32);
    let mut push = |start: lsp::Position, length: u32, t: &tokens::Token| {
        if length == 0 || (start.line, start.character) < (line, if out.is_empty() { 0 } else { end_col }) {
            return;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 { start.character - col } else { start.character };
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length,
            token_type: tokens::TokenKind::ALL.iter().position(|k| *k == t.kind).unwrap_or(0) as u32,
            token_modifiers_bitset: u32::from(t.definition),
        });
        (line, col, end_col) = (start.line, start.character, start.character + length);
    };
    for t in list {
        let lsp::Range { start, end } = convert::range(file, &t.range, enc);
        if end.line == start.line {
            push(start, end.character.saturating_sub(start.character), t);
            continue;
        }
        for l in start.line..=end.line {
            let from = if l == start.line { start.character } else { 0 };
            let to =
                if l == end.line { end.character } else { convert::position(file, file.line_index().line_range(&file.text, l as usize).end, enc).character };
            push(lsp::Position { line: l, character: from }, to.saturating_sub(from), t);
        }
    }
    out
}

pub fn code_action(
    scope: &Scope,
    analysis: &Analysis,
    a: &code_actions::CodeAction,
    diagnostics: &[lsp::Diagnostic],
    enc: Encoding,
) -> lsp::CodeActionOrCommand {
    let fixes: Vec<lsp::Diagnostic> =
        diagnostics.iter().filter(|d| a.fixes.is_some_and(|c| d.code == Some(lsp::NumberOrString::String(c.as_str().to_string())))).cloned().collect();
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: a.title.clone(),
        kind: Some(if a.fixes.is_some() { lsp::CodeActionKind::QUICKFIX } else { lsp::CodeActionKind::REFACTOR_REWRITE }),
        diagnostics: (!fixes.is_empty()).then_some(fixes),
        edit: Some(workspace_edit(scope, analysis, &a.edit, enc)),
        is_preferred: Some(a.preferred),
        ..lsp::CodeAction::default()
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use gloss_analysis::{Facts, Workspace};

    use super::*;
    use crate::state::Place;

    #[test]
    fn locations_written_as_json_are_the_protocols_locations() {
        let mut ws = Workspace::new();
        // The last key's URI is built the long way (see `uri::write_file_uri`).
        let texts =
            [("docs/été 1.txt", "한국 😀 [Putin]{@putin}\r\nnext [him]{@putin}"), ("docs/b.txt", "[Putin]{@putin}"), ("docs//\"odd\".txt", "[Putin]{@putin}")];
        let ids: Vec<_> = texts.iter().map(|(path, text)| ws.set_file(File::new(path, text, Facts::of_document(text)))).collect();
        let analysis = ws.snapshot();
        let found = references::found(&analysis, ids[0], texts[0].1.find("putin").unwrap(), true);
        let locations = found.locations(&analysis);
        assert_eq!(locations.len(), 4);
        assert!(ids.iter().all(|id| locations.iter().any(|l| l.file == *id)));
        let folder = Folder::new(Place::Root(PathBuf::from("/ws")));
        for enc in [Encoding::Utf16, Encoding::Utf8] {
            let each: Vec<lsp::Location> = locations.iter().filter_map(|l| location(&folder, &analysis, l, enc)).collect();
            assert_eq!(each.len(), 4);
            assert_eq!(String::from_utf8(references_json(&folder, &analysis, &found, enc)).unwrap(), serde_json::to_string(&each).unwrap());
        }
        // Plain text names nothing: an empty list.
        let nothing = references::found(&analysis, ids[0], texts[0].1.find("next").unwrap(), true);
        assert!(nothing.is_empty());
        assert_eq!(references_json(&folder, &analysis, &nothing, Encoding::Utf16), b"[]");
    }

    /// A long list is read and written in parts: the same bytes as one
    /// serialized list of the protocol's locations.
    #[test]
    fn a_long_list_of_references_is_written_whole_and_in_order() {
        let text = "é [Putin]{@putin}\n".repeat(60);
        let at = text.find("putin").unwrap();
        let folder = Folder::new(Place::Root(PathBuf::from("/ws")));
        // 60 uses a file: over `LONG` from 18 files.
        for files in [30, 18, 17, 1] {
            let mut ws = Workspace::new();
            let ids: Vec<_> = (0..files).map(|n| ws.set_file(File::new(&format!("docs/{n:02} ü.txt"), &text, Facts::of_document(&text)))).collect();
            let analysis = ws.snapshot();
            let found = references::found(&analysis, ids[0], at, true);
            assert_eq!(found.len(), files * 60);
            let each: Vec<lsp::Location> = found.locations(&analysis).iter().filter_map(|l| location(&folder, &analysis, l, Encoding::Utf16)).collect();
            assert_eq!(each.len(), files * 60);
            assert_eq!(references_json(&folder, &analysis, &found, Encoding::Utf16), serde_json::to_vec(&each).unwrap(), "{files} files");
        }
    }
}
