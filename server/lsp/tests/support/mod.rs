//! A small LSP client over an in-memory pipe to a real server.
#![allow(dead_code)] // each test file uses a part

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

pub struct Client {
    write: WriteHalf<DuplexStream>,
    read: BufReader<ReadHalf<DuplexStream>>,
    next_id: i64,
    /// Notifications received so far, in order.
    pub notifications: Vec<Value>,
    /// Requests the server sent us, in order (answered from `answers`, else null).
    pub server_requests: Vec<Value>,
    /// What to answer the server's requests with, by method.
    pub answers: std::collections::HashMap<String, Value>,
    /// The server's task: whether it saw `shutdown` before it stopped.
    pub server: tokio::task::JoinHandle<bool>,
}

impl Client {
    pub fn start() -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(gloss_lsp::serve(server_read, server_write));
        let (read, write) = tokio::io::split(client_end);
        Client {
            write,
            read: BufReader::new(read),
            next_id: 1,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            answers: Default::default(),
            server,
        }
    }

    /// Answers a request from the server and remembers it.
    async fn answer(&mut self, m: Value) {
        let result = self.answers.get(m["method"].as_str().unwrap_or_default()).cloned().unwrap_or(Value::Null);
        let reply = json!({"jsonrpc": "2.0", "id": m["id"], "result": result});
        self.server_requests.push(m);
        self.send(&reply).await;
    }

    pub async fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let frame = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.write.write_all(frame.as_bytes()).await.unwrap();
    }

    async fn receive(&mut self) -> Value {
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.read.read_line(&mut line).await.unwrap();
            assert!(!line.is_empty(), "the server closed the stream");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.read.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Reads until the response to `id`, keeping notifications and
    /// answering the server's own requests (progress, registrations).
    async fn until_response(&mut self, id: i64) -> Value {
        loop {
            let m = self.receive().await;
            if m.get("method").is_some() && m.get("id").is_some() {
                self.answer(m).await;
            } else if m.get("method").is_some() {
                self.notifications.push(m);
            } else if m["id"] == json!(id) {
                return m;
            }
        }
    }

    /// The whole response: `result` or `error`.
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        tokio::time::timeout(Duration::from_secs(20), self.until_response(id)).await.expect("a response within 20 s")
    }

    /// The response to a request sent with [`Client::send`].
    pub async fn response_to(&mut self, id: i64) -> Value {
        tokio::time::timeout(Duration::from_secs(20), self.until_response(id)).await.expect("a response within 20 s")
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params})).await;
    }

    /// Waits for a notification that satisfies `pred` (already received or
    /// coming), and returns it.
    pub async fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(found) = self.notifications.iter().rev().find(|n| pred(n)) {
                return found.clone();
            }
            let m = tokio::time::timeout_at(deadline, self.receive()).await.expect("the notification within 20 s");
            if m.get("method").is_some() && m.get("id").is_some() {
                self.answer(m).await;
            } else {
                self.notifications.push(m);
            }
        }
    }

    /// The latest diagnostics published for `uri` once the server has been
    /// quiet for a moment.
    pub async fn settled_diagnostics(&mut self, uri: &str) -> Vec<Value> {
        // A request round trip, then a short pause, lets pending
        // publications arrive.
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            self.call("workspace/symbol", json!({"query": "zzz-none"})).await;
        }
        self.notifications
            .iter()
            .rev()
            .find(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
            .map(|n| n["params"]["diagnostics"].as_array().unwrap().clone())
            .unwrap_or_default()
    }

    pub async fn initialize(&mut self, root: Option<&std::path::Path>, encodings: &[&str], options: Value) -> Value {
        let capabilities = json!({
            "general": {"positionEncodings": encodings},
            "window": {"workDoneProgress": true},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
        });
        self.initialize_with(root.into_iter().collect(), capabilities, options).await
    }

    /// `initialize` with these workspace folders and client capabilities, then `initialized`.
    pub async fn initialize_with(&mut self, roots: Vec<&std::path::Path>, capabilities: Value, options: Value) -> Value {
        let folders: Vec<Value> = roots.iter().map(|r| json!({"uri": uri(r), "name": "ws"})).collect();
        let result = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "workspaceFolders": if folders.is_empty() { Value::Null } else { json!(folders) },
                    "initializationOptions": options,
                    "capabilities": capabilities,
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        result
    }

    /// The last diagnostics published for `uri`, if any came.
    pub fn last_published(&self, uri: &str) -> Option<&Value> {
        self.notifications.iter().rev().find(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
    }

    /// How many publications for `uri` came so far.
    pub fn publications(&self, uri: &str) -> usize {
        self.notifications.iter().filter(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri).count()
    }

    /// Waits for the end of the workspace index's progress.
    pub async fn wait_indexed(&mut self) {
        self.wait_for(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end").await;
    }

    pub async fn open(&mut self, uri: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "gloss", "version": 1, "text": text}})).await;
    }
}

pub fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// A workspace on disk.
pub fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// The UTF-16 or UTF-8 position of the first `needle` in `text`, plus `skip` bytes.
pub fn pos(text: &str, needle: &str, skip: usize, utf8: bool) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in the text")) + skip;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..at].matches('\n').count();
    let col: usize = if utf8 { at - line_start } else { text[line_start..at].encode_utf16().count() };
    json!({"line": line, "character": col})
}
