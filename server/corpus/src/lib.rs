//! Generated Gloss workspaces: a registry of actors, treaties, sources and
//! subjects, and documents of prose with mentions and claims, some after
//! non-ASCII text. Deterministic for a seed, so benchmarks compare like with
//! like.

use std::fmt::Write;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub documents: usize,
    /// Mentions and claims per document.
    pub references: usize,
    /// Registry entities that documents mention.
    pub entities: usize,
    /// Subjects claims are about.
    pub subjects: usize,
    /// One reference in this many is a claim.
    pub claim_every: usize,
    pub seed: u64,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape { documents: 1000, references: 20, entities: 500, subjects: 30, claim_every: 4, seed: 1 }
    }
}

/// A generated workspace: `gloss.toml`, `registry.toml` and documents.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub config: String,
    pub registry: String,
    /// (relative path, text)
    pub documents: Vec<(String, String)>,
}

impl Corpus {
    pub fn bytes(&self) -> usize {
        self.registry.len() + self.documents.iter().map(|(_, t)| t.len()).sum::<usize>()
    }

    /// Writes the workspace under `root`.
    pub fn write(&self, root: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(root.join("docs"))?;
        std::fs::write(root.join("gloss.toml"), &self.config)?;
        std::fs::write(root.join("registry.toml"), &self.registry)?;
        for (path, text) in &self.documents {
            std::fs::write(root.join(path), text)?;
        }
        Ok(())
    }
}

/// xorshift64*: small, fast, good enough to vary text.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: [&str; 24] = [
    "the",
    "officials",
    "said",
    "troops",
    "were",
    "seen",
    "near",
    "border",
    "according",
    "to",
    "reports",
    "on",
    "Monday",
    "while",
    "analysts",
    "warned",
    "that",
    "supplies",
    "had",
    "grown",
    "since",
    "summer",
    "and",
    "more",
];
const FOREIGN: [&str; 4] = ["북한군 병력이", "по данным разведки", "😀 ", "Ким Чен Ын"];
const QUALIFIERS: [&str; 6] = ["approximately ", "at least ", "around ", "up to ", "", "more than "];
const SOURCES: usize = 20;

pub fn generate(shape: Shape) -> Corpus {
    let mut rng = Rng(shape.seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut registry = String::new();
    for i in 0..shape.entities {
        let kind = ["person", "state", "agency", "organization"][i % 4];
        let _ = writeln!(registry, "[actor.actor-{i}]\nname = \"Actor Number{i}\"\nkind = \"{kind}\"\naliases = [\"Number{i}\"]\n");
    }
    for i in 0..SOURCES {
        let _ = writeln!(registry, "[source.source-{i}]\ntitle = \"Source {i}\"\nreliability = \"B\"\n");
    }
    for i in 0..shape.subjects {
        let _ = writeln!(registry, "[subject.subject-{i}]\nname = \"Subject {i}\"\nunit = \"soldiers\"\n");
    }
    let mut documents = Vec::with_capacity(shape.documents);
    for d in 0..shape.documents {
        let mut text = String::new();
        let month = 1 + d % 12;
        // 20,000 articles a year, as a team that keeps years of them: a
        // bigger workspace spans more years, not more articles a day.
        let year = 2024 + d / 20_000;
        let _ = writeln!(text, "{{#doc-{d} date={year}-{month:02}-{:02} kind=article}}", 1 + d % 28);
        for r in 0..shape.references {
            for _ in 0..(3 + rng.below(8)) {
                text.push_str(rng.pick(&WORDS));
                text.push(' ');
            }
            if rng.below(5) == 0 {
                text.push_str(rng.pick(&FOREIGN));
                text.push(' ');
            }
            if r % shape.claim_every.max(1) == shape.claim_every.max(1) - 1 {
                // Figures on a subject cluster around its own base, as
                // reports of one quantity do; one in twenty is an outlier.
                let subject = rng.below(shape.subjects.max(1));
                let base = 1000 * (1 + subject % 50);
                let n = if rng.below(20) == 0 { base * (2 + rng.below(8)) } else { base + base * rng.below(10) / 100 };
                let src = rng.below(SOURCES);
                let _ = write!(text, "[{}{n} soldiers]{{claim=subject-{subject} src=@source-{src}}}", rng.pick(&QUALIFIERS));
            } else {
                let e = rng.below(shape.entities.max(1));
                let _ = write!(text, "[Actor Number{e}]{{@actor-{e}}}");
            }
            text.push_str(if r % 5 == 4 { ".\n\n" } else { " " });
        }
        text.push('\n');
        documents.push((format!("docs/doc-{d:06}.txt"), text));
    }
    let config = "[workspace]\ndocuments = [\"docs/*.txt\"]\nregistry = [\"registry.toml\"]\n".to_string();
    Corpus { config, registry, documents }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed() {
        let shape = Shape { documents: 3, ..Shape::default() };
        let (a, b) = (generate(shape), generate(shape));
        assert_eq!(a.documents, b.documents);
        assert_ne!(a.documents, generate(Shape { seed: 2, ..shape }).documents);
        assert_eq!(a.documents[0].1.matches("]{").count(), shape.references);
    }
}
