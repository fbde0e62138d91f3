//! Reading a Gloss workspace from disk: where its root is, which files are
//! its documents and registry, and their texts. The only IO below the
//! server and the CLI; everything it reads goes into an analysis
//! [`Workspace`] as facts.
//!
//! Confinement: only files under the root are read. A registry file that
//! `gloss.toml` lists outside it (`../x.toml`, or a link that leads out) is
//! reported, not read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub mod cache;
mod find;

pub use cache::{CacheWriter, FactsCache};
pub use find::{find_documents, find_root, relative};
use find::{find_documents_relative, Found};
use gloss_analysis::config::Config;
use gloss_analysis::{Facts, File, FileId, Text, Workspace};
use rayon::prelude::*;

pub const CONFIG_FILE: &str = "gloss.toml";

/// A workspace read from disk.
#[derive(Debug)]
pub struct Project {
    /// The folder with `gloss.toml`, or the folder given when there is none.
    pub root: PathBuf,
    pub has_config: bool,
    pub workspace: Workspace,
    /// Absolute path of every file read, by id.
    pub paths: BTreeMap<FileId, PathBuf>,
}

/// One file of a workspace as read from disk.
#[derive(Debug)]
pub struct ReadFile {
    pub path: PathBuf,
    /// Relative to the root, with `/` separators.
    pub relative: String,
    pub registry: bool,
    /// The file ready to set (text, facts, line index: all built in the
    /// same parallel pass as the reading), or why it could not be read.
    pub content: Result<File, String>,
    /// A document's text hash ([`cache::text_hash`]), for the facts cache.
    pub hash: Option<u128>,
    /// Its file's stamp from before it was read, if one can be trusted.
    pub stamp: Option<cache::Stamp>,
    /// Whether its text was read from the file (not taken from the cache).
    pub from_disk: bool,
}

/// A file read and made ready for [`Workspace::set_file`] (its text
/// shared, its line index built), or why it could not be read.
pub struct ReadyFile {
    pub path: PathBuf,
    pub relative: String,
    pub registry: bool,
    pub file: Result<File, String>,
    /// A document's text hash, as [`ReadFile::hash`].
    pub hash: Option<u128>,
}

/// Read files as files to set: what is left to do under the workspace's
/// lock is taking them into the index.
pub fn ready(files: Vec<ReadFile>) -> Vec<ReadyFile> {
    files.into_iter().map(|f| ReadyFile { file: f.content, path: f.path, relative: f.relative, registry: f.registry, hash: f.hash }).collect()
}

/// How a read went: documents parsed, and found in the facts cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    pub parsed: usize,
    pub cached: usize,
    /// Of those, documents not even read: their file's stamp was the one
    /// cached with their text.
    pub unread: usize,
    /// Documents whose stamp is not the one cached (the cache is worth
    /// writing again).
    pub restamped: usize,
    /// Documents the cache held (those gone since included).
    pub in_cache: usize,
}

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
fn read_workspace_at(root: &Path, open_cache: impl FnOnce() -> FactsCache + Send, now: i64) -> std::io::Result<(PathBuf, bool, Vec<ReadFile>, ReadStats)> {
    let root = root.canonicalize()?;
    let (mut cache, found) = rayon::join(open_cache, || find_files(&root));
    let (has_config, mut files, documents) = found?;
    let mut stats = ReadStats { in_cache: cache.len(), ..ReadStats::default() };
    // Each document with what the cache holds for it (taken out in order,
    // then read in parallel).
    let jobs: Vec<_> = documents
        .into_iter()
        .map(|(path, relative)| {
            let cached = cache.take(&relative);
            (path, relative, cached)
        })
        .collect();
    drop(cache); // what is left: documents gone since
    let read: Vec<(ReadFile, ReadStats)> = jobs.into_par_iter().map(|(path, relative, cached)| read_document(path, relative, cached, now)).collect();
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

/// Whether there is a `gloss.toml`, the registry files (read), and the
/// documents to read.
fn find_files(root: &Path) -> std::io::Result<(bool, Vec<ReadFile>, Found)> {
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
    // The registry files are read while the documents are looked for
    // (each is a few milliseconds on the 20,000-document benchmark).
    let (registry_files, documents) =
        rayon::join(|| listed.iter().map(|p| read_registry(root, p, false)).collect::<Vec<_>>(), || find_documents_relative(root, &config.documents));
    files.extend(registry_files);
    // Compared as bytes: the walk's paths are the root's joined with the
    // names it found, and the registry's are listed both ways (as joined
    // and canonical). Comparing `Path`s goes component by component when
    // they differ: 7 ms for 20,000 documents.
    let is_registry = |p: &Path| registry.iter().any(|r| r.as_os_str() == p.as_os_str());
    let documents = documents?.into_iter().filter(|(p, _)| !is_registry(p)).collect();
    Ok((has_config, files, documents))
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

/// Starts writing the facts cache of a root with the texts of documents
/// just read from their files, and has those documents hold their texts
/// from the cache file: their own copies are dropped now, before the index
/// is built, rather than after the cache is written. `None` when there is
/// no cache, or it cannot be written (the caller writes it whole later, or
/// not at all).
///
/// Texts of files changed too recently to have a stamp are spooled too,
/// though the cache's table will not keep them (the next start reads
/// those files again, and writes a cache without them): after a checkout
/// or a copy, every file of the workspace is that recent, and their texts
/// would otherwise stay in memory.
pub fn spool_texts(root: &Path, files: &mut [ReadFile]) -> Option<CacheWriter> {
    spool_texts_to(CacheWriter::for_root(root).ok()??, files)
}

fn spool_texts_to(mut writer: CacheWriter, files: &mut [ReadFile]) -> Option<CacheWriter> {
    let mut read = Vec::new();
    let mut numbers = Vec::new();
    for (k, f) in files.iter().enumerate().filter(|(_, f)| f.from_disk && !f.registry) {
        if let Ok(file) = &f.content {
            read.push(k);
            numbers.push(writer.append(&file.text).ok()?);
        }
    }
    let spooled = writer.spooled(&numbers).ok()?;
    for (&k, text) in read.iter().zip(spooled) {
        if let Ok(file) = &mut files[k].content {
            file.text = text;
        }
    }
    Some(writer)
}

/// The facts cache being written again after a [`Project::load_cached`]:
/// join it before the process ends.
pub type CacheWrite = std::thread::JoinHandle<std::io::Result<()>>;

impl Project {
    /// Reads the workspace rooted at `root` into an analysis [`Workspace`].
    pub fn load(root: &Path) -> std::io::Result<Project> {
        Project::load_into(root, Workspace::new())
    }

    /// [`Project::load`] into `workspace`, an empty one made for a purpose
    /// (as [`Workspace::for_diagnostics`]).
    pub fn load_into(root: &Path, workspace: Workspace) -> std::io::Result<Project> {
        let (root, has_config, files) = read_workspace(root)?;
        Ok(Project::of_files(root, has_config, files, workspace))
    }

    /// [`Project::load`] with the facts cache the language server keeps:
    /// documents read before are not parsed again (nor read, if their file
    /// is untouched). When the cache no longer matches the workspace, it is
    /// written again on a thread of its own, returned to be joined.
    pub fn load_cached(root: &Path) -> std::io::Result<(Project, Option<CacheWrite>)> {
        Project::load_cached_into(root, Workspace::new())
    }

    /// [`Project::load_cached`] into `workspace` (see [`Project::load_into`]).
    pub fn load_cached_into(root: &Path, workspace: Workspace) -> std::io::Result<(Project, Option<CacheWrite>)> {
        let (root, has_config, files, stats) = read_workspace_cached(root, || FactsCache::open(root))?;
        let stale = stats.parsed > 0 || stats.in_cache != stats.cached || stats.restamped > 0;
        let write = (stale && FactsCache::location(&root).is_some()).then(|| {
            // What the cache needs, taken before the files go into the workspace.
            let kept: Vec<(String, u128, Option<cache::Stamp>, File)> =
                files.iter().filter_map(|f| Some((f.relative.clone(), f.hash?, f.stamp, f.content.as_ref().ok()?.clone()))).collect();
            let root = root.clone();
            std::thread::spawn(move || {
                let entries: Vec<cache::Entry> = kept
                    .iter()
                    .filter_map(|(relative, hash, stamp, file)| {
                        Some(cache::Entry { relative, hash: *hash, stamp: *stamp, text: &file.text, facts: file.document()? })
                    })
                    .collect();
                FactsCache::save(&root, &entries).map(drop)
            })
        });
        Ok((Project::of_files(root, has_config, files, workspace), write))
    }

    fn of_files(root: PathBuf, has_config: bool, files: Vec<ReadFile>, workspace: Workspace) -> Project {
        let mut project = Project { has_config, root, workspace, paths: BTreeMap::new() };
        let (mut readable, mut paths) = (Vec::new(), Vec::new());
        for f in ready(files) {
            match f.file {
                Ok(file) => {
                    readable.push(file);
                    paths.push(f.path);
                }
                Err(why) => {
                    let id = project.workspace.set_unreadable(&f.relative, &why, f.registry);
                    project.paths.insert(id, f.path);
                }
            }
        }
        // Taken into the index at once.
        let ids = project.workspace.set_files(readable);
        project.paths.extend(ids.into_iter().zip(paths));
        project
    }

    /// The workspace-relative path of a file, with `/` separators.
    pub fn relative(&self, path: &Path) -> String {
        relative(&self.root, path)
    }
}

/// Reads a file as UTF-8, saying in words what went wrong.
pub fn read_text(path: &Path) -> Result<String, String> {
    read_text_stamped(path, 0).0
}

/// [`read_text`], with the stamp of the file opened (see
/// [`cache::Stamp::of`]), taken before it is read.
fn read_text_stamped(path: &Path, now: i64) -> (Result<String, String>, Option<cache::Stamp>) {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return (Err(cannot(e)), None),
    };
    let metadata = file.metadata().ok();
    let stamp = metadata.as_ref().and_then(|m| cache::Stamp::of_metadata(m, now));
    // Sized from the metadata, as `fs::read` does, so the text is read in
    // one go into one allocation. A regular file is read up to the size
    // its metadata gave: that is one read, where reading on to the end
    // takes another that finds nothing (a fifth of the system calls of
    // reading a workspace). A file that grew since is read as it was;
    // its stamp, taken before, tells the cache it changed. Other files
    // (with no size, or one that says nothing) are read to their end.
    let size = metadata.as_ref().filter(|m| m.is_file() && m.len() > 0).map(std::fs::Metadata::len);
    let mut bytes = Vec::with_capacity(size.unwrap_or(0) as usize);
    if let Err(e) = file.by_ref().take(size.unwrap_or(u64::MAX)).read_to_end(&mut bytes) {
        return (Err(cannot(e)), None);
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("{} is not UTF-8 (invalid byte at offset {}): save it as UTF-8", path.display(), e.utf8_error().valid_up_to()));
    (text, stamp)
}

/// A file of the workspace rooted at `root` read again (changed on disk,
/// or closed in the editor), confined as the first read is: a registry
/// file outside the root (as listed, or through a link) is an error that
/// says so, and so is one that is gone; a document outside the root or
/// gone is no document of the workspace (`None`), as the first read would
/// not have found it; a document there that is not UTF-8 is an error.
pub fn reread(root: &Path, path: &Path, registry: bool) -> Option<Result<String, String>> {
    match (confine(root, path), registry) {
        (Ok(real), _) => Some(read_text(&real)),
        (Err(why), true) => Some(Err(why)),
        (Err(_), false) => None,
    }
}

/// `path` resolved, if it stays inside `root`.
fn confine(root: &Path, path: &Path) -> Result<PathBuf, String> {
    let real = path.canonicalize().map_err(|e| format!("cannot read registry file {}: {e}", path.display()))?;
    if real.starts_with(root) {
        Ok(real)
    } else {
        Err(format!("registry file {} is outside the workspace {}: not read", path.display(), root.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gloss_analysis::diagnostics::{workspace_diagnostics, Code};

    /// A registry file the documents' globs also match is read once, as
    /// registry, however gloss.toml spells its path.
    #[test]
    fn a_registry_file_the_globs_match_is_not_read_as_a_document() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("gloss.toml"), "[workspace]\ndocuments = [\"**/*.txt\"]\nregistry = [\"./reg/../reg/people.txt\", \"places.txt\"]\n").unwrap();
        std::fs::create_dir(root.join("reg")).unwrap();
        std::fs::write(root.join("reg/people.txt"), "[actor.putin]\nname = \"Vladimir Putin\"\n").unwrap();
        std::fs::write(root.join("places.txt"), "[actor.kyiv]\nname = \"Kyiv\"\n").unwrap();
        std::fs::write(root.join("a.txt"), "[Putin]{@putin} in [Kyiv]{@kyiv}.\n").unwrap();
        let mut project = Project::load(&root).unwrap();
        let analysis = project.workspace.snapshot();
        let mut read: Vec<_> = analysis.files().map(|(_, f)| (f.path.clone(), f.document().is_some())).collect();
        read.sort();
        let expected = [("a.txt", true), ("gloss.toml", false), ("places.txt", false), ("reg/../reg/people.txt", false)];
        assert_eq!(read, expected.map(|(p, d)| (p.to_string(), d)));
        assert!(workspace_diagnostics(&analysis).is_empty(), "{:?}", workspace_diagnostics(&analysis));
    }

    #[test]
    fn reads_a_workspace_and_reports_what_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("gloss.toml"),
            "[workspace]\ndocuments = [\"docs/*.txt\"]\nregistry = [\"reg.toml\", \"missing.toml\", \"../outside.toml\"]\n",
        )
        .unwrap();
        std::fs::write(root.join("reg.toml"), "[actor.putin]\nname = \"Vladimir Putin\"\n").unwrap();
        std::fs::write(dir.path().parent().unwrap().join("outside.toml"), "[actor.x]\nname = \"X\"\n").ok();
        std::fs::create_dir(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/a.txt"), "[Putin]{@putin} spoke.\n").unwrap();
        std::fs::write(root.join("docs/bad.txt"), b"caf\xe9\n").unwrap();
        std::fs::write(root.join("docs/ignored.txt"), "[x]{@nobody}\n").unwrap();
        std::fs::write(root.join(".gitignore"), "docs/ignored.txt\n").unwrap();
        std::fs::write(root.join("other.txt"), "[x]{@nobody}\n").unwrap();

        let mut project = Project::load(root).unwrap();
        assert!(project.has_config);
        let analysis = project.workspace.snapshot();
        let mut paths: Vec<_> = analysis.files().map(|(_, f)| f.path.clone()).collect();
        paths.sort();
        assert_eq!(paths, ["../outside.toml", "docs/a.txt", "docs/bad.txt", "gloss.toml", "missing.toml", "reg.toml"]);
        let found: Vec<_> = workspace_diagnostics(&analysis).into_iter().map(|d| (analysis.file(d.file).unwrap().path.clone(), d.code)).collect();
        assert_eq!(
            found,
            [("../outside.toml".to_string(), Code::Registry), ("docs/bad.txt".to_string(), Code::Unreadable), ("missing.toml".to_string(), Code::Registry),]
        );
        assert_eq!(find_root(&root.join("docs/a.txt")).unwrap(), root.canonicalize().unwrap());
    }

    /// A sandbox with a workspace `ws` of two documents, `b.txt` being `b`.
    fn two_documents(b: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(root.join("docs/a.txt"), "[Putin]{@putin} said [10,000]{claim=troops src=@ua}.\n").unwrap();
        std::fs::write(root.join("docs/b.txt"), b).unwrap();
        (dir, root)
    }

    #[test]
    fn a_second_read_takes_unchanged_documents_from_the_cache() {
        let (dir, root) = two_documents("[Kim]{@kim} agreed.\n");
        let file = dir.path().join("cache/ws.facts");
        let save = |files: &[ReadFile]| save_cache(&file, files);
        let facts = |files: &[ReadFile]| -> Vec<(String, Facts)> {
            let mut v: Vec<_> = files.iter().map(|f| (f.relative.clone(), (*f.content.as_ref().unwrap().facts).clone())).collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };

        let (_, _, first, stats) = read_workspace_cached(&root, || FactsCache::open_file(&file)).unwrap();
        assert_eq!((stats.parsed, stats.cached), (2, 0));
        save(&first);
        let (_, _, second, stats) = read_workspace_cached(&root, || FactsCache::open_file(&file)).unwrap();
        assert_eq!((stats.parsed, stats.cached), (0, 2));
        // Just written, the files were read all the same (their stamps
        // cannot be trusted yet: they may change again within the tick).
        assert_eq!(stats.unread, 0);
        assert_eq!(facts(&second), facts(&first));

        // One document changed: only it is parsed, and read as it now is.
        std::fs::write(root.join("docs/b.txt"), "[Kim]{@kim} agreed to [3,000]{claim=troops}.\n").unwrap();
        let (_, _, third, stats) = read_workspace_cached(&root, || FactsCache::open_file(&file)).unwrap();
        assert_eq!((stats.parsed, stats.cached), (1, 1));
        let (_, _, fresh, _) = read_workspace_cached(&root, FactsCache::default).unwrap();
        assert_eq!(facts(&third), facts(&fresh));
        // Nothing was written in the workspace.
        let mut names: Vec<_> =
            ignore::WalkBuilder::new(&root).hidden(false).build().flatten().map(|e| e.path().strip_prefix(&root).unwrap().display().to_string()).collect();
        names.sort();
        assert_eq!(names, ["", "docs", "docs/a.txt", "docs/b.txt"]);
    }

    #[test]
    fn texts_just_read_are_held_from_the_cache_file_even_without_a_stamp() {
        let (dir, root) = two_documents("[Kim]{@kim} 😀 agreed.\n");
        let (_, _, mut files, _) = read_workspace_cached(&root, FactsCache::default).unwrap();
        let text = |f: &ReadFile| f.content.as_ref().unwrap().text.clone();
        let read: Vec<_> = files.iter().map(text).collect();
        // Just written: too recent for a stamp.
        assert!(files.iter().all(|f| f.stamp.is_none()));
        let writer = CacheWriter::create(&dir.path().join("cache/ws.facts")).unwrap().unwrap();
        let writer = spool_texts_to(writer, &mut files).unwrap();
        for (f, was) in files.iter().zip(&read) {
            let now = text(f);
            assert_eq!(now.as_str(), was.as_str());
            assert!(!now.is_same(was), "{} is held from the file, not its own copy", f.relative);
        }
        writer.finish(&[]).unwrap();
        assert_eq!(text(&files[1]).as_str(), read[1].as_str(), "still held once the cache is named");
    }

    /// The facts cache written as the server writes it: documents as read,
    /// with their stamps and texts.
    fn save_cache(file: &Path, files: &[ReadFile]) {
        let docs: Vec<cache::Entry> = files
            .iter()
            .filter_map(|f| match &f.content {
                Ok(file) => Some(cache::Entry { relative: &f.relative, hash: f.hash?, stamp: f.stamp, text: &file.text, facts: file.document()? }),
                _ => None,
            })
            .collect();
        FactsCache::save_file(file, &docs).unwrap();
    }

    /// A document untouched since it was read is not read again: its text
    /// comes from the cache with its facts. A change, even one that keeps
    /// the file's size, changes its stamp, and it is read.
    #[test]
    fn an_untouched_document_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir_all(root.join("docs")).unwrap();
        let file = dir.path().join("cache/ws.facts");
        let now = cache::Stamp::now();
        let write = |name: &str, text: &str, seconds_ago: i64| {
            let path = root.join(name);
            std::fs::write(&path, text).unwrap();
            let then = std::time::UNIX_EPOCH + std::time::Duration::from_secs((now - seconds_ago) as u64);
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(then).unwrap();
        };
        write("docs/a.txt", "[Putin]{@putin} said [10,000]{claim=troops src=@ua}.\n", 100);
        write("docs/b.txt", "[Kim]{@kim} agreed.\n", 100);
        // As if read a minute from now: the files' last changes (their
        // change times are now) are old enough for their stamps to count.
        let later = now + 60;
        let read = |cache: &Path| read_workspace_at(&root, || FactsCache::open_file(cache), later).unwrap();
        let texts = |files: &[ReadFile]| -> Vec<(String, String)> {
            let mut v: Vec<_> = files.iter().map(|f| (f.relative.clone(), f.content.as_ref().unwrap().text.to_string())).collect();
            v.sort();
            v
        };

        let (_, _, first, stats) = read(&file);
        assert_eq!((stats.parsed, stats.unread, stats.restamped), (2, 0, 2));
        assert!(first.iter().all(|f| f.stamp.is_some()));
        save_cache(&file, &first);
        let (_, _, second, stats) = read(&file);
        assert_eq!((stats.parsed, stats.cached, stats.unread, stats.restamped), (0, 2, 2, 0));
        assert_eq!(texts(&second), texts(&first));

        // Same size, another text, another modification time.
        write("docs/b.txt", "[Kim]{@kim} agrees.\n", 50);
        let (_, _, third, stats) = read(&file);
        assert_eq!((stats.parsed, stats.unread, stats.restamped), (1, 1, 1));
        assert!(texts(&third).contains(&("docs/b.txt".to_string(), "[Kim]{@kim} agrees.\n".to_string())));
        let (_, _, fresh) = read_workspace(&root).unwrap();
        let facts = |files: &[ReadFile]| -> Vec<(String, Facts)> {
            let mut v: Vec<_> = files.iter().map(|f| (f.relative.clone(), (*f.content.as_ref().unwrap().facts).clone())).collect();
            v.sort_by(|a, b| a.0.cmp(&b.0));
            v
        };
        assert_eq!(facts(&third), facts(&fresh));
    }

    /// A file is read whole: a regular one up to the size it has, one
    /// whose size says nothing (as the system's own files) to its end.
    #[test]
    fn a_file_is_read_whole_whatever_its_size_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        let text = "[Putin]{@putin} said [10,000]{claim=troops}.\n".repeat(1000);
        std::fs::write(&path, &text).unwrap();
        assert_eq!(read_text(&path).unwrap(), text);
        std::fs::write(&path, "").unwrap();
        assert_eq!(read_text(&path).unwrap(), "");
        #[cfg(target_os = "linux")]
        {
            let status = Path::new("/proc/self/status");
            assert_eq!(std::fs::metadata(status).unwrap().len(), 0);
            assert!(read_text(status).unwrap().contains("Name:"));
        }
    }

    #[test]
    fn a_file_read_again_stays_confined() {
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.toml");
        std::fs::write(&secret, "[actor.secret]\nname = \"Secret\"\n").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(&secret, root.join("link.toml")).unwrap();
        std::os::unix::fs::symlink(&secret, root.join("link.txt")).unwrap();
        std::fs::write(root.join("reg.toml"), "[actor.x]\nname = \"X\"\n").unwrap();
        std::fs::write(root.join("bad.txt"), b"caf\xe9\n").unwrap();
        std::fs::write(root.join("a.txt"), "[x]{@x}\n").unwrap();

        let link = reread(&root, &root.join("link.toml"), true).unwrap().unwrap_err();
        assert!(link.contains("is outside the workspace") && link.ends_with("not read"), "{link}");
        assert_eq!(reread(&root, &root.join("../outside.toml"), true).map(|r| r.is_err()), Some(true));
        let gone = reread(&root, &root.join("gone.toml"), true).unwrap().unwrap_err();
        assert!(gone.contains("cannot read registry file"), "{gone}");
        assert_eq!(reread(&root, &root.join("reg.toml"), true), Some(Ok("[actor.x]\nname = \"X\"\n".into())));
        // Documents: outside or gone, none; not UTF-8, an error; else the text.
        assert_eq!(reread(&root, &root.join("link.txt"), false), None);
        assert_eq!(reread(&root, &root.join("gone.txt"), false), None);
        assert!(reread(&root, &root.join("bad.txt"), false).unwrap().unwrap_err().contains("is not UTF-8"));
        assert_eq!(reread(&root, &root.join("a.txt"), false), Some(Ok("[x]{@x}\n".into())));
    }
}
