//! The language server's message handling: a stream of JSON-RPC messages
//! decoded from the input (opens, range edits with positions anywhere,
//! including past the end, whole-text changes, requests of every kind at
//! any position, cancellations, saves, closes, watched-file events, and
//! framed bodies mutated byte by byte) fed to the real server over an
//! in-memory pipe. Every request must be answered, none with an internal
//! error, and the server must end on shutdown and exit.
#![no_main]

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

#[path = "common.rs"]
mod common;

/// A workspace on disk, made once per process: gloss.toml and a document.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        // No facts cache: each input starts from the disk alone, and the
        // fuzzer writes nothing outside its temporary folder.
        std::env::set_var("GLOSS_CACHE_DIR", "off");
        let dir = std::env::temp_dir().join(format!("gloss-fuzz-lsp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("docs")).unwrap();
        std::fs::write(dir.join("gloss.toml"), common::REGISTRY.replace("*.txt", "docs/*.txt")).unwrap();
        std::fs::write(dir.join("docs/b.txt"), common::OTHER).unwrap();
        dir.canonicalize().unwrap()
    })
}

/// Reads the input a little at a time; zeros when it runs out.
struct Input<'a>(&'a [u8]);
impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (first, rest) = self.0.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        self.0 = rest;
        first
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
    fn text(&mut self, max: usize) -> String {
        let n = (self.byte() as usize).min(max).min(self.0.len());
        let (t, rest) = self.0.split_at(n);
        self.0 = rest;
        String::from_utf8_lossy(t).into_owned()
    }
    /// A line or column: mostly small, sometimes far past any end.
    fn coord(&mut self) -> u32 {
        match self.byte() {
            250 => u32::MAX,
            251 => i32::MAX as u32,
            252 => 100_000,
            b => (b % 24) as u32,
        }
    }
    fn position(&mut self) -> Value {
        json!({"line": self.coord(), "character": self.coord()})
    }
}

const PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "]{",
    "@putin",
    "#x ",
    "claim=nk-troops ",
    "src=@ua-intel",
    "10,000",
    "\n",
    "\r\n",
    "\r",
    "한국",
    "ё",
    "😀",
    "{%",
    "%}",
    "\\",
    "\"",
    "=",
    " ",
    "",
    "value=~3000 ",
    "date=2024-10 ",
];

const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/definition",
    "textDocument/typeDefinition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/codeAction",
    "textDocument/documentSymbol",
    "textDocument/semanticTokens/full",
    "textDocument/inlayHint",
    "textDocument/codeLens",
    "textDocument/foldingRange",
    "textDocument/documentLink",
    "textDocument/diagnostic",
    "workspace/symbol",
    "workspace/diagnostic",
];

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn uri_of(n: u8) -> String {
    let root = root();
    match n % 5 {
        0 | 1 => format!("file://{}/docs/a.txt", root.display()),
        2 => format!("file://{}/docs/b.txt", root.display()),
        3 => format!("file://{}/gloss.toml", root.display()),
        _ => "untitled:Untitled-1".to_string(),
    }
}

fn request(method: &str, uri: &str, input: &mut Input) -> Value {
    let doc = json!({"uri": uri});
    match method {
        "workspace/symbol" => json!({"query": input.text(8)}),
        "workspace/diagnostic" => json!({"previousResultIds": []}),
        "textDocument/rename" => json!({"textDocument": doc, "position": input.position(), "newName": input.text(12)}),
        "textDocument/references" => json!({"textDocument": doc, "position": input.position(), "context": {"includeDeclaration": input.byte() % 2 == 0}}),
        "textDocument/codeAction" => {
            json!({"textDocument": doc, "range": {"start": input.position(), "end": input.position()}, "context": {"diagnostics": []}})
        }
        "textDocument/inlayHint" => json!({"textDocument": doc, "range": {"start": input.position(), "end": input.position()}}),
        "textDocument/documentSymbol"
        | "textDocument/semanticTokens/full"
        | "textDocument/codeLens"
        | "textDocument/foldingRange"
        | "textDocument/documentLink"
        | "textDocument/diagnostic" => {
            json!({"textDocument": doc})
        }
        _ => json!({"textDocument": doc, "position": input.position()}),
    }
}

async fn session(data: &[u8]) {
    let mut input = Input(data);
    let (client_end, server_end) = tokio::io::duplex(1 << 16);
    let (server_read, server_write) = tokio::io::split(server_end);
    let server = tokio::spawn(gloss_lsp::serve(server_read, server_write));
    let (read, mut write) = tokio::io::split(client_end);
    let (to_server, mut outbox) = mpsc::unbounded_channel::<Vec<u8>>();
    let writer = tokio::spawn(async move {
        while let Some(bytes) = outbox.recv().await {
            if write.write_all(&bytes).await.is_err() {
                break;
            }
        }
    });
    // Responses by id; the server's own requests answered with null.
    let (answered_tx, mut answered) = mpsc::unbounded_channel::<i64>();
    let replies = to_server.clone();
    let reader = tokio::spawn(async move {
        let mut read = BufReader::new(read);
        loop {
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            read.read_exact(&mut body).await.unwrap();
            let m: Value = serde_json::from_slice(&body).expect("the server writes JSON");
            if std::env::var_os("GLOSS_FUZZ_DEBUG").is_some() {
                eprintln!("<-- {m}");
            }
            if m.get("method").is_some() && m.get("id").is_some() {
                let reply = json!({"jsonrpc": "2.0", "id": m["id"], "result": null});
                let _ = replies.send(frame(reply.to_string().as_bytes()));
            } else if m.get("method").is_none() {
                let code = m["error"]["code"].as_i64();
                assert_ne!(code, Some(-32603), "an internal error: {m}");
                if let Some(id) = m["id"].as_i64() {
                    let _ = answered_tx.send(id);
                }
            }
        }
    });
    let debug = std::env::var_os("GLOSS_FUZZ_DEBUG").is_some();
    let send = |m: Value| {
        if debug {
            eprintln!("--> {m}");
        }
        let _ = to_server.send(frame(m.to_string().as_bytes()));
    };
    let utf8 = input.byte() % 2 == 0;
    let root = root();
    send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "processId": null,
        "rootUri": format!("file://{}", root.display()),
        "initializationOptions": {"diagnostics": {"debounceMs": 0}},
        "capabilities": {"general": {"positionEncodings": if utf8 { json!(["utf-8"]) } else { json!([]) }}},
    }}));
    // A client sends nothing more until `initialize` is answered (the
    // protocol says so; a server may drop what comes earlier).
    let initialized = async { while answered.recv().await.expect("the server answers initialize") != 0 {} };
    tokio::time::timeout(Duration::from_secs(30), initialized).await.expect("initialize answered within 30 s");
    send(json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let mut pending: HashSet<i64> = HashSet::new();
    let mut next = 1i64;
    let mut version = 1;
    let mut ops = 0;
    while !input.done() && ops < 48 {
        ops += 1;
        version += 1;
        let uri = uri_of(input.byte());
        match input.byte() % 12 {
            0 | 1 => {
                let text = input.text(200);
                send(
                    json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "gloss", "version": version, "text": text}}}),
                )
            }
            2..=4 => {
                let (start, end) = (input.position(), input.position());
                let text = match input.byte() {
                    b if b < 200 => PIECES[b as usize % PIECES.len()].to_string(),
                    _ => input.text(40),
                };
                let change = json!({"range": {"start": start, "end": end}, "text": text});
                send(
                    json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}),
                )
            }
            5 => {
                let text = input.text(200);
                send(
                    json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}}),
                )
            }
            6..=8 => {
                let method = METHODS[input.byte() as usize % METHODS.len()];
                let params = request(method, &uri, &mut input);
                pending.insert(next);
                send(json!({"jsonrpc": "2.0", "id": next, "method": method, "params": params}));
                next += 1;
            }
            9 => {
                // A valid message with bytes changed: whatever it becomes, framed.
                let method = METHODS[input.byte() as usize % METHODS.len()];
                let params = request(method, &uri, &mut input);
                let mut body = json!({"jsonrpc": "2.0", "id": 77777777, "method": method, "params": params}).to_string().into_bytes();
                for _ in 0..(input.byte() % 4 + 1) {
                    if body.is_empty() {
                        break;
                    }
                    let at = input.byte() as usize * 7 % body.len();
                    match input.byte() {
                        b if b < 16 => body.truncate(at),
                        b => body[at] = b,
                    }
                }
                if debug {
                    eprintln!("--> (mutated) {}", String::from_utf8_lossy(&body));
                }
                let _ = to_server.send(frame(&body));
            }
            10 => match input.byte() % 4 {
                0 => send(json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})),
                1 => send(json!({"jsonrpc": "2.0", "method": "textDocument/didSave", "params": {"textDocument": {"uri": uri}}})),
                2 => send(json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": (input.byte() as i64) % next}})),
                _ => send(
                    json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params": {"changes": [{"uri": uri, "type": input.byte() % 3 + 1}]}}),
                ),
            },
            _ => {
                // A message the protocol does not know, or the wrong params.
                pending.insert(next);
                send(
                    json!({"jsonrpc": "2.0", "id": next, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": -1, "character": "x"}}}),
                );
                next += 1;
            }
        }
    }
    // Every request answered.
    let all = async {
        while !pending.is_empty() {
            let id = answered.recv().await.expect("the server stopped before answering every request");
            pending.remove(&id);
        }
    };
    tokio::time::timeout(Duration::from_secs(30), all).await.expect("every request answered within 30 s");
    send(json!({"jsonrpc": "2.0", "id": next, "method": "shutdown", "params": null}));
    send(json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let ended = tokio::time::timeout(Duration::from_secs(30), server).await.expect("the server ends on exit");
    ended.expect("the server task ended without a panic");
    drop(to_server);
    let _ = writer.await;
    reader.abort();
}

fuzz_target!(|data: &[u8]| {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(session(data));
    runtime.shutdown_timeout(Duration::from_secs(5));
});
