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
        let message: Value = serde_json::from_slice(&body).unwrap();
        if message["id"] == json!(id) && message.get("method").is_none() {
            return message;
        }
        if message.get("method").is_some() && message.get("id").is_some() {
            send(to, json!({"jsonrpc": "2.0", "id": message["id"], "result": null}));
        }
    }
}

/// Initializes, asks for the references of the much-mentioned entity,
/// shuts down and exits: the answers whole, the exit clean.
fn session(dir: &Path, mut child: Child, from: &mut impl BufRead, to: &mut impl Write) {
    let root = format!("file://{}", dir.canonicalize().unwrap().display());
    send(to, json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": root, "capabilities": {}}}));
    let init = answer(from, to, 1);
    assert!(!init["result"]["capabilities"]["referencesProvider"].is_null(), "{init}");
    send(to, json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let uri = format!("{root}/a.txt");
    let text = std::fs::read_to_string(dir.join("a.txt")).unwrap();
    send(to, json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "gloss", "version": 1, "text": text}}}));
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
    send(to, json!({"jsonrpc": "2.0", "id": 9999, "method": "shutdown"}));
    answer(from, to, 9999);
    send(to, json!({"jsonrpc": "2.0", "method": "exit"}));
    assert_eq!(child.wait().unwrap().code(), Some(0));
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
