//! The workspace index: every definition, reference and claim by id, and
//! how claims relate. Built from the files' facts; no text is re-read.

use std::collections::HashMap;

use crate::claim::Claim;
use crate::config::Config;
use crate::conflict::{relate, SubjectRelations};
use crate::entity::{Definition, EntityKind, Reference};
use crate::mentions::NameMatcher;
use crate::workspace::{File, FileId};

/// The `index`-th definition, reference or claim of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    pub file: FileId,
    pub index: usize,
}

/// A claim's number in the index: its position in [`Index::claims`].
pub type ClaimNo = usize;

#[derive(Debug)]
pub struct Index {
    pub config: Config,
    pub definitions: HashMap<String, Vec<Site>>,
    pub references: HashMap<String, Vec<Site>>,
    /// Every claim of the workspace.
    pub claims: Vec<Site>,
    first_claim: HashMap<FileId, ClaimNo>,
    pub by_subject: HashMap<String, Vec<ClaimNo>>,
    /// Per claim: its unit and what it conflicts with or is revised by
    /// (claim numbers).
    pub units: Vec<Option<String>>,
    pub unit_mismatch: Vec<Option<String>>,
    pub conflicts: Vec<Vec<ClaimNo>>,
    pub revised_by: Vec<Vec<ClaimNo>>,
    /// Registry names and aliases, for unannotated mentions.
    pub names: Option<NameMatcher>,
}

impl Index {
    pub(crate) fn build(files: &[Option<File>], config: &Config) -> Index {
        let mut index = Index {
            config: config.clone(),
            definitions: HashMap::new(),
            references: HashMap::new(),
            claims: Vec::new(),
            first_claim: HashMap::new(),
            by_subject: HashMap::new(),
            units: Vec::new(),
            unit_mismatch: Vec::new(),
            conflicts: Vec::new(),
            revised_by: Vec::new(),
            names: None,
        };
        let all = || files.iter().enumerate().filter_map(|(i, f)| Some((FileId(i as u32), f.as_ref()?)));
        for (id, file) in all() {
            let (defs, refs, claims) = parts(file);
            for (i, d) in defs.iter().enumerate() {
                index.definitions.entry(d.id.clone()).or_default().push(Site { file: id, index: i });
            }
            for (i, r) in refs.iter().enumerate() {
                index.references.entry(r.id.clone()).or_default().push(Site { file: id, index: i });
            }
            index.first_claim.insert(id, index.claims.len());
            for (i, c) in claims.iter().enumerate() {
                index.by_subject.entry(c.subject.id.clone()).or_default().push(index.claims.len());
                index.claims.push(Site { file: id, index: i });
            }
        }

        let n = index.claims.len();
        index.units = vec![None; n];
        index.unit_mismatch = vec![None; n];
        index.conflicts = vec![Vec::new(); n];
        index.revised_by = vec![Vec::new(); n];
        let claim = |no: ClaimNo| -> &Claim {
            let s = index.claims[no];
            &parts(files[s.file.0 as usize].as_ref().unwrap()).2[s.index]
        };
        let mut relations: Vec<(Vec<ClaimNo>, SubjectRelations)> = Vec::new();
        for (subject, nos) in &index.by_subject {
            let subject_unit = index.entity(files, subject).filter(|d| d.kind == EntityKind::Subject).and_then(|d| d.field_text("unit"));
            let group: Vec<&Claim> = nos.iter().map(|&no| claim(no)).collect();
            relations.push((nos.clone(), relate(&group, subject_unit, config.claims)));
        }
        for (nos, rel) in relations {
            for (k, &no) in nos.iter().enumerate() {
                index.units[no] = rel.units[k].clone();
                index.unit_mismatch[no] = rel.unit_mismatch[k].clone();
                index.conflicts[no] = rel.conflicts[k].iter().map(|&j| nos[j]).collect();
                index.revised_by[no] = rel.revised_by[k].iter().map(|&j| nos[j]).collect();
            }
        }

        let registry_names = all().filter_map(|(_, f)| f.registry()).flat_map(|r| {
            r.definitions
                .iter()
                .filter(|d| matches!(d.kind, EntityKind::Actor | EntityKind::Treaty))
                .flat_map(|d| d.names().map(move |n| (d.id.as_str(), n)))
        });
        index.names = NameMatcher::new(registry_names);
        index
    }

    /// The claim number of a file's `index`-th claim.
    pub fn claim_no(&self, file: FileId, index: usize) -> Option<ClaimNo> {
        self.first_claim.get(&file).map(|first| first + index)
    }

    /// The definition an id resolves to: the first one, in file order
    /// (a second is a `duplicate-id`).
    pub fn entity<'a>(&self, files: &'a [Option<File>], id: &str) -> Option<&'a Definition> {
        let site = self.definitions.get(id)?.first()?;
        parts(files[site.file.0 as usize].as_ref()?).0.get(site.index)
    }

    pub fn is_defined(&self, id: &str) -> bool {
        self.definitions.contains_key(id)
    }
}

/// A file's definitions, references and claims, whatever its kind.
pub(crate) fn parts(file: &File) -> (&[Definition], &[Reference], &[Claim]) {
    if let Some(d) = file.document() {
        (&d.definitions, &d.references, &d.claims)
    } else if let Some(r) = file.registry() {
        (&r.definitions, &r.references, &[])
    } else {
        (&[], &[], &[])
    }
}
