//! What the server holds: the analysis workspace (behind a mutex that is
//! never held across an await), the open documents, and the settings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};

use dashmap::DashMap;
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
}

impl Default for Settings {
    fn default() -> Self {
        Settings { diagnostics_on: DiagnosticsOn::Type, debounce_ms: 200 }
    }
}

impl Settings {
    /// Reads `{"diagnostics": {"on": "save", "debounceMs": 0}}`, as sent
    /// in `initializationOptions` or under `gloss` in `didChangeConfiguration`.
    pub fn update(&mut self, value: &serde_json::Value) {
        let v = value.get("gloss").unwrap_or(value);
        if let Some(d) = v.get("diagnostics") {
            match d.get("on").and_then(|x| x.as_str()) {
                Some("save") => self.diagnostics_on = DiagnosticsOn::Save,
                Some("type") => self.diagnostics_on = DiagnosticsOn::Type,
                _ => {}
            }
            if let Some(ms) = d.get("debounceMs").and_then(|x| x.as_u64()) {
                self.debounce_ms = ms.min(60_000);
            }
        }
    }
}

/// What a file is to Gloss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    Document,
    /// A registry file; `true` for the workspace's `gloss.toml`.
    Registry(bool),
    /// Not ours (another TOML file, say).
    Other,
}

pub struct State {
    pub workspace: Mutex<Workspace>,
    pub documents: DashMap<lsp::Uri, OpenDocument>,
    pub root: RwLock<Option<PathBuf>>,
    pub encoding: RwLock<Encoding>,
    pub settings: RwLock<Settings>,
    /// Bumped by every change; a debounced publication runs only if no
    /// change came after it was scheduled.
    pub generation: AtomicU64,
    /// What was last published per document, so unchanged lists are not
    /// sent again.
    pub published: Mutex<HashMap<lsp::Uri, Vec<lsp::Diagnostic>>>,
    /// Paths of non-file documents, back to their URIs.
    pub other_uris: DashMap<String, lsp::Uri>,
    /// What the client said it supports.
    pub client: RwLock<ClientSupport>,
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
}

impl State {
    pub fn new() -> State {
        State {
            workspace: Mutex::new(Workspace::new()),
            documents: DashMap::new(),
            root: RwLock::new(None),
            encoding: RwLock::new(Encoding::Utf16),
            settings: RwLock::new(Settings::default()),
            generation: AtomicU64::new(0),
            published: Mutex::new(HashMap::new()),
            other_uris: DashMap::new(),
            client: RwLock::new(ClientSupport::default()),
        }
    }

    pub fn encoding(&self) -> Encoding {
        *self.encoding.read().unwrap()
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap().clone()
    }

    pub fn bump(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// An immutable view to answer from; the lock is held only to take it.
    pub fn snapshot(&self) -> Analysis {
        self.workspace.lock().unwrap_or_else(|e| e.into_inner()).snapshot()
    }

    /// The path the analysis knows a URI by: relative to the root when
    /// under it, else absolute, else the URI itself.
    pub fn key(&self, uri: &lsp::Uri) -> String {
        let Some(path) = uri.to_file_path() else {
            let key = uri.as_str().to_string();
            self.other_uris.insert(key.clone(), uri.clone());
            return key;
        };
        match &*self.root.read().unwrap() {
            Some(root) if path.starts_with(root) => gloss_project::relative(root, &path),
            _ => path.to_string_lossy().into_owned(),
        }
    }

    pub fn uri(&self, key: &str) -> Option<lsp::Uri> {
        if let Some(u) = self.other_uris.get(key) {
            return Some(u.clone());
        }
        let path = Path::new(key);
        let full = match &*self.root.read().unwrap() {
            Some(root) if path.is_relative() => root.join(path),
            _ => path.to_path_buf(),
        };
        lsp::Uri::from_file_path(full)
    }

    /// Whether a path is a document, a registry file, or neither.
    pub fn role(&self, key: &str, analysis: &Analysis) -> FileRole {
        if key == gloss_project::CONFIG_FILE || key.ends_with("/gloss.toml") && self.root.read().unwrap().is_none() {
            return FileRole::Registry(key == gloss_project::CONFIG_FILE);
        }
        if key.ends_with(".toml") {
            let listed = analysis.config().registry.iter().any(|r| r.trim_start_matches("./") == key);
            return if listed { FileRole::Registry(false) } else { FileRole::Other };
        }
        FileRole::Document
    }
}
