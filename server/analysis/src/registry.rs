//! The registry: TOML tables of entities (`[actor.putin]`), read with
//! positions so every problem points at the right line. `gloss.toml` is a
//! registry file too, with the workspace settings besides.

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::config::Config;
use crate::diagnostics::{Code, Problem};
use crate::entity::{Definition, DefinitionSite, EntityKind, Field, FieldKey, FieldValue, Reference, ReferenceRole};
use crate::id::Id;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistryFacts {
    pub definitions: Vec<Definition>,
    pub references: Vec<Reference>,
    pub problems: Vec<Problem>,
    /// Only for `gloss.toml`: its `[workspace]` and `[claims]` settings.
    pub config: Option<Config>,
}

/// Reads one registry file. `is_config` says it is the workspace's
/// `gloss.toml`, where `[workspace]` and `[claims]` belong.
pub fn read_registry(text: &str, is_config: bool) -> RegistryFacts {
    let mut facts = RegistryFacts::default();
    let (root, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        let range = e.span().unwrap_or(0..0);
        facts.problems.push(Problem::new(Code::Registry, range, format!("cannot read the registry: {}", e.message().trim())));
    }
    if is_config {
        let (config, problems) = Config::from_table(root.get_ref());
        facts.config = Some(config);
        facts.problems.extend(problems);
    }
    for (table, value) in root.get_ref() {
        let name: &str = table.get_ref();
        match EntityKind::from_table(name) {
            Some(kind) => read_kind(&mut facts, text, kind, value),
            None if matches!(name, "workspace" | "claims") => {
                if !is_config {
                    facts.problems.push(Problem::new(Code::Registry, table.span(), format!("[{name}] has effect only in gloss.toml")));
                }
            }
            None => {
                facts.problems.push(Problem::new(Code::Registry, table.span(), format!("unknown table `{name}`: expected actor, treaty, source or subject")))
            }
        }
    }
    if !errors.is_empty() {
        // What the parser recovered is kept for resolving ids, but its
        // shape follows from the syntax error: report only that.
        facts.problems.truncate(errors.len());
    }
    facts
}

fn read_kind(facts: &mut RegistryFacts, text: &str, kind: EntityKind, value: &Spanned<DeValue>) {
    let DeValue::Table(entries) = value.get_ref() else {
        facts.problems.push(Problem::new(Code::Registry, value.span(), format!("`{kind}` must be a table of entries, like [{kind}.some-id]")));
        return;
    };
    for (id, entry) in entries {
        let id_range = id.span();
        let DeValue::Table(body) = entry.get_ref() else {
            facts.problems.push(Problem::new(Code::Registry, entry.span(), format!("`{kind}.{}` must be a table", id.get_ref())));
            continue;
        };
        let mut fields = Vec::new();
        let mut end = id_range.end;
        for (key, value) in body {
            end = end.max(value.span().end);
            let key_name = key.get_ref().to_string();
            match field_value(value.get_ref()) {
                Some(v) => {
                    for (i, s) in v.texts().iter().enumerate() {
                        if let Some(target) = s.strip_prefix('@') {
                            let range = ref_range(text, value, i, target);
                            facts.references.push(Reference::new(Id::new(target), range, ReferenceRole::Field(FieldKey::new(&key_name)), None));
                        }
                    }
                    fields.push(Field { key: key_name, value: v, range: value.span().into() });
                }
                None => facts.problems.push(Problem::new(
                    Code::Registry,
                    value.span(),
                    format!("`{key_name}` must be a string, a date, a number or a list of strings"),
                )),
            }
        }
        let def = Definition {
            id: Id::new(id.get_ref()),
            kind,
            site: DefinitionSite::Registry,
            id_range: id_range.clone().into(),
            range: (id_range.start..end).into(),
            text: None,
            fields,
        };
        let title = kind.title_field();
        match def.fields.iter().find(|f| f.key == title || f.key == "name") {
            Some(Field { value: FieldValue::Text(t), .. }) if !t.trim().is_empty() => {}
            Some(f) => facts.problems.push(Problem::new(Code::Registry, f.range.range(), format!("`{}` of `{}` must be a non-empty string", f.key, def.id))),
            None => facts.problems.push(Problem::new(Code::Registry, id_range, format!("{kind} `{}` has no `{title}`", def.id))),
        }
        facts.definitions.push(def);
    }
}

fn field_value(value: &DeValue) -> Option<FieldValue> {
    Some(match value {
        DeValue::Array(items) => {
            let mut list = Vec::new();
            for item in items.iter() {
                list.push(scalar(item.get_ref())?);
            }
            FieldValue::List(list)
        }
        other => FieldValue::Text(scalar(other)?),
    })
}

fn scalar(value: &DeValue) -> Option<String> {
    Some(match value {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        DeValue::Datetime(d) => d.to_string(),
        DeValue::Array(_) | DeValue::Table(_) => return None,
    })
}

/// The range of `target` inside the `i`-th string of a field's value (the
/// value itself when it is a plain string). Falls back to the whole value.
fn ref_range(text: &str, value: &Spanned<DeValue>, i: usize, target: &str) -> Range<usize> {
    let span = match value.get_ref() {
        DeValue::Array(items) => items.get(i).map(|v| v.span()).unwrap_or(value.span()),
        _ => value.span(),
    };
    let written = text.get(span.clone()).unwrap_or("");
    match written.find(&format!("@{target}")) {
        Some(at) => span.start + at + 1..span.start + at + 1 + target.len(),
        None => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entities_with_positions() {
        let text = "[actor.putin]\nname = \"Vladimir Putin\"\ncountry = \"@russia\"\naliases = [\"Putin\", \"President Putin\"]\n\n[treaty.csp]\nname = \"CSP\"\nsigned = 2024-06-19\nparties = [\"@russia\", \"@dprk\"]\n";
        let facts = read_registry(text, false);
        assert_eq!(facts.problems, vec![]);
        let putin = &facts.definitions[0];
        assert_eq!((putin.id.as_str(), putin.kind), ("putin", EntityKind::Actor));
        assert_eq!(&text[putin.id_range.range()], "putin");
        assert_eq!(putin.names().collect::<Vec<_>>(), ["Vladimir Putin", "Putin", "President Putin"]);
        let csp = &facts.definitions[1];
        assert_eq!(csp.field_text("signed"), Some("2024-06-19"));
        let refs: Vec<_> = facts.references.iter().map(|r| (r.id.as_str(), &text[r.range.range()])).collect();
        assert_eq!(refs, [("russia", "russia"), ("russia", "russia"), ("dprk", "dprk")]);
        assert_eq!(facts.references[2].range.start(), text.find("@dprk").unwrap() + 1);
    }

    #[test]
    fn reports_broken_registries_where_they_break() {
        let text = "[actor.x]\nname = \"X\"\n[actor.y]\nrole = \"no name\"\n[actors.z]\nname = 1\n[source.s]\ntitle = [\"a\"]\n";
        let facts = read_registry(text, false);
        let found: Vec<_> = facts.problems.iter().map(|p| (&text[p.range.clone()], p.message.as_str())).collect();
        assert_eq!(
            found,
            [
                ("y", "actor `y` has no `name`"),
                ("actors", "unknown table `actors`: expected actor, treaty, source or subject"),
                ("[\"a\"]", "`title` of `s` must be a non-empty string"),
            ]
        );
        let bad = read_registry("[actor.x\nname = 1", false);
        assert_eq!(bad.problems.len(), 1, "{:?}", bad.problems);
        assert!(bad.problems[0].message.starts_with("cannot read the registry"));
        assert_eq!(bad.problems[0].code, Code::Registry);
    }
}
