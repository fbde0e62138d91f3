//! Claims for spreadsheets and pipelines: CSV, JSON lines of every fact,
//! and schema.org ClaimReview.

use std::collections::HashMap;

use gloss_analysis::index::ClaimId;
use gloss_analysis::Analysis;
use serde_json::{json, Value};

use crate::{documents, line_of};

/// Claims in document order.
fn claims(analysis: &Analysis) -> Vec<ClaimId> {
    documents(analysis).into_iter().flat_map(|(id, f)| (0..f.document().unwrap().claims.len()).map(move |i| ClaimId { file: id, index: i as u32 })).collect()
}

fn number(x: Option<f64>) -> String {
    x.map(|v| if v.fract() == 0.0 && v.abs() < 1e15 { format!("{v:.0}") } else { v.to_string() }).unwrap_or_default()
}

/// Where a claim is: `path:line`.
fn place(analysis: &Analysis, no: ClaimId) -> String {
    let (file, c) = analysis.claim(no);
    let f = analysis.file(file).unwrap();
    format!("{}:{}", f.path, line_of(f, c.range.start()))
}

/// One row per claim.
pub fn claims_csv(analysis: &Analysis) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = ["document", "line", "subject", "text", "value", "low", "high", "unit", "date", "sources", "via", "credibility", "conflicts_with"];
    w.write_record(header).expect("writing to memory");
    let approx = analysis.config().claims.approx;
    for no in claims(analysis) {
        let (file, c) = analysis.claim(no);
        let f = analysis.file(file).unwrap();
        let interval = c.figure.as_ref().map(|fig| fig.interval(approx));
        let ids = |list: &[gloss_analysis::claim::IdAt]| list.iter().map(|s| format!("@{}", s.id)).collect::<Vec<_>>().join(" ");
        let conflicts = analysis.relations(no).conflicts.iter().map(|&o| place(analysis, o)).collect::<Vec<_>>().join(" ");
        w.write_record([
            f.path.clone(),
            line_of(f, c.range.start()).to_string(),
            c.subject.id.to_string(),
            c.text.to_string(),
            c.figure.as_ref().map(|fig| fig.describe()).unwrap_or_default(),
            number(interval.and_then(|i| i.low)),
            number(interval.and_then(|i| i.high)),
            analysis.relations(no).unit.unwrap_or_default().to_string(),
            c.date.map(|d| d.to_string()).unwrap_or_default(),
            ids(&c.sources),
            ids(c.via()),
            c.cred().map(|n| n.to_string()).unwrap_or_default(),
            conflicts,
        ])
        .expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("flushing to memory")).expect("CSV of UTF-8 fields")
}

/// Every fact, one JSON object a line: entities, mentions, claims,
/// conflicts. Field names are stable.
pub fn facts_jsonl(analysis: &Analysis) -> String {
    let mut lines: Vec<Value> = Vec::new();
    let mut ids: Vec<&gloss_analysis::Id> = analysis.index().defined_ids().collect();
    ids.sort();
    for id in ids {
        for (file, d) in analysis.definitions(id) {
            let f = analysis.file(file).unwrap();
            let fields: serde_json::Map<String, Value> = d.fields.iter().map(|x| (x.key.clone(), json!(x.value.texts()))).collect();
            lines.push(json!({"type": "entity", "id": d.id, "kind": d.kind.as_str(), "name": d.display_name(), "path": f.path, "line": line_of(f, d.id_range.start()), "fields": fields}));
        }
    }
    for (_, f) in documents(analysis) {
        for r in &f.document().unwrap().references {
            let role = match &r.role {
                gloss_analysis::entity::ReferenceRole::Mention => "mention".to_string(),
                gloss_analysis::entity::ReferenceRole::Src => "src".to_string(),
                gloss_analysis::entity::ReferenceRole::Via => "via".to_string(),
                gloss_analysis::entity::ReferenceRole::Subject => "subject".to_string(),
                gloss_analysis::entity::ReferenceRole::Field(k) => k.to_string(),
            };
            lines.push(json!({"type": "mention", "id": r.id, "role": role, "path": f.path, "line": line_of(f, r.range.start()), "start": r.range.start(), "end": r.range.end()}));
        }
    }
    let approx = analysis.config().claims.approx;
    // Claims are numbered in document order, for the conflict lines.
    let all = claims(analysis);
    let number: HashMap<ClaimId, usize> = all.iter().enumerate().map(|(n, &id)| (id, n)).collect();
    for (n, &no) in all.iter().enumerate() {
        let (file, c) = analysis.claim(no);
        let f = analysis.file(file).unwrap();
        let interval = c.figure.as_ref().map(|fig| fig.interval(approx));
        lines.push(json!({
            "type": "claim", "claim": n, "path": f.path, "line": line_of(f, c.range.start()), "subject": c.subject.id, "text": c.text,
            "value": c.figure.as_ref().map(|fig| fig.describe()), "low": interval.and_then(|i| i.low), "high": interval.and_then(|i| i.high),
            "unit": analysis.relations(no).unit, "date": c.date.map(|d| d.to_string()),
            "src": c.sources.iter().map(|s| &s.id).collect::<Vec<_>>(), "via": c.via().iter().map(|s| &s.id).collect::<Vec<_>>(), "cred": c.cred(),
        }));
    }
    for (n, &no) in all.iter().enumerate() {
        for other in analysis.relations(no).conflicts.iter().filter_map(|o| number.get(o)).filter(|&&o| o > n) {
            lines.push(json!({"type": "conflict", "claim": n, "other": other, "subject": analysis.claim(no).1.subject.id}));
        }
    }
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// schema.org `ClaimReview`s: each claim as a `Claim` (claimant from `src`,
/// appearance from the document's header source, date), rated by what Gloss
/// found: conflicting, unsourced, or consistent.
pub fn claim_reviews(analysis: &Analysis) -> Value {
    let mut out = Vec::new();
    for no in claims(analysis) {
        let (file, c) = analysis.claim(no);
        let f = analysis.file(file).unwrap();
        let doc = f.document().unwrap();
        let header = doc.definitions.iter().find(|d| d.site == gloss_analysis::entity::DefinitionSite::Header);
        let appearance = header.map(|h| {
            let mut a = json!({"@type": "CreativeWork", "name": h.display_name(), "identifier": h.id});
            if let Some(url) = h.field_text("url") {
                a["url"] = json!(url);
            }
            if let Some(date) = h.field_text("date") {
                a["datePublished"] = json!(date);
            }
            a
        });
        let claimants: Vec<Value> = c
            .sources
            .iter()
            .map(|s| {
                let d = analysis.entity(&s.id).map(|(_, d)| d);
                let kind = match d.and_then(|d| d.field_text("kind")) {
                    Some("person") => "Person",
                    _ => "Organization",
                };
                json!({"@type": kind, "name": d.map_or(s.id.as_str(), |d| d.display_name()), "identifier": s.id})
            })
            .collect();
        let conflicts = &analysis.relations(no).conflicts;
        let (rating, explanation) = if !conflicts.is_empty() {
            (
                "Conflicting",
                format!("Conflicts with {}", conflicts.iter().map(|&o| gloss_analysis::diagnostics::summary(analysis, o)).collect::<Vec<_>>().join("; ")),
            )
        } else if !c.is_sourced() {
            ("Unsourced", "No source is given for this figure".to_string())
        } else {
            ("Consistent", "No conflicting claim on this subject in the workspace".to_string())
        };
        let mut claim = json!({"@type": "Claim", "text": c.text, "about": c.subject.id});
        if let Some(a) = appearance {
            claim["appearance"] = a;
        }
        if !claimants.is_empty() {
            claim["author"] = json!(claimants);
        }
        if let Some(d) = c.date {
            claim["dateCreated"] = json!(d.to_string());
        }
        out.push(json!({
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": format!("urn:gloss:claim:{}", place(analysis, no)),
            "claimReviewed": c.text,
            "itemReviewed": claim,
            "author": {"@type": "Organization", "name": "Gloss"},
            "reviewRating": {"@type": "Rating", "alternateName": rating, "ratingExplanation": explanation},
        }));
    }
    Value::Array(out)
}
