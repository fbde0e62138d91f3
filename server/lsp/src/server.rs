//! The protocol: lifecycle, documents, the workspace index, and each
//! request routed to its analysis feature.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use gloss_analysis::features::{code_actions, completion, goto, hover, outline, references, rename, tokens};
use gloss_analysis::line_index::Encoding;
use gloss_analysis::{Analysis, Facts, File, FileId};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp, *};
use tower_lsp_server::{Client, LanguageServer};

use crate::answers::{Answers, Written};
use crate::capabilities::capabilities;
use crate::documents::OpenDocument;
use crate::indexing::layout_of;
use crate::requests::{always, guarded};
use crate::state::{ClientSupport, DiagnosticsOn, FileRole, Folder, State};
use crate::{convert, features, publish, pulled};

/// The uses of the id at a position (its definitions too when asked).
fn references_of(a: &Analysis, id: FileId, file: &File, enc: Encoding, params: &ReferenceParams) -> references::Found {
    let at = convert::offset(file, params.text_document_position.position, enc);
    references::found(a, id, at, params.context.include_declaration)
}

/// How long a pulled diagnostic waits for its folder's first read.
const READ_WAIT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Backend {
    pub(crate) client: Client,
    pub(crate) state: Arc<State>,
}

impl Backend {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>, answers: Arc<Answers>) -> Backend {
        Backend { client, state: Arc::new(State::new(shut_down, answers)) }
    }

    /// `textDocument/references`, as routed by `framing::pump`: the
    /// locations written as JSON here (see `answers`).
    pub async fn written_references(&self, params: ReferenceParams) -> Result<Option<Written>> {
        let json = self.on_file(params.text_document_position.text_document.uri.clone(), move |a, scope, id, file, enc| {
            let found = references_of(a, id, file, enc, &params);
            Some(features::references_json(scope.folder, a, &found, enc))
        });
        // Kept for sending only once this request is answered: a request
        // cancelled meanwhile drops its JSON with it.
        Ok(json.await?.map(|json| self.state.answers.put(json)))
    }

    /// `textDocument/completion`, as routed by `framing::pump`: the list
    /// written as JSON here (see `answers`).
    pub async fn written_completion(&self, params: CompletionParams) -> Result<Option<Written>> {
        let p = params.text_document_position;
        let json = self.on_file(p.text_document.uri.clone(), move |a, _, id, file, enc| {
            let items = completion::complete(a, id, convert::offset(file, p.position, enc));
            Some(crate::json::completion_list(file, &items, enc, &p.text_document.uri))
        });
        Ok(json.await?.map(|json| self.state.answers.put(json)))
    }

    /// `textDocument/diagnostic`, as routed by `framing::pump`: the report
    /// written as JSON here (see `answers`).
    pub async fn written_diagnostic(&self, params: DocumentDiagnosticParams) -> Result<Written> {
        Ok(self.state.answers.put(self.diagnostic_json(params).await?))
    }

    /// A document's pulled diagnostics as the JSON of a report (see `pulled`).
    async fn diagnostic_json(&self, params: DocumentDiagnosticParams) -> Result<Vec<u8>> {
        pulled::document(&self.state, params, READ_WAIT).await.ok_or_else(Error::internal_error)
    }

    /// `workspace/diagnostic`, as routed by `framing::pump`: the report
    /// written as JSON here (see `answers`).
    pub async fn written_workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<Written> {
        Ok(self.state.answers.put(self.workspace_diagnostic_json(params).await?))
    }

    /// Every file of every folder as the JSON of a workspace report (see `pulled`).
    async fn workspace_diagnostic_json(&self, params: WorkspaceDiagnosticParams) -> Result<Vec<u8>> {
        pulled::workspace(&self.state, &self.client, self.all_folders(), params).await.ok_or_else(Error::internal_error)
    }

    pub(crate) fn log(&self, level: MessageType, message: String) {
        log(&self.state, &self.client, level, message);
    }

    /// Puts an open document's current text into its folder's workspace.
    /// Returns whether the folder must be read again (its `gloss.toml`
    /// now lists other documents or registry files).
    fn update_workspace(&self, uri: &Uri) -> bool {
        let Some((folder, role)) = self.state.documents.get(uri).map(|d| (d.folder.clone(), d.role)) else { return false };
        if role == FileRole::Other {
            return false;
        }
        // The workspace lock first, then the document: the order everywhere.
        let mut ws = folder.edit();
        let Some(mut doc) = self.state.documents.get_mut(uri) else { return false };
        let key = doc.key.clone();
        let (text, changed) = doc.take_text();
        doc.analysed_version = doc.version;
        drop(doc);
        match role {
            // Only the paragraphs edited since the workspace last got the
            // text are read again.
            FileRole::Document => {
                ws.set_edited_document(&key, text, changed);
                false
            }
            FileRole::Registry(true) => {
                let facts = Facts::of_registry(&text, true);
                let layout = layout_of(&facts);
                ws.set(&key, text, facts);
                drop(ws);
                let mut known = folder.layout.lock().unwrap_or_else(|e| e.into_inner());
                let changed = *known != layout;
                *known = layout;
                changed
            }
            _ => {
                ws.set_registry(&key, &text, false);
                false
            }
        }
    }

    /// Asks the client for the `gloss` settings, in the background.
    fn pull_configuration(&self) {
        if !self.state.support().configuration {
            return;
        }
        let (state, client) = (self.state.clone(), self.client.clone());
        tokio::spawn(async move {
            let item = ConfigurationItem { scope_uri: None, section: Some("gloss".into()) };
            if let Ok(values) = client.configuration(vec![item]).await {
                if let Some(v) = values.first().filter(|v| v.is_object()) {
                    state.settings.write().unwrap().update(v);
                    if state.apply_claim_settings(&all_folders(&state)) {
                        publish::publish_open(&state, &client).await;
                    }
                }
            }
        });
    }

    /// Every folder: the roots, and the documents open alone.
    fn all_folders(&self) -> Vec<Arc<Folder>> {
        all_folders(&self.state)
    }
}

/// Every folder: the roots, and the documents open alone.
fn all_folders(state: &State) -> Vec<Arc<Folder>> {
    let mut all = state.folders();
    for d in state.documents.iter() {
        if !all.iter().any(|f| Arc::ptr_eq(f, &d.folder)) {
            all.push(d.folder.clone());
        }
    }
    all
}

/// Logs to stderr and to the client, if the level the client set lets
/// this message through.
pub(crate) fn log(state: &State, client: &Client, level: MessageType, message: String) {
    let wanted = MessageType::ERROR == level || state.settings().log_level as i32 >= message_rank(level);
    if wanted {
        send_log(client, level, message);
    }
}

/// ERROR 1, WARNING 2, INFO 3, LOG 4 (debug), DEBUG 5 (LSP 3.18).
fn message_rank(level: MessageType) -> i32 {
    serde_json::to_value(level).ok().and_then(|v| v.as_i64()).unwrap_or(4) as i32
}

pub(crate) fn send_log(client: &Client, level: MessageType, message: String) {
    eprintln!("gloss: {message}");
    let client = client.clone();
    tokio::spawn(async move { client.log_message(level, message).await });
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let enc = if offered.contains(&PositionEncodingKind::UTF8) { Encoding::Utf8 } else { Encoding::Utf16 };
        *self.state.encoding.write().unwrap() = enc;
        #[allow(deprecated)] // root_uri: for clients without workspace folders
        let folders: Vec<Uri> = match (&params.workspace_folders, &params.root_uri) {
            (Some(f), _) if !f.is_empty() => f.iter().map(|f| f.uri.clone()).collect(),
            (_, Some(root)) => vec![root.clone()],
            _ => Vec::new(),
        };
        for folder in folders.iter().filter_map(|u| u.to_file_path()) {
            if let Some(root) = gloss_project::find_root(&folder).or_else(|| folder.canonicalize().ok()) {
                self.state.add_root(root);
            }
        }
        let caps = &params.capabilities;
        let workspace = caps.workspace.as_ref();
        *self.state.client.write().unwrap() = ClientSupport {
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            watch_registration: workspace.and_then(|w| w.did_change_watched_files.as_ref()).and_then(|d| d.dynamic_registration).unwrap_or(false),
            pull_diagnostics: caps.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: workspace.and_then(|w| w.diagnostics.as_ref()).and_then(|d| d.refresh_support).unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            document_changes: workspace.and_then(|w| w.workspace_edit.as_ref()).and_then(|e| e.document_changes).unwrap_or(false),
            status: caps.experimental.as_ref().and_then(|e| e.get("glossStatus")).and_then(|v| v.as_bool()).unwrap_or(false),
        };
        if let Some(TraceValue::Verbose) = params.trace {
            self.state.settings.write().unwrap().log_level = 4;
        }
        if let Some(options) = &params.initialization_options {
            self.state.settings.write().unwrap().update(options);
        }
        self.state.apply_claim_settings(&self.state.folders());
        Ok(InitializeResult {
            capabilities: capabilities(enc),
            server_info: Some(ServerInfo { name: "gloss".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let roots: Vec<String> = self.state.folders().iter().filter_map(|f| Some(f.root()?.display().to_string())).collect();
        self.log(MessageType::INFO, format!("workspace roots: {roots:?}"));
        // Without the client's watch, each folder's own begins once it is
        // read: setting one up walks the folder, which on a big one slowed
        // the reading by tens of ms. What changed meanwhile is looked for
        // then (`watch_and_recheck`).
        let client_watches = self.state.support().watch_registration;
        self.state.watch_self.store(!client_watches, Ordering::SeqCst);
        for folder in self.state.folders() {
            self.index_folder(folder);
        }
        if client_watches {
            self.register_watchers();
        }
        self.pull_configuration();
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let (folder, created) = self.state.folder_for_open(&doc.uri);
        if created {
            self.index_folder(folder.clone());
        }
        let key = folder.key(&doc.uri);
        let role = folder.role(&key, &folder.config());
        let open = OpenDocument::new(&doc.text, doc.version, folder, key, role);
        self.state.documents.insert(doc.uri.clone(), open);
        self.update_workspace(&doc.uri);
        publish::now(&self.state, &self.client);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied before any await: edits stay in order.
        let uri = params.text_document.uri;
        let enc = self.state.encoding();
        let folder = {
            let Some(mut doc) = self.state.documents.get_mut(&uri) else {
                self.log(MessageType::WARNING, format!("didChange for {}, which is not open: ignored", uri.as_str()));
                return;
            };
            for change in &params.content_changes {
                doc.apply(change, enc);
            }
            doc.version = params.text_document.version;
            doc.folder.clone()
        };
        if self.update_workspace(&uri) {
            self.index_folder(folder);
        }
        if self.state.settings().diagnostics_on == DiagnosticsOn::Type {
            publish::schedule(&self.state, &self.client);
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let config = self.state.documents.get(&params.text_document.uri).filter(|d| d.role == FileRole::Registry(true)).map(|d| d.folder.clone());
        match config {
            // What it lists may have changed on disk: read the folder again.
            Some(folder) => self.index_folder(folder),
            None => publish::now(&self.state, &self.client),
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some((_, doc)) = self.state.documents.remove(&uri) else { return };
        if doc.role != FileRole::Other {
            // The file on disk is what counts again, if it is the workspace's.
            let path = uri.to_file_path();
            self.reload(&doc.folder, &doc.key, path.as_deref());
        }
        let (state, client) = (self.state.clone(), self.client.clone());
        tokio::spawn(async move {
            // Under the publications' lock: no list worked out before the
            // close is sent after this empty one.
            let mut published = state.published.lock().await;
            published.remove(&uri);
            if !state.support().pull_diagnostics {
                client.publish_diagnostics(uri, Vec::new(), None).await;
            }
        });
        publish::now(&self.state, &self.client);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if params.settings.is_object() {
            self.state.settings.write().unwrap().update(&params.settings);
            if self.state.apply_claim_settings(&self.all_folders()) {
                publish::now(&self.state, &self.client);
            }
        }
        // Clients that send no settings here want to be asked.
        self.pull_configuration();
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        for removed in params.event.removed.iter().filter_map(|f| f.uri.to_file_path()) {
            let root = gloss_project::find_root(&removed).or_else(|| removed.canonicalize().ok());
            // Open documents keep the folder they were opened in.
            self.state.folders.write().unwrap().retain(|f| f.root() != root.as_deref());
            if let (Some(w), Some(root)) = (self.state.watcher.get(), &root) {
                w.unwatch(root);
            }
        }
        for added in params.event.added.iter().filter_map(|f| f.uri.to_file_path()) {
            if let Some(root) = gloss_project::find_root(&added).or_else(|| added.canonicalize().ok()) {
                let (folder, created) = self.state.add_root(root.clone());
                if created {
                    // Watched, if we watch, once read.
                    self.index_folder(folder);
                }
            }
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.files_changed(params.changes.into_iter().map(|c| (c.uri, c.typ)).collect());
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let at = p.position;
        let quick = move |a: &Analysis, id, file: &File, enc| !hover::needs_relating(a, id, convert::offset(file, at, enc));
        self.on_file_at_once_if(p.text_document.uri.clone(), quick, move |a, _, id, file, enc| {
            let h = hover::hover(a, id, convert::offset(file, p.position, enc))?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
                range: Some(convert::range(file, &h.range, enc)),
            })
        })
        .await
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.on_file_at_once_if(p.text_document.uri.clone(), always, move |a, scope, id, file, enc| {
            let found = goto::definition(a, id, convert::offset(file, p.position, enc));
            let list: Vec<lsp::Location> = found.iter().filter_map(|l| features::location(scope.folder, a, l, enc)).collect();
            (!list.is_empty()).then_some(GotoDefinitionResponse::Array(list))
        })
        .await
    }

    async fn goto_declaration(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        self.goto_type_definition(params).await
    }

    async fn goto_type_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.on_file_at_once_if(p.text_document.uri.clone(), always, move |a, scope, id, file, enc| {
            let found = goto::subject(a, id, convert::offset(file, p.position, enc));
            let list: Vec<lsp::Location> = found.iter().filter_map(|l| features::location(scope.folder, a, l, enc)).collect();
            (!list.is_empty()).then_some(GotoDefinitionResponse::Array(list))
        })
        .await
    }

    /// Reached only by a client that bypasses `framing::pump` (which
    /// routes these requests to [`Backend::written_references`]).
    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        self.on_file(params.text_document_position.text_document.uri.clone(), move |a, scope, id, file, enc| {
            Some(references_of(a, id, file, enc, &params).locations(a).iter().filter_map(|l| features::location(scope.folder, a, l, enc)).collect())
        })
        .await
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        // Sent as the cursor moves: only this file's uses are read.
        self.on_file_at_once_if(p.text_document.uri.clone(), always, move |a, _, id, file, enc| {
            let found = references::highlights(a, id, convert::offset(file, p.position, enc));
            let kind = |def: bool| if def { DocumentHighlightKind::WRITE } else { DocumentHighlightKind::READ };
            Some(found.iter().map(|(r, def)| DocumentHighlight { range: convert::range(file, r, enc), kind: Some(kind(*def)) }).collect())
        })
        .await
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        let outcome = self
            .on_file_at_once_if(params.text_document.uri.clone(), always, move |a, _, id, file, enc| {
                Some(rename::prepare(a, id, convert::offset(file, params.position, enc)).map(|r| convert::range(file, &r, enc)))
            })
            .await?;
        match outcome {
            Some(Ok(range)) => Ok(Some(PrepareRenameResponse::Range(range))),
            Some(Err(why)) => Err(Error::invalid_params(why)),
            None => Ok(None),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let p = params.text_document_position;
        let outcome = self
            .on_file(p.text_document.uri.clone(), move |a, scope, id, file, enc| {
                Some(rename::rename(a, id, convert::offset(file, p.position, enc), &params.new_name).map(|e| features::workspace_edit(scope, a, &e, enc)))
            })
            .await?;
        match outcome {
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(why)) => Err(Error::invalid_params(why)),
            None => Ok(None),
        }
    }

    /// Reached only by a client that bypasses `framing::pump` (which
    /// routes these requests to [`Backend::written_completion`]).
    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        self.on_file(p.text_document.uri.clone(), move |a, _, id, file, enc| {
            let items = completion::complete(a, id, convert::offset(file, p.position, enc));
            Some(features::completion_list(file, &items, enc, &p.text_document.uri))
        })
        .await
    }

    async fn completion_resolve(&self, mut item: CompletionItem) -> Result<CompletionItem> {
        let Some((uri, id)) = features::completion_data(&item) else { return Ok(item) };
        let Some((folder, _)) = self.state.locate(&uri) else { return Ok(item) };
        let analysis = folder.snapshot();
        let client = self.client.clone();
        let card = tokio::task::spawn_blocking(move || guarded(&client, "a completion item", || completion::documentation(&analysis, &id)))
            .await
            .ok()
            .and_then(|r| r.ok())
            .flatten();
        if let Some(md) = card {
            item.documentation = Some(Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: md }));
        }
        Ok(item)
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.on_file(params.text_document.uri.clone(), move |a, _, id, file, enc| {
            let symbols = outline::document_symbols(a, id);
            Some(DocumentSymbolResponse::Nested(symbols.iter().map(|s| features::document_symbol(file, s, enc)).collect()))
        })
        .await
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let enc = self.state.encoding();
        let mut list = Vec::new();
        for folder in self.all_folders() {
            let analysis = folder.snapshot();
            let found = guarded(&self.client, "workspace/symbol", || outline::workspace_symbols(&analysis, &params.query))?;
            list.extend(found.iter().filter_map(|(f, s)| features::workspace_symbol(&folder, analysis.file(*f)?, s, enc)));
        }
        Ok(Some(WorkspaceSymbolResponse::Nested(list)))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.on_file(params.text_document.uri.clone(), move |a, _, id, file, enc| {
            let data = features::semantic_tokens(file, &tokens::semantic_tokens(a, id), enc);
            Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.on_file(params.text_document.uri.clone(), move |a, _, id, file, enc| {
            let range = convert::offset(file, params.range.start, enc)..convert::offset(file, params.range.end, enc);
            let hints = outline::inlay_hints(a, id, range);
            Some(
                hints
                    .iter()
                    .map(|h| InlayHint {
                        position: convert::position(file, h.offset, enc),
                        label: InlayHintLabel::String(h.label.clone()),
                        kind: None,
                        text_edits: None,
                        tooltip: None,
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.on_file(params.text_document.uri.clone(), move |a, _, id, file, enc| {
            let lenses = outline::code_lenses(a, id);
            Some(
                lenses
                    .iter()
                    .map(|(r, title)| CodeLens {
                        range: convert::range(file, r, enc),
                        command: Some(Command { title: title.clone(), command: String::new(), arguments: None }),
                        data: None,
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.on_file(params.text_document.uri.clone(), move |a, _, id, file, enc| {
            let folds = outline::folding_ranges(a, id);
            Some(
                folds
                    .iter()
                    .map(|(r, kind)| {
                        let range = convert::range(file, r, enc);
                        FoldingRange {
                            start_line: range.start.line,
                            start_character: None,
                            end_line: range.end.line,
                            end_character: None,
                            kind: Some(FoldingRangeKind::Region),
                            collapsed_text: (*kind == outline::FoldKind::References).then(|| "References".to_string()),
                        }
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.on_file(params.text_document.uri.clone(), move |a, _, id, file, enc| {
            let links = outline::document_links(a, id);
            Some(
                links
                    .iter()
                    .filter_map(|(r, url)| {
                        Some(DocumentLink { range: convert::range(file, r, enc), target: Some(url.parse().ok()?), tooltip: None, data: None })
                    })
                    .collect(),
            )
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.on_file(params.text_document.uri.clone(), move |a, scope, id, file, enc| {
            let range = convert::offset(file, params.range.start, enc)..convert::offset(file, params.range.end, enc);
            let actions = code_actions::code_actions(a, id, range);
            Some(actions.iter().map(|x| features::code_action(scope, a, x, &params.context.diagnostics, enc)).collect())
        })
        .await
    }

    /// Requests are routed to [`Backend::written_diagnostic`] (see
    /// `framing`); one that was not is answered from the same JSON.
    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let json = self.diagnostic_json(params).await?;
        serde_json::from_slice(&json).map_err(|_| Error::internal_error())
    }

    /// Every file of every folder; a file whose folder has not changed
    /// since the result id the client holds is "unchanged", and a file the
    /// client holds results for that is gone gets an empty report.
    async fn workspace_diagnostic(&self, params: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        let json = self.workspace_diagnostic_json(params).await?;
        serde_json::from_slice(&json).map_err(|_| Error::internal_error())
    }
}
