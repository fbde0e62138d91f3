use std::fmt::Write;
use std::ops::Range;

use expect_test::{expect, Expect};
use proptest::prelude::*;
use tree_sitter::{InputEdit, Point, Tree};

use crate::{parse_tree, AttrBlock, AttrKind, Markup, ValueKind};

/// The typed view, one line per thing, with the text each range covers.
fn render(text: &str) -> String {
    let m = Markup::parse(text);
    let mut out = String::new();
    let block = |b: &AttrBlock, out: &mut String| {
        for a in &b.attrs {
            let line = match &a.kind {
                AttrKind::Ref(id) => format!("ref {:?}", &text[id.range.clone()]),
                AttrKind::Def(id) => format!("def {:?}", &text[id.range.clone()]),
                AttrKind::Pair { key, value } => {
                    let v = match &value.kind {
                        ValueKind::Bare(s) => format!("bare {s:?}"),
                        ValueKind::Quoted(s) => format!("quoted {s:?}"),
                        ValueKind::Refs(ids) => format!("refs {:?}", ids.iter().map(|i| &text[i.range.clone()]).collect::<Vec<_>>()),
                    };
                    format!("{} = {v}", key.name)
                }
            };
            writeln!(out, "    {line}").unwrap();
        }
    };
    if let Some(h) = &m.header {
        writeln!(out, "header {:?}", &text[h.range.clone()]).unwrap();
        block(h, &mut out);
    }
    for (i, s) in m.spans.iter().enumerate() {
        let parent = s.parent.map(|p| format!(" in {p}")).unwrap_or_default();
        writeln!(out, "span {i}{parent} {:?} prose {:?}", &text[s.text.clone()], m.prose(text, s.text.clone())).unwrap();
        block(&s.block, &mut out);
    }
    for c in &m.comments {
        writeln!(out, "comment {:?}", &text[c.clone()]).unwrap();
    }
    for e in &m.escapes {
        writeln!(out, "escape {:?}", &text[e.clone()]).unwrap();
    }
    for e in &m.errors {
        writeln!(out, "error {:?}: {}", &text[e.range.clone()], e.message).unwrap();
    }
    let bare: Vec<&str> = m.bare_prose(text).into_iter().map(|r| &text[r]).collect();
    writeln!(out, "bare prose {bare:?}").unwrap();
    out
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&render(text));
}

#[test]
fn the_taste_of_the_spec() {
    check(
        "{#saivetz-2024 date=2024-11-18 author=@carol-saivetz publisher=@national-interest}\n\
         In early October 2024, [Ukrainian intelligence]{@ua-intel} announced that\n\
         [several thousand North Korean soldiers]{claim=nk-troops-in-russia src=@ua-intel date=2024-10}\n\
         had begun training. [Vladimir Putin]{@putin} and [Kim Jong-un]{@kim-jong-un} signed.\n",
        expect![[r#"
            header "{#saivetz-2024 date=2024-11-18 author=@carol-saivetz publisher=@national-interest}"
                def "saivetz-2024"
                date = bare "2024-11-18"
                author = refs ["carol-saivetz"]
                publisher = refs ["national-interest"]
            span 0 "Ukrainian intelligence" prose "Ukrainian intelligence"
                ref "ua-intel"
            span 1 "several thousand North Korean soldiers" prose "several thousand North Korean soldiers"
                claim = bare "nk-troops-in-russia"
                src = refs ["ua-intel"]
                date = bare "2024-10"
            span 2 "Vladimir Putin" prose "Vladimir Putin"
                ref "putin"
            span 3 "Kim Jong-un" prose "Kim Jong-un"
                ref "kim-jong-un"
            bare prose ["\nIn early October 2024, ", " announced that\n", "\nhad begun training. ", " and ", " signed.\n"]
        "#]],
    );
}

#[test]
fn spans_nest_in_order_of_their_brackets() {
    check(
        "[[Putin]{@putin}'s visit]{@visit-2024} [a [b [c]{@c} d]{@b} e]{@a}",
        expect![[r#"
            span 0 "[Putin]{@putin}'s visit" prose "Putin's visit"
                ref "visit-2024"
            span 1 in 0 "Putin" prose "Putin"
                ref "putin"
            span 2 "a [b [c]{@c} d]{@b} e" prose "a b c d e"
                ref "a"
            span 3 in 2 "b [c]{@c} d" prose "b c d"
                ref "b"
            span 4 in 3 "c" prose "c"
                ref "c"
            bare prose [" "]
        "#]],
    );
}

#[test]
fn brackets_that_do_not_form_a_span_are_prose() {
    check(
        "He said [sic] and cited [1]; a stray ] and ]{@x} are text. [he said [sic] 10,000]{claim=x} [a ] b]{@y} [sic]{% as printed %}",
        expect![[r#"
            span 0 "he said [sic] 10,000" prose "he said [sic] 10,000"
                claim = bare "x"
            comment "{% as printed %}"
            bare prose ["He said [sic] and cited [1]; a stray ] and ]{@x} are text. ", " [a ] b]{@y} [sic]"]
        "#]],
    );
    let text = "x [A] y\nx {B} z\n";
    let tree = parse_tree(text, None);
    assert!(!tree.root_node().has_error(), "{}", tree.root_node().to_sexp());
}

#[test]
fn attributes_are_typed() {
    check(
        r#"[x]{@a #b claim=nk-troops src=@u,@v.w note="say \"hi\" } \\ \n" date=2024-10	url=https://x.org/?a=1&b}"#,
        expect![[r#"
            span 0 "x" prose "x"
                ref "a"
                def "b"
                claim = bare "nk-troops"
                src = refs ["u", "v.w"]
                note = quoted "say \"hi\" } \\ \\n"
                date = bare "2024-10"
                url = bare "https://x.org/?a=1&b"
            bare prose []
        "#]],
    );
    let text = "[x]{claim=c src=@a,@b}";
    let m = Markup::parse(text);
    let block = &m.spans[0].block;
    assert_eq!(&text[block.get("src").unwrap().range.clone()], "@a,@b");
    assert_eq!(block.get("src").unwrap().as_str(text), "@a,@b");
    assert_eq!(block.get("claim").unwrap().as_str(text), "c");
    assert!(block.get("date").is_none());
    assert_eq!(&text[block.range.clone()], "{claim=c src=@a,@b}");
    assert_eq!(&text[block.attrs[1].range.clone()], "src=@a,@b");
}

#[test]
fn bad_attributes_are_errors_on_the_attribute() {
    check(
        r#"[a]{@ok %% foo claim= Bad=1 @a. #-x src=@a,b q="x"y =v @é {z}"#,
        expect![[r##"
            span 0 "a" prose "a"
                ref "ok"
            error "%%": bad attribute `%%`: expected @id, #id or key=value
            error "foo": bad attribute `foo`: expected @id, #id or key=value
            error "claim=": bad attribute `claim=`: the value is missing
            error "Bad=1": bad attribute `Bad=1`: expected @id, #id or key=value
            error "@a.": bad attribute `@a.`: expected @id, #id or key=value
            error "#-x": bad attribute `#-x`: expected @id, #id or key=value
            error "src=@a,b": bad attribute `src=@a,b`: expected @id, #id or key=value
            error "q=\"x\"y": bad attribute `q="x"y`: expected @id, #id or key=value
            error "=v": bad attribute `=v`: expected @id, #id or key=value
            error "@é": bad attribute `@é`: expected @id, #id or key=value
            error "{z": bad attribute `{z`: expected @id, #id or key=value
            bare prose []
        "##]],
    );
}

#[test]
fn header_is_an_attribute_block_alone_on_the_first_non_blank_line() {
    check(
        "\u{feff}\n  \n  {#doc date=2024-11-18 author=@carol}  \r\nText {not a header}\n",
        expect![[r#"
            header "{#doc date=2024-11-18 author=@carol}"
                def "doc"
                date = bare "2024-11-18"
                author = refs ["carol"]
            bare prose ["\u{feff}\n  \n  ", "  \r\nText {not a header}\n"]
        "#]],
    );
    for text in ["Text\n{#doc}\n", "{#doc} trailing words\n", "{#doc\n", "[x]{@a}\n{#doc}", "{% c %}\n{#doc}", "{%#doc}"] {
        let m = Markup::parse(text);
        assert!(m.header.is_none(), "{text:?}");
        assert!(m.errors.is_empty() || text.starts_with("{%#"), "{text:?}: {:?}", m.errors);
    }
    check(
        "{#doc Date=1}",
        expect![[r#"
            header "{#doc Date=1}"
                def "doc"
            error "Date=1": bad attribute `Date=1`: expected @id, #id or key=value
            bare prose []
        "#]],
    );
}

#[test]
fn unclosed_block_is_an_error_at_its_brace_and_the_next_line_parses() {
    check(
        "[Putin]{@putin [not]{@a\n[Kim]{@kim} [a]{note=\"}\n[b [c]{@c \n d]{@d}",
        expect![[r#"
            span 0 "Kim" prose "Kim"
                ref "kim"
            span 1 "b [c]{@c \n d" prose "b [c]{@c d"
                ref "d"
            error "{": attribute block not closed on its line: add `}`
            error "{": attribute block not closed on its line: add `}`
            error "{": attribute block not closed on its line: add `}`
            bare prose ["[Putin]{@putin [not]{@a\n", " [a]{note=\"}\n"]
        "#]],
    );
    let m = Markup::parse("[Putin]{@putin\n");
    assert_eq!(m.errors[0].range, 7..8);
}

#[test]
fn spans_run_over_lines_but_not_over_blank_lines() {
    check(
        "[two\nlines]{@a} [two\r\nlines]{@b} [two\n\nparagraphs]{@c} [two\r\n \t\r\nparagraphs]{@d} [x\n\u{3000}\ny]{@e}",
        expect![[r#"
            span 0 "two\nlines" prose "two lines"
                ref "a"
            span 1 "two\r\nlines" prose "two lines"
                ref "b"
            bare prose [" ", " [two\n\nparagraphs]{@c} [two\r\n \t\r\nparagraphs]{@d} [x\n\u{3000}\ny]{@e}"]
        "#]],
    );
}

#[test]
fn comments_and_escapes() {
    check(
        "[약 [1만]{@x} \\[명\\] {% note ] %}\n  soldiers]{claim=c} \\\\ \\% \\{ \\} \\n {%%} a {% one\ntwo %} b {% open\n\nnext",
        expect![[r#"
            span 0 "약 [1만]{@x} \\[명\\] {% note ] %}\n  soldiers" prose "약 1만 [명] soldiers"
                claim = bare "c"
            span 1 in 0 "1만" prose "1만"
                ref "x"
            comment "{% note ] %}"
            comment "{%%}"
            comment "{% one\ntwo %}"
            comment "{% open"
            escape "\\["
            escape "\\]"
            escape "\\\\"
            escape "\\%"
            escape "\\{"
            escape "\\}"
            error "{%": comment not closed before the end of its paragraph: add `%}`
            bare prose [" \\\\ \\% \\{ \\} \\n ", " a ", " b ", "\n\nnext"]
        "#]],
    );
    let other = "intro [x]{@a} outro {% c %} end";
    assert_eq!(Markup::parse(other).bare_prose(other), [0..6, 13..20, 27..31]);
}

#[test]
fn brackets_in_comments_and_quoted_values_do_not_count() {
    check(
        r#"[a {% ] %} b]{@x} [a [b]{note="]{"} c]{@y}"#,
        expect![[r#"
            span 0 "a {% ] %} b" prose "a b"
                ref "x"
            span 1 "a [b]{note=\"]{\"} c" prose "a b c"
                ref "y"
            span 2 in 1 "b" prose "b"
                note = quoted "]{"
            comment "{% ] %}"
            bare prose [" "]
        "#]],
    );
}

#[test]
fn non_ascii_everywhere() {
    check(
        "[북한군 1만 명]{claim=nk-troops} и [Ким Чен Ын]{@kim-jong-un note=\"한국어 😀\" place=Пхеньян} 😀",
        expect![[r#"
            span 0 "북한군 1만 명" prose "북한군 1만 명"
                claim = bare "nk-troops"
            span 1 "Ким Чен Ын" prose "Ким Чен Ын"
                ref "kim-jong-un"
                note = quoted "한국어 😀"
                place = bare "Пхеньян"
            bare prose [" и ", " 😀"]
        "#]],
    );
}

#[test]
fn prose_folds_white_space_and_trims() {
    let text = "[  a \n\t b {% c %} \\[d\\]  ]{@x}";
    let m = Markup::parse(text);
    assert_eq!(m.prose(text, m.spans[0].text.clone()), "a b [d]");
    assert_eq!(m.prose(text, 0..0), "");
}

#[test]
fn hostile_input_parses() {
    let nested = "[".repeat(100_000) + "text";
    let m = Markup::parse(&nested);
    assert!(m.spans.is_empty() && m.errors.is_empty());
    assert_tiles(&nested);

    // Nesting is limited: the innermost spans are spans, the rest prose.
    let deep = "[".repeat(100_000) + "x" + &"]{@a}".repeat(100_000);
    let m = Markup::parse(&deep);
    assert_eq!(m.spans.len(), 64);
    assert_eq!(m.spans.iter().filter(|s| s.parent.is_none()).count(), 1);

    // One line of a megabyte, with many spans.
    let line = "[x]{@a} [y [z]{#b k=\"v\"}]{src=@c,@d} ".repeat(1 << 20 >> 5);
    assert!(line.len() >= 1 << 20);
    let m = Markup::parse(&line);
    assert_eq!(m.spans.len(), 3 * (1 << 20 >> 5));
    assert!(m.errors.is_empty());

    // Look-ahead that could go quadratic.
    for (piece, spans, errors) in [("{%", 0, 1), ("[{%", 0, 1), ("[a]{", 0, 1), ("[[a]{", 0, 1), ("]{", 0, 0)] {
        let text = piece.repeat(100_000);
        let m = Markup::parse(&text);
        assert_eq!((m.spans.len(), m.errors.len()), (spans, errors), "{piece}");
    }
}

#[test]
fn incremental_reparse_matches_a_fresh_parse() {
    let text = "[Putin]{@putin} met [Kim]{@kim}.\n\n[10,000]{claim=x}\n";
    let mut tree = parse_tree(text, None);
    // Typing a `[` before "met" makes no span; closing the paragraph's
    // first span's block changes another.
    let edited = reparse(&mut tree, text, 16..16, "[");
    assert_eq!(Markup::from_tree(&tree, &edited), Markup::parse(&edited));
    let edited2 = reparse(&mut tree, &edited, 15..16, "");
    assert_eq!(Markup::from_tree(&tree, &edited2), Markup::parse(&edited2));
    assert_eq!(tree.root_node().to_sexp(), parse_tree(&edited2, None).root_node().to_sexp());
}

fn point(text: &str, byte: usize) -> Point {
    let before = &text[..byte];
    let row = before.matches('\n').count();
    let column = byte - before.rfind('\n').map_or(0, |i| i + 1);
    Point { row, column }
}

/// Edits `tree` for replacing `range` of `text` with `with`, reparses
/// incrementally into `tree`; returns the new text.
fn reparse(tree: &mut Tree, text: &str, range: Range<usize>, with: &str) -> String {
    let new = format!("{}{with}{}", &text[..range.start], &text[range.end..]);
    let new_end = range.start + with.len();
    tree.edit(&InputEdit {
        start_byte: range.start,
        old_end_byte: range.end,
        new_end_byte: new_end,
        start_position: point(text, range.start),
        old_end_position: point(text, range.end),
        new_end_position: point(&new, new_end),
    });
    *tree = parse_tree(&new, Some(tree));
    new
}

/// The leaves of the tree tile the text: in order, no gaps, no overlaps,
/// every byte in exactly one leaf (but a byte order mark at the start,
/// which tree-sitter skips); and the grammar produced no ERROR or MISSING
/// node.
fn leaves_tile(text: &str) -> Result<(), String> {
    let tree = parse_tree(text, None);
    let root = tree.root_node();
    let mut at = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if root.byte_range() != (at..text.len()) {
        return Err(format!("root covers {:?}, text is {} bytes", root.byte_range(), text.len()));
    }
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.is_error() || node.is_missing() {
            return Err(format!("{} at {:?}", node.to_sexp(), node.byte_range()));
        }
        if !cursor.goto_first_child() {
            if root.byte_range().is_empty() {
                return Ok(());
            }
            if node.start_byte() != at {
                return Err(format!("leaf {} at {:?}, expected it at {at}", node.kind(), node.byte_range()));
            }
            if node.end_byte() <= node.start_byte() {
                return Err(format!("empty leaf {} at {:?}", node.kind(), node.byte_range()));
            }
            at = node.end_byte();
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    return if at == text.len() { Ok(()) } else { Err(format!("leaves end at {at} of {}", text.len())) };
                }
            }
        }
    }
}

fn assert_tiles(text: &str) {
    if let Err(e) = leaves_tile(text) {
        panic!("{e} in {text:?}");
    }
}

/// The typed view is well formed: every range on char boundaries and in
/// the text, spans in order of their `[`, each inside its parent.
fn well_formed(text: &str, m: &Markup) -> Result<(), String> {
    let ok = |r: &Range<usize>| r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end);
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut blocks: Vec<&AttrBlock> = m.header.iter().collect();
    for (i, s) in m.spans.iter().enumerate() {
        ranges.extend([s.range.clone(), s.text.clone()]);
        blocks.push(&s.block);
        if i > 0 && m.spans[i - 1].range.start >= s.range.start {
            return Err(format!("span {i} out of order"));
        }
        if !(s.range.start < s.text.start && s.text.end < s.block.range.start && s.block.range.end == s.range.end) {
            return Err(format!("span {i} parts out of place"));
        }
        match s.parent {
            Some(p) if p >= i || m.spans[p].text.start > s.range.start || m.spans[p].text.end < s.range.end => {
                return Err(format!("span {i} not inside its parent {p}"));
            }
            None if m.spans[..i].iter().any(|o| o.range.start <= s.range.start && s.range.end <= o.range.end) => {
                return Err(format!("span {i} has no parent but is nested"));
            }
            _ => {}
        }
    }
    for b in blocks {
        ranges.push(b.range.clone());
        for a in &b.attrs {
            ranges.push(a.range.clone());
            match &a.kind {
                AttrKind::Ref(id) | AttrKind::Def(id) => ranges.push(id.range.clone()),
                AttrKind::Pair { key, value } => {
                    ranges.extend([key.range.clone(), value.range.clone()]);
                    if let ValueKind::Refs(ids) = &value.kind {
                        ranges.extend(ids.iter().map(|i| i.range.clone()));
                    }
                }
            }
        }
    }
    ranges.extend(m.comments.iter().cloned());
    ranges.extend(m.escapes.iter().cloned());
    ranges.extend(m.errors.iter().map(|e| e.range.clone()));
    ranges.extend(m.bare_prose(text));
    match ranges.iter().find(|r| !ok(r)) {
        Some(r) => Err(format!("range {r:?} is not in the text on char boundaries")),
        None => Ok(()),
    }
}

use crate::strategies::markup_text;

/// An edit: where (as fractions of the text), and what to insert.
fn edit() -> impl Strategy<Value = (f64, f64, String)> {
    (0.0..=1.0f64, 0.0..=0.3f64, markup_text().prop_map(|s| s.chars().take(6).collect()))
}

/// `PROPTEST_CASES` when set (for a longer run), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn char_floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(1500), ..ProptestConfig::default() })]

    #[test]
    fn markup_text_parses_whole_and_well_formed(text in markup_text()) {
        prop_assert!(leaves_tile(&text).is_ok(), "{:?}", leaves_tile(&text));
        let m = Markup::parse(&text);
        prop_assert!(well_formed(&text, &m).is_ok(), "{:?}", well_formed(&text, &m));
        for s in &m.spans {
            let _ = m.prose(&text, s.text.clone());
        }
    }

    /// The tree-less reader and the tree agree on every text.
    #[test]
    fn reading_without_a_tree_is_lowering_the_tree(text in markup_text()) {
        prop_assert_eq!(Markup::parse(&text), Markup::from_tree(&parse_tree(&text, None), &text), "{:?}", text);
    }

    #[test]
    fn reading_arbitrary_text_without_a_tree_is_lowering_the_tree(text in "\\PC{0,200}|(?s).{0,200}|\u{feff}[ \n{}#@a=\"\\[\\]\0]{0,30}") {
        prop_assert_eq!(Markup::parse(&text), Markup::from_tree(&parse_tree(&text, None), &text), "{:?}", text);
    }

    #[test]
    fn arbitrary_text_parses_whole_and_well_formed(text in "\\PC{0,200}|(?s).{0,200}") {
        prop_assert!(leaves_tile(&text).is_ok(), "{:?}", leaves_tile(&text));
        let m = Markup::parse(&text);
        prop_assert!(well_formed(&text, &m).is_ok(), "{:?}", well_formed(&text, &m));
        let _ = m.prose(&text, 0..text.len());
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(400), ..ProptestConfig::default() })]

    #[test]
    fn incremental_reparse_is_a_fresh_parse(text in markup_text(), edits in prop::collection::vec(edit(), 1..4)) {
        let mut tree = parse_tree(&text, None);
        let mut text = text;
        for (at, len, with) in edits {
            let start = char_floor(&text, (at * text.len() as f64) as usize);
            let end = char_floor(&text, (start + (len * text.len() as f64) as usize).min(text.len()));
            text = reparse(&mut tree, &text, start..end, &with);
            let fresh = parse_tree(&text, None);
            prop_assert_eq!(tree.root_node().to_sexp(), fresh.root_node().to_sexp(), "{:?}", text);
            prop_assert_eq!(Markup::from_tree(&tree, &text), Markup::from_tree(&fresh, &text));
        }
    }
}

/// Texts where a decision is close, read both ways.
#[test]
fn reading_without_a_tree_agrees_on_close_calls() {
    let cases = [
        "[x]{@-a}",
        "[x]{@a-}",
        "[x]{@a.}",
        "[x]{#_a:b}",
        "[x]{k=@a,@-b}",
        "[x]{k=\"a\0\"}",
        "[x]{k=a\u{a0}b}",
        "\u{2003}{#a}\n[x]{@a}",
        "\u{feff}\n {#a date=2024}  \nx",
        "\u{feff}{%c%}[x]{@a}",
        "\u{85}{#a}",
        "[a [b]{x} c]{y}",
        "[a [b] c]{y}",
        "[x]{%c%}]{@a}",
        "[x\n\n]{@a}",
        "[x]{a=\"b} c\"}",
        "[x]{a=b\"c} d\"}",
    ];
    for text in cases {
        assert_eq!(Markup::parse(text), Markup::from_tree(&parse_tree(text, None), text), "{text:?}");
    }
}

/// The seed articles and the test fixtures, read both ways.
#[test]
fn reading_without_a_tree_agrees_on_the_seeds_and_fixtures() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut dirs = vec![root.join("seeds"), root.join("tests/fixtures")];
    let mut read = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(Markup::parse(&text), Markup::from_tree(&parse_tree(&text, None), &text), "{}", path.display());
                read += 1;
            }
        }
    }
    assert!(read >= 5, "only {read} documents found");
}

/// Look-aheads that end just before, at and just after their budget of
/// code points (two bytes each here, so a budget counted in bytes would
/// show), read both ways: the reader skips prose a run at a time and
/// must spend the budget as the scanner does, one code point at a time.
#[test]
fn reading_without_a_tree_agrees_at_the_look_ahead_limit() {
    for n in 65_515..65_540 {
        let prose = "é".repeat(n);
        for text in [format!("[{prose}]{{@a}}"), format!("[a [b]{{k=\"{prose}\"}} c]{{@d}}"), format!("[a\n{prose}]{{@a}}"), format!("[{prose}\\]]{{@a}}")] {
            assert_eq!(
                Markup::parse(&text),
                Markup::from_tree(&parse_tree(&text, None), &text),
                "{n} code points: {:?}",
                text.chars().take(8).collect::<String>()
            );
        }
    }
}
