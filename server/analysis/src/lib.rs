//! Gloss analysis: pure functions from document texts and the registry to
//! facts (entities, mentions, claims) and answers (diagnostics, hover, ...).
//! Byte offsets only; no IO, no LSP types.

pub mod figure;
