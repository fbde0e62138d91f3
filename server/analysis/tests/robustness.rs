//! Analysis on arbitrary text never panics: diagnostics, and every
//! feature at every offset.

use gloss_analysis::diagnostics::workspace_diagnostics;
use gloss_analysis::features::{code_actions, completion, goto, hover, outline, references, rename, tokens};
use gloss_analysis::Workspace;
use proptest::prelude::*;

const REGISTRY: &str = "[actor.a]\nname = \"Alpha\"\naliases = [\"Al\"]\n[subject.x]\nname = \"X\"\nunit = \"u\"\n[source.s]\ntitle = \"S\"\n";

fn markup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[".to_string()),
        Just("]{".to_string()),
        Just("}".to_string()),
        Just("@a".to_string()),
        Just("#b ".to_string()),
        Just("claim=x ".to_string()),
        Just("src=@s,@a ".to_string()),
        Just("value=~5 ".to_string()),
        Just("date=2024-10 ".to_string()),
        Just("ack=unsourced-claim ".to_string()),
        Just("10,000 ".to_string()),
        Just("Alpha ".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("한국 ".to_string()),
        Just("😀".to_string()),
        "[a-z ]{1,6}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn exercise(text: &str) {
    let mut ws = Workspace::new();
    ws.set_registry("gloss.toml", REGISTRY, true);
    let id = ws.set_document("a.txt", text);
    ws.set_document("b.txt", "[3]{claim=x src=@a}");
    let a = ws.snapshot();
    let _ = workspace_diagnostics(&a);
    let _ = tokens::semantic_tokens(&a, id);
    let _ = outline::document_symbols(&a, id);
    let _ = outline::folding_ranges(&a, id);
    let _ = outline::code_lenses(&a, id);
    let _ = outline::inlay_hints(&a, id, 0..text.len());
    let _ = outline::workspace_symbols(&a, "a");
    for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
        let _ = hover::hover(&a, id, offset);
        let _ = goto::definition(&a, id, offset);
        let _ = goto::subject(&a, id, offset);
        let _ = references::references(&a, id, offset, true);
        let _ = references::highlights(&a, id, offset);
        let _ = completion::complete(&a, id, offset).items;
        if let Ok(edit) = rename::rename(&a, id, offset, "renamed") {
            let _ = edit.apply(id, text);
        }
        for action in code_actions::code_actions(&a, id, offset..offset) {
            let _ = action.edit.apply(id, text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn markup_like_text(text in markup()) {
        exercise(&text);
    }

    #[test]
    fn any_text(text in "\\PC{0,60}") {
        exercise(&text);
    }
}
