//! The generated workspace and the positions the benchmark asks about.

use std::path::Path;

use gloss_corpus::{generate, Corpus, Shape};
use serde_json::{json, Value};

pub struct Workload {
    corpus: Corpus,
    pub bytes: usize,
    pub mentions: usize,
    pub claims: usize,
}

/// An open document.
pub struct Doc {
    pub uri: String,
    pub text: String,
}

/// A document opened at the start, a mention in it, and how many
/// references its entity has once the whole workspace is known.
pub struct Probe {
    pub uri: String,
    pub text: String,
    pub position: Value,
    pub expected: usize,
}

/// Where requests are made: on a span's text (hover, definition), on an
/// id (references), right after an `@` (completion of ids) and, in a
/// claim, after the first letter of its subject (completion of subjects).
pub struct Site {
    pub uri: String,
    pub position: Value,
    pub id_position: Value,
    pub after_at: Value,
    /// After the first letter of a claim's subject (completion of subjects).
    pub subject_at: Option<Value>,
}

/// A 1 MB document whose one claim, on a subject of its own, is toggled
/// between agreeing and conflicting with the claim of another document.
pub struct Pair {
    pub big_uri: String,
    pub big_text: String,
    pub other_uri: String,
    pub other_text: String,
    /// Where the figure starts.
    pub at: Value,
    pub figure: &'static str,
    pub conflicting: &'static str,
}

const BIG: &str = "docs/zz-big.txt";
const OTHER: &str = "docs/zz-other.txt";
const CLAIM_LINE: &str = "[5,000 soldiers]{claim=bench-subject src=@source-1} were reported.";

impl Workload {
    pub fn generate(documents: usize, references: usize) -> Workload {
        let mut corpus = generate(Shape { documents, references, ..Shape::default() });
        corpus.registry.push_str("[subject.bench-subject]\nname = \"The benchmark's subject\"\nunit = \"soldiers\"\n");
        // About 1 MB of the generated prose, the toggled claim in the middle.
        let mut big = String::from("{#bench-big date=2024-06-01 kind=article}\n");
        let bodies: Vec<&str> = corpus.documents.iter().map(|(_, t)| t.split_once('\n').map_or("", |(_, b)| b)).collect();
        let mut i = 0;
        while big.len() < 1_000_000 && !bodies.is_empty() {
            if i == bodies.len() / 2 || (big.len() >= 500_000 && !big.contains(CLAIM_LINE)) {
                big.push_str(CLAIM_LINE);
                big.push_str("\n\n");
            }
            big.push_str(bodies[i % bodies.len()]);
            i += 1;
        }
        if !big.contains(CLAIM_LINE) {
            big.push_str(CLAIM_LINE);
            big.push('\n');
        }
        corpus.documents.push((BIG.into(), big));
        let other = "{#bench-other date=2024-06-02 kind=article}\nOfficials counted [5,000 soldiers]{claim=bench-subject src=@source-2}.\n".to_string();
        corpus.documents.push((OTHER.into(), other));
        let count = |needle: &str| corpus.documents.iter().map(|(_, t)| t.matches(needle).count()).sum::<usize>();
        let (mentions, claims) = (count("]{@"), count("]{claim="));
        Workload { bytes: corpus.bytes(), mentions, claims, corpus }
    }

    pub fn write(&self, root: &Path) -> std::io::Result<()> {
        self.corpus.write(root)
    }

    pub fn uri(&self, root: &Path, path: &str) -> String {
        let p = if path == "." { root.to_path_buf() } else { root.join(path) };
        format!("file://{}", p.display())
    }

    fn doc(&self, root: &Path, i: usize) -> Doc {
        let (path, text) = &self.corpus.documents[i];
        Doc { uri: self.uri(root, path), text: text.clone() }
    }

    pub fn probe(&self, root: &Path) -> Probe {
        let Doc { uri, text } = self.doc(root, 0);
        let at = text.find("]{@").expect("a mention in the first document") + 3;
        let end = at + text[at..].find('}').unwrap();
        let block = format!("{{@{}}}", &text[at..end]);
        let uses: usize = self.corpus.documents.iter().map(|(_, t)| t.matches(&block).count()).sum();
        // Every mention, plus the registry table (the declaration).
        Probe { position: position(&text, at + 1), uri, text, expected: uses + 1 }
    }

    /// `n` documents spread over the corpus.
    pub fn open_sample(&self, root: &Path, n: usize) -> Vec<Doc> {
        let generated = self.corpus.documents.len() - 2;
        (0..n.min(generated)).map(|k| self.doc(root, 1 + k * (generated - 1) / n.max(1))).collect()
    }

    /// Up to `samples` request sites over the open documents: mentions,
    /// and claims (their text, their source id), as they come.
    pub fn sites(&self, docs: &[Doc], samples: usize) -> Vec<Site> {
        let mut all = Vec::new();
        for d in docs {
            let t = &d.text;
            for (brace, _) in t.match_indices("]{") {
                let open = t[..brace].rfind('[').unwrap_or(brace);
                let block = &t[brace..];
                let id_at = if block.starts_with("]{@") {
                    brace + 3
                } else if let Some(src) = block.find("src=@").filter(|s| *s < block.find('}').unwrap_or(0)) {
                    brace + src + 5
                } else {
                    continue;
                };
                all.push(Site {
                    uri: d.uri.clone(),
                    position: position(t, open + 1 + t[open + 1..].chars().next().map_or(0, char::len_utf8)),
                    id_position: position(t, id_at + 1),
                    after_at: position(t, id_at),
                    subject_at: block.starts_with("]{claim=").then(|| position(t, brace + "]{claim=".len() + 1)),
                });
            }
        }
        // Spread the samples over all the sites.
        let step = (all.len() / samples.max(1)).max(1);
        all.into_iter().step_by(step).take(samples).collect()
    }

    pub fn conflict_pair(&self, root: &Path) -> Pair {
        let n = self.corpus.documents.len();
        let (big, other) = (self.doc(root, n - 2), self.doc(root, n - 1));
        let at = big.text.find(CLAIM_LINE).unwrap() + 1;
        Pair {
            at: position(&big.text, at),
            big_uri: big.uri,
            big_text: big.text,
            other_uri: other.uri,
            other_text: other.text,
            figure: "5,000",
            conflicting: "50,000",
        }
    }
}

/// The LSP position (UTF-16) of a byte offset.
pub fn position(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    json!({"line": line, "character": text[line_start..at].encode_utf16().count()})
}
