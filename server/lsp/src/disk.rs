//! Files on disk: watched (by the client's watchers, or by our own watch
//! when the client refuses them), and their changes taken into the index
//! while they are closed.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use crate::publish;
use crate::server::{log, Backend};
use crate::state::{FileRole, Folder};

impl Backend {
    /// Asks the client to watch files for us; if it refuses, the server
    /// watches the folders itself.
    pub(crate) fn register_watchers(&self) {
        let (state, client) = (self.state.clone(), self.client.clone());
        let backend = self.clone();
        tokio::spawn(async move {
            let watchers = ["**/*.txt", "**/*.gloss", "**/gloss.toml", "**/*.toml"]
                .iter()
                .map(|g| FileSystemWatcher { glob_pattern: GlobPattern::String(g.to_string()), kind: None })
                .collect();
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            let registration = Registration {
                id: "gloss-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            if let Err(e) = client.register_capability(vec![registration]).await {
                log(&state, &client, MessageType::WARNING, format!("the client refused the file watchers ({e}): watching the folders itself"));
                state.watch_self.store(true, Ordering::SeqCst);
                // Setting up a watch walks the folder: off the async threads.
                tokio::task::spawn_blocking(move || {
                    for folder in state.folders() {
                        backend.watch_folder(&folder);
                    }
                });
            }
        });
    }

    /// Adds a folder to our own watch (started on first use), unless it is
    /// in it: changes on disk then reach the index as the client's
    /// notifications would. Walks the folder: a blocking call.
    pub(crate) fn watch_folder(&self, folder: &Folder) {
        let Some(root) = folder.root() else { return };
        if !folder.first_watch() {
            return;
        }
        let watcher = match self.state.watcher.get() {
            Some(w) => w,
            None => {
                let backend = self.clone();
                let started = crate::watch::FolderWatcher::start(move |paths| {
                    let changes = paths
                        .into_iter()
                        .filter_map(|(path, exists)| {
                            let typ = if exists { FileChangeType::CHANGED } else { FileChangeType::DELETED };
                            Some((Uri::from_file_path(&path)?, typ))
                        })
                        .collect();
                    backend.files_changed(changes);
                });
                match started {
                    Ok(w) => self.state.watcher.get_or_init(|| w),
                    Err(e) => {
                        self.log(MessageType::WARNING, format!("cannot watch the workspace for changes on disk: {e}"));
                        return;
                    }
                }
            }
        };
        match watcher.watch(root) {
            Ok(()) => self.log(MessageType::INFO, format!("watching {} for changes on disk", root.display())),
            Err(e) => self.log(MessageType::WARNING, format!("cannot watch {} for changes on disk: {e}", root.display())),
        }
    }

    /// Files created, changed or deleted on disk (told by the client or
    /// seen by our own watch): each closed one read again or dropped; a
    /// changed `gloss.toml` reads its folder again.
    pub(crate) fn files_changed(&self, changes: Vec<(Uri, FileChangeType)>) {
        let mut reindex: Vec<Arc<Folder>> = Vec::new();
        let mut configs: Vec<(Arc<Folder>, gloss_analysis::config::Config)> = Vec::new();
        for (uri, typ) in changes {
            if self.state.documents.contains_key(&uri) {
                continue; // the editor's text wins while it is open
            }
            let Some(path) = uri.to_file_path() else { continue };
            let Some(folder) = self.state.root_of(&path) else { continue };
            let key = folder.key(&uri);
            let config = match configs.iter().find(|(f, _)| Arc::ptr_eq(f, &folder)) {
                Some((_, c)) => c.clone(),
                None => {
                    let c = folder.config();
                    configs.push((folder.clone(), c.clone()));
                    c
                }
            };
            match folder.role(&key, &config) {
                FileRole::Registry(true) => {
                    // The globs or the registry list may change.
                    if !reindex.iter().any(|f| Arc::ptr_eq(f, &folder)) {
                        reindex.push(folder);
                    }
                }
                FileRole::Other => {}
                _ if typ == FileChangeType::DELETED => {
                    let mut ws = folder.edit();
                    match folder.role(&key, &config) {
                        FileRole::Registry(_) => {
                            ws.set_unreadable(&key, &format!("registry file {key} was deleted"), true);
                        }
                        _ => ws.remove(&key),
                    }
                }
                _ => self.reload(&folder, &key, Some(&path)),
            }
        }
        if reindex.is_empty() {
            publish::now(&self.state, &self.client);
        }
        for folder in reindex {
            self.index_folder(folder);
        }
    }

    /// Reads a closed file of a folder back from disk, or drops it.
    pub(crate) fn reload(&self, folder: &Folder, key: &str, path: Option<&std::path::Path>) {
        let config = folder.config();
        let role = folder.role(key, &config);
        let keep = folder.owns(key, &config);
        // Confined as the first read: nothing outside the root is read, a
        // link out of it included.
        let read = match (keep, path) {
            (true, Some(p)) => match folder.root() {
                Some(root) => gloss_project::reread(root, p, matches!(role, FileRole::Registry(_))),
                None => Some(gloss_project::read_text(p)),
            },
            _ => None,
        };
        let mut ws = folder.edit();
        match (read, role) {
            (None, _) => ws.remove(key),
            // Not UTF-8 (or unreadable) on disk: recorded as the first read
            // records it, with the `unreadable` diagnostic and its message.
            (Some(Err(why)), role) => {
                ws.set_unreadable(key, &why, matches!(role, FileRole::Registry(_)));
            }
            (Some(Ok(text)), FileRole::Registry(is_config)) => {
                ws.set_registry(key, &text, is_config);
            }
            (Some(Ok(text)), _) => {
                ws.set_document(key, &text);
            }
        }
    }
}
