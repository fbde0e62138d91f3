//! A blocking LSP client over a child process's pipes: a reader thread
//! timestamps every message the server sends.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<(Instant, Value)>,
    next_id: i64,
    /// Notifications received so far, with their arrival time.
    pub notifications: Vec<(Instant, Value)>,
}

const PATIENCE: Duration = Duration::from_secs(300);

impl Server {
    /// `gloss lsp`, with its index cache in `cache`.
    pub fn spawn(gloss: &std::path::Path, cache: &std::path::Path) -> Server {
        let mut child = Command::new(gloss)
            .arg("lsp")
            .env("GLOSS_CACHE_DIR", cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", gloss.display()));
        let stdin = child.stdin.take().unwrap();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || loop {
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if out.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if out.read_exact(&mut body).is_err() {
                return;
            }
            // A message has arrived when its last byte has: parsing it is
            // the client's work (a 5,000-location answer is 650 KB).
            let arrived = Instant::now();
            let Ok(mut message) = serde_json::from_slice::<Value>(&body) else { return };
            // Only the codes of published diagnostics are looked at: keeping
            // every list of a 1 MB document would hold gigabytes.
            if message["method"] == "textDocument/publishDiagnostics" {
                if let Some(list) = message["params"]["diagnostics"].as_array_mut() {
                    for d in list.iter_mut() {
                        *d = json!({"code": d["code"].take()});
                    }
                }
            }
            // Of a pulled workspace report (or a part of one), each file's
            // URI, kind and result id, how many were sent in full, and the
            // size of the message: a first pull is hundreds of megabytes.
            let report = match message["method"] == "$/progress" {
                true => message["params"]["value"].as_object_mut(),
                false => message["result"].as_object_mut(),
            };
            if let Some(report) = report.filter(|r| r.len() == 1 && r.get("items").is_some_and(Value::is_array)) {
                let items = report["items"].as_array_mut().unwrap();
                let full = items.iter().filter(|i| i["kind"] == "full").count();
                for i in items.iter_mut() {
                    *i = json!({"uri": i["uri"].take(), "kind": i["kind"].take(), "resultId": i["resultId"].take()});
                }
                report.insert("full".into(), json!(full));
                report.insert("bytes".into(), json!(body.len()));
            }
            if tx.send((arrived, message)).is_err() {
                return;
            }
        });
        Server { child, stdin, messages, next_id: 1, notifications: Vec::new() }
    }

    /// `gloss lsp` spawned and initialized on the workspace folder at
    /// `folder` (a URI) with these client capabilities, debounce 0.
    pub fn started(gloss: &std::path::Path, cache: &std::path::Path, folder: &str, capabilities: Value) -> Server {
        let mut server = Server::spawn(gloss, cache);
        let folders = json!([{"uri": folder, "name": "bench"}]);
        let options = json!({"diagnostics": {"debounceMs": 0}});
        server.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "workspaceFolders": folders, "capabilities": capabilities, "initializationOptions": options}),
        );
        server.notify("initialized", json!({}));
        server
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads its input");
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id.
    pub fn start_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// The next message, answering the server's own requests with null.
    fn next(&mut self, until: Instant) -> Option<(Instant, Value)> {
        loop {
            let wait = until.saturating_duration_since(Instant::now());
            let (at, m) = match self.messages.recv_timeout(wait) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => panic!("the server stopped"),
            };
            if m.get("method").is_some() && m.get("id").is_some() {
                self.send(&json!({"jsonrpc": "2.0", "id": m["id"], "result": null}));
                continue;
            }
            return Some((at, m));
        }
    }

    /// Waits for the response to `id`; returns it with its arrival time.
    pub fn response(&mut self, id: i64) -> (Instant, Value) {
        let until = Instant::now() + PATIENCE;
        loop {
            let (at, m) = self.next(until).unwrap_or_else(|| panic!("no response to request {id}"));
            if m.get("method").is_some() {
                self.notifications.push((at, m));
            } else if m["id"] == json!(id) {
                return (at, m);
            }
        }
    }

    /// A request's result and its round-trip time.
    pub fn request(&mut self, method: &str, params: Value) -> (Value, Duration) {
        let sent = Instant::now();
        let id = self.start_request(method, params);
        let (at, m) = self.response(id);
        assert!(m.get("error").is_none(), "{method}: {m}");
        (m["result"].clone(), at - sent)
    }

    /// Waits for a notification that satisfies `pred`, received after `since`.
    pub fn wait_for(&mut self, since: Instant, pred: impl Fn(&Value) -> bool) -> (Instant, Value) {
        if let Some(found) = self.notifications.iter().find(|(at, n)| *at >= since && pred(n)) {
            return found.clone();
        }
        let until = Instant::now() + PATIENCE;
        loop {
            let (at, m) = self.next(until).expect("the awaited notification");
            let hit = m.get("method").is_some() && at >= since && pred(&m);
            self.notifications.push((at, m.clone()));
            if hit {
                return (at, m);
            }
        }
    }

    /// `shutdown` and `exit`; the peak resident memory seen by the kernel.
    pub fn finish(mut self) -> Option<u64> {
        let hwm = peak_rss_kb(self.child.id());
        let id = self.start_request("shutdown", Value::Null);
        self.response(id);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
        hwm
    }
}

/// `VmHWM` of a live process, in KiB (Linux).
pub fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
