//! The workspace index: every definition and reference by id, the claims
//! on each subject and how they relate. It is kept up to date file by file:
//! a changed file costs work for its own facts and for the ledgers of the
//! subjects its claims are about, never a pass over the workspace.
//!
//! The maps are persistent (`imbl`), so a snapshot is a cheap clone and an
//! edit made while a request holds one copies only the paths it touches.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use imbl::{OrdSet, Vector};
use rayon::prelude::*;

use crate::claim::{Claim, IdAt};
use crate::config::Config;
use crate::entity::{Definition, EntityKind, Reference};
use crate::id::{ByHandle, Id};
use crate::lookup::SharedTable;
use crate::mentions::NameMatcher;
use crate::workspace::{File, FileId, Files};

/// The `index`-th definition, reference or claim of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Site {
    pub file: FileId,
    pub index: u32,
}

/// A claim, named by where it is: its file and its place among the file's
/// claims. Ordered as the workspace's files are.
pub type ClaimId = Site;

mod ledger;

pub(crate) use ledger::LedgerView;
pub use ledger::{ClaimIter, ClaimList, Ledger, Relations};

/// How much an id is used in documents (the registry's own uses aside).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub mentions: u32,
    pub documents: u32,
}

impl Usage {
    fn add(&mut self, other: Usage) {
        self.mentions += other.mentions;
        self.documents += other.documents;
    }
}

/// A persistent map by id or path, hashed with foldhash (ids are short;
/// SipHash was a tenth of taking a workspace in).
pub(crate) type HashMap<K, V> = imbl::GenericHashMap<K, V, foldhash::fast::RandomState, imbl::shared_ptr::DefaultSharedPtr>;

#[derive(Debug, Clone, Default)]
pub struct Index {
    pub config: Config,
    definitions: HashMap<Id, Sites>,
    references: HashMap<Id, Sites>,
    ledgers: HashMap<Id, Arc<Ledger>>,
    registries: OrdSet<FileId>,
    /// Kept with the references so that an entity's card costs the same
    /// for an entity mentioned five times and one mentioned 50,000 times.
    usage: HashMap<Id, Usage>,
    /// Per source id, the claims that cite it with `src=` or `via=`.
    citations: HashMap<Id, Sites>,
    /// Per id, the treaties that list it in `parties` or `signatories`.
    party_to: HashMap<Id, Sites>,
    /// Registry names and aliases, for unannotated mentions.
    names: Option<Arc<NameMatcher>>,
    /// Subjects whose relations must be worked out again, and whether the
    /// names must: set by [`Index::add`]/[`Index::remove`], cleared by
    /// [`Index::settle`].
    stale_subjects: BTreeSet<Id>,
    stale_names: bool,
    /// Every definition, flat, for searches; a new one when one changes.
    pub(crate) table: SharedTable,
    /// Only what diagnostics need is taken in (see
    /// [`crate::Workspace::for_diagnostics`]).
    diagnostics_only: bool,
    /// How many of each claim's conflicts its ledger keeps (all when
    /// `None`; see [`Ledger`]).
    conflicts_kept: Option<usize>,
}

impl Index {
    /// An index of what diagnostics need only: definitions, claims and
    /// registry names, not references, usage, citations or parties; of
    /// each claim's conflicts, the first `conflicts_kept`.
    pub(crate) fn for_diagnostics(conflicts_kept: usize) -> Index {
        Index { diagnostics_only: true, conflicts_kept: Some(conflicts_kept), ..Index::default() }
    }

    /// Takes in a file's definitions, references and claims.
    pub(crate) fn add(&mut self, id: FileId, file: &File) {
        self.visit(id, file, true);
    }

    /// Forgets what [`Index::add`] took in for this file (the same facts).
    pub(crate) fn remove(&mut self, id: FileId, file: &File) {
        self.visit(id, file, false);
    }

    /// Swaps a file's old facts for its new ones. What an edit leaves as it
    /// was (the same ids in the same order, claims that read the same) is
    /// not touched: typing prose in a long document re-relates no subject
    /// and rewrites no reference set.
    pub(crate) fn replace(&mut self, id: FileId, old: &File, new: &File) {
        let ((od, or, oc), (nd, nr, nc)) = (parts(old), parts(new));
        // A subject's definition carries its unit: always taken in again.
        // So does a treaty's list of parties.
        let defs_same = od.len() == nd.len()
            && od.iter().zip(nd).all(|(a, b)| a.id == b.id && a.kind == b.kind && !matches!(a.kind, EntityKind::Subject | EntityKind::Treaty));
        let refs_same = or.len() == nr.len() && or.iter().zip(nr).all(|(a, b)| a.id == b.id);
        let ledgers_same = oc.len() == nc.len()
            && oc.iter().zip(nc).all(|(a, b)| a.subject.id == b.subject.id && same_ids(&a.sources, &b.sources) && same_ids(a.via(), b.via()));
        let registry = old.registry().is_some() || new.registry().is_some();
        // The same definitions as a search sees them, at the same sites.
        let table_same = od.len() == nd.len() && od.iter().zip(nd).all(|(a, b)| a.id == b.id && a.kind == b.kind && a.display_name() == b.display_name());
        if !table_same {
            self.table = self.table.after();
        }
        if !defs_same || !refs_same || !ledgers_same || registry {
            let table = table_same.then(|| self.table.clone());
            self.remove(id, old);
            self.add(id, new);
            if let Some(table) = table {
                self.table = table;
            }
            return;
        }
        // Same ledgers: a subject is related again only if one of its claims
        // now reads differently.
        for (a, b) in oc.iter().zip(nc) {
            if !reads_the_same(a, b) {
                self.stale_subjects.insert(b.subject.id);
            }
        }
    }

    /// Takes in, or takes out, what one file adds to the index: the same
    /// gathering as many files' (the walk over a file's facts is written
    /// once, in [`Gathering::of`]).
    fn visit(&mut self, id: FileId, file: &File, add: bool) {
        let gathered = Gathering::of(&[(id, file)], self.diagnostics_only);
        if add {
            self.take_in(gathered, false);
        } else {
            self.take_out(gathered);
        }
    }

    /// Takes in many new files at once (files not in the index yet): what
    /// [`Index::add`] does for each, with each id's sites gathered in plain
    /// lists first (runs of files side by side) and put into the persistent
    /// maps once, not site by site.
    pub(crate) fn add_many(&mut self, files: &[(FileId, &File)]) {
        let run = files.len().div_ceil(rayon::current_num_threads().max(1) * 4).max(1);
        let runs: Vec<Gathering> = files.par_chunks(run).map(|run| Gathering::of(run, self.diagnostics_only)).collect();
        let all = Gathering::merge(runs);
        let parallel = all.references.len() + all.definitions.len() > PARALLEL_FROM;
        self.take_in(all, parallel);
    }

    /// Puts gathered sites into the maps; with `parallel`, each map side
    /// by side with the others (a workspace's worth of ids is tens of ms
    /// of inserts; one file's is not worth the threads).
    fn take_in(&mut self, g: Gathering, parallel: bool) {
        self.changed(&g);
        self.registries.extend(g.registries);
        let Index { definitions, references, citations, party_to, usage, ledgers, .. } = self;
        let (subjects, counted) = (g.subjects, g.usage);
        both(
            parallel,
            || both(parallel, || take_in_sites(definitions, g.definitions), || take_in_sites(references, g.references)),
            || {
                both(
                    parallel,
                    || {
                        take_in_sites(citations, g.citations);
                        take_in_sites(party_to, g.party_to);
                    },
                    || {
                        for (ByHandle(key), counted) in counted {
                            usage.entry(key).or_default().add(counted);
                        }
                        for (ByHandle(subject), sites) in subjects {
                            let claims = ledger_claims(ledgers.entry(subject).or_default());
                            claims.extend(sites);
                            claims.sort_unstable();
                            claims.dedup();
                        }
                    },
                )
            },
        );
    }

    /// Forgets what [`Index::take_in`] took in from the same facts.
    fn take_out(&mut self, g: Gathering) {
        self.changed(&g);
        for id in &g.registries {
            self.registries.remove(id);
        }
        for (map, gathered) in
            [(&mut self.definitions, g.definitions), (&mut self.references, g.references), (&mut self.citations, g.citations), (&mut self.party_to, g.party_to)]
        {
            for (ByHandle(key), sites) in gathered {
                if let Some(known) = map.get_mut(&key) {
                    sites.iter().for_each(|s| remove_site(known, s));
                    if known.is_empty() {
                        map.remove(&key);
                    }
                }
            }
        }
        for (ByHandle(key), counted) in g.usage {
            if let Some(u) = self.usage.get_mut(&key) {
                u.mentions = u.mentions.saturating_sub(counted.mentions);
                u.documents = u.documents.saturating_sub(counted.documents);
                if u.documents == 0 {
                    self.usage.remove(&key);
                }
            }
        }
        for (ByHandle(subject), sites) in g.subjects {
            let claims = ledger_claims(self.ledgers.entry(subject).or_default());
            claims.retain(|c| sites.binary_search(c).is_err());
        }
    }

    /// What taking in or out makes stale, either way: the definitions'
    /// table, the subjects defined or claimed about, the registry names.
    fn changed(&mut self, g: &Gathering) {
        if g.any_definitions {
            self.table = self.table.after();
        }
        // A subject's unit, or which definition comes first, may change.
        self.stale_subjects.extend(g.subject_definitions.iter().copied());
        self.stale_subjects.extend(g.subjects.keys().map(|k| k.0));
        if !g.registries.is_empty() {
            self.stale_names = true;
        }
    }

    /// Works out again what the last changes made stale: the relations of
    /// the subjects they touched (all of them when the claim settings
    /// changed) and the registry names.
    pub(crate) fn settle(&mut self, files: &Files, config: &Config) {
        if *config != self.config {
            if config.claims != self.config.claims {
                self.stale_subjects.extend(self.ledgers.keys().cloned());
            }
            self.config = config.clone();
        }
        // New ledgers for the stale subjects, related when first asked
        // about (or all at once by [`Index::relate_all`]).
        for subject in std::mem::take(&mut self.stale_subjects) {
            let Some(ledger) = self.ledgers.get(&subject) else { continue };
            if ledger.claims.is_empty() {
                self.ledgers.remove(&subject);
                continue;
            }
            let unit = self.entity(files, &subject).filter(|d| d.kind == EntityKind::Subject).and_then(|d| d.field_text("unit")).map(str::to_string);
            let fresh = Ledger::new(ledger.claims.clone(), unit, config.claims, self.conflicts_kept);
            self.ledgers.insert(subject, Arc::new(fresh));
        }
        if std::mem::take(&mut self.stale_names) {
            let registry_names = self.registries.iter().filter_map(|id| files.get(id.0 as usize)?.as_ref()?.registry()).flat_map(|r| {
                r.definitions
                    .iter()
                    .filter(|d| matches!(d.kind, EntityKind::Actor | EntityKind::Treaty))
                    .flat_map(|d| d.names().map(move |n| (d.id.as_str(), n)))
            });
            self.names = NameMatcher::new(registry_names).map(Arc::new);
        }
    }

    /// Relates the claims of every subject not related yet, subjects side
    /// by side: for a pass over the whole workspace, or to have every
    /// answer ready after indexing.
    pub(crate) fn relate_all(&self, files: &Files) {
        self.relate_every(|l| l.is_related() != (true, true), |l| l.settle_all(files));
    }

    /// [`Index::relate_all`], for conflicts only (revisions are worked
    /// out when asked for).
    pub(crate) fn relate_conflicts(&self, files: &Files) {
        self.relate_every(
            |l| !l.is_related().0,
            |l| {
                l.settled(files);
            },
        );
    }

    fn relate_every(&self, waiting: impl Fn(&Ledger) -> bool, relate: impl Fn(&Ledger) + Sync + Send) {
        let mut waiting: Vec<&Arc<Ledger>> = self.ledgers.values().filter(|l| waiting(l)).collect();
        // The biggest first, so that the last to finish is a small one.
        waiting.sort_by_key(|l| std::cmp::Reverse(l.claims.len()));
        waiting.into_par_iter().for_each(|l| relate(l));
    }

    /// The definition an id resolves to: the first one, in file order
    /// (a second is a `duplicate-id`).
    pub(crate) fn entity<'a>(&self, files: &'a Files, id: &str) -> Option<&'a Definition> {
        let site = *self.definitions.get(id)?.front()?;
        parts(files.get(site.file.0 as usize)?.as_ref()?).0.get(site.index as usize)
    }

    pub fn is_defined(&self, id: &str) -> bool {
        self.definitions.contains_key(id)
    }

    /// Every id that has a definition, in no particular order.
    pub fn defined_ids(&self) -> impl Iterator<Item = &Id> {
        self.definitions.keys()
    }

    /// Every defined id with the sites of its definitions, file order, in
    /// no particular order of ids (one pass, no lookup per id).
    pub(crate) fn definitions_by_id(&self) -> impl Iterator<Item = (&Id, &Sites)> {
        self.definitions.iter()
    }

    pub(crate) fn definition_sites<'a>(&'a self, id: &str) -> impl Iterator<Item = Site> + 'a {
        self.definitions.get(id).into_iter().flat_map(|s| s.iter().copied())
    }

    pub(crate) fn reference_sites<'a>(&'a self, id: &str) -> impl Iterator<Item = Site> + 'a {
        self.references.get(id).into_iter().flat_map(|s| s.iter().copied())
    }

    /// How many times an id is defined.
    pub fn definition_count(&self, id: &str) -> usize {
        self.definitions.get(id).map_or(0, Vector::len)
    }

    /// How many times an id is used.
    pub fn use_count(&self, id: &str) -> usize {
        self.references.get(id).map_or(0, Vector::len)
    }

    /// How many times, and in how many documents, an id is used in
    /// documents.
    pub fn usage(&self, id: &str) -> Usage {
        self.usage.get(id).copied().unwrap_or_default()
    }

    /// The claims that cite a source (`src=` or `via=`), in workspace order.
    pub fn citations(&self, id: &str) -> impl Iterator<Item = ClaimId> + '_ {
        self.citations.get(id).into_iter().flat_map(|s| s.iter().copied())
    }

    /// How many claims cite a source.
    pub fn citation_count(&self, id: &str) -> usize {
        self.citations.get(id).map_or(0, Vector::len)
    }

    /// The treaties that list an id as a party or signatory, file order.
    pub fn treaties_of(&self, id: &str) -> impl Iterator<Item = Site> + '_ {
        self.party_to.get(id).into_iter().flat_map(|s| s.iter().copied())
    }

    /// The subjects that have claims, each with its ledger.
    pub fn subjects(&self) -> impl Iterator<Item = (&Id, &Ledger)> {
        self.ledgers.iter().map(|(s, l)| (s, &**l))
    }

    /// The claims on a subject, in workspace order.
    pub fn claims_about(&self, subject: &str) -> &[ClaimId] {
        self.ledgers.get(subject).map_or(&[], |l| &l.claims)
    }

    pub(crate) fn ledger(&self, subject: &str) -> Option<&Ledger> {
        self.ledgers.get(subject).map(|l| &**l)
    }

    /// Registry names and aliases, for unannotated mentions.
    pub fn names(&self) -> Option<&NameMatcher> {
        self.names.as_deref()
    }
}

/// A file's definitions, references and claims, whatever its kind.
/// Whether two claims relate to others alike (what [`relate`] reads) and
/// are summed up alike.
fn reads_the_same(a: &Claim, b: &Claim) -> bool {
    a.figure == b.figure
        && a.unit() == b.unit()
        && a.date == b.date
        && same_ids(&a.sources, &b.sources)
        // Not related by, but named in the claim's summary.
        && same_ids(a.via(), b.via())
}

fn same_ids(a: &[IdAt], b: &[IdAt]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.id == y.id)
}

/// The ids a treaty lists as its parties or signatories.
fn parties(d: &Definition) -> impl Iterator<Item = &str> {
    let lists = (d.kind == EntityKind::Treaty).then(|| ["parties", "signatories"].into_iter().filter_map(|k| d.field(k)));
    lists.into_iter().flatten().flat_map(|v| v.texts()).filter_map(|t| t.strip_prefix('@'))
}

pub(crate) fn parts(file: &File) -> (&[Definition], &[Reference], &[Claim]) {
    if let Some(d) = file.document() {
        (&d.definitions, &d.references, &d.claims)
    } else if let Some(r) = file.registry() {
        (&r.definitions, &r.references, &[])
    } else {
        (&[], &[], &[])
    }
}

/// Sites in order, kept sorted: a persistent vector, cheap to clone, to
/// append to (files are mostly taken in in order) and to search.
pub(crate) type Sites = Vector<Site>;

/// Ids gathered from which a batch is taken in side by side.
const PARALLEL_FROM: usize = 1_000;

/// Runs `a` and `b`, side by side if `parallel`.
fn both(parallel: bool, a: impl FnOnce() + Send, b: impl FnOnce() + Send) {
    if parallel {
        rayon::join(a, b);
    } else {
        a();
        b();
    }
}

/// Each id's sites put into one of the index's maps.
fn take_in_sites(map: &mut HashMap<Id, Sites>, gathered: Gathered<Vec<Site>>) {
    for (ByHandle(key), mut sites) in gathered {
        sites.sort_unstable();
        match map.get_mut(&key) {
            Some(known) => sites.into_iter().for_each(|s| insert_site(known, s)),
            None => {
                map.insert(key, Vector::from(sites));
            }
        }
    }
}

fn insert_site(sites: &mut Sites, site: Site) {
    match sites.last() {
        Some(last) if *last >= site => {
            if let Err(at) = sites.binary_search(&site) {
                sites.insert(at, site);
            }
        }
        _ => sites.push_back(site),
    }
}

fn remove_site(sites: &mut Sites, site: &Site) {
    if let Ok(at) = sites.binary_search(site) {
        sites.remove(at);
    }
}

/// A ledger's claims, to change: the ledger is stale from now on (made
/// anew when the index settles), so its relations are not copied along
/// when a snapshot shares it.
fn ledger_claims(ledger: &mut Arc<Ledger>) -> &mut Vec<ClaimId> {
    if Arc::get_mut(ledger).is_none() {
        *ledger = Arc::new(Ledger { claims: ledger.claims.clone(), conflicts_kept: ledger.conflicts_kept, ..Ledger::default() });
    }
    let ledger = Arc::get_mut(ledger).expect("not shared: made above");
    ledger.settled = OnceLock::new();
    ledger.revisions = OnceLock::new();
    &mut ledger.claims
}

/// A fast hash: ids are the workspace's own, a few hundred of them.
type Gathered<V> = std::collections::HashMap<ByHandle, V, foldhash::fast::RandomState>;

/// What a run of files adds to the index, gathered in plain lists.
#[derive(Default)]
struct Gathering {
    definitions: Gathered<Vec<Site>>,
    references: Gathered<Vec<Site>>,
    citations: Gathered<Vec<Site>>,
    party_to: Gathered<Vec<Site>>,
    /// Each subject's claims.
    subjects: Gathered<Vec<Site>>,
    usage: Gathered<Usage>,
    /// Subjects defined here: their ledgers must be made anew.
    subject_definitions: Vec<Id>,
    registries: Vec<FileId>,
    any_definitions: bool,
}

impl Gathering {
    /// What `files` add to the index; with `diagnostics_only`, what
    /// diagnostics need only.
    fn of(files: &[(FileId, &File)], diagnostics_only: bool) -> Gathering {
        let mut g = Gathering::default();
        let everything = !diagnostics_only;
        for &(id, file) in files {
            let (defs, refs, claims) = parts(file);
            g.any_definitions |= !defs.is_empty();
            for (i, d) in defs.iter().enumerate() {
                let site = Site { file: id, index: i as u32 };
                g.definitions.entry(ByHandle(d.id)).or_default().push(site);
                if everything {
                    for party in parties(d) {
                        g.party_to.entry(ByHandle(Id::new(party))).or_default().push(site);
                    }
                }
                if d.kind == EntityKind::Subject {
                    g.subject_definitions.push(d.id);
                }
            }
            if everything {
                for (i, r) in refs.iter().enumerate() {
                    g.references.entry(ByHandle(r.id)).or_default().push(Site { file: id, index: i as u32 });
                }
            }
            if everything && file.document().is_some() {
                for (ref_id, n) in uses_per_id(refs) {
                    g.usage.entry(ByHandle(ref_id)).or_default().add(Usage { mentions: n, documents: 1 });
                }
            }
            for (i, c) in claims.iter().enumerate() {
                let site = Site { file: id, index: i as u32 };
                if everything {
                    for (k, source) in c.named().enumerate() {
                        // A source named twice in one claim cites it once.
                        if !c.named().take(k).any(|s| s.id == source.id) {
                            g.citations.entry(ByHandle(source.id)).or_default().push(site);
                        }
                    }
                }
                g.subjects.entry(ByHandle(c.subject.id)).or_default().push(site);
            }
            if file.registry().is_some() {
                g.registries.push(id);
            }
        }
        g
    }

    /// Runs gathered side by side, as one gathering (in order: each id's
    /// sites stay in file order). Each map is merged side by side with the
    /// others.
    fn merge(runs: Vec<Gathering>) -> Gathering {
        let mut runs = runs.into_iter();
        let Some(mut all) = runs.next() else { return Gathering::default() };
        let mut later: Vec<Gathering> = runs.collect();
        fn each<V>(later: &mut [Gathering], part: impl Fn(&mut Gathering) -> Gathered<V>) -> Vec<Gathered<V>> {
            later.iter_mut().map(part).collect()
        }
        let (definitions, references) = (each(&mut later, |g| std::mem::take(&mut g.definitions)), each(&mut later, |g| std::mem::take(&mut g.references)));
        let (citations, party_to) = (each(&mut later, |g| std::mem::take(&mut g.citations)), each(&mut later, |g| std::mem::take(&mut g.party_to)));
        let subjects = each(&mut later, |g| std::mem::take(&mut g.subjects));
        let extend = |mine: &mut Gathered<Vec<Site>>, theirs: Vec<Gathered<Vec<Site>>>| {
            for (key, sites) in theirs.into_iter().flatten() {
                mine.entry(key).or_default().extend(sites);
            }
        };
        both(
            true,
            || both(true, || extend(&mut all.definitions, definitions), || extend(&mut all.references, references)),
            || {
                both(
                    true,
                    || {
                        extend(&mut all.citations, citations);
                        extend(&mut all.party_to, party_to);
                    },
                    || extend(&mut all.subjects, subjects),
                )
            },
        );
        for g in later {
            for (key, counted) in g.usage {
                all.usage.entry(key).or_default().add(counted);
            }
            all.subject_definitions.extend(g.subject_definitions);
            all.registries.extend(g.registries);
            all.any_definitions |= g.any_definitions;
        }
        all
    }
}

/// How many times a document uses each id.
fn uses_per_id(refs: &[Reference]) -> Vec<(Id, u32)> {
    // A document has a few dozen references: counted per id in a list.
    let mut per_id: Vec<(Id, u32)> = Vec::new();
    for r in refs {
        match per_id.iter_mut().find(|(id, _)| *id == r.id) {
            Some((_, n)) => *n += 1,
            None => per_id.push((r.id, 1)),
        }
    }
    per_id
}
