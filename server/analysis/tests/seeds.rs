//! The annotated seed corpus keeps every character of the raw articles:
//! markup is only ever inserted.

use std::path::Path;

use gloss_syntax::Markup;

/// The text with the header line and every span's brackets and attribute
/// blocks taken out.
fn strip(text: &str) -> String {
    let markup = Markup::parse(text);
    assert!(markup.errors.is_empty(), "syntax errors: {:?}", markup.errors);
    let mut cuts: Vec<std::ops::Range<usize>> = Vec::new();
    if let Some(h) = &markup.header {
        let end = text[h.range.end..].find('\n').map_or(text.len(), |i| h.range.end + i + 1);
        cuts.push(h.range.start..end);
    }
    for s in &markup.spans {
        cuts.push(s.range.start..s.text.start);
        cuts.push(s.text.end..s.range.end);
    }
    cuts.sort_by_key(|c| c.start);
    let mut out = String::new();
    let mut at = 0;
    for c in cuts {
        out.push_str(&text[at..c.start]);
        at = c.end;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn annotated_seeds_are_the_raw_articles_plus_markup() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let read_dir = |dir: &str| -> Vec<(String, String)> {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        files.sort();
        files
    };
    let raw = read_dir("tests/fixtures/raw-seeds");
    let annotated = read_dir("seeds");
    assert_eq!(raw.len(), 5);
    assert_eq!(annotated.len(), raw.len(), "one annotated document per raw article");
    for (name, text) in &annotated {
        let stripped = strip(text);
        assert!(
            raw.iter().any(|(_, r)| *r == stripped),
            "{name}: without its markup it is not one of the raw articles (first difference near byte {})",
            raw.iter().map(|(_, r)| r.bytes().zip(stripped.bytes()).take_while(|(a, b)| a == b).count()).max().unwrap_or(0)
        );
    }
}
