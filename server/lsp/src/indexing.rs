//! Reading a root into its workspace: in the background, with progress,
//! the facts cache, and a look for what changed on disk meanwhile.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use gloss_analysis::lookup::TableToBuild;
use gloss_analysis::{Facts, Text};
use gloss_project::cache::{Entry, Stamp};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

use crate::publish;
use crate::server::{log, Backend};
use crate::state::{normalize, FileRole, Folder, State};
use crate::watch::Read;

/// The `[workspace]` lists of a `gloss.toml`'s facts.
pub(crate) fn layout_of(facts: &Facts) -> Option<(Vec<String>, Vec<String>)> {
    match facts {
        Facts::Registry(r) => r.config.as_ref().map(|c| (c.documents.clone(), c.registry.clone())),
        _ => None,
    }
}

impl Backend {
    /// Reads every document and registry file of a root in the
    /// background, with progress where the client supports it, then
    /// publishes. Open documents keep their editor text; files the
    /// workspace no longer has are dropped.
    pub(crate) fn index_folder(&self, folder: Arc<Folder>) {
        let Some(root) = folder.root().map(|r| r.to_path_buf()) else { return };
        let (state, client) = (self.state.clone(), self.client.clone());
        let backend = self.clone();
        let reading_since = std::time::SystemTime::now();
        tokio::spawn(async move {
            let read_root = root.clone();
            let started = std::time::Instant::now();
            // Read and put in the workspace off the async threads: on a big
            // workspace both take a while. Started before the progress is
            // set up, so that a slow client does not hold the reading back.
            let (apply_state, apply_folder) = (state.clone(), folder.clone());
            let read = crate::priority::spawn_lowered("gloss-read", move || {
                let (_, _, mut files, stats) = gloss_project::read_workspace_cached(&read_root, || gloss_project::FactsCache::open(&read_root))?;
                // Worth writing again when a document was parsed, is gone or
                // has a new stamp. The texts read from disk are written to
                // the new cache file first, and held from there: their own
                // copies go before the index is built (the server's peak).
                let worth_saving = stats.parsed > 0 || stats.in_cache != stats.cached || stats.restamped > 0;
                let writer = if worth_saving { gloss_project::spool_texts(&read_root, &mut files) } else { None };
                let save = worth_saving.then(|| {
                    files
                        .iter()
                        .filter_map(|f| {
                            let file = f.content.as_ref().ok()?;
                            Some(ReadDocument {
                                relative: f.relative.clone(),
                                hash: f.hash?,
                                stamp: f.stamp,
                                text: file.text.clone(),
                                facts: file.facts.clone(),
                            })
                        })
                        .collect::<Vec<_>>()
                });
                let count = files.len();
                let (hashes, to_build) = apply_index(&apply_state, &apply_folder, gloss_project::ready(files));
                Ok::<_, std::io::Error>((count, stats, save.map(|read| (read, writer)), hashes, to_build))
            });
            let token = NumberOrString::String(format!("gloss/index/{}", root.display()));
            // Never waiting long for the client: indexing does not depend on it.
            let created = state.support().work_done_progress
                && matches!(tokio::time::timeout(Duration::from_secs(2), client.create_work_done_progress(token.clone())).await, Ok(Ok(())));
            let progress = match created {
                true => Some(client.progress(token, "Gloss: indexing").with_message(root.display().to_string()).begin().await),
                false => None,
            };
            let read = read.await;
            let mut saving = None;
            let mut hashes = ReadHashes::default();
            let mut to_build = None;
            let count = match read {
                Ok(Ok((count, stats, save, read_hashes, table))) => {
                    hashes = read_hashes;
                    to_build = Some(table);
                    let ms = started.elapsed().as_millis();
                    let cached = if stats.cached > 0 { format!(" ({} from the cache)", stats.cached) } else { String::new() };
                    log(&state, &client, MessageType::INFO, format!("indexed {count} files of {} in {ms} ms{cached}", root.display()));
                    if let Some((read, writer)) = save {
                        saving = Some(save_cache(&state, &client, &folder, &root, read, writer));
                    }
                    count
                }
                Ok(Err(e)) => {
                    log(&state, &client, MessageType::ERROR, format!("cannot read the workspace {}: {e}", root.display()));
                    0
                }
                Err(_) => 0,
            };
            folder.set_ready();
            // The first completion or symbol search would build the table
            // of definitions (tens of ms at 20,000 documents), and the first
            // request about a claim would relate its subject's claims
            // (a subject of 3,000 claims takes tens of ms): done now, in the
            // background. Requests meanwhile work out what they need.
            // Relating waits for the cache to be written: writing it
            // encodes every document's facts, and the two side by side made
            // the server's peak.
            let to_build = to_build.unwrap_or_else(|| TableToBuild::new(folder.snapshot()));
            let (warm_state, warm_client, warm_root, warm_folder) = (state.clone(), client.clone(), root.clone(), folder.clone());
            tokio::spawn(async move {
                // Completions that come before the table is built answer
                // from the one built before the index was put in place, if
                // one was: then the table is built at the background's
                // priority, leaving the cores to requests and to the open
                // documents' diagnostics. If none was, they wait for it,
                // and it is built first at the priority of requests: built
                // lowered, behind giving memory back, it kept a completion
                // that came as the index ended waiting 40 to 75 ms at
                // 20,000 documents (it takes 20).
                let completions_wait = to_build.completions_wait();
                let work = move || {
                    to_build.build();
                    crate::priority::lower_this_thread();
                    // Reading freed tens of MB (texts moved to the cache
                    // file, markup): given back before relating and writing
                    // the cache take more, not half a second later (the
                    // cold index's peak at 20,000 documents: 154-159 MB to
                    // 139-144 MB).
                    crate::release_freed();
                };
                let _ = match completions_wait {
                    true => crate::priority::spawn_unlowered("gloss-definitions", work),
                    false => crate::priority::spawn_lowered("gloss-definitions", work),
                }
                .await;
                if let Some(saving) = saving {
                    let _ = saving.await;
                }
                let analysis = warm_folder.snapshot();
                let warm = crate::priority::spawn_lowered("gloss-relate", move || {
                    let started = std::time::Instant::now();
                    analysis.relate_all();
                    crate::release_freed();
                    (analysis.index().subjects().count(), started.elapsed())
                });
                if let Ok((subjects, took)) = warm.await {
                    let message = format!("related the claims of {subjects} subjects of {} in {} ms", warm_root.display(), took.as_millis());
                    log(&warm_state, &warm_client, MessageType::INFO, message);
                }
                // Last: its walk and its lists of the folder's files, made
                // beside writing the cache and relating, added to the
                // server's peak. Changes since reading began are found
                // whenever it runs.
                backend.watch_and_recheck(&warm_folder, reading_since, hashes);
            });
            publish::report_status(&state, &client).await;
            if let Some(p) = progress {
                p.finish_with_message(format!("{count} files")).await;
            }
            publish::publish_open(&state, &client).await;
        });
    }

    /// When the server watches the folders itself, a folder's watch begins
    /// once it is read: a file created, changed or deleted in between
    /// would be missed. Those are looked for then, in the background:
    /// files touched since `since` (with a margin for coarse file times)
    /// whose text is not the one read, documents not read, files read and
    /// now gone.
    fn watch_and_recheck(&self, folder: &Arc<Folder>, since: std::time::SystemTime, hashes: ReadHashes) {
        if !self.state.watch_self.load(std::sync::atomic::Ordering::SeqCst) {
            return; // the client watches
        }
        let Some(root) = folder.root().map(|r| r.to_path_buf()) else { return };
        let since = since - Duration::from_secs(2);
        let analysis = folder.snapshot();
        let (backend, folder) = (self.clone(), folder.clone());
        crate::priority::spawn_lowered("gloss-recheck", move || {
            backend.watch_folder(&folder);
            if backend.state.watcher.get().is_none() {
                return; // the system cannot watch
            }
            let hashes: HashMap<&str, u128, foldhash::fast::RandomState> = hashes.iter().map(|(path, hash)| (path.as_str(), *hash)).collect();
            let read = |path: &str, text: &Text| match hashes.get(path) {
                Some(&hash) => Read::Hash(hash),
                None => Read::Text(text.clone()),
            };
            let known: HashMap<PathBuf, Read> = analysis.files().map(|(_, f)| (normalize(&root.join(&f.path)), read(&f.path, &f.text))).collect();
            let globs = &analysis.config().documents;
            let found: HashSet<PathBuf> = gloss_project::find_documents(&root, globs).unwrap_or_default().into_iter().collect();
            let changes = crate::watch::changes_since(&known, &found, since);
            let changes: Vec<(Uri, FileChangeType)> = changes.into_iter().filter_map(|(p, t)| Some((Uri::from_file_path(&p)?, t))).collect();
            if !changes.is_empty() {
                backend.files_changed(changes);
            }
        });
    }
}

/// A document as read from disk, to be written to the facts cache: its
/// text and the facts read from it (shared with the workspace, unless the
/// workspace holds an editor's text for it).
struct ReadDocument {
    relative: String,
    hash: u128,
    stamp: Option<Stamp>,
    text: Text,
    facts: Arc<Facts>,
}

/// Writes a root's facts cache in the background: every document as read
/// from disk. An open document's is written too, though the workspace
/// holds the editor's text (it was left out, so every start after one
/// with a document open read and parsed it again, and so wrote the whole
/// cache again: 57 MB at 20,000 documents).
fn save_cache(
    state: &Arc<State>,
    client: &Client,
    folder: &Arc<Folder>,
    root: &std::path::Path,
    read: Vec<ReadDocument>,
    writer: Option<gloss_project::CacheWriter>,
) -> tokio::sync::oneshot::Receiver<()> {
    let (state, client, folder, root) = (state.clone(), client.clone(), folder.clone(), root.to_path_buf());
    crate::priority::spawn_lowered("gloss-save-cache", move || {
        let documents: Vec<Entry> = read
            .iter()
            .filter_map(|d| {
                let facts = match &*d.facts {
                    Facts::Document(facts) => facts,
                    _ => return None,
                };
                Some(Entry { relative: &d.relative, hash: d.hash, stamp: d.stamp, text: &d.text, facts })
            })
            .collect();
        let written = match writer {
            Some(writer) => writer.finish(&documents),
            None => gloss_project::FactsCache::save(&root, &documents),
        };
        let shared = match written {
            Ok(shared) => shared,
            Err(e) => {
                log(&state, &client, MessageType::WARNING, format!("cannot write the index cache of {}: {e}", root.display()));
                return;
            }
        };
        // The texts are in the cache file now: each file that still holds
        // the text written takes the file's copy, not read until needed,
        // and its own copy goes (texts spooled are held from the file
        // already; those of the old cache move to the new one). On a
        // draft, off the lock (20,000 files took 13 to 23 ms, which
        // requests waited for). Answers do not change: not an edit.
        let mut draft = folder.draft();
        for (entry, text) in documents.iter().zip(shared) {
            if let Some(text) = text {
                draft.workspace.share_text(entry.relative, entry.text, text);
            }
        }
        let (ws, replaced) = folder.install(draft, false);
        drop(ws);
        drop(replaced);
    })
}

/// The hash of each document's text as read from disk, with its path: what
/// the watch compares a file with when it was touched while being read.
/// A list, not yet a map: putting 20,000 paths just read into a map took 7
/// to 8 ms of a 250 ms warm start, on one thread while the others waited;
/// the watch makes the map, later, in the background.
type ReadHashes = Vec<(String, u128)>;

/// Puts what an index read into the folder's workspace (open documents
/// keep their text), drops what is gone, and settles the role of every
/// open document of the folder under the settings just read.
/// Returns the hashes of the documents read, and the table of
/// definitions to build.
fn apply_index(state: &State, folder: &Arc<Folder>, files: Vec<gloss_project::ReadyFile>) -> (ReadHashes, TableToBuild) {
    // On a copy, off the workspace's lock: requests and edits meanwhile
    // are not held back, and the edits are carried over when it is put in
    // place. (Documents opened meanwhile too: the copy may have set their
    // text from disk, the editor's wins.)
    let mut draft = folder.draft();
    let ws = &mut draft.workspace;
    let open: HashSet<String> = state.documents.iter().filter(|d| Arc::ptr_eq(&d.folder, folder) && d.role != FileRole::Other).map(|d| d.key.clone()).collect();
    let before: Vec<String> = ws.snapshot().files().map(|(_, f)| f.path.clone()).collect();
    let config_open = open.contains(gloss_project::CONFIG_FILE);
    // The disk's gloss.toml chose what was read; an open one, edited but
    // not saved, narrows it to its own globs (saving reads the folder again).
    let globs = config_open.then(|| ws.snapshot().config().documents.clone());
    let wanted = |f: &gloss_project::ReadyFile| f.registry || globs.as_ref().is_none_or(|g| crate::state::matches_globs(g, &f.relative));
    let files: Vec<gloss_project::ReadyFile> = files.into_iter().filter(wanted).collect();
    // What is gone from the folder: nothing to look for when it was empty
    // (its first index), and otherwise the paths read are borrowed, not
    // copied.
    let mut gone = before;
    if !gone.is_empty() {
        let read: std::collections::HashSet<&str, foldhash::fast::RandomState> = files.iter().map(|f| f.relative.as_str()).collect();
        gone.retain(|k| !read.contains(k.as_str()) && !open.contains(k));
    }
    let mut readable = Vec::with_capacity(files.len());
    // With the paths read, which are not needed any more (moved, not copied).
    let mut hashes = ReadHashes::with_capacity(files.len());
    for f in files {
        if !open.contains(&f.relative) {
            match f.file {
                Ok(file) => {
                    if f.relative == gloss_project::CONFIG_FILE && !config_open {
                        *folder.layout.lock().unwrap_or_else(|e| e.into_inner()) = layout_of(&file.facts);
                    }
                    readable.push(file);
                }
                Err(why) => {
                    ws.set_unreadable(&f.relative, &why, f.registry);
                }
            };
        }
        if let Some(hash) = f.hash {
            hashes.push((f.relative, hash));
        }
    }
    // Taken into the index at once.
    ws.set_files(readable);
    for gone in &gone {
        ws.remove(gone);
    }
    // Settled here too (the names of the registry, the subjects to relate
    // again): the first snapshot under the lock takes it as it is, unless
    // an edit came meanwhile.
    let _ = ws.snapshot();
    let (mut ws, replaced) = folder.install(draft, true);
    // A registry file opened before its gloss.toml was read is one now
    // (or no longer one).
    let config = ws.snapshot().config().clone();
    for mut doc in state.documents.iter_mut().filter(|d| Arc::ptr_eq(&d.folder, folder)) {
        let role = folder.role(&doc.key, &config);
        if role == doc.role || (role == FileRole::Document) != (doc.role == FileRole::Document) {
            continue;
        }
        doc.role = role;
        let text = doc.rope.to_string();
        doc.analysed_version = doc.version;
        match role {
            FileRole::Registry(is_config) => {
                ws.set_registry(&doc.key, &text, is_config);
            }
            _ => ws.remove(&doc.key),
        }
    }
    // From now on completions answer from the table built before, if
    // there is one, rather than build this one or wait for it: the caller
    // has it built on a thread of its own. (Symbol searches still do.)
    let to_build = TableToBuild::new(ws.snapshot());
    drop(ws);
    // The files no longer held, freed with the lock let go.
    drop(replaced);
    (hashes, to_build)
}
