//! Hover, definition, references, rename, completion and the rest, on
//! fixtures with a `$0` cursor.

use gloss_analysis::features::{code_actions, completion, goto, hover, outline, references, rename, tokens};
use gloss_analysis::fixture::Fixture;
use gloss_analysis::{Analysis, FileId};

const WORLD: &str = r#"//- gloss.toml
[workspace]
registry = ["registry.toml"]
//- registry.toml
[actor.putin]
name = "Vladimir Putin"
kind = "person"
role = "President of Russia"
country = "@russia"
aliases = ["Putin", "President Putin"]

[actor.russia]
name = "Russia"
kind = "state"

[actor.dprk]
name = "North Korea"
kind = "state"

[actor.ua-intel]
name = "Ukrainian military intelligence"
kind = "agency"

[source.isw]
title = "Institute for the Study of War"
reliability = "B"
url = "https://www.understandingwar.org"

[treaty.csp-treaty]
name = "Treaty on Comprehensive Strategic Partnership"
signed = 2024-06-19
parties = ["@russia", "@dprk"]
signatories = ["@putin"]
provisions = ["Art. 4: immediate military assistance"]

[subject.nk-troops]
name = "North Korean troops in Russia"
unit = "soldiers"
"#;

struct World {
    analysis: Analysis,
    file: FileId,
    offset: usize,
    fixture: Fixture,
}

fn world(doc: &str) -> World {
    let fixture = Fixture::parse(&format!("{WORLD}//- a.txt\n{doc}"));
    let analysis = fixture.analysis();
    let (i, offset) = fixture.cursor.expect("a $0 cursor");
    let file = analysis.files().find(|(_, f)| f.path == fixture.files[i].path).unwrap().0;
    World { analysis, file, offset, fixture }
}

fn text_at(w: &World, file: FileId, range: std::ops::Range<usize>) -> String {
    w.analysis.file(file).unwrap().text[range].to_string()
}

fn path(w: &World, file: FileId) -> &str {
    &w.analysis.file(file).unwrap().path
}

#[test]
fn hover_on_an_actor_shows_its_card() {
    let w = world("{#doc date=2024-10-20}\n[Vladimir Putin]{@pu$0tin} and [Putin]{@putin} signed [the treaty]{@csp-treaty}.\n");
    let h = hover::hover(&w.analysis, w.file, w.offset).unwrap();
    assert_eq!(text_at(&w, w.file, h.range), "putin");
    let md = h.markdown;
    assert!(md.starts_with("### Vladimir Putin\n*actor · person* · `@putin`"), "{md}");
    assert!(md.contains("President of Russia"), "{md}");
    assert!(md.contains("**Also called:** Putin, President Putin"), "{md}");
    assert!(md.contains("**country:** Russia (`@russia`)"), "{md}");
    assert!(md.contains("Mentioned 2 times in 1 document."), "{md}");
    assert!(md.contains("**Party to:** Treaty on Comprehensive Strategic Partnership (signed 2024-06-19)"), "{md}");
}

#[test]
fn hover_on_span_text_and_on_a_treaty() {
    let w = world("[the mutual $0defence treaty]{@csp-treaty}\n");
    let md = hover::hover(&w.analysis, w.file, w.offset).unwrap().markdown;
    assert!(md.contains("### Treaty on Comprehensive Strategic Partnership"), "{md}");
    assert!(md.contains("**parties:** Russia (`@russia`), North Korea (`@dprk`)"), "{md}");
    assert!(md.contains("- Art. 4: immediate military assistance"), "{md}");
}

#[test]
fn hover_on_a_claim_shows_the_ledger_with_conflicts() {
    let fixture = format!(
        "{WORLD}//- a.txt\n{{#a date=2024-10-17}}\n[approximately $010,000 soldiers]{{claim=nk-troops src=@ua-intel cred=2 note=\"from a briefing\"}}\n//- b.txt\n{{#b date=2024-10-23}}\n[around 3,000]{{claim=nk-troops src=@isw}}\n"
    );
    let f = Fixture::parse(&fixture);
    let analysis = f.analysis();
    let file = analysis.files().find(|(_, x)| x.path == "a.txt").unwrap().0;
    let md = hover::hover(&analysis, file, f.cursor.unwrap().1).unwrap().markdown;
    assert!(md.contains("### Claim: North Korean troops in Russia"), "{md}");
    assert!(md.contains("**≈10,000 soldiers**: approximate, interval [8,000, 12,000] (read from the text)"), "{md}");
    assert!(md.contains("**Date:** 2024-10-17"), "{md}");
    assert!(md.contains("**Sources:** Ukrainian military intelligence (`@ua-intel`)"), "{md}");
    assert!(md.contains("**Grade:** ?2"), "{md}");
    assert!(md.contains("**Note:** from a briefing"), "{md}");
    assert!(md.contains("| ⚠ conflicts | ≈3,000 | @isw | 2024-10-23 | b.txt:2 |"), "{md}");
}

#[test]
fn definition_of_a_mention_is_the_registry_table_and_of_a_claim_its_sources() {
    let w = world("[Putin]{@pu$0tin}\n");
    let locs = goto::definition(&w.analysis, w.file, w.offset);
    assert_eq!(locs.len(), 1);
    assert_eq!(path(&w, locs[0].file), "registry.toml");
    assert_eq!(text_at(&w, locs[0].file, locs[0].range.clone()), "putin");

    let w = world("[a report]{#rep kind=report}\n[$010,000 troops]{claim=nk-troops src=@ua-intel via=@rep}\n");
    let locs = goto::definition(&w.analysis, w.file, w.offset);
    let found: Vec<_> = locs.iter().map(|l| (path(&w, l.file).to_string(), text_at(&w, l.file, l.range.clone()))).collect();
    assert_eq!(found, [("registry.toml".to_string(), "ua-intel".to_string()), ("a.txt".to_string(), "rep".to_string())]);
    let subject = goto::subject(&w.analysis, w.file, w.offset);
    assert_eq!(text_at(&w, subject[0].file, subject[0].range.clone()), "nk-troops");
}

#[test]
fn definition_prefers_the_inline_span_and_from_a_definition_lists_mentions() {
    let w = world("[Bertrand 2024]{#bertrand kind=source} ... [(Bertrand, 2024)]{@bertr$0and} [again]{@bertrand}\n");
    let locs = goto::definition(&w.analysis, w.file, w.offset);
    assert_eq!(locs.len(), 1);
    assert_eq!(locs[0].range.start, w.fixture.files.last().unwrap().text.find("bertrand").unwrap());
    let back = goto::definition(&w.analysis, w.file, locs[0].range.start);
    assert_eq!(back.len(), 2);
}

#[test]
fn references_across_documents_and_registry() {
    let w = world("[Russia]{@rus$0sia} and [Moscow]{@russia}\n");
    let refs = references::references(&w.analysis, w.file, w.offset, true);
    let mut found: Vec<_> = refs.iter().map(|l| path(&w, l.file).to_string()).collect();
    found.sort();
    // Two mentions, `country` of putin, `parties` of the treaty, and the definition.
    assert_eq!(found, ["a.txt", "a.txt", "registry.toml", "registry.toml", "registry.toml"]);
    let hl = references::highlights(&w.analysis, w.file, w.offset);
    assert_eq!(hl.len(), 2);
    assert!(hl.iter().all(|(_, definition)| !definition));
    // In the registry, in order: putin's country, the table, the treaty's
    // parties; nothing of a.txt.
    let registry = w.analysis.files().find(|(_, f)| f.path == "registry.toml").unwrap().0;
    let at = w.analysis.file(registry).unwrap().text.find("\"@russia\"").unwrap() + 2;
    let hl = references::highlights(&w.analysis, registry, at);
    assert_eq!(hl.iter().map(|(_, definition)| *definition).collect::<Vec<_>>(), [false, true, false], "{hl:?}");
}

/// A long answer read in parts (side by side, by the server): the parts'
/// locations one after the other are the whole answer, and no file is in
/// two parts.
#[test]
fn references_read_in_parts_are_the_whole_answer() {
    let mut fixture = format!("{WORLD}//- a.txt\n[him]{{@bert$0rand}} [him]{{@bertrand}}\n");
    for (name, uses) in [("b", 5), ("c", 1), ("d", 3), ("e", 7), ("f", 2)] {
        fixture.push_str(&format!("//- {name}.txt\n{}\n", "[Bertrand]{@bertrand} ".repeat(uses)));
        // The definition in a file that starts a part (four uses a part: a b, c d, e, f).
        if name == "e" {
            fixture.push_str("[Bertrand 2024]{#bertrand kind=source}\n");
        }
    }
    let fixture = Fixture::parse(&fixture);
    let analysis = fixture.analysis();
    let (i, offset) = fixture.cursor.unwrap();
    let file = analysis.files().find(|(_, f)| f.path == fixture.files[i].path).unwrap().0;
    for include_declaration in [true, false] {
        let whole = references::references(&analysis, file, offset, include_declaration);
        assert_eq!(whole.len(), 20 + usize::from(include_declaration));
        let found = references::found(&analysis, file, offset, include_declaration);
        for n in 1..=8 {
            let parts = found.parts(n);
            assert!(parts.len() <= n && parts.iter().all(|p| !p.is_empty()), "{n}: {} parts", parts.len());
            let read: Vec<Vec<_>> = parts.iter().map(|p| p.locations(&analysis)).collect();
            assert_eq!(read.concat(), whole, "{n} parts");
            let files: Vec<Vec<FileId>> = read.iter().map(|r| r.iter().map(|l| l.file).collect()).collect();
            for pair in files.windows(2) {
                assert!(pair[0].last() < pair[1].first(), "{n} parts: a file in two of them");
            }
        }
        assert_eq!(found.parts(3).len(), 3, "six files are enough for three parts");
    }
    // Between the two spans: nothing.
    let nothing = references::found(&analysis, file, "[him]{@bertrand}".len(), true);
    assert!(nothing.is_empty() && nothing.parts(2).iter().all(|p| p.locations(&analysis).is_empty()));
}

#[test]
fn rename_updates_spans_and_registry_and_refuses_bad_names() {
    let w = world("[Russia]{@rus$0sia} [x]{claim=nk-troops src=@russia}\n");
    assert_eq!(text_at(&w, w.file, rename::prepare(&w.analysis, w.file, w.offset).unwrap()), "russia");
    let edit = rename::rename(&w.analysis, w.file, w.offset, "ru").unwrap();
    let doc = &w.analysis.file(w.file).unwrap().text;
    assert_eq!(edit.apply(w.file, doc), "[Russia]{@ru} [x]{claim=nk-troops src=@ru}\n");
    let reg = w.analysis.files().find(|(_, f)| f.path == "registry.toml").unwrap();
    let renamed = edit.apply(reg.0, &reg.1.text);
    assert!(renamed.contains("[actor.ru]") && renamed.contains("country = \"@ru\"") && renamed.contains("parties = [\"@ru\", \"@dprk\"]"), "{renamed}");
    assert!(rename::rename(&w.analysis, w.file, w.offset, "bad name").is_err());
    assert!(rename::rename(&w.analysis, w.file, w.offset, "putin").unwrap_err().contains("already defined"));
    let w = world("[10,000 tr$0oops]{claim=nk-troops src=@russia}\n");
    assert!(rename::prepare(&w.analysis, w.file, w.offset).is_err());
}

#[test]
fn completion_of_ids_subjects_and_keys() {
    let w = world("[Putin]{@pu$0}\n");
    let items = completion::complete(&w.analysis, w.file, w.offset).items;
    assert_eq!(items[0].kind, completion::CompletionKind::Actor);
    assert!(items.iter().any(|i| i.label == "putin" && i.detail == "actor (person): Vladimir Putin"));
    assert!(items.iter().all(|i| i.label != "nk-troops"), "subjects are not mentioned with @");
    assert_eq!(&w.fixture.files.last().unwrap().text[items[0].replace.clone()], "pu");

    let w = world("[10,000]{claim=nk$0}\n");
    let items = completion::complete(&w.analysis, w.file, w.offset).items;
    assert_eq!(items.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(), ["nk-troops"]);
    // Declared subjects first, then those only claimed about.
    let w = world("[$5]{claim=nk-pay}\n[10,000]{claim=nk$0}\n");
    let items = completion::complete(&w.analysis, w.file, w.offset).items;
    let found: Vec<_> = items.iter().map(|i| (i.label.as_str(), i.detail.as_str())).collect();
    assert_eq!(found[1], ("nk-pay", "subject: not declared (1 claims)"), "{found:?}");
    assert_eq!(found[0].0, "nk-troops");
    assert!(found[0].1.starts_with("subject: ") && found[0].1.ends_with("(0 claims)"), "{found:?}");

    let w = world("[10,000]{claim=nk-troops src=@$0}\n");
    let items = completion::complete(&w.analysis, w.file, w.offset).items;
    assert!(items.iter().position(|i| i.label == "isw").unwrap() < items.iter().position(|i| i.label == "csp-treaty").unwrap());

    let w = world("[10,000]{claim=nk-troops $0}\n");
    let labels: Vec<_> = completion::complete(&w.analysis, w.file, w.offset).items.into_iter().map(|i| i.label).collect();
    assert!(labels.contains(&"src".to_string()) && labels.contains(&"date".to_string()));

    let w = world("plain prose @$0\n");
    assert!(completion::complete(&w.analysis, w.file, w.offset).items.is_empty());
}

#[test]
fn completion_offers_the_most_likely_ids_first_and_no_more_than_the_limit() {
    // 300 documents, each defining its own id, and two actors.
    let mut fixture = String::from("//- gloss.toml\n[actor.putin]\nname = \"Vladimir Putin\"\n[actor.kim]\nname = \"Kim\"\n");
    for i in 0..300 {
        fixture.push_str(&format!("//- d{i}.txt\n{{#doc-{i} kind=article}}\n[Putin]{{@putin}}\n"));
    }
    fixture.push_str("//- a.txt\n[x]{@$0}\n");
    let f = Fixture::parse(&fixture);
    let analysis = f.analysis();
    let (i, offset) = f.cursor.unwrap();
    let file = analysis.files().find(|(_, x)| x.path == f.files[i].path).unwrap().0;
    let offered = completion::complete(&analysis, file, offset);
    assert!(offered.incomplete, "a list cut at the limit asks to be asked again");
    let items = offered.items;
    assert_eq!(items.len(), completion::LIMIT);
    // Actors first, the most used first.
    assert_eq!(items[0].label, "putin");
    assert_eq!(items[1].label, "kim");
    // What is typed narrows the list, letters in order as editors filter.
    let typed = fixture.replace("[x]{@$0}", "[x]{@dc29$0}");
    let f = Fixture::parse(&typed);
    let analysis = f.analysis();
    let (i, offset) = f.cursor.unwrap();
    let file = analysis.files().find(|(_, x)| x.path == f.files[i].path).unwrap().0;
    let labels: Vec<String> = completion::complete(&analysis, file, offset).items.into_iter().map(|i| i.label).collect();
    // doc-29, doc-290..299, and doc-129, doc-209, doc-219...doc-289 (d, c, 2, 9 in order).
    assert_eq!(labels.len(), 21, "{labels:?}");
    assert!(["doc-29", "doc-299", "doc-129", "doc-209"].iter().all(|l| labels.iter().any(|x| x == l)), "{labels:?}");
}

#[test]
fn symbols_lenses_hints_folds_links_tokens() {
    let w = world("{#doc date=2024-10-01}\n[Putin]{@putin} said [10,000 soldiers]{claim=nk-troops src=@putin}$0 and [3,000]{claim=nk-troops}.\n\nReferences\n\n[ISW, 2024. https://x.org/a]{#isw-2024 kind=source url=\"https://x.org/a\"}\n[CNN, 2024.\nA report.]{#cnn-2024 kind=source}\n");
    let symbols = outline::document_symbols(&w.analysis, w.file);
    assert_eq!(symbols[0].name, "North Korean troops in Russia");
    assert_eq!(symbols[0].children.len(), 2);
    assert!(symbols.iter().any(|s| s.name == "Vladimir Putin" && s.detail.as_deref() == Some("actor @putin: 1 mention")), "{symbols:#?}");

    let lenses = outline::code_lenses(&w.analysis, w.file);
    assert_eq!(lenses[0].1, "2 claims on this subject · 1 conflict");

    let hints = outline::inlay_hints(&w.analysis, w.file, 0..usize::MAX);
    assert_eq!(hints.iter().map(|h| h.label.as_str()).collect::<Vec<_>>(), ["10,000 soldiers", "3,000 soldiers"]);

    let links = outline::document_links(&w.analysis, w.file);
    assert_eq!(links.len(), 1);
    assert_eq!(text_at(&w, w.file, links[0].0.clone()), "https://x.org/a");

    let folds = outline::folding_ranges(&w.analysis, w.file);
    assert!(folds.iter().any(|(_, k)| *k == outline::FoldKind::References), "{folds:?}");

    let summary = outline::summary(&w.analysis);
    assert_eq!(summary, outline::Summary { documents: 1, claims: 2, conflicts: 1 });

    let ws = outline::workspace_symbols(&w.analysis, "put");
    assert_eq!(ws.len(), 1);
    // Case does not matter, in the id or the name; nor outside ASCII.
    assert_eq!(outline::workspace_symbols(&w.analysis, "PUT").len(), 1);
    assert_eq!(outline::workspace_symbols(&w.analysis, "vLADIMIR").len(), 1);
    assert_eq!(outline::workspace_symbols(&w.analysis, "ПУТ").len(), outline::workspace_symbols(&w.analysis, "пут").len());
    assert!(outline::workspace_symbols(&w.analysis, "").len() > 1);

    let toks = tokens::semantic_tokens(&w.analysis, w.file);
    let putin = toks.iter().find(|t| text_at(&w, w.file, t.range.clone()) == "@putin").unwrap();
    assert_eq!(putin.kind, tokens::TokenKind::Actor);
    assert!(toks.windows(2).all(|p| p[0].range.end <= p[1].range.start));
    assert!(toks.iter().all(|t| !text_at(&w, w.file, t.range.clone()).contains('\n')));
}

#[test]
fn quick_fixes() {
    // Unknown id: add it to the registry listed in gloss.toml.
    let w = world("[Sergei Shoigu]{@sho$0igu}\n");
    let actions = code_actions::code_actions(&w.analysis, w.file, w.offset..w.offset);
    let add = actions.iter().find(|a| a.title == "Add `shoigu` to the registry as an actor").unwrap();
    let (reg, edits) = &add.edit.changes[0];
    assert_eq!(path(&w, *reg), "registry.toml");
    assert_eq!(edits[0].new_text, "\n[actor.shoigu]\nname = \"Sergei Shoigu\"\n");

    // Unsourced: take the source from the sentence.
    let w = world("[Ukrainian intelligence]{@ua-intel} says [10,000 $0soldiers]{claim=nk-troops} are there.\n");
    let actions = code_actions::code_actions(&w.analysis, w.file, w.offset..w.offset);
    let fix = actions.iter().find(|a| a.title.starts_with("Take the source")).unwrap();
    let text = &w.analysis.file(w.file).unwrap().text;
    assert!(fix.edit.apply(w.file, text).contains("{claim=nk-troops src=@ua-intel}"));

    // Undeclared subject.
    let w = world("[$2,000 per month]{claim=nk-p$0ay src=@ua-intel}\n");
    let actions = code_actions::code_actions(&w.analysis, w.file, w.offset..w.offset);
    let declare = actions.iter().find(|a| a.title == "Declare subject `nk-pay` in the registry").unwrap();
    assert_eq!(declare.edit.changes[0].1[0].new_text, "\n[subject.nk-pay]\nname = \"nk pay\"\nunit = \"USD\"\n");

    // Unannotated mentions: this one, or all of them.
    let w = world("Pu$0tin met Vladimir Putin.\n");
    let actions = code_actions::code_actions(&w.analysis, w.file, w.offset..w.offset);
    let text = &w.analysis.file(w.file).unwrap().text;
    assert_eq!(actions[0].edit.apply(w.file, text), "[Putin]{@putin} met Vladimir Putin.\n");
    assert_eq!(actions[1].edit.apply(w.file, text), "[Putin]{@putin} met [Vladimir Putin]{@putin}.\n");

    // Ambiguous value: write value=.
    let w = world("[500,000 155 mm$0 shells]{claim=nk-troops src=@ua-intel}\n");
    let actions = code_actions::code_actions(&w.analysis, w.file, w.offset..w.offset);
    let text = &w.analysis.file(w.file).unwrap().text;
    assert_eq!(actions[0].edit.apply(w.file, text), "[500,000 155 mm shells]{claim=nk-troops src=@ua-intel value=500000}\n");
}

/// Completion and workspace symbols search a table of definitions kept
/// between snapshots: it follows every change of a definition, and edits
/// that change none keep it.
#[test]
fn searches_follow_changed_definitions() {
    use gloss_analysis::Workspace;
    let mut ws = Workspace::new();
    ws.set_registry("gloss.toml", "[actor.putin]\nname = \"Vladimir Putin\"\n", true);
    let a = ws.set_document("a.txt", "{#a-doc kind=article}\n[Kim]{#kim kind=person} met [him]{@putin}.\n[x]{@");
    let ids = |ws: &mut Workspace| {
        let analysis = ws.snapshot();
        let at = analysis.file(a).unwrap().text.len();
        let mut ids: Vec<String> = completion::complete(&analysis, a, at).items.into_iter().map(|i| i.label).collect();
        ids.sort();
        ids
    };
    let symbols = |ws: &mut Workspace, q: &str| outline::workspace_symbols(&ws.snapshot(), q).into_iter().map(|(_, s)| s.name).collect::<Vec<_>>();
    assert_eq!(ids(&mut ws), ["a-doc", "kim", "putin"]);
    assert_eq!(symbols(&mut ws, "KIM"), ["Kim"]);
    // A mention typed: no definition changed.
    ws.set_document("a.txt", "{#a-doc kind=article}\n[Kim]{#kim kind=person} met [him]{@putin} and [her]{@kim}.\n[x]{@");
    assert_eq!(symbols(&mut ws, "kim"), ["Kim"]);
    // A definition renamed, another added in a new document, one removed.
    ws.set_document("a.txt", "{#a-doc kind=article}\n[Kim Jong Un]{#kim-jong-un kind=person} met [him]{@putin}.\n[x]{@");
    ws.set_document("b.txt", "[Shoigu]{#shoigu kind=person}\n");
    assert_eq!(ids(&mut ws), ["a-doc", "kim-jong-un", "putin", "shoigu"]);
    assert_eq!(symbols(&mut ws, "kim"), ["Kim Jong Un"]);
    assert_eq!(symbols(&mut ws, "shoi"), ["Shoigu"]);
    ws.remove("b.txt");
    assert!(symbols(&mut ws, "shoi").is_empty());
    // A registry name changed.
    ws.set_registry("gloss.toml", "[actor.putin]\nname = \"V. V. Putin\"\n", true);
    assert_eq!(symbols(&mut ws, "v. v."), ["V. V. Putin"]);
    assert!(symbols(&mut ws, "vladimir").is_empty());
    // Nothing matches across an id and its name.
    assert!(symbols(&mut ws, "putin\u{1}v").is_empty());
}

/// A busy subject's claims table shows fifteen rows, those related to the
/// claim at hand first, and counts the rest; a source's card lists ten
/// of the claims it is the source of.
#[test]
fn hovers_on_busy_subjects_stay_short() {
    use gloss_analysis::Workspace;
    let mut ws = Workspace::new();
    ws.set_registry("gloss.toml", "[subject.x]\nname = \"X\"\nunit = \"u\"\n[actor.s]\nname = \"S\"\n", true);
    let mut text = String::from("[3,000 u]{claim=x src=@s date=2024-10}\n");
    for i in 0..40 {
        text.push_str(&format!("[{} u]{{claim=x src=@s date=2024-10}}\n", if i == 30 { "10" } else { "3,000" }));
    }
    let a = ws.set_document("a.txt", &text);
    let analysis = ws.snapshot();
    let md = hover::hover(&analysis, a, 2).unwrap().markdown;
    assert!(md.contains("**Other claims on this subject** (40)"), "{md}");
    assert_eq!(md.matches("\n| ").count() - 1, 15, "{md}");
    // The one claim in conflict with this one is shown, though it comes late.
    assert!(md.contains("| ⚠ conflicts | 10 |"), "{md}");
    assert!(md.contains("… and 25 more"), "{md}");
    let source = text.find("@s").unwrap() + 1;
    let card = hover::hover(&analysis, a, source).unwrap().markdown;
    assert!(card.contains("**Source of 41 claims:**") && card.contains("- … and 31 more"), "{card}");
}

/// An entity's card counts mentions in documents, and each document once.
#[test]
fn a_card_counts_mentions_and_documents() {
    use gloss_analysis::Workspace;
    let mut ws = Workspace::new();
    ws.set_registry("gloss.toml", "[actor.s]\nname = \"S\"\n[actor.t]\nname = \"T\"\nally = \"@s\"\n", true);
    let a = ws.set_document("a.txt", "[S]{@s} and [S]{@s}\n");
    ws.set_document("b.txt", "[S]{@s}\n");
    ws.set_document("c.txt", "[T]{@t}\n");
    ws.set_document("d.txt", "[T]{@t} [S]{@s}\n");
    let md = hover::hover(&ws.snapshot(), a, 1).unwrap().markdown;
    assert!(md.contains("Mentioned 4 times in 3 documents."), "{md}");
}

/// The claim a claim revises is among the fifteen rows of its hover,
/// though twenty others on the subject come before it.
#[test]
fn a_hover_shows_the_claim_it_revises() {
    use gloss_analysis::Workspace;
    let mut ws = Workspace::new();
    ws.set_registry("gloss.toml", "[subject.x]\nname = \"X\"\nunit = \"u\"\n[actor.s]\nname = \"S\"\n[actor.t]\nname = \"T\"\n", true);
    ws.set_document("a.txt", &"[3,000 u]{claim=x src=@t date=2023-01}\n".repeat(20));
    ws.set_document("y.txt", "[3,000 u]{claim=x src=@s date=2024-10}\n");
    let z = ws.set_document("z.txt", "[5,000 u]{claim=x src=@s date=2024-11}\n");
    let analysis = ws.snapshot();
    let md = hover::hover(&analysis, z, 2).unwrap().markdown;
    assert!(md.contains("**Other claims on this subject** (21)"), "{md}");
    assert!(md.contains("| revised by this | 3,000 | @s | 2024-10 | y.txt:1 |"), "{md}");
    assert!(md.contains("… and 6 more"), "{md}");
    let y = analysis.file_id("y.txt").unwrap();
    let md = hover::hover(&analysis, y, 2).unwrap().markdown;
    assert!(md.contains("| revises this | 5,000 | @s | 2024-11 | z.txt:1 |"), "{md}");
}

/// `hover::needs_relating` says, at every place in every file, whether the
/// hover there relates the claims of a subject first: the server answers
/// the others without a hop to another thread.
#[test]
fn a_hover_needs_relating_exactly_when_it_relates_a_subject() {
    use gloss_analysis::Workspace;
    let registry = "[subject.x]\nname = \"X\"\nunit = \"u\"\n[subject.quiet]\nname = \"Q\"\n[actor.s]\nname = \"S\"\n[actor.t]\nname = \"T\"\n";
    let texts = [
        ("gloss.toml", registry),
        ("a.txt", "[S]{@s} said [3,000 u]{claim=x src=@s}; [T]{@t} met [the agency]{#agency kind=source}.\n"),
        ("b.txt", "[10 u]{claim=x src=@agency} and [5 ships]{claim=undeclared src=@t}, [Q]{@quiet}\n"),
    ];
    let fresh = || {
        let mut ws = Workspace::new();
        let mut ids = vec![ws.set_registry("gloss.toml", registry, true)];
        ids.extend(texts[1..].iter().map(|(path, text)| ws.set_document(path, text)));
        (ws.snapshot(), ids)
    };
    let related = |a: &Analysis| a.index().subjects().map(|(id, l)| (id.to_string(), l.is_related())).collect::<Vec<_>>();
    let (mut needing, mut not) = (0, 0);
    for (n, (path, text)) in texts.iter().enumerate() {
        for offset in 0..=text.len() {
            let (analysis, ids) = fresh();
            let before = related(&analysis);
            let needs = hover::needs_relating(&analysis, ids[n], offset);
            let _ = hover::hover(&analysis, ids[n], offset);
            assert_eq!(needs, related(&analysis) != before, "{path}:{offset}: {:?}", &text[offset..]);
            *if needs { &mut needing } else { &mut not } += 1;
        }
    }
    // Claims, claims' subjects and the sources' cards need it; the rest not.
    assert!(needing > 30 && not > 30, "{needing} needing, {not} not");
    // Once every subject is related, no hover needs it.
    let (analysis, ids) = fresh();
    analysis.relate_all();
    for (n, (_, text)) in texts.iter().enumerate() {
        assert!((0..=text.len()).all(|offset| !hover::needs_relating(&analysis, ids[n], offset)));
    }
}
