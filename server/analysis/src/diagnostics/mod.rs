//! Diagnostics (spec section 5.1): what each code means, and how a
//! workspace's diagnostics are computed from the facts and the index.

mod affected;
mod compute;

use std::fmt;
use std::ops::Range;

pub use affected::{affected, Affected};
pub(crate) use compute::conflicts_needed;
pub use compute::{diagnostics, diagnostics_seeing, summary, workspace_diagnostics, workspace_diagnostics_each, workspace_diagnostics_listing, Kinds};

use crate::index::ClaimId;
use crate::{Analysis, FileId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    Syntax,
    UnknownId,
    DuplicateId,
    UnsourcedClaim,
    ConflictingClaim,
    BadValue,
    AmbiguousValue,
    UnitMismatch,
    UndeclaredSubject,
    UnannotatedMention,
    Registry,
    /// Not in the spec: a file that cannot be read or is not UTF-8.
    Unreadable,
}

impl Code {
    pub const ALL: [Code; 12] = [
        Code::Syntax,
        Code::UnknownId,
        Code::DuplicateId,
        Code::UnsourcedClaim,
        Code::ConflictingClaim,
        Code::BadValue,
        Code::AmbiguousValue,
        Code::UnitMismatch,
        Code::UndeclaredSubject,
        Code::UnannotatedMention,
        Code::Registry,
        Code::Unreadable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::UnknownId => "unknown-id",
            Code::DuplicateId => "duplicate-id",
            Code::UnsourcedClaim => "unsourced-claim",
            Code::ConflictingClaim => "conflicting-claim",
            Code::BadValue => "bad-value",
            Code::AmbiguousValue => "ambiguous-value",
            Code::UnitMismatch => "unit-mismatch",
            Code::UndeclaredSubject => "undeclared-subject",
            Code::UnannotatedMention => "unannotated-mention",
            Code::Registry => "registry",
            Code::Unreadable => "unreadable",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::Syntax | Code::UnknownId | Code::DuplicateId | Code::BadValue | Code::Registry | Code::Unreadable => Severity::Error,
            Code::UnsourcedClaim | Code::ConflictingClaim | Code::UnitMismatch => Severity::Warning,
            Code::AmbiguousValue => Severity::Information,
            Code::UndeclaredSubject | Code::UnannotatedMention => Severity::Hint,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem found in one file alone, before the workspace is known.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: Code,
    pub range: Range<usize>,
    pub message: String,
}

impl Problem {
    pub fn new(code: Code, range: Range<usize>, message: impl Into<String>) -> Problem {
        Problem { code, range, message: message.into() }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub file: FileId,
    pub range: Range<usize>,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    pub related: Vec<Related>,
    /// Related places the diagnostic has beyond those in `related`, left
    /// out because the caller asked for fewer (see
    /// [`workspace_diagnostics_listing`]); 0 when all are listed.
    pub unlisted_related: usize,
}

/// Another place that explains a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Related {
    pub file: FileId,
    pub range: Range<usize>,
    pub about: About,
}

/// What a related place is; its message is worked out when it is shown
/// (`gloss check` finds millions of these in a corpus thick with
/// conflicts, and its JSON shows none).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum About {
    ConflictingClaim(ClaimId),
    /// Another definition of this id.
    AlsoDefined(String),
}

impl Related {
    pub fn message(&self, analysis: &Analysis) -> String {
        match &self.about {
            About::ConflictingClaim(claim) => format!("conflicting claim: {}", compute::summary_str(analysis, *claim)),
            About::AlsoDefined(id) => format!("`{id}` is also defined here"),
        }
    }
}
