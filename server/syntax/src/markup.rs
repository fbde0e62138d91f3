//! The typed view of one document: what an annotator wrote, in byte offsets.

use std::ops::Range;

/// One parsed document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Markup {
    /// `{#id ...}` on the first non-blank line: the document as a source.
    pub header: Option<AttrBlock>,
    /// Every span, in order of its opening `[`; nested spans come after
    /// their parent. A span whose attribute block is not closed on its line
    /// is not one (it is an error).
    pub spans: Vec<Span>,
    /// `{% ... %}` comments, whole, in order; a comment not closed in its
    /// paragraph runs to the paragraph's end (and is an error too).
    pub comments: Vec<Range<usize>>,
    /// Escapes like `\[`, whole, in order.
    pub escapes: Vec<Range<usize>>,
    /// Syntax errors, in order: an attribute block left open on its line
    /// (range: its `{`), a bad attribute (range: the attribute), a comment
    /// not closed in its paragraph (range: its `{%`).
    pub errors: Vec<SyntaxError>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// From `[` to the closing `}` of the block, inclusive.
    pub range: Range<usize>,
    /// The bracketed text, without `[` and `]` (may contain nested spans,
    /// comments and escapes).
    pub text: Range<usize>,
    pub block: AttrBlock,
    /// Index in [`Markup::spans`] of the span this one is nested in.
    pub parent: Option<usize>,
}

/// `{ attr attr ... }`
#[derive(Debug, Clone, PartialEq)]
pub struct AttrBlock {
    /// From `{` to `}` inclusive.
    pub range: Range<usize>,
    /// Well-formed attributes only; bad ones are in [`Markup::errors`].
    pub attrs: Vec<Attr>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    /// The whole attribute, e.g. `src=@a,@b`.
    pub range: Range<usize>,
    pub kind: AttrKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AttrKind {
    /// `@id`: this span mentions the entity.
    Ref(Id),
    /// `#id`: this span defines the entity.
    Def(Id),
    /// `key=value`
    Pair { key: Key, value: Value },
}

/// An entity id as written, without its sigil.
#[derive(Debug, Clone, PartialEq)]
pub struct Id {
    pub name: String,
    /// The id itself, without `@`/`#`.
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The value as written (with quotes, for a quoted one).
    pub range: Range<usize>,
    pub kind: ValueKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `2024-10`, `nk-troops`
    Bare(String),
    /// `"..."` with `\"` unescaped.
    Quoted(String),
    /// `@a,@b`
    Refs(Vec<Id>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub range: Range<usize>,
    pub message: String,
}

impl Markup {
    /// Parses a whole document. Never fails, never panics. Reads the text
    /// directly, without a tree; to keep the tree for incremental
    /// reparsing, use [`crate::parse_tree`] and [`Markup::from_tree`]
    /// (same result).
    pub fn parse(text: &str) -> Markup {
        crate::read::read(text)
    }

    /// Reads only the paragraphs in `range` of `text`, with offsets in
    /// `text`: what [`Markup::parse`] reads there, provided `range` starts
    /// on the line after a blank line and ends where a blank line starts
    /// (or at the end), and the document's header is before it. Markup
    /// never decides across a blank line, so the rest of the text is not
    /// looked at.
    pub fn parse_paragraphs(text: &str, range: Range<usize>) -> Markup {
        crate::read::read_paragraphs(text, range)
    }

    /// The prose of `range` (normally a span's `text`) as a reader sees it:
    /// nested spans' attribute blocks and comments removed, escapes
    /// resolved, whitespace runs (including line ends) folded to one space.
    pub fn prose(&self, src: &str, range: Range<usize>) -> String {
        crate::parse::prose(self, src, range)
    }

    /// Byte ranges of the text outside every span, the header and comments:
    /// where an unannotated mention can be.
    pub fn bare_prose(&self, src: &str) -> Vec<Range<usize>> {
        crate::parse::bare_prose(self, src)
    }
}

impl Value {
    /// The value's text: bare or unquoted; for a reference list, as written.
    pub fn as_str<'a>(&'a self, src: &'a str) -> &'a str {
        match &self.kind {
            ValueKind::Bare(s) | ValueKind::Quoted(s) => s,
            ValueKind::Refs(_) => &src[self.range.clone()],
        }
    }
}

impl AttrBlock {
    /// The first `key=value` with this key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.attrs.iter().find_map(|a| match &a.kind {
            AttrKind::Pair { key: k, value } if k.name == key => Some(value),
            _ => None,
        })
    }
    /// Ids mentioned with `@id`.
    pub fn refs(&self) -> impl Iterator<Item = &Id> {
        self.attrs.iter().filter_map(|a| match &a.kind {
            AttrKind::Ref(id) => Some(id),
            _ => None,
        })
    }
    /// The id defined with `#id`, if any (the first one).
    pub fn def(&self) -> Option<&Id> {
        self.attrs.iter().find_map(|a| match &a.kind {
            AttrKind::Def(id) => Some(id),
            _ => None,
        })
    }
}
