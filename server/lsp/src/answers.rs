//! Big answers written as JSON by the server itself.
//!
//! tower-lsp turns every result into a `serde_json::Value` tree before it
//! writes it out. For the references of an entity named 5,000 times that
//! tree is 90,000 allocations and 6 MB, built and freed per request, and
//! it took half of the request's time (docs/performance.md). So
//! `textDocument/references` is routed (by `framing::pump`, which already
//! reads each message from the client) to [`REFERENCES`], whose handler
//! writes the locations' JSON at once and returns a [`Written`]: a short
//! mark standing for it. [`deliver`], between tower-lsp and the client,
//! puts the JSON back in place of the mark. Diagnostics are published, and
//! pulled (`textDocument/diagnostic` and `workspace/diagnostic`, routed to
//! [`DIAGNOSTIC`] and [`WORKSPACE_DIAGNOSTIC`]), the same way (a 1 MB
//! document's list, 1.2 MB of JSON, was a 9 MB tree). So are completions
//! (`textDocument/completion`, routed to [`COMPLETION`]): two hundred
//! items, 60 KB, whose tree took two thirds of working out the answer.
//!
//! The mark holds a random number drawn for each session, never shown to
//! the client otherwise, so no text of a document can pass for one. The
//! order of requests and edits is tower-lsp's as for any other request.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader, BufWriter};

use crate::framing::{read_frame, write_frame};

/// The method `textDocument/references` requests are routed to.
pub const REFERENCES: &str = "gloss/references";

/// The method `textDocument/completion` requests are routed to.
pub const COMPLETION: &str = "gloss/completion";

/// The method `textDocument/diagnostic` requests are routed to.
pub const DIAGNOSTIC: &str = "gloss/diagnostic";

/// The method `workspace/diagnostic` requests are routed to.
pub const WORKSPACE_DIAGNOSTIC: &str = "gloss/workspaceDiagnostic";

/// Answers written and waiting to be sent, by number.
pub struct Answers {
    /// How each mark of this session starts, quote included.
    mark: String,
    next: AtomicU64,
    waiting: Mutex<Waiting>,
    /// Told each time an answer is taken to be sent.
    taken: tokio::sync::Notify,
}

#[derive(Default)]
struct Waiting {
    answers: HashMap<u64, Answer>,
    /// The last notification waiting for each thing it replaces (a
    /// document's diagnostics): its number.
    latest: HashMap<String, u64>,
}

enum Answer {
    /// The JSON, and what it replaces, for a notification that does.
    Json(Vec<u8>, Option<String>),
    /// A notification not to be sent after all: a newer one replaced it
    /// before it was sent, or what sent it gave up (which may leave this
    /// entry, a few bytes, if tower-lsp never writes it).
    Superseded,
}

/// An answer written as JSON, as tower-lsp is given it: its mark.
pub struct Written(String);

/// Drops the JSON of a notification not yet sent, and has it not sent at
/// all if tower-lsp still writes it.
struct Forget<'a>(&'a Answers, u64);

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        if let Some(answer) = self.0.waiting.lock().unwrap_or_else(|e| e.into_inner()).answers.get_mut(&self.1) {
            *answer = Answer::Superseded;
        }
    }
}

impl serde::Serialize for Written {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// (A notification's parameters are asked to read back too: as the mark.)
impl<'de> serde::Deserialize<'de> for Written {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Written, D::Error> {
        String::deserialize(d).map(Written)
    }
}

/// A number drawn at random, for what must differ from one session (and
/// one run of the server) to the next.
pub(crate) fn drawn_at_random() -> u64 {
    RandomState::new().hash_one(std::process::id())
}

impl Default for Answers {
    fn default() -> Answers {
        let session = drawn_at_random();
        let mark = format!("\"gloss-answer-{session:016x}-");
        Answers { mark, next: AtomicU64::new(0), waiting: Mutex::default(), taken: tokio::sync::Notify::new() }
    }
}

impl Answers {
    /// Keeps an answer's JSON until it is sent; what stands for it. To be
    /// called as the answer is handed to tower-lsp (not before an await
    /// that a cancellation may drop): a mark never sent would keep its
    /// JSON for the rest of the session.
    pub fn put(&self, json: Vec<u8>) -> Written {
        self.mark(self.keep(json, None))
    }

    /// [`Answers::put`] for a notification that replaces the previous one
    /// of `what` (a document's diagnostics). If that one is still waiting
    /// (a client slower to read than the server to publish), it is not
    /// sent at all: the server holds one list per document, not one per
    /// keystroke.
    pub fn put_replacing(&self, what: &str, json: Vec<u8>) -> Written {
        self.mark(self.keep(json, Some(what.to_string())))
    }

    /// Sends notification `N` with `json` as its parameters, and waits
    /// until it is on its way to the client, so that what is sent after
    /// (the answer to the request that sent it) goes after it; returns
    /// whether it is. If this is dropped first (that request cancelled),
    /// or the client has not taken it within `limit`, it is not sent at
    /// all. (For the parts of a pulled workspace report: `pulled`.)
    pub async fn notify<N>(&self, client: &tower_lsp_server::Client, json: Vec<u8>, limit: std::time::Duration) -> bool
    where
        N: tower_lsp_server::ls_types::notification::Notification<Params = Written>,
    {
        let n = self.keep(json, None);
        let forget = Forget(self, n);
        client.send_notification::<N>(self.mark(n)).await;
        let taken = async {
            loop {
                let taken = self.taken.notified();
                if !self.waiting.lock().unwrap_or_else(|e| e.into_inner()).answers.contains_key(&n) {
                    return;
                }
                taken.await;
            }
        };
        let sent = tokio::time::timeout(limit, taken).await.is_ok();
        if sent {
            std::mem::forget(forget);
        }
        sent
    }

    /// Keeps an answer's JSON until it is sent; its number.
    fn keep(&self, json: Vec<u8>, replaces: Option<String>) -> u64 {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(what) = &replaces {
            if let Some(older) = waiting.latest.insert(what.clone(), n) {
                if let Some(answer) = waiting.answers.get_mut(&older) {
                    *answer = Answer::Superseded;
                }
            }
        }
        waiting.answers.insert(n, Answer::Json(json, replaces));
        n
    }

    /// What stands for answer `n`.
    fn mark(&self, n: u64) -> Written {
        Written(format!("{}{n}", &self.mark[1..]))
    }

    /// A message tower-lsp wrote, as the parts to send: with the answer
    /// its mark stands for in place of the mark (quotes included); others
    /// as they are; `None` for a notification superseded. (Not copied
    /// into one body: a long document's diagnostics are a megabyte.)
    fn splice(&self, body: Vec<u8>) -> Option<Outgoing> {
        let whole = |body| Some(Outgoing { body, answer: None });
        let Some(at) = memchr::memmem::find(&body, self.mark.as_bytes()) else { return whole(body) };
        let digits = at + self.mark.len();
        let Some(len) = body[digits..].iter().position(|&b| b == b'"') else { return whole(body) };
        let Some(n) = std::str::from_utf8(&body[digits..digits + len]).ok().and_then(|n| n.parse::<u64>().ok()) else { return whole(body) };
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        let answer = waiting.answers.remove(&n);
        if answer.is_some() {
            self.taken.notify_waiters();
        }
        match answer {
            None => whole(body),
            Some(Answer::Superseded) => None,
            Some(Answer::Json(json, replaces)) => {
                if let Some(what) = replaces {
                    if waiting.latest.get(&what) == Some(&n) {
                        waiting.latest.remove(&what);
                    }
                }
                Some(Outgoing { answer: Some((at..digits + len + 1, json)), body })
            }
        }
    }
}

/// A message to send: as tower-lsp wrote it, and the answer that replaces
/// the mark in it, if any.
struct Outgoing {
    body: Vec<u8>,
    answer: Option<(Range<usize>, Vec<u8>)>,
}

impl Outgoing {
    fn parts(&self) -> Vec<&[u8]> {
        match &self.answer {
            None => vec![&self.body],
            Some((mark, json)) => vec![&self.body[..mark.start], json, &self.body[mark.end..]],
        }
    }
}

/// Copies what tower-lsp writes to the client, message by message, each
/// with its written answer in place, until tower-lsp stops writing.
pub async fn deliver<I: AsyncRead + Unpin, O: AsyncWrite + Unpin>(from_server: I, output: O, answers: &Answers) -> std::io::Result<()> {
    let mut input = BufReader::new(from_server);
    // A header and the parts of a message in one write, when they fit.
    let mut output = BufWriter::with_capacity(1 << 16, output);
    while let Some(frame) = read_frame(&mut input).await {
        // tower-lsp always writes a length.
        let Ok(body) = frame else { continue };
        if let Some(outgoing) = answers.splice(body) {
            write_frame(&mut output, &outgoing.parts()).await?;
        }
        // Flushed when nothing more is waiting: one write per burst.
        if input.buffer().is_empty() {
            output.flush().await?;
        }
    }
    output.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Answers {
        /// What is sent for a message tower-lsp wrote.
        fn sent(&self, body: Vec<u8>) -> Vec<u8> {
            self.splice(body).map_or_else(Vec::new, |o| o.parts().concat())
        }
    }

    #[test]
    fn a_mark_is_replaced_by_its_json_once() {
        let answers = Answers::default();
        let written = answers.put(br#"[{"uri":"file:///a.txt"}]"#.to_vec());
        let body = serde_json::to_vec(&serde_json::json!({"jsonrpc": "2.0", "result": serde_json::to_value(&written).unwrap(), "id": 4})).unwrap();
        let sent: serde_json::Value = serde_json::from_slice(&answers.sent(body.clone())).unwrap();
        assert_eq!(sent, serde_json::json!({"jsonrpc": "2.0", "result": [{"uri": "file:///a.txt"}], "id": 4}));
        // Taken: a second message with the same mark is left alone.
        assert_eq!(answers.sent(body.clone()), body);
        // A notification's parameters too.
        let params = answers.put(br#"{"uri":"file:///a.txt","diagnostics":[]}"#.to_vec());
        let note = serde_json::to_vec(
            &serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": serde_json::to_value(&params).unwrap()}),
        )
        .unwrap();
        let sent: serde_json::Value = serde_json::from_slice(&answers.sent(note)).unwrap();
        assert_eq!(sent["params"], serde_json::json!({"uri": "file:///a.txt", "diagnostics": []}));
        // So is a mark of another session.
        let other = Answers::default();
        let theirs = serde_json::to_vec(&serde_json::json!({"result": serde_json::to_value(other.put(b"1".to_vec())).unwrap()})).unwrap();
        assert_eq!(answers.sent(theirs.clone()), theirs);
    }

    fn publication(written: &Written) -> Vec<u8> {
        let params = serde_json::to_value(written).unwrap();
        serde_json::to_vec(&serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params})).unwrap()
    }

    #[test]
    fn a_notification_given_up_before_it_is_sent_is_not_sent() {
        let answers = Answers::default();
        let n = answers.keep(br#"{"n":1}"#.to_vec(), None);
        drop(Forget(&answers, n));
        assert!(answers.splice(publication(&answers.mark(n))).is_none());
        assert!(answers.waiting.lock().unwrap().answers.is_empty());
    }

    #[tokio::test]
    async fn a_publication_replaced_before_it_is_sent_is_not_sent() {
        let answers = Answers::default();
        let older = publication(&answers.put_replacing("file:///a.txt", br#"{"n":1}"#.to_vec()));
        let other = publication(&answers.put_replacing("file:///b.txt", br#"{"n":2}"#.to_vec()));
        let newer = publication(&answers.put_replacing("file:///a.txt", br#"{"n":3}"#.to_vec()));
        // Written by tower-lsp in order, each with its frame.
        let (mut to_deliver, from_server) = tokio::io::duplex(1 << 16);
        for body in [&older, &other, &newer] {
            write_frame(&mut to_deliver, &[body]).await.unwrap();
        }
        drop(to_deliver);
        let mut out = Vec::new();
        deliver(from_server, &mut out, &answers).await.unwrap();
        let mut reader = BufReader::new(&out[..]);
        let mut sent = Vec::new();
        while let Some(Ok(body)) = read_frame(&mut reader).await {
            sent.push(serde_json::from_slice::<serde_json::Value>(&body).unwrap()["params"]["n"].clone());
        }
        assert_eq!(sent, [2, 3]);
        // Nothing is left waiting, and the next one for the document is sent.
        assert!(answers.waiting.lock().unwrap().answers.is_empty());
        assert!(answers.waiting.lock().unwrap().latest.is_empty());
        let next = publication(&answers.put_replacing("file:///a.txt", br#"{"n":4}"#.to_vec()));
        assert_eq!(serde_json::from_slice::<serde_json::Value>(&answers.sent(next)).unwrap()["params"]["n"], 4);
    }
}
