//! Each export on a small workspace: well-formed, deterministic, and
//! pointing at the exact quoted text.

use gloss_analysis::{Analysis, Workspace};
use gloss_export::{claim_reviews, claims_csv, facts_jsonl, plain_texts, report_html, web_annotations};
use serde_json::Value;

fn analysis() -> Analysis {
    let mut ws = Workspace::new();
    ws.set_registry(
        "gloss.toml",
        "[actor.ua-intel]\nname = \"Ukrainian intelligence\"\nkind = \"agency\"\nwikidata = \"Q1123014\"\n[actor.white-house]\nname = \"White House\"\n[subject.nk-troops]\nname = \"North Korean troops in Russia\"\nunit = \"soldiers\"\n",
        true,
    );
    ws.set_document(
        "a.txt",
        "{#a date=2024-10-17 title=\"Article A\" url=\"https://example.org/a\"}\nЗеленский: [Ukrainian intelligence]{@ua-intel} counts [approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel note=\"briefing\"}, \"quoted\", done.\n",
    );
    ws.set_document(
        "b.txt",
        "{#b date=2024-10-23}\nThe [White House]{@white-house} says [around 3,000]{claim=nk-troops src=@white-house}; [some $5 million]{claim=cost}.\n",
    );
    ws.snapshot()
}

#[test]
fn web_annotations_have_the_required_fields_and_quote_exactly() {
    let a = analysis();
    let doc = web_annotations(&a);
    assert_eq!(doc["@context"][0], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(doc["type"], "AnnotationCollection");
    let items = doc["first"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert_eq!(doc["total"], 5);
    let texts: std::collections::HashMap<String, String> = plain_texts(&a).into_iter().collect();
    assert!(texts["a.txt"].starts_with("Зеленский: Ukrainian intelligence counts approximately 10,000 soldiers,"));
    for item in items {
        // Required by the Web Annotation model: @context (on the collection), id, type, target.
        assert!(item["id"].as_str().unwrap().starts_with("urn:gloss:annotation:"));
        assert_eq!(item["type"], "Annotation");
        let target = &item["target"];
        let text = &texts[target["source"].as_str().unwrap()];
        let quote = &target["selector"][0];
        let position = &target["selector"][1];
        assert_eq!(quote["type"], "TextQuoteSelector");
        assert_eq!(position["type"], "TextPositionSelector");
        let chars: Vec<char> = text.chars().collect();
        let (start, end) = (position["start"].as_u64().unwrap() as usize, position["end"].as_u64().unwrap() as usize);
        let at: String = chars[start..end].iter().collect();
        assert_eq!(at, quote["exact"].as_str().unwrap(), "the position points at the quote");
        let before: String = chars[..start].iter().collect();
        assert!(before.ends_with(quote["prefix"].as_str().unwrap()));
    }
    let ua = &items[0];
    assert_eq!(ua["motivation"], "identifying");
    assert_eq!(ua["body"][0]["source"], "http://www.wikidata.org/entity/Q1123014");
    assert_eq!(ua["body"][1]["value"], "actor");
    let claim = &items[1];
    assert_eq!(claim["claim"]["subject"], "nk-troops");
    assert_eq!(claim["claim"]["low"], 8000.0);
    assert_eq!(claim["claim"]["high"], 12000.0);
    assert_eq!(claim["claim"]["unit"], "soldiers");
    assert!(claim["body"].as_array().unwrap().iter().any(|b| b["purpose"] == "describing" && b["value"] == "briefing"));
    assert_eq!(web_annotations(&analysis()), doc, "deterministic");
}

#[test]
fn csv_reads_back_with_one_row_per_claim() {
    let a = analysis();
    let text = claims_csv(&a);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["document", "line", "subject", "text", "value", "low", "high", "unit", "date", "sources", "via", "credibility", "conflicts_with"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][0], "a.txt");
    assert_eq!(&rows[0][1], "2");
    assert_eq!(&rows[0][5], "8000");
    assert_eq!(&rows[0][12], "b.txt:2");
    assert_eq!(&rows[2][7], "USD");
    assert_eq!(&rows[2][9], "");
}

#[test]
fn jsonl_has_every_fact_with_stable_fields() {
    let text = facts_jsonl(&analysis());
    let facts: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let count = |t: &str| facts.iter().filter(|f| f["type"] == t).count();
    assert_eq!(count("entity"), 5); // three in the registry, two headers
    assert_eq!(count("claim"), 3);
    assert_eq!(count("conflict"), 1);
    assert!(count("mention") >= 5);
    let claim = facts.iter().find(|f| f["type"] == "claim").unwrap();
    for key in ["claim", "path", "line", "subject", "text", "value", "low", "high", "unit", "date", "src", "via", "cred"] {
        assert!(claim.get(key).is_some(), "{key}");
    }
}

#[test]
fn claim_reviews_rate_conflicts_and_unsourced_figures() {
    let reviews = claim_reviews(&analysis());
    let reviews = reviews.as_array().unwrap();
    assert_eq!(reviews.len(), 3);
    assert_eq!(reviews[0]["@type"], "ClaimReview");
    assert_eq!(reviews[0]["itemReviewed"]["@type"], "Claim");
    assert_eq!(reviews[0]["itemReviewed"]["author"][0]["name"], "Ukrainian intelligence");
    assert_eq!(reviews[0]["itemReviewed"]["appearance"]["url"], "https://example.org/a");
    assert_eq!(reviews[0]["reviewRating"]["alternateName"], "Conflicting");
    assert_eq!(reviews[2]["reviewRating"]["alternateName"], "Unsourced");
}

#[test]
fn report_is_self_contained_and_marks_conflicts() {
    let html = report_html(&analysis(), "Ledger");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script src") && !html.contains("<link "), "no network at view time");
    assert!(html.contains("<section id=\"nk-troops\">"));
    assert!(html.contains("≈10,000") && html.contains("≈3,000"));
    assert_eq!(html.matches("⚠ conflict").count(), 2);
    assert!(html.contains("<svg"));
    assert!(html.contains("<a href=\"a.txt\">a.txt:2</a>"));
}
