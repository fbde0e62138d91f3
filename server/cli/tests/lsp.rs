//! `gloss lsp` as editors start it: the binary on pipes (as most programs
//! start a server) and on a socket (as VS Code and Neovim, on libuv, do),
//! which the server reads and writes with its runtime's own IO. An answer
//! bigger than a pipe's default 64 KB must arrive whole.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

/// A workspace with one entity mentioned 3,000 times: its references are
/// some 400 KB of JSON.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gloss.toml"), "registry = [\"registry.toml\"]\n").unwrap();
    std::fs::write(dir.path().join("registry.toml"), "[actor.putin]\nname = \"Vladimir Putin\"\n").unwrap();
    std::fs::write(dir.path().join("a.txt"), "[Putin]{@putin} said so.\n\n".repeat(3000)).unwrap();
    dir
}

fn start(dir: &Path, input: Stdio, output: Stdio) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("lsp")
        .current_dir(dir)
        .env("GLOSS_CACHE_DIR", "off")
        .stdin(input)
        .stdout(output)
        .stderr(Stdio::null())
        .spawn()
        .expect("run gloss lsp")
}

fn send(to: &mut impl Write, message: Value) {
    let body = message.to_string();
    write!(to, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    to.flush().unwrap();
}

/// The next message with this id, skipping notifications and answering
/// the server's own requests with null.
fn answer(from: &mut impl BufRead, to: &mut impl Write, id: i64) -> Value {
    loop {
        let message = next_message(from);
        if message["id"] == json!(id) && message.get("method").is_none() {
            return message;
        }
        if message.get("method").is_some() && message.get("id").is_some() {
            send(to, json!({"jsonrpc": "2.0", "id": message["id"], "result": null}));
        }
    }
}

/// The next message the server writes.
fn next_message(from: &mut impl BufRead) -> Value {
    let mut length = None;
    loop {
        let mut line = String::new();
        assert!(from.read_line(&mut line).unwrap() > 0, "the server's output ended");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = Some(n.parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("a length")];
    from.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Initializes the server on the folder `dir`: its URI, and the server's
/// answer.
fn initialize(dir: &Path, from: &mut impl BufRead, to: &mut impl Write) -> (String, Value) {
    let root = format!("file://{}", dir.canonicalize().unwrap().display());
    send(to, json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": root, "capabilities": {}}}));
    let init = answer(from, to, 1);
    send(to, json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    (root, init)
}

/// `shutdown`, then `exit`: a clean exit.
fn shut_down(mut child: Child, from: &mut impl BufRead, to: &mut impl Write) {
    send(to, json!({"jsonrpc": "2.0", "id": 9999, "method": "shutdown"}));
    answer(from, to, 9999);
    send(to, json!({"jsonrpc": "2.0", "method": "exit"}));
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// Initializes, asks for the references of the much-mentioned entity,
/// shuts down and exits: the answers whole, the exit clean.
fn session(dir: &Path, child: Child, from: &mut impl BufRead, to: &mut impl Write) {
    let (root, init) = initialize(dir, from, to);
    assert!(!init["result"]["capabilities"]["referencesProvider"].is_null(), "{init}");
    let uri = format!("{root}/a.txt");
    let text = std::fs::read_to_string(dir.join("a.txt")).unwrap();
    send(
        to,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "gloss", "version": 1, "text": text}}}),
    );
    // Asked until the folder is read: every mention found.
    let mut found = 0;
    for id in 2..2000 {
        let refs = json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}, "context": {"includeDeclaration": false}});
        send(to, json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/references", "params": refs}));
        found = answer(from, to, id)["result"].as_array().map_or(0, Vec::len);
        if found == 3000 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(found, 3000, "every mention, in one answer");
    shut_down(child, from, to);
}

#[test]
fn over_pipes() {
    let dir = workspace();
    let mut child = start(dir.path(), Stdio::piped(), Stdio::piped());
    let mut to = child.stdin.take().unwrap();
    let mut from = BufReader::new(child.stdout.take().unwrap());
    session(dir.path(), child, &mut from, &mut to);
}

#[test]
fn over_a_socket() {
    use std::os::unix::net::UnixStream;
    let dir = workspace();
    let (ours, theirs) = UnixStream::pair().unwrap();
    let child = start(dir.path(), Stdio::from(std::os::fd::OwnedFd::from(theirs.try_clone().unwrap())), Stdio::from(std::os::fd::OwnedFd::from(theirs)));
    let mut to = ours.try_clone().unwrap();
    let mut from = BufReader::new(ours);
    session(dir.path(), child, &mut from, &mut to);
}

/// The threads of a process (Linux).
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, |tasks| tasks.count())
}

/// 120 documents opened at once, as a session restored does: each open
/// publishes the open documents' diagnostics, and those computations
/// queue for the runtime's few blocking threads rather than each starting
/// a thread (60 to 80 had started, each keeping its allocator's cache:
/// docs/decisions.md). Every document still gets its diagnostics.
#[cfg(target_os = "linux")]
#[test]
fn a_burst_of_opens_starts_few_threads() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gloss.toml"), "registry = [\"registry.toml\"]\n").unwrap();
    std::fs::write(dir.path().join("registry.toml"), "[actor.putin]\nname = \"Vladimir Putin\"\n[subject.troops]\nunit = \"soldiers\"\n").unwrap();
    let claim =
        |i: usize| format!("[Putin]{{@putin}} said [{} soldiers]{{claim=troops src=@putin}} were sent. [Putin]{{@putin}} again.\n\n", 1000 + i * 37 % 5000);
    let documents: Vec<(String, String)> = (0..120)
        .map(|d| (format!("d{d:03}.txt"), format!("{{#d{d} date=2024-0{}-01}}\n{}", 1 + d % 9, (0..150).map(|i| claim(d * 150 + i)).collect::<String>())))
        .collect();
    for (name, text) in &documents {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let mut child = start(dir.path(), Stdio::piped(), Stdio::piped());
    let pid = child.id();
    let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watch = {
        let (most, done) = (most.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                most.fetch_max(threads(pid), std::sync::atomic::Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_micros(500));
            }
        })
    };
    let mut to = child.stdin.take().unwrap();
    let mut from = BufReader::new(child.stdout.take().unwrap());
    let (root, _) = initialize(dir.path(), &mut from, &mut to);
    // The folder read first (a symbol search waits for it), as when a
    // session restores its documents into a workspace already known.
    send(&mut to, json!({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": "putin"}}));
    answer(&mut from, &mut to, 2);
    for (name, text) in &documents {
        send(
            &mut to,
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": format!("{root}/{name}"), "languageId": "gloss", "version": 1, "text": text}}}),
        );
    }
    // Every document's diagnostics published, in the end.
    let mut published = std::collections::HashSet::new();
    while published.len() < documents.len() {
        let message = next_message(&mut from);
        if message["method"] == "textDocument/publishDiagnostics" {
            published.insert(message["params"]["uri"].as_str().unwrap().to_string());
        }
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    watch.join().unwrap();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    // The main thread; per core a worker of the runtime, one of the
    // background pool and one of the allocator's; the runtime's blocking
    // threads (8 at most); a few jobs on threads of their own and the
    // file watcher. (Before the cap, this burst started 11 to 82.)
    let bound = 1 + 3 * cores + 8 + 8;
    let most = most.load(std::sync::atomic::Ordering::SeqCst);
    assert!(most <= bound, "{most} threads at most, more than {bound}");
    shut_down(child, &mut from, &mut to);
}
