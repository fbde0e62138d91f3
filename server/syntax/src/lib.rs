//! The syntax layer of Gloss: the tree-sitter grammar and a typed view of
//! its tree. It knows nothing of LSP, files or the registry.
//!
//! Parsing never fails: any text gives a [`Markup`], with the problems in
//! [`Markup::errors`]. Brackets that do not form a span are prose.

mod markup;
mod parse;
mod read;

pub use markup::*;
pub use parse::{language, parse_tree};

#[cfg(any(test, feature = "test-support"))]
pub mod strategies;
#[cfg(test)]
mod tests;
