//! Watching the workspace folders from the operating system, for clients
//! that do not watch files for the server (no dynamic registration of
//! `workspace/didChangeWatchedFiles`, or a refused one). Changes arrive as
//! the client's would: a batch of paths, each changed or deleted.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use gloss_analysis::Text;
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::FileChangeType;

/// Events closer together than this make one batch: a save is often
/// several events (truncate, write, rename into place).
const SETTLE: Duration = Duration::from_millis(50);

/// Every file under a folder, not following links (a link out of the
/// workspace is not the workspace's).
fn files_under(folder: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            files_under(&entry.path(), out);
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
}

/// What the server read of a file, to tell whether it changed since.
pub enum Read {
    /// A document: the hash of the text read ([`gloss_project::cache::text_hash`]).
    /// Its text itself may be held from the facts cache's mapped file, and
    /// comparing with it would bring every page of the file into memory
    /// (after a checkout, every file of the workspace is recent enough to
    /// be compared).
    Hash(u128),
    Text(Text),
}

impl Read {
    fn is(&self, now: &str) -> bool {
        match self {
            Read::Hash(hash) => gloss_project::cache::text_hash(now) == *hash,
            Read::Text(text) => text.as_str() == now,
        }
    }
}

/// What changed on disk for files `known` (each with what was read) and
/// documents `found` now: known files gone, known files touched since
/// `since` whose text is not the one read, and documents found that were
/// not known.
pub fn changes_since(known: &HashMap<PathBuf, Read>, found: &HashSet<PathBuf>, since: SystemTime) -> Vec<(PathBuf, FileChangeType)> {
    let mut changes: Vec<(PathBuf, FileChangeType)> = Vec::new();
    for (p, read) in known {
        match std::fs::metadata(p).and_then(|m| m.modified()) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => changes.push((p.clone(), FileChangeType::DELETED)),
            // Not UTF-8 (or unreadable) now: read again, to say so.
            Ok(modified) if modified >= since && std::fs::read_to_string(p).map_or(true, |now| !read.is(&now)) => {
                changes.push((p.clone(), FileChangeType::CHANGED));
            }
            _ => {}
        }
    }
    changes.extend(found.iter().filter(|p| !known.contains_key(*p)).map(|p| (p.clone(), FileChangeType::CREATED)));
    changes.sort_by(|a, b| a.0.cmp(&b.0));
    changes
}

/// A watcher over some roots; dropping it stops watching.
pub struct FolderWatcher {
    watcher: Mutex<RecommendedWatcher>,
}

impl FolderWatcher {
    /// Starts watching; `on_batch` gets each batch of changed paths with
    /// whether each still exists. `None` when the system cannot watch.
    pub fn start(on_batch: impl Fn(Vec<(PathBuf, bool)>) + Send + 'static) -> notify::Result<FolderWatcher> {
        let (tx, mut rx) = mpsc::unbounded_channel::<PathBuf>();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if matches!(event.kind, EventKind::Access(_)) {
                return; // reads, ours included
            }
            for path in event.paths {
                let _ = tx.send(path);
            }
        })?;
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                tokio::time::sleep(SETTLE).await;
                let mut paths = vec![first];
                while let Ok(p) = rx.try_recv() {
                    paths.push(p);
                }
                // A folder created (or moved in) may hold files written
                // before its own watch began: they come as it is walked.
                let folders: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
                for folder in folders {
                    files_under(&folder, &mut paths);
                }
                paths.retain(|p| !p.is_dir());
                paths.sort();
                paths.dedup();
                on_batch(
                    paths
                        .into_iter()
                        .map(|p| {
                            let exists = p.exists();
                            (p, exists)
                        })
                        .collect(),
                );
            }
        });
        Ok(FolderWatcher { watcher: Mutex::new(watcher) })
    }

    pub fn watch(&self, root: &Path) -> notify::Result<()> {
        self.watcher.lock().unwrap_or_else(|e| e.into_inner()).watch(root, RecursiveMode::Recursive)
    }

    pub fn unwatch(&self, root: &Path) {
        let _ = self.watcher.lock().unwrap_or_else(|e| e.into_inner()).unwatch(root);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file changed, one deleted, one created after the reading began
    /// (before the watch did) are found; a file untouched since, or
    /// touched but with the text that was read, is not.
    #[test]
    fn changes_since_the_reading_began_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
        for name in ["changed.txt", "untouched.txt", "created.txt", "same.txt", "hashed-changed.txt", "hashed-same.txt"] {
            std::fs::write(at(name), "text").unwrap();
        }
        std::fs::File::options().write(true).open(at("untouched.txt")).unwrap().set_modified(an_hour_ago).unwrap();
        let since = SystemTime::now() - Duration::from_secs(60);
        let read = |name: &str, text: &str| (at(name), Read::Text(Text::from(text)));
        let hashed = |name: &str, text: &str| (at(name), Read::Hash(gloss_project::cache::text_hash(text)));
        let known: HashMap<PathBuf, Read> = [
            read("changed.txt", "old text"),
            read("untouched.txt", "old text"),
            read("same.txt", "text"),
            read("deleted.txt", "text"),
            hashed("hashed-changed.txt", "old text"),
            hashed("hashed-same.txt", "text"),
        ]
        .into_iter()
        .collect();
        let found: HashSet<PathBuf> =
            ["changed.txt", "untouched.txt", "created.txt", "same.txt", "hashed-changed.txt", "hashed-same.txt"].map(at).into_iter().collect();
        let changes = changes_since(&known, &found, since);
        let expected = vec![
            (at("changed.txt"), FileChangeType::CHANGED),
            (at("created.txt"), FileChangeType::CREATED),
            (at("deleted.txt"), FileChangeType::DELETED),
            (at("hashed-changed.txt"), FileChangeType::CHANGED),
        ];
        assert_eq!(changes, expected);
    }
}
