//! Pulled workspace diagnostics on a workspace whose report is megabytes:
//! sent in parts when the client takes partial results.

mod support;

use serde_json::{json, Value};
use support::{uri, workspace, Client, REGISTRY};

/// 240 documents, each claim conflicting with the 120 of the other figure:
/// every list has 50 related places, some 3 MB of report in all.
fn conflicting_workspace() -> (tempfile::TempDir, std::path::PathBuf) {
    let mut files = vec![("gloss.toml".to_string(), REGISTRY.to_string())];
    for n in 0..240 {
        let figure = if n % 2 == 0 { "10,000" } else { "3,000" };
        let text = format!("{{#d{n} date=2024-10-17}}\n[Ukrainian intelligence]{{@ua-intel}} said [{figure} soldiers]{{claim=nk-troops src=@ua-intel}}.\n");
        files.push((format!("docs/d{n:03}.txt"), text));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let dir = workspace(&files);
    let root = dir.path().canonicalize().unwrap();
    (dir, root)
}

async fn pulling_client(root: &std::path::Path) -> Client {
    let mut c = Client::start();
    let caps = json!({
        "window": {"workDoneProgress": true},
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}},
    });
    c.initialize_with(vec![root], caps, Value::Null).await;
    c.wait_indexed().await;
    c
}

#[tokio::test]
async fn a_big_workspace_report_comes_in_parts_then_an_empty_answer() {
    let (_dir, root) = conflicting_workspace();
    let mut c = pulling_client(&root).await;
    let whole = c.request("workspace/diagnostic", json!({"previousResultIds": []})).await;
    let whole = whole["items"].as_array().unwrap().clone();
    assert_eq!(whole.len(), 241);
    assert!(whole.iter().filter(|i| i["items"].as_array().is_some_and(|l| l.len() == 1)).count() == 240);

    let before = c.notifications.len();
    let answer = c.request("workspace/diagnostic", json!({"previousResultIds": [], "partialResultToken": "part"})).await;
    // The protocol: with partial results, the answer itself is empty; every
    // part came before it.
    assert_eq!(answer, json!({"items": []}));
    let parts: Vec<&Value> = c.notifications[before..].iter().filter(|n| n["method"] == "$/progress" && n["params"]["token"] == "part").collect();
    assert!(parts.len() >= 2, "{} parts", parts.len());
    for part in &parts {
        let size = serde_json::to_vec(&part["params"]["value"]).unwrap().len();
        assert!(size < (1 << 20) + (64 << 10), "a part of {size} bytes");
    }
    let items: Vec<Value> = parts.iter().flat_map(|p| p["params"]["value"]["items"].as_array().unwrap().clone()).collect();
    assert_eq!(items, whole, "the parts are the whole report, in order");

    // Held ids: nothing to send, in one part.
    let ids: Vec<Value> = whole.iter().map(|i| json!({"uri": i["uri"], "value": i["resultId"]})).collect();
    let before = c.notifications.len();
    let answer = c.request("workspace/diagnostic", json!({"previousResultIds": ids, "partialResultToken": 7})).await;
    assert_eq!(answer, json!({"items": []}));
    let parts: Vec<&Value> = c.notifications[before..].iter().filter(|n| n["method"] == "$/progress" && n["params"]["token"] == 7).collect();
    assert_eq!(parts.len(), 1);
    let kinds: Vec<&Value> = parts[0]["params"]["value"]["items"].as_array().unwrap().iter().map(|i| &i["kind"]).collect();
    assert_eq!(kinds.len(), 241);
    assert!(kinds.iter().all(|k| *k == "unchanged"));
}

#[tokio::test]
async fn a_cancelled_workspace_pull_leaves_the_server_answering() {
    let (_dir, root) = conflicting_workspace();
    let mut c = pulling_client(&root).await;
    let id = 900;
    c.send(&json!({"jsonrpc": "2.0", "id": id, "method": "workspace/diagnostic", "params": {"previousResultIds": [], "partialResultToken": "gone"}})).await;
    c.send(&json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": id}})).await;
    let answer = c.response_to(id).await;
    // Cancelled, or done before the cancellation came: either way answered.
    assert!(answer["error"]["code"] == -32800 || answer["result"] == json!({"items": []}), "{answer}");
    let a = uri(&root.join("docs/d000.txt"));
    let pulled = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": a}})).await;
    assert_eq!(pulled["items"].as_array().unwrap().len(), 1, "{pulled}");
}
