//! Test fixtures: several files in one string, with expected diagnostics
//! written under the text they point at, and a cursor marker.
//!
//! ```text
//! //- gloss.toml
//! [subject.x]
//! name = "X"
//! //- a.txt
//! [10,000 troops]{claim=x}
//!  ^^^^^^^^^^^^^ warning unsourced-claim
//! ```
//!
//! A line of carets, then a severity and a code, annotates the line above
//! it; it is not part of the file. `$0` marks the cursor.

use crate::diagnostics::{workspace_diagnostics, workspace_diagnostics_listing, Diagnostic};
use crate::{Analysis, Workspace};

pub const CURSOR: &str = "$0";

#[derive(Debug, Clone, PartialEq)]
pub struct FixtureFile {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Fixture {
    pub files: Vec<FixtureFile>,
    /// File index and byte offset of `$0`.
    pub cursor: Option<(usize, usize)>,
}

impl Fixture {
    pub fn parse(fixture: &str) -> Fixture {
        let mut files: Vec<FixtureFile> = Vec::new();
        let mut cursor = None;
        for line in fixture.split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                files.push(FixtureFile { path: path.trim().to_string(), text: String::new() });
                continue;
            }
            if files.is_empty() {
                files.push(FixtureFile { path: "doc.txt".into(), text: String::new() });
            }
            if is_annotation(line) {
                continue;
            }
            let index = files.len() - 1;
            let file = &mut files[index];
            let mut line = line.to_string();
            if let Some(at) = line.find(CURSOR) {
                cursor = Some((index, file.text.len() + at));
                line.replace_range(at..at + CURSOR.len(), "");
            }
            file.text.push_str(&line);
        }
        Fixture { files, cursor }
    }

    pub fn workspace(&self) -> Workspace {
        self.workspace_in(Workspace::new())
    }

    /// The fixture's files set in `ws`, an empty workspace made for a
    /// purpose (as [`Workspace::for_diagnostics`]).
    pub fn workspace_in(&self, mut ws: Workspace) -> Workspace {
        for f in &self.files {
            if f.path.ends_with(".toml") {
                ws.set_registry(&f.path, &f.text, f.path == "gloss.toml");
            } else {
                ws.set_document(&f.path, &f.text);
            }
        }
        ws
    }

    pub fn analysis(&self) -> Analysis {
        self.workspace().snapshot()
    }

    /// The fixture written back with these diagnostics under their lines.
    pub fn render(&self, analysis: &Analysis, diagnostics: &[Diagnostic]) -> String {
        let mut out = String::new();
        let single = self.files.len() == 1 && self.files[0].path == "doc.txt";
        for f in &self.files {
            if !single {
                out.push_str(&format!("//- {}\n", f.path));
            }
            let id = analysis.files().find(|(_, file)| file.path == f.path).map(|(id, _)| id);
            let mut start = 0;
            for line in f.text.split_inclusive('\n') {
                let end = start + line.len();
                out.push_str(line);
                if !line.ends_with('\n') {
                    out.push('\n');
                }
                let body = line.trim_end_matches(['\n', '\r']);
                for d in diagnostics
                    .iter()
                    .filter(|d| Some(d.file) == id && d.range.start >= start && (d.range.start < end || (d.range.start == end && end == f.text.len())))
                {
                    let col = f.text[start..d.range.start].chars().count();
                    let stop = d.range.end.min(start + body.len()).max(d.range.start);
                    let width = f.text[d.range.start..stop].chars().count().max(1);
                    out.push_str(&format!("{}{} {} {}\n", " ".repeat(col), "^".repeat(width), d.severity, d.code));
                }
                start = end;
            }
        }
        out
    }
}

fn is_annotation(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('^') && {
        let rest = t.trim_start_matches('^');
        let mut words = rest.split_whitespace();
        matches!(words.next(), Some("error" | "warning" | "information" | "hint")) && words.next().is_some()
    }
}

/// A workspace of a generated corpus (`gloss.toml`, its registry and its
/// documents, as `gloss_corpus::Corpus` holds them), set file by file.
pub fn workspace_of(config: &str, registry: &str, documents: &[(String, String)]) -> Workspace {
    let mut ws = Workspace::new();
    ws.set_registry("gloss.toml", config, true);
    ws.set_registry("registry.toml", registry, false);
    for (path, text) in documents {
        ws.set_document(path, text);
    }
    ws
}

/// Checks that the workspace's diagnostics are exactly the ones annotated,
/// and that a workspace made for diagnostics only gives the same, listing
/// all related places, a few or none.
#[track_caller]
pub fn check_diagnostics(fixture: &str) {
    let f = Fixture::parse(fixture);
    let analysis = f.analysis();
    let found = workspace_diagnostics(&analysis);
    let actual = f.render(&analysis, &found);
    let expected = normalise(fixture);
    if actual != expected {
        panic!("diagnostics differ\n--- expected\n{expected}\n--- actual\n{actual}");
    }
    for listed in [0, 3, usize::MAX] {
        let only = f.workspace_in(Workspace::for_diagnostics(listed)).snapshot();
        let (got, want) = (workspace_diagnostics_listing(&only, listed, |_| true), workspace_diagnostics_listing(&analysis, listed, |_| true));
        assert_eq!(got, want, "a workspace for diagnostics only, listing {listed}, finds other diagnostics");
    }
}

fn normalise(fixture: &str) -> String {
    let mut s: String = fixture.replace(CURSOR, "");
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}
