//! W3C Web Annotation Data Model (JSON-LD): one annotation per span, each
//! targeting the document's plain text with a TextQuoteSelector and a
//! TextPositionSelector.

use gloss_analysis::entity::Definition;
use gloss_analysis::Analysis;
use gloss_syntax::{AttrKind, Markup};
use serde_json::{json, Map, Value};

use crate::documents;
use crate::plain::PlainText;

/// Characters of context on each side of a quote.
const CONTEXT: usize = 32;

/// Our small JSON-LD context for what the W3C vocabulary has no term for.
fn context() -> Value {
    json!([
        "http://www.w3.org/ns/anno.jsonld",
        {
            "gloss": "https://gloss.invalid/ns#",
            "claim": "gloss:claim",
            "subject": "gloss:subject",
            "low": {"@id": "gloss:low", "@type": "http://www.w3.org/2001/XMLSchema#decimal"},
            "high": {"@id": "gloss:high", "@type": "http://www.w3.org/2001/XMLSchema#decimal"},
            "unit": "gloss:unit",
            "valueRead": "gloss:valueRead",
            "date": "gloss:date",
            "src": {"@id": "gloss:src", "@type": "@id"},
            "via": {"@id": "gloss:via", "@type": "@id"},
            "credibility": "gloss:credibility"
        }
    ])
}

/// The IRI an entity is identified by: Wikidata when the registry has it,
/// else its `url`, else a URN of its id.
fn entity_iri(def: Option<&Definition>, id: &str) -> String {
    let field = |k| def.and_then(|d| d.field_text(k));
    if let Some(q) = field("wikidata") {
        let q = q.rsplit('/').next().unwrap_or(q);
        return format!("http://www.wikidata.org/entity/{q}");
    }
    field("url").map(str::to_string).unwrap_or_else(|| format!("urn:gloss:entity:{id}"))
}

/// The plain text of every document, by path.
pub fn plain_texts(analysis: &Analysis) -> Vec<(String, String)> {
    documents(analysis).into_iter().map(|(_, f)| (f.path.clone(), PlainText::new(&f.text, &Markup::parse(&f.text)).text)).collect()
}

/// An AnnotationCollection of every span of every document.
pub fn web_annotations(analysis: &Analysis) -> Value {
    let mut items = Vec::new();
    for (file_id, f) in documents(analysis) {
        let markup = Markup::parse(&f.text);
        let plain = PlainText::new(&f.text, &markup);
        let doc = f.document().expect("a document");
        for (n, span) in markup.spans.iter().enumerate() {
            let (start, end) = (plain.to_plain(span.text.start), plain.to_plain(span.text.end));
            let exact = &plain.text[start..end];
            let prefix: String = {
                let before: Vec<char> = plain.text[..start].chars().collect();
                before[before.len().saturating_sub(CONTEXT)..].iter().collect()
            };
            let suffix: String = plain.text[end..].chars().take(CONTEXT).collect();
            let mut bodies = Vec::new();
            let mut motivation = "tagging";
            for attr in &span.block.attrs {
                match &attr.kind {
                    AttrKind::Ref(id) | AttrKind::Def(id) => {
                        let def = analysis.entity(&id.name).map(|(_, d)| d);
                        motivation = "identifying";
                        bodies.push(json!({"type": "SpecificResource", "purpose": "identifying", "source": entity_iri(def, &id.name)}));
                        if let Some(d) = def {
                            bodies.push(json!({"type": "TextualBody", "purpose": "tagging", "value": d.kind.as_str()}));
                        }
                    }
                    AttrKind::Pair { key, value } if key.name == "note" => {
                        bodies.push(json!({"type": "TextualBody", "purpose": "describing", "value": value.as_str(&f.text)}));
                    }
                    _ => {}
                }
            }
            let mut annotation = Map::new();
            annotation.insert("id".into(), json!(format!("urn:gloss:annotation:{}#{}", f.path, n + 1)));
            annotation.insert("type".into(), json!("Annotation"));
            if let Some(c) = doc.claims.iter().find(|c| c.range == span.range) {
                let no = gloss_analysis::index::ClaimId { file: file_id, index: doc.claims.iter().position(|x| x.range == c.range).unwrap() as u32 };
                bodies.push(json!({"type": "TextualBody", "purpose": "tagging", "value": "claim"}));
                let interval = c.figure.as_ref().map(|fig| fig.interval(analysis.config().claims.approx));
                let mut claim = json!({
                    "subject": c.subject.id,
                    "valueRead": c.figure.as_ref().map(|fig| fig.describe()),
                    "low": interval.and_then(|i| i.low),
                    "high": interval.and_then(|i| i.high),
                    "unit": analysis.relations(no).unit,
                    "date": c.date.map(|d| d.to_string()),
                    "src": c.sources.iter().map(|s| entity_iri(analysis.entity(&s.id).map(|(_, d)| d), &s.id)).collect::<Vec<_>>(),
                    "via": c.via().iter().map(|s| entity_iri(analysis.entity(&s.id).map(|(_, d)| d), &s.id)).collect::<Vec<_>>(),
                    "credibility": c.cred(),
                });
                claim.as_object_mut().unwrap().retain(|_, v| !v.is_null() && v != &json!([]));
                annotation.insert("claim".into(), claim);
                if motivation == "tagging" {
                    motivation = "assessing";
                }
            }
            annotation.insert("motivation".into(), json!(motivation));
            annotation.insert("body".into(), Value::Array(bodies));
            annotation.insert(
                "target".into(),
                json!({
                    "source": f.path,
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix},
                        {"type": "TextPositionSelector", "start": plain.char_pos(start), "end": plain.char_pos(end)}
                    ]
                }),
            );
            items.push(Value::Object(annotation));
        }
    }
    json!({
        "@context": context(),
        "id": "urn:gloss:annotations",
        "type": "AnnotationCollection",
        "label": "Gloss annotations",
        "total": items.len(),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items}
    })
}
