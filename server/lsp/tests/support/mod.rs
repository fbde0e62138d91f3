//! A small LSP client over an in-memory pipe to a real server, and the
//! fixtures the tests share: the registry, workspaces on disk, a client
//! started on one, positions, edits, semantic tokens, a deterministic
//! generator.
#![allow(dead_code)] // each test file uses a part

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

mod text;
#[allow(unused_imports)] // each test file uses a part
pub use text::*;

/// The registry the tests share: three actors and a subject. Its layout
/// counts: `protocol.rs` expects `ua-intel` at line 6 and the subject at
/// line 14.
pub const REGISTRY: &str = r#"[actor.putin]
name = "Vladimir Putin"
kind = "person"
role = "President of Russia"
aliases = ["Putin"]

[actor.ua-intel]
name = "Ukrainian military intelligence"
kind = "agency"

[actor.white-house]
name = "The White House"
kind = "agency"

[subject.nk-troops]
name = "North Korean troops in Russia"
unit = "soldiers"
"#;

/// A `gloss.toml` whose documents are `docs/*.txt`, listing these registry
/// files, with [`REGISTRY`] after its `[workspace]` table.
pub fn config(registry_files: &[&str]) -> String {
    let mut out = String::from("[workspace]\ndocuments = [\"docs/*.txt\"]\n");
    if !registry_files.is_empty() {
        let listed: Vec<String> = registry_files.iter().map(|f| format!("\"{f}\"")).collect();
        out.push_str(&format!("registry = [{}]\n", listed.join(", ")));
    }
    out.push('\n');
    out.push_str(REGISTRY);
    out
}

/// Initialization options with diagnostics debounced by `ms`.
pub fn debounce(ms: u64) -> Value {
    json!({"diagnostics": {"debounceMs": ms}})
}

/// The codes of a list of diagnostics, sorted.
pub fn codes(list: &[Value]) -> Vec<String> {
    let mut c: Vec<String> = list.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect();
    c.sort();
    c
}

/// The project's seed corpus (`seeds/`).
pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds")
}

/// A small deterministic generator (xorshift).
#[derive(Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    pub fn next(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

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
        Client { write, read: BufReader::new(read), next_id: 1, notifications: Vec::new(), server_requests: Vec::new(), answers: Default::default(), server }
    }

    /// Answers a request from the server and remembers it.
    async fn answer(&mut self, m: Value) {
        let result = self.answers.get(m["method"].as_str().unwrap_or_default()).cloned().unwrap_or(Value::Null);
        let reply = json!({"jsonrpc": "2.0", "id": m["id"], "result": result});
        self.server_requests.push(m);
        self.send(&reply).await;
    }

    pub async fn send(&mut self, message: &Value) {
        self.write.write_all(&frame(message)).await.unwrap();
    }

    async fn receive(&mut self) -> Value {
        read_message(&mut self.read).await.expect("the server closed the stream")
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

/// A client on the workspace at `root`, initialized with these position
/// encodings and options, once the workspace is indexed.
pub async fn indexed(root: &Path, encodings: &[&str], options: Value) -> Client {
    let mut c = Client::start();
    c.initialize(Some(root), encodings, options).await;
    c.wait_indexed().await;
    c
}

/// A workspace of these files on disk and a client on it ([`indexed`]):
/// the client, the folder and its canonical path.
pub async fn started(files: &[(&str, &str)], encodings: &[&str], options: Value) -> (Client, tempfile::TempDir, PathBuf) {
    let dir = workspace(files);
    let root = dir.path().canonicalize().unwrap();
    let c = indexed(&root, encodings, options).await;
    (c, dir, root)
}

pub fn uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

/// A sandbox holding a workspace of these files in `ws` and the server's
/// cache folder in `cache` (`GLOSS_CACHE_DIR`, set for the whole test
/// binary: for binaries of one test). The sandbox and the workspace.
pub fn sandbox_with_cache(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let sandbox = tempfile::tempdir().unwrap();
    std::env::set_var("GLOSS_CACHE_DIR", sandbox.path().join("cache"));
    let ws = sandbox.path().join("ws");
    for (path, text) in files {
        let p = ws.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    (sandbox, ws)
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

/// What a [`Pipelined`] client has received.
#[derive(Default)]
pub struct Inbox {
    /// Responses by id, with the time each came.
    pub responses: std::collections::HashMap<i64, (Value, std::time::Instant)>,
    /// When each request was sent, until it is answered.
    pub sent: std::collections::HashMap<i64, std::time::Instant>,
    pub notifications: Vec<Value>,
    pub server_requests: Vec<Value>,
    /// The server closed its output.
    pub closed: bool,
}

/// A client that never waits to send: a task writes what it is given in
/// order, another reads everything the server writes (answering the
/// server's requests with null), so requests can be pipelined from many
/// tasks at once without the pipe filling up. Cheap to clone.
#[derive(Clone)]
pub struct Pipelined {
    out: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
    next_id: std::sync::Arc<std::sync::atomic::AtomicI64>,
    pub inbox: std::sync::Arc<std::sync::Mutex<Inbox>>,
    arrived: std::sync::Arc<tokio::sync::Notify>,
}

impl Client {
    /// This client, from now on pipelined (after `initialize`, typically).
    /// Returns it with the server's task.
    pub fn pipelined(self) -> (Pipelined, tokio::task::JoinHandle<bool>) {
        let Client { mut write, mut read, next_id, notifications, server_requests, server, .. } = self;
        let (out, mut outbox) = tokio::sync::mpsc::unbounded_channel::<Vec<u8>>();
        tokio::spawn(async move {
            while let Some(bytes) = outbox.recv().await {
                if write.write_all(&bytes).await.is_err() {
                    break;
                }
            }
        });
        let inbox = std::sync::Arc::new(std::sync::Mutex::new(Inbox { notifications, server_requests, ..Inbox::default() }));
        let arrived = std::sync::Arc::new(tokio::sync::Notify::new());
        let (inbox2, arrived2, replies) = (inbox.clone(), arrived.clone(), out.clone());
        tokio::spawn(async move {
            loop {
                let Some(m) = read_message(&mut read).await else { break };
                let now = std::time::Instant::now();
                {
                    let mut inbox = inbox2.lock().unwrap();
                    if m.get("method").is_some() && m.get("id").is_some() {
                        let reply = json!({"jsonrpc": "2.0", "id": m["id"], "result": null});
                        let _ = replies.send(frame(&reply));
                        inbox.server_requests.push(m);
                    } else if m.get("method").is_some() {
                        inbox.notifications.push(m);
                    } else if let Some(id) = m["id"].as_i64() {
                        inbox.sent.remove(&id);
                        inbox.responses.insert(id, (m, now));
                    }
                }
                arrived2.notify_waiters();
            }
            inbox2.lock().unwrap().closed = true;
            arrived2.notify_waiters();
        });
        let p = Pipelined { out, next_id: std::sync::Arc::new(std::sync::atomic::AtomicI64::new(next_id)), inbox, arrived };
        (p, server)
    }
}

/// A message framed as LSP sends it.
pub fn frame(message: &Value) -> Vec<u8> {
    frame_bytes(message.to_string().as_bytes())
}

/// A body, whatever its bytes, behind a `Content-Length` header.
pub fn frame_bytes(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// One message from the server, or `None` at the end of its output.
pub async fn read_message<R: AsyncRead + Unpin>(read: &mut BufReader<R>) -> Option<Value> {
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if read.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    read.read_exact(&mut body).await.ok()?;
    Some(serde_json::from_slice(&body).expect("the server writes JSON"))
}

impl Pipelined {
    /// Sends a request without waiting; its id.
    pub fn send_request(&self, method: &str, params: Value) -> i64 {
        let id = self.next_id.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Recorded before it goes out, so the answer cannot come first.
        self.inbox.lock().unwrap().sent.insert(id, std::time::Instant::now());
        let _ = self.out.send(frame(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})));
        id
    }

    pub fn notify(&self, method: &str, params: Value) {
        let _ = self.out.send(frame(&json!({"jsonrpc": "2.0", "method": method, "params": params})));
    }

    /// Raw bytes, framed or not, as they are.
    pub fn send_raw(&self, bytes: Vec<u8>) {
        let _ = self.out.send(bytes);
    }

    pub fn open(&self, uri: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "gloss", "version": 1, "text": text}}));
    }

    /// Waits until `pred` holds of what has arrived, at most `limit`.
    pub async fn wait_until<T>(&self, limit: Duration, mut pred: impl FnMut(&Inbox) -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let signal = self.arrived.notified();
            tokio::pin!(signal);
            signal.as_mut().enable();
            {
                let inbox = self.inbox.lock().unwrap();
                if let Some(found) = pred(&inbox) {
                    return Some(found);
                }
                if inbox.closed {
                    return None;
                }
            }
            if tokio::time::timeout_at(deadline, signal).await.is_err() {
                let inbox = self.inbox.lock().unwrap();
                return pred(&inbox);
            }
        }
    }

    /// The response to `id` (result or error), within `limit`.
    pub async fn response_within(&self, id: i64, limit: Duration) -> Value {
        let found = self.wait_until(limit, |inbox| inbox.responses.get(&id).map(|(m, _)| m.clone())).await;
        found.unwrap_or_else(|| panic!("no response to request {id} within {limit:?}"))
    }

    /// The response to `id` within 20 s.
    pub async fn response(&self, id: i64) -> Value {
        self.response_within(id, Duration::from_secs(20)).await
    }

    /// A request and its result, which must not be an error.
    pub async fn request(&self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        let response = self.response(id).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The last diagnostics published for `uri`, with their version, once
    /// the server has been quiet for a moment.
    pub async fn settled_diagnostics(&self, uri: &str) -> (Vec<Value>, Value) {
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            self.request("workspace/symbol", json!({"query": "zzz-none"})).await;
        }
        let inbox = self.inbox.lock().unwrap();
        inbox
            .notifications
            .iter()
            .rev()
            .find(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
            .map(|n| (n["params"]["diagnostics"].as_array().unwrap().clone(), n["params"]["version"].clone()))
            .unwrap_or_default()
    }

    /// Requests sent and not answered, with how long each has waited.
    pub fn unanswered(&self) -> Vec<(i64, Duration)> {
        let inbox = self.inbox.lock().unwrap();
        inbox.sent.iter().map(|(id, at)| (*id, at.elapsed())).collect()
    }
}

/// Every file under `dir` with its content and modification time.
pub fn tree_snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path.clone());
            }
            let content = if meta.is_file() { std::fs::read(&path).unwrap() } else { Vec::new() };
            out.insert(path, (content, meta.modified().unwrap()));
        }
    }
    out
}

/// Diagnostics as comparable strings, the workspace's place on disk masked.
pub fn masked(list: &[Value], root: &str) -> Vec<String> {
    let mut out: Vec<String> = list.iter().map(|d| d.to_string().replace(root, "ROOT")).collect();
    out.sort();
    out
}

/// What a server says of a document as a whole (semantic tokens, symbols,
/// folds, lenses, links, inlay hints, pulled diagnostics), the
/// workspace's place on disk masked: two servers holding the same text
/// give the same answers.
pub async fn whole_document_answers(c: &Pipelined, doc: &str, root: &str) -> Vec<(String, String)> {
    let d = json!({"textDocument": {"uri": doc}});
    let everywhere = json!({"textDocument": {"uri": doc}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1_000_000, "character": 0}}});
    let mut out = Vec::new();
    for (method, params) in [
        ("textDocument/semanticTokens/full", d.clone()),
        ("textDocument/documentSymbol", d.clone()),
        ("textDocument/foldingRange", d.clone()),
        ("textDocument/codeLens", d.clone()),
        ("textDocument/documentLink", d.clone()),
        ("textDocument/inlayHint", everywhere),
    ] {
        let result = c.request(method, params).await;
        out.push((method.to_string(), result.to_string().replace(root, "ROOT")));
    }
    let pulled = c.request("textDocument/diagnostic", d).await;
    out.push(("pulled diagnostics".into(), masked(pulled["items"].as_array().unwrap(), root).join("\n")));
    out
}
