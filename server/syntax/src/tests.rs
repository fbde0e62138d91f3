use proptest::prelude::*;

use crate::{parse_tree, AttrKind, Markup, ValueKind};

fn spans(text: &str) -> Vec<(&str, &str, Option<usize>)> {
    let m = Markup::parse(text);
    m.spans.iter().map(|s| (&text[s.text.clone()], &text[s.block.range.clone()], s.parent)).collect()
}

#[test]
fn spans_nest_and_prose_brackets_stay_prose() {
    let text = "[sic] [1] a ]{ stray [[Putin]{@putin}'s visit]{@visit-2024} [he said [sic] 10,000]{claim=x}";
    assert_eq!(spans(text), [
        ("[Putin]{@putin}'s visit", "{@visit-2024}", None),
        ("Putin", "{@putin}", Some(0)),
        ("he said [sic] 10,000", "{claim=x}", None),
    ]);
    assert!(Markup::parse(text).errors.is_empty());
}

#[test]
fn prose_brackets_after_text_are_not_errors() {
    // Regression: the literal "[" of prose once clashed with the span's own
    // "[" and turned the rest of the document into an ERROR.
    let text = "x [A] y\nx {B} z\n";
    let tree = parse_tree(text, None);
    assert!(!tree.root_node().has_error(), "{}", tree.root_node().to_sexp());
}

#[test]
fn attributes_are_typed() {
    let text = "[x]{@a #b claim=nk-troops src=@u,@v note=\"say \\\"hi\\\"\" date=2024-10}";
    let m = Markup::parse(text);
    let kinds: Vec<String> = m.spans[0]
        .block
        .attrs
        .iter()
        .map(|a| match &a.kind {
            AttrKind::Ref(id) => format!("ref {}", id.name),
            AttrKind::Def(id) => format!("def {}", id.name),
            AttrKind::Pair { key, value } => match &value.kind {
                ValueKind::Bare(s) => format!("{}={s}", key.name),
                ValueKind::Quoted(s) => format!("{}=q:{s}", key.name),
                ValueKind::Refs(ids) => format!("{}=refs:{}", key.name, ids.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("+")),
            },
        })
        .collect();
    assert_eq!(kinds, ["ref a", "def b", "claim=nk-troops", "src=refs:u+v", "note=q:say \"hi\"", "date=2024-10"]);
    let src = m.spans[0].block.get("src").unwrap();
    assert_eq!(&text[src.range.clone()], "@u,@v");
}

#[test]
fn header_is_the_first_non_blank_line_only() {
    let m = Markup::parse("\n\n{#doc date=2024-11-18 author=@carol}\nText {not a header}\n");
    assert_eq!(m.header.as_ref().unwrap().def().unwrap().name, "doc");
    assert!(Markup::parse("Text\n{#doc}\n").header.is_none());
    assert!(Markup::parse("{#doc} trailing words\n").header.is_none());
}

#[test]
fn unclosed_block_is_an_error_at_its_brace_and_the_rest_parses() {
    let text = "[Putin]{@putin\n[Kim]{@kim}\n";
    let m = Markup::parse(text);
    assert_eq!(m.errors.len(), 1);
    assert_eq!(m.errors[0].range, 7..8);
    assert_eq!(spans(text), [("Kim", "{@kim}", None)]);
}

#[test]
fn bad_attributes_are_errors_on_the_attribute() {
    let text = "[a]{@ok %% foo claim= Bad=1}";
    let m = Markup::parse(text);
    let bad: Vec<&str> = m.errors.iter().map(|e| &text[e.range.clone()]).collect();
    assert_eq!(bad, ["%%", "foo", "claim=", "Bad=1"], "{:?}", m.errors);
    assert_eq!(m.spans[0].block.attrs.len(), 1);
}

#[test]
fn spans_do_not_cross_blank_lines_but_cross_lines() {
    assert_eq!(spans("[two\nlines]{@a}"), [("two\nlines", "{@a}", None)]);
    assert_eq!(spans("[two\r\nlines]{@a}"), [("two\r\nlines", "{@a}", None)]);
    assert!(spans("[two\n\nparagraphs]{@a}").is_empty());
    assert!(spans("[two\r\n  \r\nparagraphs]{@a}").is_empty());
}

#[test]
fn comments_escapes_and_prose() {
    let text = "[약 [1만]{@x} \\[명\\] {% note %}\n  soldiers]{claim=c}";
    let m = Markup::parse(text);
    assert_eq!(m.comments.len(), 1);
    assert_eq!(m.escapes.len(), 2);
    assert_eq!(m.prose(text, m.spans[0].text.clone()), "약 1만 [명] soldiers");
    let other = "intro [x]{@a} outro {% c %} end";
    let bare = Markup::parse(other).bare_prose(other);
    assert_eq!(bare, [0..6, 13..20, 27..31]);
}

#[test]
fn brackets_inside_comments_and_quoted_values_do_not_count() {
    assert_eq!(spans("[a {% ] %} b]{@x}"), [("a {% ] %} b", "{@x}", None)]);
    assert_eq!(spans("[a [b]{note=\"]}\"} c]{@x}").len(), 2);
}

#[test]
fn hostile_input_parses() {
    let nested = "[".repeat(100_000) + "text";
    let m = Markup::parse(&nested);
    assert!(m.spans.is_empty());
    let many = "[x]{@a} ".repeat(20_000);
    assert_eq!(Markup::parse(&many).spans.len(), 20_000);
}

/// Every byte of the input belongs to exactly one node, its innermost:
/// the root covers the text, and every node's children are in order,
/// disjoint and inside it. Without syntax errors the leaves alone tile the
/// text; error recovery may leave a byte to the node around an ERROR.
fn leaves_tile(text: &str) -> Result<(), String> {
    let tree = parse_tree(text, None);
    let root = tree.root_node();
    if root.byte_range() != (0..text.len()) {
        return Err(format!("root covers {:?}, text is {} bytes", root.byte_range(), text.len()));
    }
    let strict = !root.has_error();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let mut at = node.start_byte();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            if child.start_byte() < at || child.end_byte() > node.end_byte() {
                return Err(format!("{} at {:?} overlaps or leaves {} at {:?}", child.kind(), child.byte_range(), node.kind(), node.byte_range()));
            }
            if strict && child.start_byte() != at {
                return Err(format!("gap before {} at {:?} in {}", child.kind(), child.byte_range(), node.kind()));
            }
            at = child.end_byte();
            stack.push(child);
        }
        if strict && node.child_count() > 0 && at != node.end_byte() {
            return Err(format!("gap at the end of {} {:?}", node.kind(), node.byte_range()));
        }
    }
    Ok(())
}

fn markup_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[".to_string()),
        Just("]".to_string()),
        Just("]{".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("@a".to_string()),
        Just("#b".to_string()),
        Just("claim=x".to_string()),
        Just("src=@a,@b".to_string()),
        Just("\"q\\\"\"".to_string()),
        Just("{%".to_string()),
        Just("%}".to_string()),
        Just("\\".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\n\n".to_string()),
        Just("한국".to_string()),
        Just("😀".to_string()),
        "[a-z0-9,.=]{1,5}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn markup_never_panics_and_leaves_tile(text in markup_text()) {
        let m = Markup::parse(&text);
        prop_assert!(leaves_tile(&text).is_ok(), "{:?}", leaves_tile(&text));
        let ok = |r: &std::ops::Range<usize>| r.start <= r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end);
        for s in &m.spans {
            prop_assert!(ok(&s.range) && ok(&s.text) && ok(&s.block.range));
            let _ = m.prose(&text, s.text.clone());
        }
        for e in &m.errors {
            prop_assert!(ok(&e.range));
        }
        for r in m.bare_prose(&text) {
            prop_assert!(ok(&r));
        }
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let m = Markup::parse(&text);
        prop_assert!(leaves_tile(&text).is_ok(), "{:?}", leaves_tile(&text));
        let _ = m.bare_prose(&text);
    }
}
