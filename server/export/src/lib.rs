//! Gloss annotations out of the editor. Pure: each export is a function of
//! an [`Analysis`] to a string or JSON value; the CLI writes them.
//!
//! Deterministic: documents by path, spans and claims in document order.

mod claims;
mod plain;
mod report;
mod webannotation;

pub use claims::{claim_reviews, claims_csv, facts_jsonl};
pub use plain::PlainText;
pub use report::report_html;
pub use webannotation::{plain_texts, web_annotations};

use gloss_analysis::{Analysis, File, FileId};

/// Documents in path order.
pub(crate) fn documents(analysis: &Analysis) -> Vec<(FileId, &File)> {
    let mut docs: Vec<_> = analysis.files().filter(|(_, f)| f.document().is_some()).collect();
    docs.sort_by(|a, b| a.1.path.cmp(&b.1.path));
    docs
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(file: &File, offset: usize) -> u32 {
    file.line_index().line_col(offset, gloss_analysis::line_index::Encoding::Utf8).line + 1
}
