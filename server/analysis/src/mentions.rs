//! Finding registry names and aliases in prose that nobody annotated.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};

/// All names and aliases of the registry, matched at once.
#[derive(Debug, Clone)]
pub struct NameMatcher {
    automaton: AhoCorasick,
    /// For each pattern: the entity id and the name as registered.
    targets: Vec<(String, String)>,
}

/// A name found in prose.
#[derive(Debug, Clone, PartialEq)]
pub struct NameHit<'a> {
    pub range: Range<usize>,
    pub id: &'a str,
    pub name: &'a str,
}

impl NameMatcher {
    /// `names` are (entity id, name or alias). Names shorter than three
    /// characters are left out: they match too much ordinary prose.
    pub fn new<'a>(names: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<NameMatcher> {
        let targets: Vec<(String, String)> =
            names.into_iter().filter(|(_, n)| n.trim().chars().count() >= 3).map(|(id, n)| (id.to_string(), n.trim().to_string())).collect();
        if targets.is_empty() {
            return None;
        }
        let automaton = AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(targets.iter().map(|(_, n)| n)).ok()?;
        Some(NameMatcher { automaton, targets })
    }

    /// Names in `text[range]` that stand as whole words.
    pub fn find<'s>(&'s self, text: &str, range: Range<usize>) -> Vec<NameHit<'s>> {
        let hay = &text[range.clone()];
        // Shorter than any name (the prose between two spans, often ", "):
        // a sixth of the ranges of the benchmark's documents.
        if hay.len() < self.automaton.min_pattern_len() {
            return Vec::new();
        }
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        self.automaton
            .find_iter(hay)
            .filter(|m| !word(hay[..m.start()].chars().next_back()) && !word(hay[m.end()..].chars().next()))
            .map(|m| {
                let (id, name) = &self.targets[m.pattern().as_usize()];
                NameHit { range: range.start + m.start()..range.start + m.end(), id, name }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_longest_first() {
        let m = NameMatcher::new([("putin", "Putin"), ("putin", "Vladimir Putin"), ("russia", "Russia"), ("x", "Ru")]).unwrap();
        let text = "Vladimir Putin, Russian troops; Russia. Putinism";
        let hits: Vec<_> = m.find(text, 0..text.len()).into_iter().map(|h| (&text[h.range], h.id)).collect();
        assert_eq!(hits, [("Vladimir Putin", "putin"), ("Russia", "russia")]);
        // A range as long as the shortest name, and one shorter.
        let at = text.find("Russia.").unwrap();
        assert_eq!(m.find(text, at..at + 6).len(), 1);
        assert_eq!(m.find(text, at..at + 5), []);
        assert_eq!(m.find("Ru Ru", 0..5), []);
    }
}
