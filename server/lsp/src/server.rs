//! The protocol: lifecycle, documents, the workspace index, and each
//! request routed to its analysis feature.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use gloss_analysis::features::{code_actions, completion, goto, hover, outline, references, rename, tokens};
use gloss_analysis::line_index::Encoding;
use gloss_analysis::{Analysis, Facts, File, FileId};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp, *};
use tower_lsp_server::{Client, LanguageServer};

use crate::documents::OpenDocument;
use crate::state::{DiagnosticsOn, FileRole, State};
use crate::{convert, features, publish};

pub struct Backend {
    client: Client,
    state: Arc<State>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend { client, state: Arc::new(State::new()) }
    }

    fn log(&self, level: MessageType, message: String) {
        eprintln!("gloss: {message}");
        let client = self.client.clone();
        tokio::spawn(async move { client.log_message(level, message).await });
    }

    /// Runs a feature on a snapshot of the file at `uri`; a panic becomes
    /// an error response for this request, not a dead server.
    fn on_file<T>(&self, uri: &Uri, f: impl FnOnce(&Analysis, FileId, &File, Encoding) -> Option<T>) -> Result<Option<T>> {
        let analysis = self.state.snapshot();
        let enc = self.state.encoding();
        let key = self.state.key(uri);
        let Some(id) = analysis.file_id(&key) else { return Ok(None) };
        let file = analysis.file(id).expect("an id from the analysis");
        catch_unwind(AssertUnwindSafe(|| f(&analysis, id, file, enc))).map_err(|_| {
            self.log(MessageType::ERROR, format!("internal error answering for {}", uri.as_str()));
            Error::internal_error()
        })
    }

    /// Puts an open document's current text into the workspace.
    fn update_workspace(&self, uri: &Uri) {
        let Some(mut doc) = self.state.documents.get_mut(uri) else { return };
        let key = doc.key.clone();
        let (text, markup) = doc.reparse();
        drop(doc);
        let mut ws = self.state.workspace.lock().unwrap_or_else(|e| e.into_inner());
        match markup {
            Some(m) => {
                ws.set_document_markup(&key, &text, &m);
            }
            None => {
                ws.set_registry(&key, &text, key == gloss_project::CONFIG_FILE);
            }
        }
    }

    /// On `initialized`: reads every document and registry file of the
    /// workspace in the background, with progress, then publishes.
    fn index_workspace(&self) {
        let Some(root) = self.state.root.read().unwrap().clone() else { return };
        let (state, client) = (self.state.clone(), self.client.clone());
        tokio::spawn(async move {
            let token = NumberOrString::String("gloss/index".into());
            // Progress only where the client supports it, and never waiting
            // long for it: indexing does not depend on the client.
            let supported = state.client.read().unwrap().work_done_progress;
            let created = supported
                && matches!(tokio::time::timeout(std::time::Duration::from_secs(2), client.create_work_done_progress(token.clone())).await, Ok(Ok(())));
            let progress = match created {
                true => Some(client.progress(token, "Gloss: indexing").with_message(root.display().to_string()).begin().await),
                false => None,
            };
            let read = tokio::task::spawn_blocking(move || gloss_project::read_workspace(&root)).await;
            let count = match read {
                Ok(Ok((_, _, files))) => {
                    let count = files.len();
                    let mut ws = state.workspace.lock().unwrap_or_else(|e| e.into_inner());
                    let open: std::collections::HashSet<String> = state.documents.iter().map(|d| d.key.clone()).collect();
                    for f in files.into_iter().filter(|f| !open.contains(&f.relative)) {
                        match f.content {
                            Ok((text, facts)) => ws.set(&f.relative, &text, facts),
                            Err(why) => ws.set_unreadable(&f.relative, &why, f.registry),
                        };
                    }
                    count
                }
                Ok(Err(e)) => {
                    client.log_message(MessageType::ERROR, format!("gloss: cannot read the workspace: {e}")).await;
                    0
                }
                Err(_) => 0,
            };
            if let Some(p) = progress {
                p.finish_with_message(format!("{count} files")).await;
            }
            publish::publish_open(&state, &client).await;
        });
    }

    fn register_watchers(&self) {
        if !self.state.client.read().unwrap().watch_registration {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            let watchers = ["**/*.txt", "**/*.gloss", "**/*.toml"]
                .iter()
                .map(|g| FileSystemWatcher { glob_pattern: GlobPattern::String(g.to_string()), kind: None })
                .collect();
            let options = DidChangeWatchedFilesRegistrationOptions { watchers };
            let registration = Registration {
                id: "gloss-watch".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            };
            let _ = client.register_capability(vec![registration]).await;
        });
    }
}

fn capabilities(enc: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
            ..TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        declaration_provider: Some(DeclarationCapability::Simple(true)),
        type_definition_provider: Some(TypeDefinitionProviderCapability::Simple(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions { prepare_provider: Some(true), work_done_progress_options: WorkDoneProgressOptions::default() })),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["@".into(), "=".into(), "{".into(), " ".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
            legend: features::legend(),
            full: Some(SemanticTokensFullOptions::Bool(true)),
            range: None,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        document_link_provider: Some(DocumentLinkOptions { resolve_provider: Some(false), work_done_progress_options: WorkDoneProgressOptions::default() }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, CodeActionKind::REFACTOR_REWRITE]),
            ..CodeActionOptions::default()
        })),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("gloss".into()),
            inter_file_dependencies: true,
            workspace_diagnostics: true,
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        ..ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.clone()).unwrap_or_default();
        let enc = if offered.contains(&PositionEncodingKind::UTF8) { Encoding::Utf8 } else { Encoding::Utf16 };
        *self.state.encoding.write().unwrap() = enc;
        #[allow(deprecated)] // root_uri: for clients without workspace folders
        let folder = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().map(|p| p.into_owned()));
        if let Some(folder) = folder {
            let root = gloss_project::find_root(&folder).or_else(|| folder.canonicalize().ok());
            *self.state.root.write().unwrap() = root;
        }
        let caps = &params.capabilities;
        *self.state.client.write().unwrap() = crate::state::ClientSupport {
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            watch_registration: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            pull_diagnostics: caps.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: caps.workspace.as_ref().and_then(|w| w.diagnostics.as_ref()).and_then(|d| d.refresh_support).unwrap_or(false),
        };
        if let Some(options) = &params.initialization_options {
            self.state.settings.write().unwrap().update(options);
        }
        Ok(InitializeResult {
            capabilities: capabilities(enc),
            server_info: Some(ServerInfo { name: "gloss".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.log(MessageType::INFO, format!("root {:?}", self.state.root.read().unwrap()));
        self.register_watchers();
        self.index_workspace();
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let key = self.state.key(&doc.uri);
        let role = self.state.role(&key, &self.state.snapshot());
        if role == FileRole::Other {
            return;
        }
        let open = OpenDocument::new(&doc.text, doc.version, key, role == FileRole::Document);
        self.state.documents.insert(doc.uri.clone(), open);
        self.update_workspace(&doc.uri);
        publish::now(&self.state, &self.client);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        // Applied before any await: edits stay in order.
        let uri = params.text_document.uri;
        let enc = self.state.encoding();
        {
            let Some(mut doc) = self.state.documents.get_mut(&uri) else {
                self.log(MessageType::WARNING, format!("didChange for {}, which is not open: ignored", uri.as_str()));
                return;
            };
            for change in &params.content_changes {
                doc.apply(change, enc);
            }
            doc.version = params.text_document.version;
        }
        self.update_workspace(&uri);
        if self.state.settings().diagnostics_on == DiagnosticsOn::Type {
            publish::schedule(&self.state, &self.client);
        }
    }

    async fn did_save(&self, _: DidSaveTextDocumentParams) {
        publish::now(&self.state, &self.client);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some((_, doc)) = self.state.documents.remove(&uri) else { return };
        // The file on disk is what counts again.
        let path = uri.to_file_path().map(|p| p.into_owned());
        let mut ws = self.state.workspace.lock().unwrap_or_else(|e| e.into_inner());
        match path.map(|p| gloss_project::read_text(&p)) {
            Some(Ok(text)) if doc.tree.is_some() => {
                ws.set(&doc.key, &text, Facts::of_document(&text));
            }
            Some(Ok(text)) => {
                ws.set(&doc.key, &text, Facts::of_registry(&text, doc.key == gloss_project::CONFIG_FILE));
            }
            _ => ws.remove(&doc.key),
        }
        drop(ws);
        self.state.published.lock().unwrap_or_else(|e| e.into_inner()).remove(&uri);
        let client = self.client.clone();
        tokio::spawn(async move { client.publish_diagnostics(uri, Vec::new(), None).await });
        publish::now(&self.state, &self.client);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.state.settings.write().unwrap().update(&params.settings);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let analysis = self.state.snapshot();
        let mut reindex = false;
        for change in params.changes {
            let key = self.state.key(&change.uri);
            if self.state.documents.contains_key(&change.uri) {
                continue; // the editor's text wins while it is open
            }
            let role = self.state.role(&key, &analysis);
            if role == FileRole::Registry(true) {
                reindex = true; // the globs or the registry list may change
                continue;
            }
            if role == FileRole::Other {
                continue;
            }
            let mut ws = self.state.workspace.lock().unwrap_or_else(|e| e.into_inner());
            match (change.typ, change.uri.to_file_path()) {
                (FileChangeType::DELETED, _) | (_, None) => ws.remove(&key),
                (_, Some(path)) => {
                    let facts = gloss_project::read_text(&path).map(|t| {
                        let f = if role == FileRole::Document { Facts::of_document(&t) } else { Facts::of_registry(&t, false) };
                        (t, f)
                    });
                    match facts {
                        Ok((text, facts)) => {
                            ws.set(&key, &text, facts);
                        }
                        Err(why) => {
                            ws.set_unreadable(&key, &why, role != FileRole::Document);
                        }
                    }
                }
            }
        }
        if reindex {
            self.index_workspace();
        } else {
            publish::now(&self.state, &self.client);
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        self.on_file(&p.text_document.uri, |a, id, file, enc| {
            let h = hover::hover(a, id, convert::offset(file, p.position, enc))?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: h.markdown }),
                range: Some(convert::range(file, &h.range, enc)),
            })
        })
    }

    async fn goto_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.on_file(&p.text_document.uri, |a, id, file, enc| {
            let found = goto::definition(a, id, convert::offset(file, p.position, enc));
            let list: Vec<lsp::Location> = found.iter().filter_map(|l| features::location(&self.state, a, l, enc)).collect();
            (!list.is_empty()).then_some(GotoDefinitionResponse::Array(list))
        })
    }

    async fn goto_declaration(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        self.goto_type_definition(params).await
    }

    async fn goto_type_definition(&self, params: GotoDefinitionParams) -> Result<Option<GotoDefinitionResponse>> {
        let p = params.text_document_position_params;
        self.on_file(&p.text_document.uri, |a, id, file, enc| {
            let found = goto::subject(a, id, convert::offset(file, p.position, enc));
            let list: Vec<lsp::Location> = found.iter().filter_map(|l| features::location(&self.state, a, l, enc)).collect();
            (!list.is_empty()).then_some(GotoDefinitionResponse::Array(list))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        let p = params.text_document_position;
        self.on_file(&p.text_document.uri, |a, id, file, enc| {
            let found = references::references(a, id, convert::offset(file, p.position, enc), params.context.include_declaration);
            Some(found.iter().filter_map(|l| features::location(&self.state, a, l, enc)).collect())
        })
    }

    async fn document_highlight(&self, params: DocumentHighlightParams) -> Result<Option<Vec<DocumentHighlight>>> {
        let p = params.text_document_position_params;
        self.on_file(&p.text_document.uri, |a, id, file, enc| {
            let found = references::highlights(a, id, convert::offset(file, p.position, enc));
            let kind = |def: bool| if def { DocumentHighlightKind::WRITE } else { DocumentHighlightKind::READ };
            Some(found.iter().map(|(r, def)| DocumentHighlight { range: convert::range(file, r, enc), kind: Some(kind(*def)) }).collect())
        })
    }

    async fn prepare_rename(&self, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>> {
        let outcome = self.on_file(&params.text_document.uri, |a, id, file, enc| {
            Some(rename::prepare(a, id, convert::offset(file, params.position, enc)).map(|r| convert::range(file, &r, enc)))
        })?;
        match outcome {
            Some(Ok(range)) => Ok(Some(PrepareRenameResponse::Range(range))),
            Some(Err(why)) => Err(Error::invalid_params(why)),
            None => Ok(None),
        }
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        let p = params.text_document_position;
        let outcome = self.on_file(&p.text_document.uri, |a, id, file, enc| {
            Some(rename::rename(a, id, convert::offset(file, p.position, enc), &params.new_name).map(|e| features::workspace_edit(&self.state, a, &e, enc)))
        })?;
        match outcome {
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(why)) => Err(Error::invalid_params(why)),
            None => Ok(None),
        }
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let p = params.text_document_position;
        self.on_file(&p.text_document.uri, |a, id, file, enc| {
            let items = completion::complete(a, id, convert::offset(file, p.position, enc));
            Some(CompletionResponse::Array(items.iter().map(|i| features::completion_item(file, i, enc)).collect()))
        })
    }

    async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Option<DocumentSymbolResponse>> {
        self.on_file(&params.text_document.uri, |a, id, file, enc| {
            let symbols = outline::document_symbols(a, id);
            Some(DocumentSymbolResponse::Nested(symbols.iter().map(|s| features::document_symbol(file, s, enc)).collect()))
        })
    }

    async fn symbol(&self, params: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        let analysis = self.state.snapshot();
        let enc = self.state.encoding();
        let found = catch_unwind(AssertUnwindSafe(|| outline::workspace_symbols(&analysis, &params.query))).map_err(|_| Error::internal_error())?;
        let list = found.iter().filter_map(|(f, s)| features::workspace_symbol(&self.state, analysis.file(*f)?, s, enc)).collect();
        Ok(Some(WorkspaceSymbolResponse::Nested(list)))
    }

    async fn semantic_tokens_full(&self, params: SemanticTokensParams) -> Result<Option<SemanticTokensResult>> {
        self.on_file(&params.text_document.uri, |a, id, file, enc| {
            let data = features::semantic_tokens(file, &tokens::semantic_tokens(a, id), enc);
            Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.on_file(&params.text_document.uri, |a, id, file, enc| {
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
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.on_file(&params.text_document.uri, |a, id, file, enc| {
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
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.on_file(&params.text_document.uri, |a, id, file, enc| {
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
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.on_file(&params.text_document.uri, |a, id, file, enc| {
            let links = outline::document_links(a, id);
            Some(
                links
                    .iter()
                    .filter_map(|(r, url)| {
                        Some(DocumentLink { range: convert::range(file, r, enc), target: url.parse().ok(), tooltip: None, data: None })
                    })
                    .collect(),
            )
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.on_file(&params.text_document.uri, |a, id, file, enc| {
            let range = convert::offset(file, params.range.start, enc)..convert::offset(file, params.range.end, enc);
            let actions = code_actions::code_actions(a, id, range);
            Some(actions.iter().map(|x| features::code_action(&self.state, a, x, &params.context.diagnostics, enc)).collect())
        })
    }

    async fn diagnostic(&self, params: DocumentDiagnosticParams) -> Result<DocumentDiagnosticReportResult> {
        let analysis = self.state.snapshot();
        let key = self.state.key(&params.text_document.uri);
        let items = publish::file_diagnostics(&self.state, &analysis, &key, self.state.encoding());
        Ok(DocumentDiagnosticReportResult::Report(DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id: None, items },
        })))
    }

    async fn workspace_diagnostic(&self, _: WorkspaceDiagnosticParams) -> Result<WorkspaceDiagnosticReportResult> {
        let analysis = self.state.snapshot();
        let enc = self.state.encoding();
        let items = analysis
            .files()
            .filter_map(|(_, f)| {
                let uri = self.state.uri(&f.path)?;
                let version = self.state.documents.get(&uri).map(|d| d.version as i64);
                Some(WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                    uri,
                    version,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items: publish::file_diagnostics(&self.state, &analysis, &f.path, enc),
                    },
                }))
            })
            .collect();
        Ok(WorkspaceDiagnosticReportResult::Report(WorkspaceDiagnosticReport { items }))
    }
}
