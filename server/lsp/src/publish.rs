//! Pushing diagnostics: on open, on save, and debounced on change, for
//! every open document whose list changed (a change in one document can
//! change conflicts in another).

use std::sync::Arc;
use std::time::Duration;

use gloss_analysis::diagnostics::diagnostics;
use gloss_analysis::line_index::Encoding;
use gloss_analysis::Analysis;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::Client;

use crate::convert;
use crate::state::State;

/// The diagnostics of the file at `key`, in protocol form.
pub fn file_diagnostics(state: &State, analysis: &Analysis, key: &str, enc: Encoding) -> Vec<lsp::Diagnostic> {
    let Some(id) = analysis.file_id(key) else { return Vec::new() };
    let file = analysis.file(id).expect("an id from the analysis");
    let locate = |f: gloss_analysis::FileId, r: &std::ops::Range<usize>| {
        let other = analysis.file(f)?;
        Some(lsp::Location { uri: state.uri(&other.path)?, range: convert::range(other, r, enc) })
    };
    diagnostics(analysis, id).iter().map(|d| convert::diagnostic(file, d, enc, &locate)).collect()
}

/// Publishes the diagnostics of every open document whose list changed;
/// a client that pulls them is asked to pull again instead.
pub async fn publish_open(state: &Arc<State>, client: &Client) {
    let support = *state.client.read().unwrap();
    if support.pull_diagnostics {
        if support.diagnostic_refresh {
            let _ = client.workspace_diagnostic_refresh().await;
        }
        return;
    }
    let analysis = state.snapshot();
    let enc = state.encoding();
    let open: Vec<(lsp::Uri, String, i32)> = state.documents.iter().map(|d| (d.key().clone(), d.key.clone(), d.version)).collect();
    let mut changed = Vec::new();
    {
        let mut published = state.published.lock().unwrap_or_else(|e| e.into_inner());
        for (uri, key, version) in open {
            let list = file_diagnostics(state, &analysis, &key, enc);
            if published.get(&uri) != Some(&list) {
                published.insert(uri.clone(), list.clone());
                changed.push((uri, list, version));
            }
        }
    }
    for (uri, list, version) in changed {
        client.publish_diagnostics(uri, list, Some(version)).await;
    }
}

/// Publishes after the debounce, unless another change comes first.
pub fn schedule(state: &Arc<State>, client: &Client) {
    let generation = state.bump();
    let delay = Duration::from_millis(state.settings().debounce_ms);
    let (state, client) = (state.clone(), client.clone());
    tokio::spawn(async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if state.generation() == generation {
            publish_open(&state, &client).await;
        }
    });
}

/// Publishes now, in the background.
pub fn now(state: &Arc<State>, client: &Client) {
    state.bump();
    let (state, client) = (state.clone(), client.clone());
    tokio::spawn(async move { publish_open(&state, &client).await });
}
