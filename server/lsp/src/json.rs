//! Long answers written as JSON directly: byte for byte what serde writes
//! for the protocol's types (the tests compare), without building those
//! values first. A references answer's thousands of locations and a long
//! document's diagnostics, as protocol values, were several times their
//! JSON, and each location's URI a copy (from a map of the URIs of every
//! file ever answered, which the server then kept).

use std::ops::Range;

use gloss_analysis::diagnostics::{About, Diagnostic as Found, Related};
use gloss_analysis::features::completion;
use gloss_analysis::index::ClaimId;
use gloss_analysis::line_index::Encoding;
use gloss_analysis::{Analysis, File};
use tower_lsp_server::ls_types as lsp;

use crate::convert;
use crate::state::Folder;

/// A string, escaped as JSON.
pub fn string(out: &mut Vec<u8>, s: &str) {
    // Writing into a `Vec` cannot fail.
    let _ = serde_json::to_writer(out, s);
}

/// A `Range`: `{"start":{"line":…,"character":…},"end":{…}}`.
pub fn range(out: &mut Vec<u8>, r: lsp::Range) {
    let mut numbers = itoa::Buffer::new();
    for (name, at) in [(&b"{\"start\":{\"line\":"[..], r.start), (&b"},\"end\":{\"line\":"[..], r.end)] {
        out.extend_from_slice(name);
        out.extend_from_slice(numbers.format(at.line).as_bytes());
        out.extend_from_slice(b",\"character\":");
        out.extend_from_slice(numbers.format(at.character).as_bytes());
    }
    out.extend_from_slice(b"}}");
}

/// A `Location` of bytes `at` of `file`: `{"uri":…,"range":…}`; `false`,
/// with nothing written, if the file has no URI.
pub fn location(out: &mut Vec<u8>, folder: &Folder, file: &File, at: &Range<usize>, enc: Encoding) -> bool {
    let before = out.len();
    out.extend_from_slice(b"{\"uri\":");
    if !folder.write_uri_json(&file.path, out) {
        out.truncate(before);
        return false;
    }
    out.extend_from_slice(b",\"range\":");
    range(out, convert::range(file, at, enc));
    out.push(b'}');
    true
}

/// A completion list, as serde writes the `CompletionResponse::List` of
/// the items `features::completion_item` makes (the tests compare):
/// `{"isIncomplete":…,"items":[…]}`.
pub fn completion_list(file: &File, offered: &completion::Completions, enc: Encoding, uri: &lsp::Uri) -> Vec<u8> {
    let items = &offered.items;
    let mut out = Vec::with_capacity(32 + items.len() * 320);
    out.extend_from_slice(b"{\"isIncomplete\":");
    out.extend_from_slice(if offered.incomplete { b"true" } else { b"false" });
    out.extend_from_slice(b",\"items\":[");
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"label\":");
        string(&mut out, &item.label);
        out.extend_from_slice(b",\"kind\":");
        let _ = serde_json::to_writer(&mut out, &crate::features::completion_kind(item.kind));
        out.extend_from_slice(b",\"detail\":");
        string(&mut out, &item.detail);
        if let Some(markdown) = &item.documentation {
            out.extend_from_slice(b",\"documentation\":{\"kind\":\"markdown\",\"value\":");
            string(&mut out, markdown);
            out.push(b'}');
        }
        out.extend_from_slice(b",\"sortText\":");
        string(&mut out, &item.sort_text);
        out.extend_from_slice(b",\"filterText\":");
        string(&mut out, &item.label);
        out.extend_from_slice(b",\"textEdit\":{\"range\":");
        range(&mut out, convert::range(file, &item.replace, enc));
        out.extend_from_slice(b",\"newText\":");
        string(&mut out, &item.insert_text);
        out.push(b'}');
        if crate::features::resolves_to_card(item.kind) {
            // Read back by `features::completion_data`.
            out.extend_from_slice(b",\"data\":{\"uri\":");
            string(&mut out, uri.as_str());
            out.extend_from_slice(b",\"id\":");
            string(&mut out, &item.label);
            out.push(b'}');
        }
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    out
}

/// Related places already written, for one snapshot of one folder in one
/// encoding: a claim is the related place of every claim it conflicts
/// with, and since a diagnostic points at the first of its conflicts in
/// workspace order, the same few claims for most diagnostics on a subject.
/// Their location and message, the same every time, were half of working
/// out a workspace's lists again (line and column in a long document,
/// the claim in a few words, its URI).
pub struct WrittenPlaces {
    /// `{"location":…,"message":…}` by claim and place (`None`: not
    /// written, its file having no URI).
    places: std::collections::HashMap<(ClaimId, usize, usize), Option<Range<usize>>, foldhash::fast::RandomState>,
    written: Vec<u8>,
    /// How many bytes of places are kept: see [`WrittenPlaces::AT_MOST`].
    at_most: usize,
}

impl Default for WrittenPlaces {
    fn default() -> WrittenPlaces {
        WrittenPlaces { places: Default::default(), written: Vec::new(), at_most: Self::AT_MOST }
    }
}

impl WrittenPlaces {
    /// How much a pass keeps (the places of a few tens of thousands of
    /// claims). When it is reached, what is kept is dropped and the pass
    /// starts again: the places the files after it point at are those
    /// near them in the workspace's order more than those at its start.
    const AT_MOST: usize = 8 << 20;

    /// Keeping at most `bytes` (tests: dropping what is kept changes
    /// nothing written).
    #[cfg(test)]
    pub fn keeping(bytes: usize) -> WrittenPlaces {
        WrittenPlaces { at_most: bytes, ..WrittenPlaces::default() }
    }

    /// How many places are kept.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// How many bytes of places are kept.
    #[cfg(test)]
    pub fn written(&self) -> usize {
        self.written.len()
    }

    /// Writes the related place `r`; false, with nothing written, if its
    /// file has no URI (or is gone).
    fn write(&mut self, out: &mut Vec<u8>, folder: &Folder, analysis: &Analysis, r: &Related, enc: Encoding) -> bool {
        let About::ConflictingClaim(claim) = r.about else { return related_place(out, folder, analysis, r, enc) };
        let key = (claim, r.range.start, r.range.end);
        if let Some(known) = self.places.get(&key) {
            return known.as_ref().is_some_and(|at| {
                out.extend_from_slice(&self.written[at.clone()]);
                true
            });
        }
        let before = out.len();
        let written = related_place(out, folder, analysis, r, enc);
        if self.written.len() >= self.at_most {
            self.written.clear();
            self.places.clear();
        }
        let at = self.written.len();
        self.written.extend_from_slice(&out[before..]);
        self.places.insert(key, written.then_some(at..self.written.len()));
        written
    }
}

/// `{"location":…,"message":…}` of a related place; false, with nothing
/// written, if its file has no URI (or is gone).
fn related_place(out: &mut Vec<u8>, folder: &Folder, analysis: &Analysis, r: &Related, enc: Encoding) -> bool {
    let Some(other) = analysis.file(r.file) else { return false };
    let before = out.len();
    out.extend_from_slice(b"{\"location\":");
    if !location(out, folder, other, &r.range, enc) {
        out.truncate(before);
        return false;
    }
    out.extend_from_slice(b",\"message\":");
    string(out, &r.message(analysis));
    out.push(b'}');
    true
}

/// A document's diagnostics, as the list of `convert::diagnostic`s
/// serializes: related places whose file is gone or has no URI left out.
/// `places` must have been used only with this folder, snapshot and
/// encoding.
pub fn diagnostics(out: &mut Vec<u8>, folder: &Folder, analysis: &Analysis, file: &File, list: &[Found], enc: Encoding, places: &mut WrittenPlaces) {
    // About what a diagnostic takes, so that a long list is not copied
    // as it grows.
    out.reserve(list.len() * 256);
    out.push(b'[');
    for (n, d) in list.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b"{\"range\":");
        range(out, convert::range(file, &d.range, enc));
        out.extend_from_slice(b",\"severity\":");
        let _ = serde_json::to_writer(&mut *out, &convert::severity(d.severity));
        out.extend_from_slice(b",\"code\":");
        string(out, d.code.as_str());
        out.extend_from_slice(b",\"source\":\"gloss\",\"message\":");
        string(out, &d.message);
        let mut related = 0;
        for r in &d.related {
            let before = out.len();
            out.extend_from_slice(if related == 0 { b",\"relatedInformation\":[" } else { b"," });
            if !places.write(out, folder, analysis, r, enc) {
                out.truncate(before);
                continue;
            }
            related += 1;
        }
        if related > 0 {
            out.push(b']');
        }
        out.push(b'}');
    }
    out.push(b']');
}

/// A full document diagnostic report, as serde writes ls-types' (the
/// tests compare): `{"kind":"full","resultId":…,"items":…}`, the items
/// written by `write_items`.
pub fn full_report(result_id: Option<&str>, write_items: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = Vec::new();
    report(&mut out, None, result_id, Some(write_items));
    out
}

/// An unchanged document diagnostic report: `{"kind":"unchanged","resultId":…}`.
pub fn unchanged_report(result_id: &str) -> Vec<u8> {
    let mut out = Vec::new();
    report(&mut out, None, Some(result_id), None::<fn(&mut Vec<u8>)>);
    out
}

/// A file's full report in a workspace report:
/// `{"kind":"full","uri":…,"version":…,"resultId":…,"items":…}`.
pub fn workspace_full_report(out: &mut Vec<u8>, uri: &str, version: Option<i64>, result_id: Option<&str>, write_items: impl FnOnce(&mut Vec<u8>)) {
    report(out, Some((uri, version)), result_id, Some(write_items));
}

/// A file's unchanged report in a workspace report:
/// `{"kind":"unchanged","uri":…,"version":…,"resultId":…}`.
pub fn workspace_unchanged_report(out: &mut Vec<u8>, uri: &str, version: Option<i64>, result_id: &str) {
    report(out, Some((uri, version)), Some(result_id), None::<fn(&mut Vec<u8>)>);
}

/// A report as serde writes ls-types' four kinds: full when it has items,
/// else unchanged; in a workspace report with its file's URI and version
/// (`null` for none).
fn report(out: &mut Vec<u8>, file: Option<(&str, Option<i64>)>, result_id: Option<&str>, write_items: Option<impl FnOnce(&mut Vec<u8>)>) {
    out.extend_from_slice(if write_items.is_some() { b"{\"kind\":\"full\"" } else { b"{\"kind\":\"unchanged\"" });
    if let Some((uri, version)) = file {
        out.extend_from_slice(b",\"uri\":");
        string(out, uri);
        out.extend_from_slice(b",\"version\":");
        match version {
            Some(v) => out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes()),
            None => out.extend_from_slice(b"null"),
        }
    }
    if let Some(id) = result_id {
        out.extend_from_slice(b",\"resultId\":");
        string(out, id);
    }
    if let Some(write_items) = write_items {
        out.extend_from_slice(b",\"items\":");
        write_items(out);
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp::{DocumentDiagnosticReport as Report, DocumentDiagnosticReportResult as Result};

    #[test]
    fn completion_lists_are_what_serde_writes_for_the_protocols_lists() {
        use completion::{CompletionItem, CompletionKind};
        let text = "한국 😀 [x]{@pu} and more";
        let file = File::new("docs/été.txt", text, gloss_analysis::Facts::of_document(text));
        let uri: lsp::Uri = "file:///w/docs/%C3%A9t%C3%A9.txt".parse().unwrap();
        let at = text.find("pu}").unwrap();
        let item = |label: &str, kind, documentation: Option<&str>| CompletionItem {
            label: label.to_string(),
            kind,
            detail: format!("«{label}» \"quoted\"\n"),
            documentation: documentation.map(str::to_string),
            insert_text: format!("{label}="),
            replace: at..at + 2,
            sort_text: "0007".to_string(),
        };
        let kinds = [CompletionKind::Actor, CompletionKind::Treaty, CompletionKind::Source, CompletionKind::Subject, CompletionKind::Key];
        let some: Vec<CompletionItem> =
            kinds.iter().enumerate().map(|(n, &k)| item(&format!("putin-{n}"), k, (n % 2 == 0).then_some("**card** \\ `x`"))).collect();
        // A short list made from the definitions known earlier is
        // incomplete too.
        let some_again = some.clone();
        let full: Vec<CompletionItem> = (0..completion::LIMIT).map(|n| item(&format!("id-{n}"), kinds[n % kinds.len()], None)).collect();
        for (items, incomplete) in [(some, false), (full, true), (some_again, true), (vec![], false)] {
            let offered = completion::Completions { items, incomplete };
            for enc in [Encoding::Utf16, Encoding::Utf8] {
                let list = crate::features::completion_list(&file, &offered, enc, &uri);
                assert_eq!(
                    String::from_utf8(completion_list(&file, &offered, enc, &uri)).unwrap(),
                    serde_json::to_string(&list).unwrap(),
                    "{} items",
                    offered.items.len()
                );
            }
        }
    }

    #[test]
    fn reports_are_what_serde_writes_for_the_protocols_reports() {
        let item = lsp::Diagnostic { message: "«x» \"quoted\"\n".into(), ..Default::default() };
        for (id, items) in [(Some("12"), vec![item.clone()]), (None, vec![]), (Some("a\"b"), vec![item.clone(), item])] {
            let written = full_report(id, |out| serde_json::to_writer(out, &items).unwrap());
            let report = Result::Report(Report::Full(lsp::RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport { result_id: id.map(str::to_string), items },
            }));
            assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(&report).unwrap());
        }
        let report = Result::Report(Report::Unchanged(lsp::RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: lsp::UnchangedDocumentDiagnosticReport { result_id: "7".into() },
        }));
        assert_eq!(String::from_utf8(unchanged_report("7")).unwrap(), serde_json::to_string(&report).unwrap());
    }

    #[test]
    fn workspace_reports_are_what_serde_writes_for_the_protocols() {
        let uri: lsp::Uri = "file:///w/caf%C3%A9.txt".parse().unwrap();
        let item = lsp::Diagnostic { message: "m".into(), ..Default::default() };
        let mut written = b"{\"items\":[".to_vec();
        let mut items = Vec::new();
        for (n, (version, id)) in [(Some(3), Some("7")), (None, None), (Some(-1), Some("8"))].into_iter().enumerate() {
            if n > 0 {
                written.push(b',');
            }
            let list = vec![item.clone(); n];
            workspace_full_report(&mut written, uri.as_str(), version, id, |out| serde_json::to_writer(out, &list).unwrap());
            items.push(lsp::WorkspaceDocumentDiagnosticReport::Full(lsp::WorkspaceFullDocumentDiagnosticReport {
                uri: uri.clone(),
                version,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport { result_id: id.map(str::to_string), items: list },
            }));
        }
        for version in [None, Some(2)] {
            written.push(b',');
            workspace_unchanged_report(&mut written, uri.as_str(), version, "7");
            items.push(lsp::WorkspaceDocumentDiagnosticReport::Unchanged(lsp::WorkspaceUnchangedDocumentDiagnosticReport {
                uri: uri.clone(),
                version,
                unchanged_document_diagnostic_report: lsp::UnchangedDocumentDiagnosticReport { result_id: "7".into() },
            }));
        }
        written.extend_from_slice(b"]}");
        let report = lsp::WorkspaceDiagnosticReportResult::Report(lsp::WorkspaceDiagnosticReport { items });
        assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(&report).unwrap());
    }
}
