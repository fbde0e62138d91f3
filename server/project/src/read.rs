//! Reading a workspace's files: gloss.toml, the registry files it lists,
//! and each document, from the facts cache where it holds them, in
//! parallel and as the walk finds them.

use std::path::{Path, PathBuf};

use gloss_analysis::config::Config;
use gloss_analysis::{Facts, File, Text};

use crate::{cache, confine, find, read_text, read_text_stamped, relative, FactsCache, ReadFile, ReadStats, CONFIG_FILE};

/// Every file of the workspace rooted at `root`, read and analysed (in
/// parallel): `gloss.toml` if there is one, the registry files it lists,
/// and every document its globs match, honouring `.gitignore`.
pub fn read_workspace(root: &Path) -> std::io::Result<(PathBuf, bool, Vec<ReadFile>)> {
    read_workspace_cached(root, FactsCache::default).map(|(root, has_config, files, _)| (root, has_config, files))
}

/// [`read_workspace`], taking the facts of documents whose text has not
/// changed (and the texts of those whose file is untouched) from the cache
/// `open_cache` opens, side by side with the search for the documents.
pub fn read_workspace_cached(root: &Path, open_cache: impl FnOnce() -> FactsCache + Send) -> std::io::Result<(PathBuf, bool, Vec<ReadFile>, ReadStats)> {
    read_workspace_at(root, open_cache, cache::Stamp::now())
}

/// [`read_workspace_cached`] as if the clock read `now` (for stamps).
///
/// Documents are read as the walk finds them, once the cache is open (on a
/// thread of its own meanwhile): the walk takes a core for 30 ms at 20,000
/// documents, and reading waited for all of it (`gloss check` 15 ms
/// slower).
pub(crate) fn read_workspace_at(
    root: &Path,
    open_cache: impl FnOnce() -> FactsCache + Send,
    now: i64,
) -> std::io::Result<(PathBuf, bool, Vec<ReadFile>, ReadStats)> {
    /// Documents read in one task.
    const BATCH: usize = 128;
    let root = root.canonicalize()?;
    let (has_config, mut files, globs, listed, registry) = read_config(&root);
    // Compared as bytes: the walk's paths are the root's joined with the
    // names it found, and the registry's are listed both ways (as joined
    // and canonical). Comparing `Path`s goes component by component when
    // they differ: 7 ms for 20,000 documents.
    let is_registry = |p: &Path| registry.iter().any(|r| r.as_os_str() == p.as_os_str());
    let mut documents = find::walk_documents(&root, &globs)?.filter(|(path, _)| !is_registry(path));
    let read = std::sync::Mutex::new(Vec::new());
    let mut registry_files = Vec::new();
    let mut in_cache = 0;
    std::thread::scope(|threads| {
        let mut opening = Some(threads.spawn(open_cache));
        rayon::scope(|tasks| {
            tasks.spawn(|_| registry_files = listed.iter().map(|p| read_registry(&root, p, false)).collect());
            // Each batch with what the cache holds for its documents (taken
            // out here, in one thread), read by whichever thread is free.
            let read = &read;
            let hand_over = |batch: Vec<(PathBuf, String)>, cache: &mut FactsCache| {
                let jobs: Vec<_> = batch.into_iter().map(|(path, relative)| (cache.take(&relative), path, relative)).collect();
                tasks.spawn(move |_| {
                    let done: Vec<_> = jobs.into_iter().map(|(cached, path, relative)| read_document(path, relative, cached, now)).collect();
                    read.lock().unwrap_or_else(|e| e.into_inner()).push(done);
                });
            };
            let mut cache: Option<FactsCache> = None;
            let mut waiting = Vec::new();
            loop {
                let batch: Vec<_> = documents.by_ref().take(BATCH).collect();
                let last = batch.len() < BATCH;
                waiting.push(batch);
                // Waited for only once every document is found.
                if let Some(opened) = opening.take_if(|o| last || o.is_finished()) {
                    let opened = opened.join().unwrap_or_default();
                    in_cache = opened.len();
                    cache = Some(opened);
                }
                if let Some(cache) = cache.as_mut() {
                    waiting.drain(..).for_each(|batch| hand_over(batch, cache));
                }
                if last {
                    break;
                }
            }
        });
    });
    drop(documents);
    files.extend(registry_files);
    let mut read: Vec<(ReadFile, ReadStats)> = read.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().flatten().collect();
    find::sort_by_path(&mut read, |(f, _)| &f.path);
    let mut stats = ReadStats { in_cache, ..ReadStats::default() };
    files.reserve_exact(read.len());
    for (file, counts) in read {
        stats.parsed += counts.parsed;
        stats.cached += counts.cached;
        stats.unread += counts.unread;
        stats.restamped += counts.restamped;
        files.push(file);
    }
    Ok((root, has_config, files, stats))
}

/// Whether there is a `gloss.toml`, its file (read), the documents' globs,
/// the registry files it lists, and those as listed and resolved (to tell
/// them from documents).
fn read_config(root: &Path) -> (bool, Vec<ReadFile>, Vec<String>, Vec<PathBuf>, Vec<PathBuf>) {
    let mut files = Vec::new();
    let config_path = root.join(CONFIG_FILE);
    let mut config = Config::default();
    let has_config = config_path.is_file();
    if has_config {
        let read = read_registry(root, &config_path, true);
        if let Some(Facts::Registry(r)) = read.content.as_ref().ok().map(|f| &*f.facts) {
            config = r.config.clone().unwrap_or_default();
        }
        files.push(read);
    }
    let listed: Vec<PathBuf> = if has_config { config.registry.iter().map(|l| root.join(l)).collect() } else { Vec::new() };
    // Registry files as listed and as resolved, once (not per document).
    let registry: Vec<PathBuf> = files.iter().map(|f| &f.path).chain(&listed).flat_map(|p| [Some(p.clone()), p.canonicalize().ok()]).flatten().collect();
    (has_config, files, config.documents, listed, registry)
}

/// One document: its text from the cache when its file's stamp is the
/// cached one, else from the file; its facts from the cache when the text
/// is the one they were read from, else read now.
fn read_document(path: PathBuf, relative: String, cached: Option<cache::Cached>, now: i64) -> (ReadFile, ReadStats) {
    let was_stamped = cached.as_ref().and_then(|c| c.stamp);
    // The file is looked up by path only when its stamp may spare reading
    // it; otherwise the stamp is the opened file's (a look-up per file was
    // 5% of the samples of profiling `gloss check`).
    let looked_up = was_stamped.and_then(|_| cache::Stamp::of(&path, now));
    let mut stats = ReadStats::default();
    let untouched = cached.as_ref().filter(|c| looked_up.is_some() && c.stamp == looked_up).and_then(|c| Some((c.text()?, c.decode()?)));
    if let Some((text, facts)) = untouched {
        stats.cached = 1;
        stats.unread = 1;
        let hash = cached.map(|c| c.hash);
        let content = Ok(File::with_cached_text(&relative, text, Facts::Document(facts)));
        return (ReadFile { relative, path, registry: false, content, hash, stamp: looked_up, from_disk: false }, stats);
    }
    let mut hash = None;
    let (text, stamp) = read_text_stamped(&path, now);
    let content = text.map(|text| {
        let h = cache::text_hash(&text);
        hash = Some(h);
        let facts = match cached.filter(|c| c.hash == h).and_then(|c| c.decode()) {
            Some(facts) => {
                stats.cached = 1;
                Facts::Document(facts)
            }
            None => {
                stats.parsed = 1;
                Facts::of_document(&text)
            }
        };
        File::with_text(&relative, Text::from(text), facts)
    });
    stats.restamped = usize::from(content.is_ok() && stamp.is_some() && stamp != was_stamped);
    (ReadFile { relative, path, registry: false, content, hash, stamp, from_disk: true }, stats)
}

fn read_registry(root: &Path, path: &Path, is_config: bool) -> ReadFile {
    let content = confine(root, path).and_then(|real| {
        read_text(&real).map(|text| {
            let facts = Facts::of_registry(&text, is_config);
            File::with_text(&relative(root, path), Text::from(text), facts)
        })
    });
    ReadFile { relative: relative(root, path), path: path.to_path_buf(), registry: true, content, hash: None, stamp: None, from_disk: true }
}
