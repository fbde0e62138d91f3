//! `gloss` has its allocator give freed pages back after the server reads
//! a folder and after it relates the folder's claims (the bursts that free
//! the most): the hook is called at both. (A binary of its own: the cache
//! folder is set for the whole binary.)

mod support;

use support::{debounce, indexed, sandbox_with_cache};

const CONFIG: &str = "[workspace]\ndocuments = [\"docs/*.txt\"]\n\n[actor.putin]\nname = \"Vladimir Putin\"\n";
const A: &str = "[Putin]{@putin} spoke; [3,000 soldiers]{claim=troops src=@putin} left.\n";

static RELEASED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn count_release() {
    RELEASED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn freed_memory_is_given_back_after_reading_and_after_relating() {
    gloss_lsp::set_release_freed(count_release);
    let files = [("gloss.toml", CONFIG), ("docs/a.txt", A)];
    let (_sandbox, ws) = sandbox_with_cache(&files);
    let mut c = indexed(&ws.canonicalize().unwrap(), &["utf-16"], debounce(0)).await;
    c.wait_for(|n| n["method"] == "window/logMessage" && n["params"]["message"].as_str().is_some_and(|m| m.starts_with("related the claims"))).await;
    assert_eq!(RELEASED.load(std::sync::atomic::Ordering::SeqCst), 2);
}
