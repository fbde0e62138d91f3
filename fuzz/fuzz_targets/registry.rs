//! The registry loader on arbitrary TOML text, as `gloss.toml` and as a
//! listed registry file, then a whole workspace with it: diagnostics and
//! features over a document that refers to its ids.
#![no_main]

use gloss_analysis::registry::read_registry;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

const DOC: &str = "{#doc date=2024-10-17}\n[Vladimir Putin]{@putin} and [Putin]{@russia} met. [about 10,000 troops]{claim=nk-troops src=@ua-intel,@putin via=@cnn-2024}.\n[x]{#local kind=person} [y]{@local}\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for is_config in [true, false] {
        let facts = read_registry(text, is_config);
        for p in &facts.problems {
            assert!(p.range.start <= p.range.end && p.range.end <= text.len(), "problem range {:?}", p.range);
        }
        for d in &facts.definitions {
            let _ = format!("{d:?}");
        }
    }
    // As gloss.toml of a workspace.
    let (mut ws, doc) = common::workspace(text, DOC);
    let analysis = ws.snapshot();
    let config = analysis.file_id("gloss.toml").unwrap();
    common::check_line_index(&analysis, config);
    common::exercise(&analysis, doc, &common::probes(DOC, data));
    common::exercise(&analysis, config, &common::probes(text, data));
    // As a second registry file besides the fixed one.
    ws.set_registry("gloss.toml", common::REGISTRY, true);
    ws.set_registry("more.toml", text, false);
    let analysis = ws.snapshot();
    let more = analysis.file_id("more.toml").unwrap();
    common::exercise(&analysis, more, &common::probes(text, data));
    common::exercise(&analysis, doc, &[0, 30, 60]);
});
