//! What the server holds: one analysis workspace per folder (each behind a
//! mutex that is never held across an await), the open documents, and the
//! settings.
//!
//! A folder is a workspace root (the nearest folder with `gloss.toml` at or
//! above a workspace folder the client named, else that folder), or a file
//! alone: a document outside every root is its own workspace.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use dashmap::DashMap;
use gloss_analysis::config::{ClaimOverrides, Config};
use gloss_analysis::line_index::Encoding;
use gloss_analysis::{Analysis, Workspace};
use tower_lsp_server::ls_types as lsp;

use crate::documents::OpenDocument;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagnosticsOn {
    Type,
    Save,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub diagnostics_on: DiagnosticsOn,
    pub debounce_ms: u64,
    /// The editor's conflict tolerance and window, over `gloss.toml`'s.
    pub claims: ClaimOverrides,
    /// The most detailed log messages sent, as `MessageType` numbers: 1
    /// errors only (always sent) ... 4 debug.
    pub log_level: u8,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { diagnostics_on: DiagnosticsOn::Type, debounce_ms: 200, claims: ClaimOverrides::default(), log_level: 3 }
    }
}

impl Settings {
    /// Reads `{"diagnostics": {"on": "save", "debounceMs": 0}, "conflicts":
    /// {"tolerance": 0.1, "windowDays": 31}, "log": {"level": "debug"}}`, as
    /// sent in `initializationOptions`, as the `gloss` section of
    /// `workspace/configuration`, or under `gloss` in
    /// `didChangeConfiguration`. Dotted keys (`"diagnostics.on"`) work too.
    /// A conflict setting that is `null` goes back to `gloss.toml`'s.
    pub fn update(&mut self, value: &serde_json::Value) {
        let v = value.get("gloss").unwrap_or(value);
        let section = |name: &str, key: &str| v.get(name).and_then(|d| d.get(key)).or_else(|| v.get(format!("{name}.{key}")));
        let number = |x: &serde_json::Value| x.as_f64().filter(|f| f.is_finite());
        if let Some(x) = section("conflicts", "tolerance") {
            self.claims.tolerance = number(x).map(|f| f.clamp(0.0, 1.0));
        }
        if let Some(x) = section("conflicts", "approx") {
            self.claims.approx = number(x).map(|f| f.clamp(0.0, 1.0));
        }
        if let Some(x) = section("conflicts", "windowDays") {
            self.claims.window_days = number(x).map(|f| f.clamp(0.0, 36_500.0) as i64);
        }
        if let Some(level) = section("log", "level").and_then(|x| x.as_str()) {
            self.log_level = match level {
                "error" => 1,
                "warn" | "warning" => 2,
                "info" => 3,
                "debug" | "trace" => 4,
                _ => self.log_level,
            };
        }
        let get = |key: &str| section("diagnostics", key);
        match get("on").and_then(|x| x.as_str()) {
            Some("save") => self.diagnostics_on = DiagnosticsOn::Save,
            Some("type") => self.diagnostics_on = DiagnosticsOn::Type,
            _ => {}
        }
        if let Some(ms) = get("debounceMs").and_then(|x| x.as_u64().or_else(|| x.as_f64().map(|f| f.max(0.0) as u64))) {
            self.debounce_ms = ms.min(60_000);
        }
    }
}

/// What a file is to Gloss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    Document,
    /// A registry file; `true` for the workspace's `gloss.toml`.
    Registry(bool),
    /// Not ours (a TOML file that no `gloss.toml` lists, say).
    Other,
}

/// Where a folder's files live.
#[derive(Debug, Clone)]
pub enum Place {
    /// A workspace root; keys are paths relative to it.
    Root(PathBuf),
    /// One document alone (no `gloss.toml` above it, or not a file).
    Alone(lsp::Uri),
}

pub struct Folder {
    pub place: Place,
    pub workspace: Mutex<Workspace>,
    /// `[workspace]` of the `gloss.toml` the last index read: when an edit
    /// changes it, the folder is read again.
    pub layout: Mutex<Option<(Vec<String>, Vec<String>)>>,
    /// Bumped by every change to the workspace: with `id`, the result id
    /// of pulled diagnostics, so a client asking again gets "unchanged".
    generation: AtomicU64,
    id: u64,
    /// Read from disk at least once (a file alone always is): until then
    /// its diagnostics would name every registry id unknown, so none are
    /// given.
    ready: AtomicBool,
    ready_signal: tokio::sync::Notify,
    /// The root's URI, for writing its files' URIs (`uri`).
    root_prefix: std::sync::OnceLock<Option<String>>,
    /// In our own watch, when the server watches the folders itself.
    watched: AtomicBool,
    /// What the last workspace pull worked out (`pulled`).
    pulled_lists: Mutex<Option<crate::pulled::Lists>>,
    /// Held by the one draft of the workspace being changed (`draft`).
    pub(crate) drafting: Mutex<()>,
}

static FOLDERS: AtomicU64 = AtomicU64::new(0);

impl Folder {
    pub fn new(place: Place) -> Folder {
        let id = FOLDERS.fetch_add(1, Ordering::SeqCst);
        let ready = AtomicBool::new(matches!(place, Place::Alone(_)));
        let ready_signal = tokio::sync::Notify::new();
        Folder {
            place,
            workspace: Mutex::new(Workspace::new()),
            layout: Mutex::new(None),
            generation: AtomicU64::new(0),
            id,
            ready,
            ready_signal,
            root_prefix: std::sync::OnceLock::new(),
            watched: AtomicBool::new(false),
            pulled_lists: Mutex::new(None),
            drafting: Mutex::new(()),
        }
    }

    /// What the last workspace pull worked out, taken (a pull at the same
    /// time works every list out).
    pub fn take_pulled_lists(&self) -> Option<crate::pulled::Lists> {
        self.pulled_lists.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub fn keep_pulled_lists(&self, lists: crate::pulled::Lists) {
        *self.pulled_lists.lock().unwrap_or_else(|e| e.into_inner()) = Some(lists);
    }

    /// True the first time only: the folder is to be added to our watch.
    pub fn first_watch(&self) -> bool {
        !self.watched.swap(true, Ordering::SeqCst)
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::SeqCst);
        self.ready_signal.notify_waiters();
    }

    /// Waits until the folder has been read, at most `limit`; whether it has.
    pub async fn wait_ready(&self, limit: std::time::Duration) -> bool {
        let wait = async {
            loop {
                let signal = self.ready_signal.notified();
                if self.is_ready() {
                    return;
                }
                signal.await;
            }
        };
        tokio::time::timeout(limit, wait).await.is_ok()
    }

    pub fn root(&self) -> Option<&Path> {
        match &self.place {
            Place::Root(r) => Some(r),
            Place::Alone(_) => None,
        }
    }

    /// The workspace, to read from.
    pub fn lock(&self) -> MutexGuard<'_, Workspace> {
        self.workspace.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The workspace, to change: answers pulled before are stale now.
    pub fn edit(&self) -> MutexGuard<'_, Workspace> {
        let guard = self.lock();
        self.generation.fetch_add(1, Ordering::SeqCst);
        guard
    }

    /// An immutable view to answer from; the lock is held only to take it.
    pub fn snapshot(&self) -> Analysis {
        self.lock().snapshot()
    }

    /// An immutable view, and its state as pulled diagnostics' result ids
    /// name it (`pulled`): the session, the folder and its generation. (The
    /// session, drawn at random, so that an id kept from another run of
    /// the server cannot pass for one of this run.)
    pub fn snapshot_with_id(&self) -> (Analysis, String) {
        static SESSION: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
        let session = SESSION.get_or_init(crate::answers::drawn_at_random);
        let mut ws = self.lock();
        let id = format!("{:08x}.{}:{}", session >> 32, self.id, self.generation.load(Ordering::SeqCst));
        (ws.snapshot(), id)
    }

    /// The settings of its `gloss.toml` as the workspace holds them now.
    pub fn config(&self) -> Config {
        self.snapshot().config().clone()
    }

    /// The key the analysis knows a file of this folder by.
    pub fn key(&self, uri: &lsp::Uri) -> String {
        match &self.place {
            Place::Root(root) => match uri.to_file_path() {
                Some(path) => relative_in(root, &path).unwrap_or_else(|| path.to_string_lossy().into_owned()),
                None => uri.as_str().to_string(),
            },
            Place::Alone(u) => alone_key(u),
        }
    }

    /// The URI of a file of this folder. Written from the root's URI
    /// when it can be (see [`Folder::write_uri`]) and read back, not kept:
    /// a map of them held a URI for every file a conflict or an answer
    /// ever pointed at.
    pub fn uri(&self, key: &str) -> Option<lsp::Uri> {
        let mut text = Vec::new();
        if self.write_uri(key, &mut text) {
            if let Some(uri) = std::str::from_utf8(&text).ok().and_then(|t| t.parse().ok()) {
                return Some(uri);
            }
        }
        match &self.place {
            Place::Root(root) => {
                let path = Path::new(key);
                lsp::Uri::from_file_path(if path.is_absolute() { path.to_path_buf() } else { normalize(&root.join(path)) })
            }
            Place::Alone(u) => Some(u.clone()),
        }
    }

    /// Appends the URI of a file of this folder to `out` as a JSON
    /// string; `false`, with nothing written, if it has none. Written
    /// directly when it can be (see [`Folder::write_uri`]).
    pub fn write_uri_json(&self, key: &str, out: &mut Vec<u8>) -> bool {
        out.push(b'"');
        if self.write_uri(key, out) {
            out.push(b'"');
            return true;
        }
        out.pop();
        match self.uri(key) {
            Some(uri) => {
                crate::json::string(out, uri.as_str());
                true
            }
            None => false,
        }
    }

    /// Appends the URI of a file of a root, written from the root's (see
    /// `uri::write_file_uri`); `false`, with nothing written, for a file
    /// whose URI is built the long way.
    fn write_uri(&self, key: &str, out: &mut Vec<u8>) -> bool {
        let Place::Root(root) = &self.place else { return false };
        let prefix = self.root_prefix.get_or_init(|| crate::uri::root_prefix(root));
        prefix.as_deref().is_some_and(|prefix| crate::uri::write_file_uri(prefix, key, out))
    }

    /// Whether a file is a document, a registry file, or neither.
    pub fn role(&self, key: &str, config: &Config) -> FileRole {
        let is_root = self.root().is_some();
        if key == gloss_project::CONFIG_FILE && is_root {
            return FileRole::Registry(true);
        }
        if key.ends_with(".toml") {
            let listed = config.registry.iter().any(|r| normalize_key(r) == key);
            return if listed { FileRole::Registry(false) } else { FileRole::Other };
        }
        FileRole::Document
    }

    /// Whether a closed file belongs to the workspace: a registry file, or
    /// a document the `[workspace] documents` globs match.
    pub fn owns(&self, key: &str, config: &Config) -> bool {
        match self.role(key, config) {
            FileRole::Registry(_) => true,
            FileRole::Other => false,
            FileRole::Document => self.root().is_some() && !key.starts_with('/') && !key.starts_with("../") && matches_globs(&config.documents, key),
        }
    }
}

/// A key for a document alone: its file name, as `gloss check` would show it.
fn alone_key(uri: &lsp::Uri) -> String {
    uri.to_file_path().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).unwrap_or_else(|| uri.as_str().to_string())
}

/// `path` relative to `root` when it is under it (as given or resolved).
pub fn relative_in(root: &Path, path: &Path) -> Option<String> {
    if path.starts_with(root) {
        return Some(gloss_project::relative(root, &normalize(path)));
    }
    let real = path.canonicalize().ok().or_else(|| Some(path.parent()?.canonicalize().ok()?.join(path.file_name()?)))?;
    real.starts_with(root).then(|| gloss_project::relative(root, &real))
}

/// `a/./b/../c` as `a/c`, without touching the disk.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c),
        }
    }
    out
}

fn normalize_key(key: &str) -> String {
    normalize(Path::new(key)).to_string_lossy().replace('\\', "/")
}

/// Whether a workspace-relative path matches the documents' globs (a
/// small copy of gloss-project's rule, without `.gitignore`).
pub fn matches_globs(globs: &[String], key: &str) -> bool {
    let mut set = globset::GlobSetBuilder::new();
    for g in globs {
        match globset::Glob::new(g) {
            Ok(g) => {
                set.add(g);
            }
            Err(_) => return false,
        }
    }
    set.build().is_ok_and(|s| s.is_match(key))
}

/// A document's last publication: generation, version, list.
pub type Published = (u64, i32, Box<[u8]>);

/// Whether a background run of relating is under way, and whether one
/// was asked for since it began.
#[derive(Default)]
pub struct Relating {
    pub running: std::sync::atomic::AtomicBool,
    pub wanted: std::sync::atomic::AtomicBool,
}

pub struct State {
    /// Workspace roots, from the client's workspace folders and from the
    /// `gloss.toml` above files opened outside them.
    pub folders: RwLock<Vec<Arc<Folder>>>,
    pub documents: DashMap<lsp::Uri, OpenDocument>,
    pub encoding: RwLock<Encoding>,
    pub settings: RwLock<Settings>,
    /// Bumped by every change; a debounced publication runs only if no
    /// change came after it was scheduled.
    pub generation: AtomicU64,
    /// What was last published per document: the generation it was worked
    /// out for, the document version, the list (as JSON: a long document's
    /// list as protocol types is several times that). An unchanged list for an
    /// unchanged version is not sent again, and an older publication never
    /// replaces a newer one. Held while sending, so lists reach the client
    /// in the order they are recorded here.
    pub published: tokio::sync::Mutex<HashMap<lsp::Uri, Published>>,
    /// The last `gloss/status` sent.
    pub status_sent: Mutex<Option<serde_json::Value>>,
    /// Relating in the background after publishing (`publish`).
    pub relating: Relating,
    /// Our own watch of the roots, when the client does not watch for us.
    pub watcher: std::sync::OnceLock<crate::watch::FolderWatcher>,
    /// The client does not watch files for us (it cannot, or refused):
    /// each folder is watched once its reading is done.
    pub watch_self: AtomicBool,
    /// What the client said it supports.
    pub client: RwLock<ClientSupport>,
    /// `shutdown` came before `exit`: the process exits with 0.
    pub shut_down: Arc<AtomicBool>,
    /// Answers and notifications written as JSON here, waiting to be sent
    /// (`answers`).
    pub answers: Arc<crate::answers::Answers>,
}

/// The client capabilities the server acts on.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientSupport {
    pub work_done_progress: bool,
    pub watch_registration: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`): pushing
    /// as well would show every problem twice.
    pub pull_diagnostics: bool,
    /// ... and can be told to pull again (`workspace/diagnostic/refresh`).
    pub diagnostic_refresh: bool,
    /// The client answers `workspace/configuration`.
    pub configuration: bool,
    /// The client takes edits with the version of each document.
    pub document_changes: bool,
    /// The client shows the workspace's numbers (`experimental.glossStatus`):
    /// it gets `gloss/status` notifications.
    pub status: bool,
}

impl State {
    pub fn new(shut_down: Arc<AtomicBool>, answers: Arc<crate::answers::Answers>) -> State {
        State {
            folders: RwLock::new(Vec::new()),
            documents: DashMap::new(),
            encoding: RwLock::new(Encoding::Utf16),
            settings: RwLock::new(Settings::default()),
            generation: AtomicU64::new(0),
            published: tokio::sync::Mutex::new(HashMap::new()),
            status_sent: Mutex::new(None),
            relating: Relating::default(),
            watcher: std::sync::OnceLock::new(),
            watch_self: AtomicBool::new(false),
            client: RwLock::new(ClientSupport::default()),
            shut_down,
            answers,
        }
    }

    pub fn encoding(&self) -> Encoding {
        *self.encoding.read().unwrap()
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    pub fn support(&self) -> ClientSupport {
        *self.client.read().unwrap()
    }

    pub fn bump(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn folders(&self) -> Vec<Arc<Folder>> {
        self.folders.read().unwrap().clone()
    }

    /// The root folder a path is under (the deepest one).
    pub fn root_of(&self, path: &Path) -> Option<Arc<Folder>> {
        let folders = self.folders.read().unwrap();
        folders
            .iter()
            .filter(|f| f.root().is_some_and(|r| relative_in(r, path).is_some_and(|k| !k.starts_with("../"))))
            .max_by_key(|f| f.root().map_or(0, |r| r.as_os_str().len()))
            .cloned()
    }

    /// Adds a root (unless it is known), returning it and whether it is new.
    pub fn add_root(&self, root: PathBuf) -> (Arc<Folder>, bool) {
        let mut folders = self.folders.write().unwrap();
        if let Some(f) = folders.iter().find(|f| f.root() == Some(root.as_path())) {
            return (f.clone(), false);
        }
        let f = self.new_folder(Place::Root(root));
        folders.push(f.clone());
        (f, true)
    }

    /// A folder under the editor's claim settings.
    fn new_folder(&self, place: Place) -> Arc<Folder> {
        let f = Folder::new(place);
        f.lock().set_claim_overrides(self.settings().claims);
        Arc::new(f)
    }

    /// Puts the editor's claim settings in force in these folders; whether
    /// they changed.
    pub fn apply_claim_settings(&self, folders: &[Arc<Folder>]) -> bool {
        let claims = self.settings().claims;
        let mut changed = false;
        for folder in folders {
            let current = folder.lock().claim_overrides();
            if current != claims {
                folder.edit().set_claim_overrides(claims);
                changed = true;
            }
        }
        changed
    }

    /// The folder of a document being opened: the root it is under; else
    /// the `gloss.toml` above it, as a new root (to index); else itself alone.
    pub fn folder_for_open(&self, uri: &lsp::Uri) -> (Arc<Folder>, bool) {
        let Some(path) = uri.to_file_path() else { return (self.new_folder(Place::Alone(uri.clone())), false) };
        if let Some(f) = self.root_of(&path) {
            return (f, false);
        }
        match gloss_project::find_root(path.parent().unwrap_or(&path)) {
            Some(root) => self.add_root(root),
            None => (self.new_folder(Place::Alone(uri.clone())), false),
        }
    }

    /// A folder's snapshot and the versions of its open documents that
    /// it holds, read under one lock.
    pub fn snapshot_with_versions(&self, folder: &Arc<Folder>) -> (Analysis, HashMap<lsp::Uri, i32>) {
        let mut ws = folder.lock();
        let analysis = ws.snapshot();
        let versions = self
            .documents
            .iter()
            .filter(|d| Arc::ptr_eq(&d.folder, folder) && d.role != FileRole::Other)
            .map(|d| (d.key().clone(), d.analysed_version))
            .collect();
        (analysis, versions)
    }

    /// The folder and key a request's document is known by: where it was
    /// opened, else the root it is under on disk.
    pub fn locate(&self, uri: &lsp::Uri) -> Option<(Arc<Folder>, String)> {
        if let Some(doc) = self.documents.get(uri) {
            return Some((doc.folder.clone(), doc.key.clone()));
        }
        let folder = self.root_of(&uri.to_file_path()?)?;
        let key = folder.key(uri);
        Some((folder, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_from_nested_and_dotted_keys() {
        let mut s = Settings::default();
        s.update(&serde_json::json!({"gloss": {"diagnostics": {"on": "save", "debounceMs": 50}}}));
        assert_eq!((s.diagnostics_on, s.debounce_ms), (DiagnosticsOn::Save, 50));
        s.update(&serde_json::json!({"diagnostics.on": "type", "diagnostics.debounceMs": 10.0}));
        assert_eq!((s.diagnostics_on, s.debounce_ms), (DiagnosticsOn::Type, 10));
        s.update(&serde_json::Value::Null);
        assert_eq!(s.debounce_ms, 10);
    }

    #[test]
    fn keys_and_uris_of_a_root() {
        let f = Folder::new(Place::Root(PathBuf::from("/ws")));
        let uri = lsp::Uri::from_file_path("/ws/docs/a.txt").unwrap();
        assert_eq!(f.key(&uri), "docs/a.txt");
        assert_eq!(f.uri("docs/a.txt").unwrap(), uri);
        assert_eq!(f.uri("../x.toml").unwrap(), lsp::Uri::from_file_path("/x.toml").unwrap());
        // Written and read back: the URI `from_file_path` builds.
        for key in ["docs/été #1 [x].txt", "a%20b/c d.txt", "日本/😀.txt"] {
            assert_eq!(f.uri(key).unwrap(), lsp::Uri::from_file_path(Path::new("/ws").join(key)).unwrap(), "{key}");
        }
        assert!(matches_globs(&["**/*.txt".into()], "docs/a.txt"));
        assert!(matches_globs(&["docs/*.txt".into()], "docs/a.txt"));
        assert!(!matches_globs(&["docs/*.txt".into()], "other/a.txt"));
    }
}
