//! Entities (actors, treaties, sources, subjects), where they are defined,
//! and where they are mentioned: the facts one file contributes.

use std::fmt;
use std::ops::Range;

use crate::byte_range::ByteRange;
use crate::id::Id;

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Actor,
    Treaty,
    Source,
    Subject,
}

impl EntityKind {
    /// The registry table a kind lives in: `[actor.putin]`.
    pub fn from_table(table: &str) -> Option<EntityKind> {
        Some(match table {
            "actor" => EntityKind::Actor,
            "treaty" => EntityKind::Treaty,
            "source" => EntityKind::Source,
            "subject" => EntityKind::Subject,
            _ => return None,
        })
    }

    /// What an inline `#id` span defines, from its `kind=` (spec section 3).
    pub fn from_inline_kind(kind: Option<&str>) -> EntityKind {
        match kind {
            Some("person" | "state" | "organization" | "agency" | "unit") => EntityKind::Actor,
            Some("treaty" | "agreement" | "resolution" | "law") => EntityKind::Treaty,
            Some("subject") => EntityKind::Subject,
            _ => EntityKind::Source,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Actor => "actor",
            EntityKind::Treaty => "treaty",
            EntityKind::Source => "source",
            EntityKind::Subject => "subject",
        }
    }

    /// The field that names an entity of this kind.
    pub fn title_field(self) -> &'static str {
        match self {
            EntityKind::Source => "title",
            _ => "name",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A field of an entity as written: in the registry or as a span attribute.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Field {
    pub key: String,
    pub value: FieldValue,
    /// Where the value is written.
    pub range: ByteRange,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub enum FieldValue {
    Text(String),
    List(Vec<String>),
}

impl FieldValue {
    pub fn texts(&self) -> &[String] {
        match self {
            FieldValue::Text(t) => std::slice::from_ref(t),
            FieldValue::List(l) => l,
        }
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.texts().join(", "))
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionSite {
    /// A registry table `[actor.putin]`.
    Registry,
    /// A span with `#id`.
    Span,
    /// A document header `{#id ...}`: the document as a source.
    Header,
}

/// Where an entity is defined, with what it says about it.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Definition {
    pub id: Id,
    pub kind: EntityKind,
    pub site: DefinitionSite,
    /// The id as written (`putin` in `[actor.putin]` or `#putin`).
    pub id_range: ByteRange,
    /// The whole table or span.
    pub range: ByteRange,
    /// An inline definition's span text.
    pub text: Option<String>,
    pub fields: Vec<Field>,
}

impl Definition {
    pub fn field(&self, key: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|f| f.key == key).map(|f| &f.value)
    }

    pub fn field_text(&self, key: &str) -> Option<&str> {
        self.field(key).and_then(|v| v.texts().first()).map(String::as_str)
    }

    /// What to call the entity: its name or title, else the span text,
    /// else its id.
    pub fn display_name(&self) -> &str {
        self.field_text(self.kind.title_field())
            .or_else(|| self.field_text("name"))
            .or(self.text.as_deref())
            .unwrap_or(&self.id)
    }

    /// Names an annotator may find in prose: name and aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let name = self.field_text("name").into_iter();
        let aliases = self.field("aliases").into_iter().flat_map(|v| v.texts().iter().map(String::as_str));
        name.chain(aliases)
    }
}

/// How a place refers to an entity.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceRole {
    /// `[Putin]{@putin}`: the span mentions the entity.
    Mention,
    /// `src=@ua-intel`
    Src,
    /// `via=@bertrand-2024`
    Via,
    /// `claim=SUBJECT`
    Subject,
    /// Any other field, e.g. `author=@x`, `country = "@russia"`.
    Field(Id),
}

/// One place an id is used.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Reference {
    pub id: Id,
    /// The id as written, without its `@`.
    pub range: ByteRange,
    pub role: ReferenceRole,
    /// The span the reference is in, or [`NOT_IN_SPAN`]: an `Option` would
    /// take 4 bytes more in each of the workspace's references.
    span: ByteRange,
}

/// No span: inverted, which no range read from a text is.
const NOT_IN_SPAN: ByteRange = ByteRange::INVERTED;

impl Reference {
    pub fn new(id: Id, range: impl Into<ByteRange>, role: ReferenceRole, span: Option<Range<usize>>) -> Reference {
        Reference { id, range: range.into(), role, span: span.map_or(NOT_IN_SPAN, ByteRange::from) }
    }

    /// The span the reference is in, if any.
    pub fn span(&self) -> Option<Range<usize>> {
        (self.span != NOT_IN_SPAN).then(|| self.span.range())
    }

    /// The span the reference is in, else the id itself.
    pub fn full_range(&self) -> Range<usize> {
        self.span().unwrap_or(self.range.range())
    }

    /// Moves the reference's ranges (an edit before it).
    pub(crate) fn move_by(&mut self, to: &dyn Fn(usize) -> usize) {
        self.range = ByteRange::new(to(self.range.start()), to(self.range.end()));
        if self.span != NOT_IN_SPAN {
            self.span = ByteRange::new(to(self.span.start()), to(self.span.end()));
        }
    }
}
