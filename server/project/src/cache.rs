//! The facts cache: each document's facts under the hash of its text, so
//! that a workspace read again parses only the documents that changed.
//!
//! One file per workspace root, in the platform's cache folder (never in
//! the workspace): `$GLOSS_CACHE_DIR`, else e.g. `~/.cache/gloss` on Linux.
//! `GLOSS_CACHE_DIR=off` turns it off. A cache file that does not read back
//! exactly (truncated, corrupted, written by another version) counts as
//! empty and is written again; it is written to a temporary file and
//! renamed, so a reader never sees half of one.

use std::collections::HashMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use gloss_analysis::document::DocumentFacts;
use xxhash_rust::xxh3::xxh3_128;

/// Changes whenever the cached facts change shape (or the file's layout:
/// each document's facts are bytes of their own, decoded when taken).
const MAGIC: &[u8; 8] = b"GLOSSFC4";

/// What must match for a cache file to be read: the version and the very
/// build (its size and time) of the program that wrote it, since the shape
/// of the facts can change between builds of one version.
fn build_identity() -> Option<String> {
    let exe = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    let modified = exe.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    Some(format!("{} {} {modified}", env!("CARGO_PKG_VERSION"), exe.len()))
}

/// The hash a document's facts are filed under.
pub fn text_hash(text: &str) -> u128 {
    xxh3_128(text.as_bytes())
}

/// The cached facts of a root, as read at start. Each document's facts
/// stay encoded until taken, so that documents are decoded side by side
/// (and those whose text changed not at all).
#[derive(Debug, Default)]
pub struct FactsCache {
    entries: HashMap<String, (u128, Cached)>,
}

/// One document's facts, still encoded.
#[derive(Debug, Clone)]
pub struct Cached {
    /// The whole cache file, shared (not copied) by its documents.
    file: Arc<Vec<u8>>,
    at: Range<usize>,
}

impl Cached {
    /// The facts; `None` if they do not decode (then the document is read).
    pub fn decode(&self) -> Option<DocumentFacts> {
        postcard::from_bytes(self.file.get(self.at.clone())?).ok()
    }
}

#[derive(serde::Deserialize)]
struct Stored<'a> {
    version: &'a str,
    #[serde(borrow)]
    entries: Vec<(&'a str, u128, &'a [u8])>,
}

/// The same, written: each document's facts as bytes of their own.
#[derive(serde::Serialize)]
struct Storing<'a> {
    version: &'a str,
    entries: Vec<(&'a str, u128, Bytes)>,
}

struct Bytes(Vec<u8>);

impl serde::Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl FactsCache {
    /// Where the cache of a root lives, if anywhere.
    pub fn location(root: &Path) -> Option<PathBuf> {
        let dir = match std::env::var_os("GLOSS_CACHE_DIR") {
            Some(d) if d == "off" => return None,
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => dirs::cache_dir()?.join("gloss"),
        };
        let name = format!("{:032x}.facts", xxh3_128(root.as_os_str().as_encoded_bytes()));
        Some(dir.join(name))
    }

    /// The cache of a root; empty when there is none or it cannot be read.
    pub fn open(root: &Path) -> FactsCache {
        Self::location(root).map(|f| Self::open_file(&f)).unwrap_or_default()
    }

    /// The cache in this file; empty when it cannot be read back exactly.
    pub fn open_file(file: &Path) -> FactsCache {
        FactsCache { entries: read(file).unwrap_or_default() }
    }

    /// Takes out the facts of a document and the hash of the text they
    /// were read from.
    pub fn take(&mut self, relative: &str) -> Option<(u128, Cached)> {
        self.entries.remove(relative)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Writes the cache of a root: these documents, their text hashes and
    /// facts. An error costs only time on the next start.
    pub fn save(root: &Path, documents: &[(&str, u128, &DocumentFacts)]) -> std::io::Result<()> {
        match Self::location(root) {
            Some(file) => Self::save_file(&file, documents),
            None => Ok(()),
        }
    }

    pub fn save_file(file: &Path, documents: &[(&str, u128, &DocumentFacts)]) -> std::io::Result<()> {
        let Some(version) = build_identity() else { return Ok(()) };
        let entries = documents
            .iter()
            .map(|&(path, hash, facts)| Ok((path, hash, Bytes(postcard::to_stdvec(facts).map_err(std::io::Error::other)?))))
            .collect::<std::io::Result<_>>()?;
        let body = postcard::to_stdvec(&Storing { version: &version, entries }).map_err(std::io::Error::other)?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temp = file.with_extension(format!("tmp{}", std::process::id()));
        let mut out = std::fs::File::create(&temp)?;
        out.write_all(MAGIC)?;
        out.write_all(&xxh3_128(&body).to_le_bytes())?;
        out.write_all(&body)?;
        out.sync_all()?;
        drop(out);
        std::fs::rename(&temp, file)
    }
}


/// A cache file's entries, if it is whole and of this version.
fn read(file: &Path) -> Option<HashMap<String, (u128, Cached)>> {
    let bytes = Arc::new(std::fs::read(file).ok()?);
    let rest = bytes.strip_prefix(MAGIC)?;
    let (sum, body) = rest.split_at_checked(16)?;
    if u128::from_le_bytes(sum.try_into().ok()?) != xxh3_128(body) {
        return None;
    }
    let stored: Stored = postcard::from_bytes(body).ok()?;
    if Some(stored.version) != build_identity().as_deref() {
        return None;
    }
    // Where each document's bytes lie in the file.
    let place = |blob: &[u8]| {
        let start = blob.as_ptr() as usize - bytes.as_ptr() as usize;
        start..start + blob.len()
    };
    let entries = stored.entries.into_iter().map(|(k, h, blob)| (k.to_string(), (h, Cached { file: bytes.clone(), at: place(blob) }))).collect();
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gloss_analysis::Facts;

    fn facts(text: &str) -> DocumentFacts {
        match Facts::of_document(text) {
            Facts::Document(d) => d,
            _ => unreachable!(),
        }
    }

    #[test]
    fn facts_read_back_and_a_damaged_file_reads_as_empty() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("sub/x.facts");
        let a = "{#a date=2024-10-17}\n[Putin]{@putin} said [around 10,000 soldiers]{claim=troops src=@ua} arrived.\n";
        let b = "[broken]{claim= src=@";
        let (fa, fb) = (facts(a), facts(b));
        FactsCache::save_file(&file, &[("a.txt", text_hash(a), &fa), ("b.txt", text_hash(b), &fb)]).unwrap();
        let mut cache = FactsCache::open_file(&file);
        assert_eq!(cache.len(), 2);
        let mut take = |path| cache.take(path).map(|(hash, cached)| (hash, cached.decode()));
        assert_eq!(take("a.txt"), Some((text_hash(a), Some(fa))));
        assert_eq!(take("b.txt"), Some((text_hash(b), Some(fb))));
        assert_eq!(take("b.txt"), None);

        let whole = std::fs::read(&file).unwrap();
        // Truncated anywhere, a byte flipped anywhere, or not a cache at all.
        for cut in [0, 4, 8, 20, whole.len() / 2, whole.len() - 1] {
            std::fs::write(&file, &whole[..cut]).unwrap();
            assert!(FactsCache::open_file(&file).is_empty(), "cut at {cut}");
        }
        for at in [0, 9, 30, whole.len() / 2, whole.len() - 1] {
            let mut bad = whole.clone();
            bad[at] ^= 0x40;
            std::fs::write(&file, &bad).unwrap();
            assert!(FactsCache::open_file(&file).is_empty(), "flipped at {at}");
        }
        std::fs::write(&file, "not a cache").unwrap();
        assert!(FactsCache::open_file(&file).is_empty());
        assert!(FactsCache::open_file(&dir.path().join("none")).is_empty());
        // Written again over a damaged one, it reads back.
        FactsCache::save_file(&file, &[]).unwrap();
        assert!(FactsCache::open_file(&file).is_empty());
        assert!(std::fs::read(&file).unwrap().starts_with(MAGIC));
    }
}
