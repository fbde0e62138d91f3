//! Gloss analysis: pure functions from document texts and the registry to
//! facts (entities, mentions, claims) and answers (diagnostics, hover, ...).
//! Byte offsets only; no IO, no LSP types. (Subjects are related side by
//! side on rayon's threads when the index settles: pure work, in parallel.)
//!
//! Each file's facts are read from that file alone ([`document`],
//! [`registry`]); the [`index`] joins them across the workspace; features
//! ([`diagnostics`], ...) answer from an immutable [`Analysis`] snapshot.

pub mod byte_range;
pub mod claim;
pub mod config;
pub mod conflict;
pub mod date;
pub mod diagnostics;
pub mod document;
pub mod entity;
pub mod figure;
pub mod id;
pub mod index;
pub mod line_index;
pub mod lookup;
pub mod mentions;
pub mod registry;
pub mod text;
mod workspace;

pub use byte_range::ByteRange;
pub use id::Id;
pub use text::Text;
pub use workspace::{Analysis, Facts, File, FileId, FilesInOrder, FilesVersion, Workspace};
pub mod features;
pub mod fixture;
