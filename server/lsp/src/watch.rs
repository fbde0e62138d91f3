//! Watching the workspace folders from the operating system, for clients
//! that do not watch files for the server (no dynamic registration of
//! `workspace/didChangeWatchedFiles`, or a refused one). Changes arrive as
//! the client's would: a batch of paths, each changed or deleted.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

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
                on_batch(paths.into_iter().map(|p| {
                    let exists = p.exists();
                    (p, exists)
                }).collect());
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
