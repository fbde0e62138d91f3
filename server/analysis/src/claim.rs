//! Claims: spans that state a figure about a subject (spec section 4).

use crate::byte_range::ByteRange;
use crate::date::Period;
use crate::figure::Figure;
use crate::id::Id;

/// An id as written in an attribute, without its `@`.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct IdAt {
    pub id: Id,
    pub range: ByteRange,
}

/// Boxed strings and slices, not `String`s and `Vec`s: 8 bytes less each,
/// on every claim of the workspace.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Claim {
    /// The whole span, `[` to `}`.
    pub range: ByteRange,
    /// The bracketed text: where claim diagnostics point.
    pub text_range: ByteRange,
    /// The text as a reader sees it.
    pub text: String,
    /// `claim=SUBJECT`
    pub subject: IdAt,
    /// `src=`: who asserts the figure.
    pub sources: Box<[IdAt]>,
    /// `via=`: where it was reported.
    pub via: Box<[IdAt]>,
    /// The figure read from `value=` or the text; `None` when none can be
    /// read (a `bad-value` problem says why).
    pub figure: Option<Figure>,
    /// Whether the figure comes from `value=`.
    pub explicit_value: bool,
    /// `unit=`, else a currency read from the text. The subject's unit is
    /// applied by the index.
    pub unit: Option<Box<str>>,
    /// `date=`, else the document header's date.
    pub date: Option<Period>,
    /// `cred=`: credibility of the information, 1-6.
    pub cred: Option<u8>,
    pub note: Option<Box<str>>,
    /// Keys Gloss does not know, kept for hover.
    pub other: Box<[(Box<str>, Box<str>)]>,
}

impl Claim {
    /// Whether anyone is named for the figure.
    pub fn is_sourced(&self) -> bool {
        !self.sources.is_empty() || !self.via.is_empty()
    }
}
