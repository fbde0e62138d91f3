//! Semantic tokens: ids by the kind of entity they name, subjects, keys,
//! values, comments.

use std::ops::Range;

use gloss_syntax::{AttrKind, Markup, ValueKind};

use crate::entity::EntityKind;
use crate::{Analysis, FileId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Actor,
    Treaty,
    Source,
    Subject,
    Claim,
    Key,
    Value,
    Comment,
}

impl TokenKind {
    pub const ALL: [TokenKind; 8] =
        [TokenKind::Actor, TokenKind::Treaty, TokenKind::Source, TokenKind::Subject, TokenKind::Claim, TokenKind::Key, TokenKind::Value, TokenKind::Comment];

    /// The standard LSP token type each kind maps to, for the legend.
    pub fn lsp_name(self) -> &'static str {
        match self {
            TokenKind::Actor => "variable",
            TokenKind::Treaty => "class",
            TokenKind::Source => "namespace",
            TokenKind::Subject => "type",
            TokenKind::Claim => "number",
            TokenKind::Key => "property",
            TokenKind::Value => "string",
            TokenKind::Comment => "comment",
        }
    }

    fn of(kind: EntityKind) -> TokenKind {
        match kind {
            EntityKind::Actor => TokenKind::Actor,
            EntityKind::Treaty => TokenKind::Treaty,
            EntityKind::Source => TokenKind::Source,
            EntityKind::Subject => TokenKind::Subject,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub range: Range<usize>,
    pub kind: TokenKind,
    /// A definition (`#id`), not a use.
    pub definition: bool,
}

/// Tokens of a document in order, not overlapping, each within one line.
pub fn semantic_tokens(analysis: &Analysis, file: FileId) -> Vec<Token> {
    let Some(f) = analysis.file(file) else { return Vec::new() };
    if f.document().is_none() {
        return Vec::new();
    }
    let text = &f.text;
    let markup = Markup::parse(text);
    let kind_of = |id: &str| analysis.entity(id).map(|(_, d)| TokenKind::of(d.kind));
    let mut tokens = Vec::new();
    let mut push = |range: Range<usize>, kind: TokenKind, definition: bool| tokens.push(Token { range, kind, definition });
    for c in &markup.comments {
        push(c.clone(), TokenKind::Comment, false);
    }
    let blocks = markup.header.iter().chain(markup.spans.iter().map(|s| &s.block));
    for block in blocks {
        for attr in &block.attrs {
            match &attr.kind {
                AttrKind::Ref(id) => {
                    if let Some(k) = kind_of(&id.name) {
                        push(id.range.start - 1..id.range.end, k, false);
                    }
                }
                AttrKind::Def(id) => {
                    let kind = EntityKind::from_inline_kind(block.get("kind").map(|v| v.as_str(text)));
                    push(id.range.start - 1..id.range.end, TokenKind::of(kind), true);
                }
                AttrKind::Pair { key, value } => {
                    push(key.range.clone(), TokenKind::Key, false);
                    match &value.kind {
                        ValueKind::Refs(ids) => {
                            for id in ids {
                                if let Some(k) = kind_of(&id.name) {
                                    push(id.range.start - 1..id.range.end, k, false);
                                }
                            }
                        }
                        _ if key.name == "claim" => push(value.range.clone(), TokenKind::Subject, false),
                        _ if key.name == "value" => push(value.range.clone(), TokenKind::Claim, false),
                        _ => push(value.range.clone(), TokenKind::Value, false),
                    }
                }
            }
        }
    }
    for piece in claim_pieces(&markup) {
        push(piece, TokenKind::Claim, false);
    }
    tokens.sort_by_key(|t| (t.range.start, t.range.end));
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if out.last().is_some_and(|last| last.range.end > t.range.start) {
            continue;
        }
        split_lines(text, t, &mut out);
    }
    out
}

/// Claim texts, minus what nested spans cover. Spans are in order of
/// their `[`: the spans inside a claim's text follow it, and only its
/// children cut it (a child's own spans lie inside the child), so each
/// claim looks at its children alone, found by binary search. (Looking at
/// every span for every claim made a 5 MB document of claims take 11 s.)
fn claim_pieces(markup: &Markup) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let first_at = |offset: usize| markup.spans.partition_point(|s| s.range.start < offset);
    for span in markup.spans.iter().filter(|s| s.block.get("claim").is_some()) {
        let mut start = span.text.start;
        let mut k = first_at(span.text.start);
        while let Some(inner) = markup.spans.get(k).filter(|i| i.range.start < span.text.end) {
            if inner.range.end <= span.text.end {
                if inner.range.start > start {
                    out.push(start..inner.range.start);
                }
                start = start.max(inner.range.end);
            }
            k = first_at(inner.range.end).max(k + 1);
        }
        if start < span.text.end {
            out.push(start..span.text.end);
        }
    }
    out
}

/// Clients want one line per token: cut at line ends.
fn split_lines(text: &str, t: Token, out: &mut Vec<Token>) {
    let mut start = t.range.start;
    for (i, b) in text[t.range.clone()].bytes().enumerate() {
        let at = t.range.start + i;
        if b == b'\n' || b == b'\r' {
            if at > start {
                out.push(Token { range: start..at, ..t.clone() });
            }
            start = at + 1;
        }
    }
    if start < t.range.end {
        out.push(Token { range: start..t.range.end, ..t });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every span against every claim: what [`claim_pieces`] must equal.
    fn claim_pieces_pairwise(markup: &Markup) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for span in markup.spans.iter().filter(|s| s.block.get("claim").is_some()) {
            let mut start = span.text.start;
            for inner in markup.spans.iter().filter(|i| i.range.start >= span.text.start && i.range.end <= span.text.end) {
                if inner.range.start > start {
                    out.push(start..inner.range.start);
                }
                start = start.max(inner.range.end);
            }
            if start < span.text.end {
                out.push(start..span.text.end);
            }
        }
        out
    }

    #[test]
    fn nested_claims_are_cut_by_their_children_only() {
        let text = "[a [b [c]{@x} d]{claim=s} e [f]{@y}]{claim=t} [g]{claim=u}";
        let markup = Markup::parse(text);
        let pieces: Vec<&str> = claim_pieces(&markup).into_iter().map(|r| &text[r]).collect();
        assert_eq!(pieces, ["a ", " e ", "b ", " d", "g"]);
        assert_eq!(claim_pieces(&markup), claim_pieces_pairwise(&markup));
    }

    proptest! {
        #[test]
        fn claim_pieces_are_what_comparing_every_span_gives(
            parts in prop::collection::vec(prop_oneof![
                Just("["), Just("]{claim=s}"), Just("]{@a}"), Just("]{#b kind=person}"), Just("]"), Just("w "), Just("\n"), Just("{% c %}"), Just("\\["),
            ], 0..40)
        ) {
            let text = parts.concat();
            let markup = Markup::parse(&text);
            prop_assert_eq!(claim_pieces(&markup), claim_pieces_pairwise(&markup));
        }
    }
}
