//! Byte offsets of the analysis to and from LSP positions, in the encoding
//! negotiated at `initialize`, and analysis answers to LSP types.

use std::ops::Range;

#[cfg(test)]
use gloss_analysis::diagnostics::Diagnostic as Found;
use gloss_analysis::diagnostics::Severity;
use gloss_analysis::line_index::{Encoding, LineCol};
use gloss_analysis::File;
use tower_lsp_server::ls_types as lsp;

pub fn offset(file: &File, pos: lsp::Position, enc: Encoding) -> usize {
    file.line_index().offset(&file.text, LineCol { line: pos.line, col: pos.character }, enc)
}

pub fn position(file: &File, offset: usize, enc: Encoding) -> lsp::Position {
    at(file.line_index().line_col(offset, enc))
}

pub fn range(file: &File, r: &Range<usize>, enc: Encoding) -> lsp::Range {
    let (start, end) = file.line_index().line_cols(r, enc);
    lsp::Range { start: at(start), end: at(end) }
}

/// A line and column as the protocol's position.
fn at(lc: LineCol) -> lsp::Position {
    lsp::Position { line: lc.line, character: lc.col }
}

pub fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Information => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// A diagnostic, its related places resolved with `locate`, in protocol
/// form: what `json::diagnostics` is tested against.
#[cfg(test)]
pub fn diagnostic(
    analysis: &gloss_analysis::Analysis,
    file: &File,
    d: &Found,
    enc: Encoding,
    locate: &dyn Fn(gloss_analysis::FileId, &Range<usize>) -> Option<lsp::Location>,
) -> lsp::Diagnostic {
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| Some(lsp::DiagnosticRelatedInformation { location: locate(r.file, &r.range)?, message: r.message(analysis) }))
        .collect();
    lsp::Diagnostic {
        range: range(file, &d.range, enc),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_string())),
        source: Some("gloss".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        ..lsp::Diagnostic::default()
    }
}
