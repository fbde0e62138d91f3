//! Property-test strategies for markup (with the `test-support` feature,
//! for other crates' tests; always in this crate's own).

use proptest::prelude::*;

/// One piece of markup-heavy text: brackets, braces, escapes, comments,
/// attributes, line ends of every kind, blank lines, non-ASCII, NUL.
pub fn markup_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("[".to_string()),
        4 => Just("]".to_string()),
        4 => Just("]{".to_string()),
        2 => Just("{".to_string()),
        3 => Just("}".to_string()),
        2 => Just("@a".to_string()),
        1 => Just("#b".to_string()),
        1 => Just("claim=x".to_string()),
        1 => Just("src=@a,@b".to_string()),
        1 => Just("k=".to_string()),
        2 => Just("\"".to_string()),
        1 => Just("\"q\\\"\"".to_string()),
        2 => Just("{%".to_string()),
        2 => Just("%}".to_string()),
        1 => Just("%".to_string()),
        2 => Just("\\".to_string()),
        3 => Just(" ".to_string()),
        1 => Just("\t".to_string()),
        2 => Just("\n".to_string()),
        1 => Just("\r\n".to_string()),
        1 => Just("\r".to_string()),
        1 => Just("\n\n".to_string()),
        1 => Just("\n \n".to_string()),
        1 => Just("한국".to_string()),
        1 => Just("😀".to_string()),
        1 => Just("\u{a0}".to_string()),
        2 => "[a-z0-9,.:=_-]{1,5}",
        1 => Just("@".to_string()),
        1 => Just("#".to_string()),
        1 => Just("=".to_string()),
        1 => "[-.:_A-Z]{1,2}",
        1 => Just("\0".to_string()),
        1 => Just("\u{2003}".to_string()),
        1 => Just("\u{85}".to_string()),
        2 => Just("]{@".to_string()),
        1 => Just("]{#".to_string()),
        1 => Just("]{k=".to_string()),
    ]
}

/// Text heavy in markup: up to 60 [`markup_piece`]s.
pub fn markup_text() -> impl Strategy<Value = String> {
    prop::collection::vec(markup_piece(), 0..60).prop_map(|v| v.concat())
}
