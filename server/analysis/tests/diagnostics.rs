//! Every diagnostic code of the spec (section 5.1), where it is due and
//! nowhere else. Expected diagnostics are written under the text they
//! point at.

use gloss_analysis::fixture::check_diagnostics;

const REGISTRY: &str = r#"//- gloss.toml
[actor.ua-intel]
name = "Ukrainian military intelligence"
kind = "agency"
[actor.white-house]
name = "White House"
aliases = ["the White House"]
[subject.nk-troops]
name = "North Korean troops in Russia"
unit = "soldiers"
"#;

fn with_registry(docs: &str) -> String {
    format!("{REGISTRY}{docs}")
}

#[test]
fn clean_document_has_no_diagnostics() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
{#a date=2024-10-17}
[Ukrainian intelligence]{@ua-intel} says [approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel}.
"#,
    ));
}

#[test]
fn syntax_unclosed_block_and_bad_attribute() {
    check_diagnostics(
        r#"[Putin]{@putin
       ^ error syntax
[Kim]{@kim %%}
           ^^ error syntax
[Kim]{#kim kind=person}
"#,
    );
}

#[test]
fn unknown_id_points_at_the_id() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
[Putin]{@putin} met [them]{@white-house}.
         ^^^^^ error unknown-id
"#,
    ));
}

#[test]
fn duplicate_id_across_registry_and_document() {
    check_diagnostics(
        r#"//- gloss.toml
[actor.white-house]
       ^^^^^^^^^^^ error duplicate-id
name = "White House"
//- a.txt
[the press office]{#white-house kind=agency}
                    ^^^^^^^^^^^ error duplicate-id
"#,
    );
}

#[test]
fn unsourced_claim_on_the_bracketed_text() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
Russia pays [$2,000 per month]{claim=nk-pay} per soldier, says [a report]{#r kind=report}: [3,000 soldiers]{claim=nk-troops via=@r}.
             ^^^^^^^^^^^^^^^^ warning unsourced-claim
                                     ^^^^^^ hint undeclared-subject
"#,
    ));
}

#[test]
fn conflicting_claims_across_documents() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
{#a date=2024-10-17}
[approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel}
 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ warning conflicting-claim
//- b.txt
{#b date=2024-10-23}
[around 3,000]{claim=nk-troops src=@white-house}, [at least 3,000]{claim=nk-troops src=@white-house date=2024-10-24}
 ^^^^^^^^^^^^ warning conflicting-claim
"#,
    ));
}

#[test]
fn no_conflict_outside_the_window_or_between_open_bounds() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
[up to 100,000 soldiers]{claim=nk-troops src=@ua-intel date=2022}
[10,000 soldiers]{claim=nk-troops src=@ua-intel date=2024-10}
[at least 3,000]{claim=nk-troops src=@white-house date=2024-10-23}
"#,
    ));
}

#[test]
fn revision_by_the_same_source_is_not_a_conflict() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
[3,000 soldiers]{claim=nk-troops src=@white-house date=2024-10-23}
[10,000 soldiers]{claim=nk-troops src=@white-house date=2024-10-28}
"#,
    ));
}

#[test]
fn bad_and_ambiguous_values() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
[no sign of troops]{claim=nk-troops src=@ua-intel}
 ^^^^^^^^^^^^^^^^^ error bad-value
[500,000 155 mm shells]{claim=shells src=@ua-intel unit=shells}
 ^^^^^^^^^^^^^^^^^^^^^ information ambiguous-value
                              ^^^^^^ hint undeclared-subject
[many troops]{claim=nk-troops src=@ua-intel value=lots}
 ^^^^^^^^^^^ error bad-value
[many troops]{claim=nk-troops src=@ua-intel value=~5000}
"#,
    ));
}

#[test]
fn unit_mismatch_against_the_subject_unit() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
[$20 million]{claim=nk-troops src=@ua-intel}
 ^^^^^^^^^^^ warning unit-mismatch
[5 battalions]{claim=nk-troops src=@ua-intel unit=battalions date=2020}
 ^^^^^^^^^^^^ warning unit-mismatch
[10,000 soldiers]{claim=nk-troops src=@ua-intel}
"#,
    ));
}

#[test]
fn unannotated_mentions_outside_spans_only() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
The White House said so; [the White House]{@white-house} agreed. White Houses are white.
    ^^^^^^^^^^^ hint unannotated-mention
"#,
    ));
}

#[test]
fn registry_problems_point_into_the_toml() {
    check_diagnostics(
        r#"//- gloss.toml
[claims]
approx = 2
         ^ error registry
[actor.nameless]
       ^^^^^^^^ error registry
role = "x"
[actors.typo]
 ^^^^^^ error registry
name = "Typo"
"#,
    );
}

#[test]
fn ack_silences_only_its_codes() {
    check_diagnostics(&with_registry(
        r#"//- a.txt
[$2,000 per month]{claim=nk-pay ack=unsourced-claim,undeclared-subject}
[$2,000 per month]{claim=nk-pay ack=undeclared-subject}
 ^^^^^^^^^^^^^^^^ warning unsourced-claim
[$2,000]{claim=nk-pay ack=typo-code}
 ^^^^^^ warning unsourced-claim
               ^^^^^^ hint undeclared-subject
                          ^^^^^^^^^ error syntax
"#,
    ));
}

/// A workspace made for diagnostics only (no references gathered, only a
/// claim's first few conflicts kept) finds every diagnostic a full one
/// does, related places and all, listing all, a few or none, on a
/// generated workspace thick with conflicts, its files taken in at once.
#[test]
fn a_workspace_for_diagnostics_only_finds_the_same() {
    use gloss_analysis::diagnostics::workspace_diagnostics_listing;
    use gloss_analysis::{Facts, File, Workspace};
    // Few subjects, so that many claims have more conflicts than are kept.
    let corpus = gloss_corpus::generate(gloss_corpus::Shape { documents: 300, subjects: 3, ..Default::default() });
    let full = gloss_analysis::fixture::workspace_of(&corpus.config, &corpus.registry, &corpus.documents).snapshot();
    for listed in [0, 1, 3, 50, usize::MAX] {
        let mut only = Workspace::for_diagnostics(listed);
        let mut files = vec![
            File::new("gloss.toml", &corpus.config, Facts::of_registry(&corpus.config, true)),
            File::new("registry.toml", &corpus.registry, Facts::of_registry(&corpus.registry, false)),
        ];
        files.extend(corpus.documents.iter().map(|(path, text)| File::new(path, text, Facts::of_document(text))));
        only.set_files(files);
        let found = workspace_diagnostics_listing(&full, listed, |_| true);
        // Claims with more conflicts than are kept: their counts matter.
        let many = found.iter().filter(|d| d.related.len() + d.unlisted_related > 3).count();
        assert!(many > 100, "conflicts to compare: {many}");
        assert_eq!(workspace_diagnostics_listing(&only.snapshot(), listed, |_| true), found, "listing {listed}");
    }
}
