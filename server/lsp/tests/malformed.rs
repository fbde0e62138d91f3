//! A client that sends what cannot be read: a body that is not JSON, JSON
//! that is no JSON-RPC message, a body that is not UTF-8, a header without
//! a length, a header with a content type tower-lsp refuses. Each message
//! that can be answered gets the JSON-RPC error due, and the session goes
//! on: the next request is answered.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{frame_bytes, read_message};
use tokio::io::{AsyncWriteExt, BufReader};

#[tokio::test]
async fn malformed_messages_get_errors_and_the_session_goes_on() {
    let (client, server_end) = tokio::io::duplex(1 << 20);
    let (sr, sw) = tokio::io::split(server_end);
    let server = tokio::spawn(gloss_lsp::serve(sr, sw));
    let (read, mut write) = tokio::io::split(client);
    let mut read = BufReader::new(read);
    // Nothing more until initialize is answered, as the protocol wants.
    write.write_all(&frame_bytes(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#)).await.unwrap();
    let mut answers: Vec<Value> = Vec::new();
    let first = tokio::time::timeout(Duration::from_secs(20), read_message(&mut read)).await.unwrap().unwrap();
    answers.push(first);
    let mut send = Vec::new();
    send.extend(frame_bytes(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#));
    send.extend(frame_bytes(br#"{"jsonrpc":"2.0","id":2,"meth"#));
    send.extend(frame_bytes(br#"{"id":3,"jsonrrc":"2.0","method":"textDocument/hover"}"#));
    send.extend(frame_bytes(&[b'{', 0xff, 0xfe, b'}']));
    send.extend(b"X-Nonsense: 1\r\n\r\n");
    send.extend(b"Content-Length: 2\r\nContent-Type: application/xml; charset=latin1\r\n\r\n{}");
    send.extend(frame_bytes(br#"{"jsonrpc":"2.0","id":4,"method":"workspace/symbol","params":{"query":"x"}}"#));
    send.extend(frame_bytes(br#"{"jsonrpc":"2.0","id":5,"method":"shutdown"}"#));
    write.write_all(&send).await.unwrap();
    let read_all = async {
        while let Some(m) = read_message(&mut read).await {
            if m.get("method").is_none() {
                if m["id"] == 5 {
                    // Shut down: now the end.
                    write.write_all(&frame_bytes(br#"{"jsonrpc":"2.0","method":"exit"}"#)).await.unwrap();
                }
                answers.push(m);
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read_all).await.expect("the session ends on exit");
    let clean = tokio::time::timeout(Duration::from_secs(5), server).await.unwrap().unwrap();
    assert!(clean, "shutdown then exit: the session went on to the end");
    let by_id = |id: Value| answers.iter().find(|a| a["id"] == id).cloned().unwrap_or_else(|| panic!("no answer to {id}: {answers:?}"));
    assert!(by_id(json!(1))["result"]["capabilities"].is_object());
    // Three bodies with no id to answer to: not JSON, not UTF-8, and `{}`
    // (under a content type tower-lsp would refuse). Each gets an error
    // with id null: parse error, or, when another answer with id null is
    // still on its way, tower-lsp's own invalid request.
    let no_id: Vec<&Value> = answers.iter().filter(|a| a["id"].is_null()).collect();
    assert_eq!(no_id.len(), 3, "{answers:?}");
    assert_eq!(no_id[0]["error"]["code"], -32700, "{answers:?}");
    assert!(no_id.iter().all(|a| a["error"]["code"] == -32700 || a["error"]["code"] == -32600), "{answers:?}");
    assert_eq!(by_id(json!(3))["error"]["code"], -32600);
    assert_eq!(by_id(json!(4))["result"], json!([]));
    assert_eq!(by_id(json!(5))["result"], Value::Null);
}
