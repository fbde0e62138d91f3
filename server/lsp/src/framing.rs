//! What the client writes, re-framed before tower-lsp reads it, so that a
//! message it cannot decode is answered with an error instead of ending
//! the session. (tower-lsp-server reads through a `FramedRead`, which ends
//! its stream at the first decoding error: one bad message from a client,
//! a body that is not JSON or not JSON-RPC, or a bad header, and the
//! server stopped reading and exited.)
//!
//! Each frame the client sends is read here; a body tower-lsp would decode
//! passes as it is, and one it would not is replaced by a request to
//! [`INVALID`], whose handler answers with the JSON-RPC error due: parse
//! error (-32700, id null) for a body that is not JSON, invalid request
//! (-32600, with the message's id when it has one) for JSON that is no
//! message. A header block without a usable `Content-Length` cannot be
//! answered (there is no telling where its body ends): it is skipped and
//! logged.

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Request, Response, Result};

/// The method an undecodable message is turned into.
pub const INVALID: &str = "gloss/invalidMessage";

/// A header line longer than this is not a header.
const HEADER_LINE_MAX: u64 = 8 * 1024;

/// What tower-lsp decodes a body as (its own `Message`, which is private).
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // only whether it decodes matters
enum Message {
    Response(Response),
    Request(Request),
}

#[derive(Deserialize)]
pub struct Invalid {
    code: i64,
    message: String,
}

/// The answer to an undecodable message.
pub async fn invalid_message<S>(_: &S, params: Invalid) -> Result<()> {
    Err(Error { code: ErrorCode::from(params.code), message: params.message.into(), data: None })
}

/// The body tower-lsp will be given for a body the client sent.
fn checked(body: Vec<u8>) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(&body) else {
        return replacement(Value::Null, -32700, "the message is not UTF-8");
    };
    // An empty body too is answered: tower-lsp would wait on it forever.
    if serde_json::from_str::<Message>(text).is_ok() {
        return body;
    }
    match serde_json::from_str::<Value>(text) {
        Err(e) => replacement(Value::Null, -32700, &format!("the message is not JSON: {e}")),
        Ok(v) => {
            // Answer with the message's id when it has a usable one.
            let id = v.get("id").filter(|id| id.is_i64() || id.is_u64() || id.is_string()).cloned().unwrap_or(Value::Null);
            replacement(id, -32600, "the message is not a JSON-RPC 2.0 request, notification or response")
        }
    }
}

/// Requests whose answers the server writes as JSON itself, and the
/// methods they are routed to.
const ROUTES: [(&str, &str); 4] = [
    ("textDocument/references", crate::answers::REFERENCES),
    ("textDocument/completion", crate::answers::COMPLETION),
    ("textDocument/diagnostic", crate::answers::DIAGNOSTIC),
    ("workspace/diagnostic", crate::answers::WORKSPACE_DIAGNOSTIC),
];

/// A `textDocument/references`, `textDocument/completion`,
/// `textDocument/diagnostic` or `workspace/diagnostic` request goes to its
/// method of [`ROUTES`], whose answer is written as JSON by the
/// server itself; other messages pass as they are (read as JSON only if
/// they hold one of those names).
fn routed(body: Vec<u8>) -> Vec<u8> {
    if !ROUTES.iter().any(|(method, _)| memchr::memmem::find(&body, method.as_bytes()).is_some()) {
        return body;
    }
    let Ok(mut message) = serde_json::from_slice::<Value>(&body) else { return body };
    let method = message.get("method").and_then(Value::as_str);
    let Some(&(_, to)) = ROUTES.iter().find(|(name, _)| Some(*name) == method) else { return body };
    if message.get("id").is_none() {
        return body;
    }
    message["method"] = json!(to);
    serde_json::to_vec(&message).unwrap_or(body)
}

fn replacement(id: Value, code: i64, message: &str) -> Vec<u8> {
    eprintln!("gloss: a message from the client could not be read ({message}): answered with error {code}");
    json!({"jsonrpc": "2.0", "id": id, "method": INVALID, "params": {"code": code, "message": message}}).to_string().into_bytes()
}

/// Copies frames from the client to the server, each checked, until the
/// client's input ends or the server stops reading.
pub async fn pump<I: AsyncRead + Unpin, O: AsyncWrite + Unpin>(input: I, mut to_server: O) {
    let mut input = BufReader::new(input);
    while let Some(frame) = read_frame(&mut input).await {
        let Ok(body) = frame else {
            eprintln!("gloss: a header without a usable Content-Length from the client: skipped");
            continue;
        };
        if write_frame(&mut to_server, &[&routed(checked(body))]).await.is_err() {
            return;
        }
    }
}

/// A header block with no usable `Content-Length`: where its body ends
/// cannot be told.
pub struct NoLength;

/// The body of the next message framed as LSP frames them, `None` at the
/// end of the input (or where it breaks off).
pub async fn read_frame<R: AsyncBufRead + Unpin>(input: &mut R) -> Option<std::result::Result<Vec<u8>, NoLength>> {
    // The header block: lines up to an empty one.
    let mut length: Option<u64> = None;
    let mut any = false;
    loop {
        let mut line = Vec::new();
        match (&mut *input).take(HEADER_LINE_MAX).read_until(b'\n', &mut line).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if any {
                break;
            }
            continue; // blank lines between messages
        }
        any = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else { return Some(Err(NoLength)) };
    // Read as it comes: a length promising more than arrives costs no
    // more than what arrives.
    let mut body = Vec::new();
    match (&mut *input).take(length).read_to_end(&mut body).await {
        Ok(n) if n as u64 == length => Some(Ok(body)),
        _ => None,
    }
}

/// Writes a message, given as the parts its body is made of, with its
/// header.
pub async fn write_frame<W: AsyncWrite + Unpin>(output: &mut W, body: &[&[u8]]) -> std::io::Result<()> {
    let length: usize = body.iter().map(|part| part.len()).sum();
    output.write_all(format!("Content-Length: {length}\r\n\r\n").as_bytes()).await?;
    for part in body {
        output.write_all(part).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_that_decode_pass_and_others_are_replaced() {
        let good = br#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{}}"#.to_vec();
        assert_eq!(checked(good.clone()), good);
        let note = br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#.to_vec();
        assert_eq!(checked(note.clone()), note);
        let response = br#"{"jsonrpc":"2.0","id":3,"result":null}"#.to_vec();
        assert_eq!(checked(response.clone()), response);
        let as_json = |b: Vec<u8>| serde_json::from_slice::<Value>(&b).unwrap();
        let broken = as_json(checked(br#"{"jsonrpc":"2.0","id":1,"meth"#.to_vec()));
        assert_eq!((broken["id"].clone(), broken["method"].clone(), broken["params"]["code"].clone()), (Value::Null, json!(INVALID), json!(-32700)));
        let no_version = as_json(checked(br#"{"id":7,"jsonrrc":"2.0","method":"x"}"#.to_vec()));
        assert_eq!((no_version["id"].clone(), no_version["params"]["code"].clone()), (json!(7), json!(-32600)));
        let empty = as_json(checked(Vec::new()));
        assert_eq!((empty["id"].clone(), empty["params"]["code"].clone()), (Value::Null, json!(-32700)));
        let not_utf8 = as_json(checked(vec![b'{', 0xff, b'}']));
        assert_eq!(not_utf8["params"]["code"], -32700);
    }

    #[test]
    fn references_completion_and_diagnostic_requests_are_routed_to_written_answers_and_nothing_else() {
        let as_json = |b: Vec<u8>| serde_json::from_slice::<Value>(&b).unwrap();
        let request = json!({"jsonrpc": "2.0", "id": 5, "method": "textDocument/references", "params": {"context": {"includeDeclaration": true}}});
        let routed_request = as_json(routed(serde_json::to_vec(&request).unwrap()));
        assert_eq!(routed_request["method"], crate::answers::REFERENCES);
        assert_eq!((routed_request["id"].clone(), routed_request["params"].clone()), (request["id"].clone(), request["params"].clone()));
        let pull = json!({"jsonrpc": "2.0", "id": "p1", "method": "textDocument/diagnostic", "params": {"textDocument": {"uri": "file:///w/a.txt"}}});
        let routed_pull = as_json(routed(serde_json::to_vec(&pull).unwrap()));
        assert_eq!(routed_pull["method"], crate::answers::DIAGNOSTIC);
        let complete = json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/completion", "params": {"position": {"line": 0, "character": 2}}});
        let routed_completion = as_json(routed(serde_json::to_vec(&complete).unwrap()));
        assert_eq!(routed_completion["method"], crate::answers::COMPLETION);
        assert_eq!((routed_completion["id"].clone(), routed_completion["params"].clone()), (complete["id"].clone(), complete["params"].clone()));
        let all = json!({"jsonrpc": "2.0", "id": 9, "method": "workspace/diagnostic", "params": {"previousResultIds": []}});
        assert_eq!(as_json(routed(serde_json::to_vec(&all).unwrap()))["method"], crate::answers::WORKSPACE_DIAGNOSTIC);
        assert_eq!((routed_pull["id"].clone(), routed_pull["params"].clone()), (pull["id"].clone(), pull["params"].clone()));
        // A notification of that name (no id), a hover that mentions it, a response: as they are.
        for other in [
            json!({"jsonrpc": "2.0", "method": "textDocument/references", "params": {}}),
            json!({"jsonrpc": "2.0", "id": 6, "method": "textDocument/hover", "params": {"note": "textDocument/references"}}),
            json!({"jsonrpc": "2.0", "id": 7, "result": "textDocument/references"}),
            json!({"jsonrpc": "2.0", "id": 8, "method": "workspace/symbol", "params": {"query": "textDocument/diagnostic"}}),
            json!({"jsonrpc": "2.0", "id": 10, "method": "completionItem/resolve", "params": {"label": "textDocument/completion"}}),
        ] {
            let body = serde_json::to_vec(&other).unwrap();
            assert_eq!(routed(body.clone()), body);
        }
    }
}
