//! Parsing with the tree-sitter grammar, and lowering its tree into the
//! typed view ([`Markup`]).

use std::ops::Range;

use tree_sitter::{Language, Node, Parser, Tree};
use tree_sitter_language::LanguageFn;

use crate::{Attr, AttrBlock, AttrKind, Id, Key, Markup, Span, SyntaxError, Value, ValueKind};

unsafe extern "C" {
    fn tree_sitter_gloss() -> *const ();
}

const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(tree_sitter_gloss) };

/// The Gloss tree-sitter language.
pub fn language() -> Language {
    LANGUAGE.into()
}

thread_local! {
    static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new({
        let mut p = Parser::new();
        p.set_language(&language()).expect("the generated parser matches the tree-sitter library");
        p
    });
}

/// Parses `text`, reusing `old` (already edited with `Tree::edit`) for an
/// incremental reparse.
pub fn parse_tree(text: &str, old: Option<&Tree>) -> Tree {
    PARSER.with(|p| p.borrow_mut().parse(text, old)).expect("parsing has no timeout or cancellation set")
}

impl Markup {
    /// The typed view of a tree parsed from `text` (by [`parse_tree`]).
    pub fn from_tree(tree: &Tree, text: &str) -> Markup {
        let mut markup = Markup::default();
        // Spans open at the current node: (end byte, index in `spans`).
        let mut open: Vec<(usize, usize)> = Vec::new();
        // A preorder walk with a cursor: document order, no recursion
        // (nesting can be deep).
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            let descend = match node.kind() {
                "header" => {
                    markup.header = Some(block(node, text, &mut markup.errors));
                    false
                }
                "span" => {
                    while open.last().is_some_and(|&(end, _)| end <= node.start_byte()) {
                        open.pop();
                    }
                    if let Some(i) = lower_span(node, text, open.last().map(|&(_, i)| i), &mut markup) {
                        open.push((node.end_byte(), i));
                    }
                    true
                }
                "comment" => {
                    markup.comments.push(node.byte_range());
                    false
                }
                "unclosed_comment" => {
                    markup.comments.push(node.byte_range());
                    let start = node.start_byte();
                    markup.errors.push(SyntaxError { range: start..start + 2, message: "comment not closed before the end of its paragraph: add `%}`".into() });
                    false
                }
                "escape" => {
                    markup.escapes.push(node.byte_range());
                    false
                }
                // Lowered with their span.
                "attributes" | "unclosed_attributes" => false,
                // The grammar leaves no ERROR; should one appear anyway, it
                // is reported, not dropped.
                "ERROR" => {
                    markup.errors.push(SyntaxError { range: node.byte_range(), message: "cannot read this markup".into() });
                    false
                }
                _ => true,
            };
            if descend && cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    markup.errors.sort_by_key(|e| e.range.start);
                    return markup;
                }
            }
        }
    }
}

/// Records a span; `None` when its attribute block does not close (an
/// error at the `{`, and the span is not one).
fn lower_span(node: Node, text: &str, parent: Option<usize>, markup: &mut Markup) -> Option<usize> {
    let n = node.child_count();
    let (open, close, attrs) = (node.child(0)?, node.child(n.checked_sub(2)?)?, node.child(n - 1)?);
    if attrs.kind() == "unclosed_attributes" {
        let start = attrs.start_byte();
        markup.errors.push(SyntaxError { range: start..start + 1, message: "attribute block not closed on its line: add `}`".into() });
        return None;
    }
    if attrs.kind() != "attributes" || close.kind() != "]" {
        return None;
    }
    let block = block(attrs, text, &mut markup.errors);
    markup.spans.push(Span { range: node.byte_range(), text: open.end_byte()..close.start_byte(), block, parent });
    Some(markup.spans.len() - 1)
}

fn block(node: Node, text: &str, errors: &mut Vec<SyntaxError>) -> AttrBlock {
    let mut attrs = Vec::new();
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        let range = child.byte_range();
        let kind = match child.kind() {
            "reference" => id_of(child, text).map(AttrKind::Ref),
            "definition" => id_of(child, text).map(AttrKind::Def),
            "pair" => pair(child, text),
            "invalid_attribute" | "ERROR" => None,
            _ => continue,
        };
        match kind {
            Some(kind) => attrs.push(Attr { range, kind }),
            None => errors.push(SyntaxError { range: range.clone(), message: bad_attribute(slice(text, range)) }),
        }
    }
    AttrBlock { range: node.byte_range(), attrs }
}

/// The text of a node; empty if the tree is not of this text (the caller's
/// mistake, but no reason to panic).
fn slice(text: &str, range: Range<usize>) -> &str {
    text.get(range).unwrap_or_default()
}

pub(crate) fn bad_attribute(written: &str) -> String {
    let key_len = written.bytes().take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-').count();
    if key_len > 0 && written.len() == key_len + 1 && written.ends_with('=') {
        return format!("bad attribute `{written}`: the value is missing");
    }
    format!("bad attribute `{written}`: expected @id, #id or key=value")
}

fn id_of(node: Node, text: &str) -> Option<Id> {
    let id = node.child_by_field_name("id").filter(|n| n.kind() == "id" && !n.is_missing())?;
    Some(Id { name: slice(text, id.byte_range()).to_string(), range: id.byte_range() })
}

fn pair(node: Node, text: &str) -> Option<AttrKind> {
    let key = node.child_by_field_name("key")?;
    let value = node.child_by_field_name("value").filter(|v| !v.is_missing() && !v.has_error())?;
    let written = slice(text, value.byte_range());
    let kind = match value.kind() {
        "bare" => ValueKind::Bare(written.to_string()),
        "quoted" => ValueKind::Quoted(unquote(written)),
        "references" => {
            let mut cursor = value.walk();
            let ids = value
                .children(&mut cursor)
                .filter(|c| c.kind() == "id")
                .map(|c| Id { name: slice(text, c.byte_range()).to_string(), range: c.byte_range() })
                .collect();
            ValueKind::Refs(ids)
        }
        _ => return None,
    };
    Some(AttrKind::Pair {
        key: Key { name: slice(text, key.byte_range()).to_string(), range: key.byte_range() },
        value: Value { range: value.byte_range(), kind },
    })
}

pub(crate) fn unquote(written: &str) -> String {
    let inner = written.strip_prefix('"').and_then(|w| w.strip_suffix('"')).unwrap_or(written);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(n @ ('"' | '\\')) => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The ranges of a sorted list that lie inside `range` (binary search: the
/// analysis asks this for every span).
fn within<'a, T>(items: &'a [T], range: &Range<usize>, of: impl Fn(&T) -> Range<usize> + 'a) -> impl Iterator<Item = Range<usize>> + 'a {
    let first = items.partition_point(|t| of(t).start < range.start);
    let end = range.end;
    items[first..].iter().map(of).take_while(move |r| r.start < end).filter(move |r| r.end <= end)
}

pub(crate) fn prose(markup: &Markup, src: &str, range: Range<usize>) -> String {
    // What markup inside `range` takes out of the prose: nested spans'
    // brackets and blocks, comments, escapes' backslashes.
    let mut cuts: Vec<Range<usize>> = Vec::new();
    let first = markup.spans.partition_point(|s| s.range.start < range.start);
    for s in markup.spans[first..].iter().take_while(|s| s.range.start < range.end).filter(|s| s.range.end <= range.end) {
        cuts.push(s.range.start..s.text.start);
        cuts.push(s.text.end..s.range.end);
    }
    cuts.extend(within(&markup.comments, &range, |c| c.clone()));
    cuts.extend(within(&markup.escapes, &range, |e| e.start..e.start + 1));
    cuts.sort_by_key(|c| c.start);
    // The prose is at most the text: one allocation, not one per doubling.
    let mut out = String::with_capacity(range.len());
    let mut at = range.start;
    for c in cuts {
        if c.start > at {
            push_folded(&src[at..c.start], &mut out);
        }
        at = at.max(c.end);
    }
    if at < range.end {
        push_folded(&src[at..range.end], &mut out);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// Appends `piece` to prose: its whitespace runs folded to one space,
/// none at the start of the prose or after a space.
fn push_folded(piece: &str, out: &mut String) {
    // ASCII with single spaces between words (most claims' text) is its
    // own prose: copied whole, not char by char.
    let bytes = piece.as_bytes();
    let leading_space = bytes.first() == Some(&b' ') && (out.is_empty() || out.ends_with(' '));
    if !leading_space && bytes.iter().all(|&b| (b' '..0x80).contains(&b)) && !bytes.windows(2).any(|w| w == b"  ") {
        out.push_str(piece);
        return;
    }
    push_folded_chars(piece, out);
}

/// [`push_folded`], char by char.
fn push_folded_chars(piece: &str, out: &mut String) {
    for c in piece.chars() {
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

pub(crate) fn bare_prose(markup: &Markup, src: &str) -> Vec<Range<usize>> {
    let mut taken: Vec<Range<usize>> = Vec::with_capacity(markup.spans.len() + markup.comments.len() + 1);
    if let Some(h) = &markup.header {
        taken.push(h.range.clone());
    }
    taken.extend(markup.spans.iter().filter(|s| s.parent.is_none()).map(|s| s.range.clone()));
    taken.extend(markup.comments.iter().cloned());
    taken.sort_by_key(|r| r.start);
    let mut out = Vec::with_capacity(taken.len() + 1);
    let mut at = 0;
    for t in taken {
        if t.start > at {
            out.push(at..t.start);
        }
        at = at.max(t.end);
    }
    if at < src.len() {
        out.push(at..src.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// Prose copied whole is what folding it char by char gives, after
        /// any prose before it.
        #[test]
        fn plain_prose_is_copied_as_folding_it_would(before in "[a-z \t]{0,4}", piece in "[ a-zA-Z0-9,.\t\n\r\u{a0}\u{85}\u{7f}\u{1}é한]{0,40}") {
            let (mut whole, mut folded) = (before.clone(), before.clone());
            super::push_folded(&piece, &mut whole);
            super::push_folded_chars(&piece, &mut folded);
            prop_assert_eq!(whole, folded);
        }
    }
}
