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

pub(crate) fn parse(text: &str) -> Markup {
    Markup::from_tree(&parse_tree(text, None), text)
}

impl Markup {
    /// The typed view of a tree parsed from `text`.
    pub fn from_tree(tree: &Tree, text: &str) -> Markup {
        let mut markup = Markup::default();
        // Explicit stack: nesting can be deep, the Rust stack is not.
        // Each entry: a node and the index of the span it is nested in.
        let mut stack: Vec<(Node, Option<usize>)> = vec![(tree.root_node(), None)];
        while let Some((node, parent)) = stack.pop() {
            match node.kind() {
                "header" => markup.header = Some(block(node, text, &mut markup.errors)),
                "comment" => markup.comments.push(node.byte_range()),
                "escape" => markup.escapes.push(node.byte_range()),
                "span" => {
                    let here = lower_span(node, text, parent, &mut markup);
                    push_children(&mut stack, node, here.or(parent));
                }
                // Lowered with their span or header.
                "attributes" | "unclosed_attributes" => {}
                "ERROR" => {
                    markup.errors.push(SyntaxError { range: node.byte_range(), message: "cannot read this markup".into() });
                }
                _ => push_children(&mut stack, node, parent),
            }
        }
        markup.spans.sort_by_key(|s| s.range.start);
        fix_parents(&mut markup);
        markup.comments.sort_by_key(|r| r.start);
        markup.escapes.sort_by_key(|r| r.start);
        markup.errors.sort_by_key(|e| e.range.start);
        markup
    }
}

fn push_children<'t>(stack: &mut Vec<(Node<'t>, Option<usize>)>, node: Node<'t>, parent: Option<usize>) {
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    // Reversed, so the stack pops them in document order.
    stack.extend(children.into_iter().rev().filter(|c| c.child_count() > 0 || matches!(c.kind(), "comment" | "escape" | "ERROR")).map(|c| (c, parent)));
}

/// Records a span; `None` when its attribute block does not close (an
/// error, and the span is not one).
fn lower_span(node: Node, text: &str, parent: Option<usize>, markup: &mut Markup) -> Option<usize> {
    let mut cursor = node.walk();
    let children: Vec<Node> = node.children(&mut cursor).collect();
    let open = children.first()?;
    let close = children.iter().rev().find(|c| c.kind() == "]")?;
    let attrs = children.last()?;
    if attrs.kind() == "unclosed_attributes" {
        markup.errors.push(SyntaxError {
            range: attrs.byte_range(),
            message: "attribute block not closed on its line: add `}`".into(),
        });
        return None;
    }
    let block = block(*attrs, text, &mut markup.errors);
    markup.spans.push(Span { range: node.byte_range(), text: open.end_byte()..close.start_byte(), block, parent });
    Some(markup.spans.len() - 1)
}

/// Parents were recorded as indices before sorting: redo them from ranges.
fn fix_parents(markup: &mut Markup) {
    let mut open: Vec<usize> = Vec::new();
    for i in 0..markup.spans.len() {
        let start = markup.spans[i].range.start;
        while open.last().is_some_and(|&j| markup.spans[j].range.end <= start) {
            open.pop();
        }
        markup.spans[i].parent = open.last().copied();
        open.push(i);
    }
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
            _ if child.is_missing() => None,
            _ => continue,
        };
        match kind {
            Some(kind) => attrs.push(Attr { range, kind }),
            None => {
                // Error recovery may take the space before the attribute.
                let written = &text[range.clone()];
                let start = range.start + (written.len() - written.trim_start().len());
                let range = start..start + written.trim().len();
                errors.push(SyntaxError { range: range.clone(), message: bad_attribute(&text[range]) });
            }
        }
    }
    AttrBlock { range: node.byte_range(), attrs }
}

fn bad_attribute(written: &str) -> String {
    format!("bad attribute `{written}`: expected @id, #id or key=value")
}

fn id_of(node: Node, text: &str) -> Option<Id> {
    let id = node.child_by_field_name("id").filter(|n| n.kind() == "id" && !n.is_missing())?;
    Some(Id { name: text[id.byte_range()].to_string(), range: id.byte_range() })
}

fn pair(node: Node, text: &str) -> Option<AttrKind> {
    let key = node.child_by_field_name("key")?;
    let value = node.child_by_field_name("value").filter(|v| !v.is_missing() && !v.has_error())?;
    let written = &text[value.byte_range()];
    let kind = match value.kind() {
        "bare" => ValueKind::Bare(written.to_string()),
        "quoted" => ValueKind::Quoted(unquote(written)),
        "references" => {
            let mut cursor = value.walk();
            let ids = value
                .children(&mut cursor)
                .filter(|c| c.kind() == "id")
                .map(|c| Id { name: text[c.byte_range()].to_string(), range: c.byte_range() })
                .collect();
            ValueKind::Refs(ids)
        }
        _ => return None,
    };
    Some(AttrKind::Pair {
        key: Key { name: text[key.byte_range()].to_string(), range: key.byte_range() },
        value: Value { range: value.byte_range(), kind },
    })
}

fn unquote(written: &str) -> String {
    let inner = &written[1..written.len() - 1];
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

pub(crate) fn prose(markup: &Markup, src: &str, range: Range<usize>) -> String {
    // What markup inside `range` takes out of the prose.
    let mut cuts: Vec<Range<usize>> = Vec::new();
    for s in markup.spans.iter().filter(|s| s.range.start >= range.start && s.range.end <= range.end) {
        cuts.push(s.range.start..s.text.start);
        cuts.push(s.text.end..s.range.end);
    }
    cuts.extend(markup.comments.iter().filter(|c| c.start >= range.start && c.end <= range.end).cloned());
    let escapes: Vec<&Range<usize>> = markup.escapes.iter().filter(|e| e.start >= range.start && e.end <= range.end).collect();
    cuts.extend(escapes.iter().map(|e| e.start..e.start + 1)); // the backslash
    cuts.sort_by_key(|c| c.start);
    let mut out = String::new();
    let mut at = range.start;
    let push = |piece: &str, out: &mut String| {
        for c in piece.chars() {
            if c.is_whitespace() {
                if !out.is_empty() && !out.ends_with(' ') {
                    out.push(' ');
                }
            } else {
                out.push(c);
            }
        }
    };
    for c in cuts {
        if c.start > at {
            push(&src[at..c.start], &mut out);
        }
        at = at.max(c.end);
    }
    if at < range.end {
        push(&src[at..range.end], &mut out);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

pub(crate) fn bare_prose(markup: &Markup, src: &str) -> Vec<Range<usize>> {
    let mut taken: Vec<Range<usize>> = Vec::new();
    if let Some(h) = &markup.header {
        taken.push(h.range.clone());
    }
    taken.extend(markup.spans.iter().filter(|s| s.parent.is_none()).map(|s| s.range.clone()));
    taken.extend(markup.comments.iter().cloned());
    taken.sort_by_key(|r| r.start);
    let mut out = Vec::new();
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
