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
        self.field_text(self.kind.title_field()).or_else(|| self.field_text("name")).or(self.text.as_deref()).unwrap_or(&self.id)
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
    Field(FieldKey),
}

/// The key of a field that names entities (`author=@x`), as a number of
/// its own: a [`ReferenceRole`] then takes 8 bytes, not 16, and each of
/// the workspace's hundreds of thousands of references 32, not 40. Like
/// ids, keys once seen stay known (a few bytes per distinct key).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldKey(u32);

#[derive(Default)]
struct FieldKeys {
    numbers: std::collections::HashMap<Id, u32>,
    keys: Vec<Id>,
}

fn field_keys() -> &'static std::sync::RwLock<FieldKeys> {
    static KEYS: std::sync::OnceLock<std::sync::RwLock<FieldKeys>> = std::sync::OnceLock::new();
    KEYS.get_or_init(Default::default)
}

impl FieldKey {
    pub fn new(key: &str) -> FieldKey {
        let id = Id::new(key);
        if let Some(&n) = field_keys().read().unwrap_or_else(|e| e.into_inner()).numbers.get(&id) {
            return FieldKey(n);
        }
        let mut known = field_keys().write().unwrap_or_else(|e| e.into_inner());
        if let Some(&n) = known.numbers.get(&id) {
            return FieldKey(n);
        }
        let n = u32::try_from(known.keys.len()).expect("fewer than 4 billion distinct field keys");
        known.keys.push(id);
        known.numbers.insert(id, n);
        FieldKey(n)
    }

    pub fn as_str(self) -> &'static str {
        field_keys().read().unwrap_or_else(|e| e.into_inner()).keys[self.0 as usize].as_str()
    }
}

impl fmt::Debug for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for FieldKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Written as its text: the number is this process's own.
impl serde::Serialize for FieldKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for FieldKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FieldKey, D::Error> {
        Id::deserialize(d).map(|id| FieldKey::new(&id))
    }
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

#[cfg(test)]
mod tests {
    use super::{FieldKey, Reference, ReferenceRole};

    #[test]
    fn a_field_key_is_one_number_per_key_and_reads_back() {
        let (a, b) = (FieldKey::new("author"), FieldKey::new(&String::from("author")));
        assert_eq!(a, b);
        assert_ne!(a, FieldKey::new("country"));
        assert_eq!((a.as_str(), format!("{a} {a:?}")), ("author", "author \"author\"".to_string()));
        // Read back from its text, as the facts cache stores it.
        let read = <FieldKey as serde::Deserialize>::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new("author"));
        assert_eq!(read, Ok(a));
        assert_eq!(ReferenceRole::Field(a), ReferenceRole::Field(b));
    }

    /// A workspace holds hundreds of thousands of references.
    #[test]
    fn a_reference_takes_32_bytes() {
        assert_eq!(std::mem::size_of::<Reference>(), 32);
    }
}
