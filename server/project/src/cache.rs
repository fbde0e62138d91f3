//! The facts cache: each document's facts under the hash of its text, so
//! that a workspace read again parses only the documents that changed.
//!
//! A document whose file has not been touched since it was read is not
//! even read again: its entry keeps the file's stamp (size, modification
//! and change times, inode) and its text, and a file with the same stamp
//! is taken to hold that text, as git's index does. Reading 20,000 small
//! files was most of a warm start. A stamp is kept only for a file last
//! changed well before it was read (see [`Stamp::of`]), so that a change
//! within the file system's clock tick is never mistaken for no change.
//!
//! One file per workspace root, in the platform's cache folder (never in
//! the workspace): `$GLOSS_CACHE_DIR`, else e.g. `~/.cache/gloss` on Linux.
//! `GLOSS_CACHE_DIR=off` turns it off. A cache file that does not read back
//! exactly (truncated, corrupted, written by another version) counts as
//! empty and is written again; it is written to a temporary file and
//! renamed, so a reader never sees half of one.

use std::io::{Seek, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use gloss_analysis::document::DocumentFacts;
use gloss_analysis::Text;
use xxhash_rust::xxh3::{xxh3_128, Xxh3};

/// Documents by workspace-relative path, hashed with foldhash rather than
/// SipHash (20,000 paths put in at start and taken out one by one).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// Changes whenever the cached facts change shape (or the file's layout:
/// each document's facts are bytes of their own, decoded when taken).
///
/// Layout: this, the body's checksum (16 bytes), then the body: the texts,
/// one after another, then the table of entries, then the table's length
/// (8 bytes). Texts come first so that a server can write those it read
/// as soon as it has read them, and drop its own copies before it builds
/// the index (see [`CacheWriter::append`]).
const MAGIC: &[u8; 8] = b"GLOSSFC7";

/// Where the body starts: after the magic and the checksum.
const BODY_AT: usize = MAGIC.len() + 16;

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

/// What the file system says of a file, to know it untouched without
/// reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    len: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

/// A file changed this recently before it was looked at may change again
/// within the same tick of the file system's clock, keeping its stamp.
const SETTLED_FOR_SECONDS: i64 = 2;

impl Stamp {
    /// The stamp of a file about to be read, if it can be trusted: taken
    /// before reading, so a change after it changes the stamp, and only
    /// for a file whose last change is some seconds older than `now` (in
    /// seconds since 1970). `None` off Unix.
    pub fn of(path: &Path, now: i64) -> Option<Stamp> {
        Stamp::of_metadata(&std::fs::metadata(path).ok()?, now)
    }

    /// [`Stamp::of`] from metadata already taken (an open file's: no
    /// second look-up of its path).
    pub fn of_metadata(m: &std::fs::Metadata, now: i64) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let stamp = Stamp { len: m.size(), modified: (m.mtime(), m.mtime_nsec()), changed: (m.ctime(), m.ctime_nsec()), inode: m.ino(), device: m.dev() };
            (stamp.modified.0.max(stamp.changed.0) < now - SETTLED_FOR_SECONDS).then_some(stamp)
        }
        #[cfg(not(unix))]
        {
            let _ = (m, now);
            None
        }
    }

    /// Seconds since 1970, for [`Stamp::of`].
    pub fn now() -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
    }
}

/// The cached facts of a root, as read at start. Each document's facts
/// stay encoded until taken, so that documents are decoded side by side
/// (and those whose text changed not at all).
#[derive(Debug, Default)]
pub struct FactsCache {
    entries: HashMap<String, Cached>,
}

/// One document's entry, its facts still encoded.
#[derive(Debug, Clone)]
pub struct Cached {
    /// The hash of the text the facts were read from.
    pub hash: u128,
    /// The file's stamp when it was read, if one could be trusted.
    pub stamp: Option<Stamp>,
    /// The whole cache file, mapped, shared (not copied) by its documents
    /// and by the texts taken from it.
    file: Bytes,
    facts: Range<usize>,
    text: Range<usize>,
}

impl Cached {
    /// The facts; `None` if they do not decode (then the document is read).
    pub fn decode(&self) -> Option<DocumentFacts> {
        postcard::from_bytes(self.file.get(self.facts.clone())?).ok()
    }

    /// The text, kept with a stamp only: a range of the mapped file, not
    /// a copy (the mapping stays while a text of it does).
    pub fn text(&self) -> Option<Text> {
        self.stamp?;
        let range = self.text.clone();
        (range.end <= self.file.len()).then(|| Text::from_utf8(self.file.slice(range))).flatten()
    }
}

/// A document to cache: its facts, the hash of the text they were read
/// from, and the file's stamp from before that reading with the text.
pub struct Entry<'a> {
    pub relative: &'a str,
    pub hash: u128,
    pub stamp: Option<Stamp>,
    pub text: &'a str,
    pub facts: &'a DocumentFacts,
}

/// Path, text hash, stamp, where the text lies in the file and its length
/// (0 without a stamp), encoded facts. A text is taken from where it lies,
/// and only its own pages are read (a writer keeps using the texts it
/// wrote, from the file, without reading them).
type StoredEntry<'a> = (&'a str, u128, Option<Stamp>, u64, u64, &'a [u8]);

#[derive(serde::Deserialize)]
struct Stored<'a> {
    version: &'a str,
    #[serde(borrow)]
    entries: Vec<StoredEntry<'a>>,
}

/// The same, written: each document's facts as bytes of their own, and
/// its text when it has a stamp. Entries are encoded as they are written,
/// not gathered first: the whole cache of a big workspace is tens of MB.
#[derive(serde::Serialize)]
struct Storing<'a> {
    version: &'a str,
    entries: Entries<'a>,
}

/// The entries with where each one's text was written.
struct Entries<'a>(&'a [Entry<'a>], &'a [u64]);

impl serde::Serialize for Entries<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (e, &at) in self.0.iter().zip(self.1) {
            let facts = postcard::to_stdvec(e.facts).map_err(S::Error::custom)?;
            seq.serialize_element(&(e.relative, e.hash, e.stamp, at, stored_text(e).len() as u64, AsBytes(&facts)))?;
        }
        seq.end()
    }
}

/// The text an entry keeps: its own with a stamp, else none.
fn stored_text<'a>(e: &Entry<'a>) -> &'a str {
    if e.stamp.is_some() {
        e.text
    } else {
        ""
    }
}

/// Serialized as bytes (not as a sequence of numbers).
struct AsBytes<'a>(&'a [u8]);

impl serde::Serialize for AsBytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// Writes through, hashing what it writes (the body's checksum) and
/// counting it.
struct Hashing<W> {
    out: W,
    hasher: Xxh3,
    written: usize,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
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

    /// Takes out the entry of a document.
    pub fn take(&mut self, relative: &str) -> Option<Cached> {
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
    ///
    /// Returns, for each document, the text it keeps (with a stamp) as it
    /// lies in the file written: the same text, which a caller may hold
    /// instead of its own copy, without reading it back. Empty when there
    /// is no cache to write.
    pub fn save(root: &Path, documents: &[Entry]) -> std::io::Result<Vec<Option<Text>>> {
        match Self::location(root) {
            Some(file) => Self::save_file(&file, documents),
            None => Ok(Vec::new()),
        }
    }

    pub fn save_file(file: &Path, documents: &[Entry]) -> std::io::Result<Vec<Option<Text>>> {
        match CacheWriter::create(file)? {
            Some(writer) => writer.finish(documents),
            None => Ok(Vec::new()),
        }
    }
}

/// A cache file being written, under a temporary name until it is whole.
pub struct CacheWriter {
    file: PathBuf,
    temp: PathBuf,
    version: String,
    out: Hashing<std::io::BufWriter<std::fs::File>>,
    /// Where each text appended lies.
    appended: Vec<Range<usize>>,
    /// The file as it was when the texts appended were taken from it.
    spooled: Option<Bytes>,
    /// Whether the file has its name (else it is removed when dropped).
    named: bool,
}

impl CacheWriter {
    /// A writer of the cache of a root, if it has one.
    pub fn for_root(root: &Path) -> std::io::Result<Option<CacheWriter>> {
        match FactsCache::location(root) {
            Some(file) => CacheWriter::create(&file),
            None => Ok(None),
        }
    }

    /// A writer of this cache file (`None` when the program cannot tell
    /// its own build, which the file must name).
    pub fn create(file: &Path) -> std::io::Result<Option<CacheWriter>> {
        let Some(version) = build_identity() else { return Ok(None) };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // A name of its own, even beside another writer of the same cache
        // in this process (a folder read again while it is read): the
        // other's texts are mapped from its file while it reads.
        static WRITERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = WRITERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let temp = file.with_extension(format!("tmp{}-{n}", std::process::id()));
        // Read as well as written: it is mapped once written.
        let created = std::fs::File::options().read(true).write(true).create(true).truncate(true).open(&temp)?;
        // Written in big pieces: tens of MB of texts and facts.
        let mut out = std::io::BufWriter::with_capacity(1 << 20, created);
        let header = (|| {
            out.write_all(MAGIC)?;
            // The body's checksum goes here once the body is written.
            out.write_all(&[0; 16])
        })();
        let writer = CacheWriter {
            file: file.to_path_buf(),
            temp,
            version,
            out: Hashing { out, hasher: Xxh3::new(), written: 0 },
            appended: Vec::new(),
            spooled: None,
            named: false,
        };
        header.map(|()| Some(writer))
    }

    /// Writes a text ahead of the table (before [`CacheWriter::finish`]):
    /// a reader writes the texts it has read, then holds them from the
    /// file ([`CacheWriter::spooled`]) instead of its own copies, which it
    /// can drop before building the index (34 MB at 20,000 documents, held
    /// until the cache was written, made a server's peak). Returns the
    /// text's number, for [`CacheWriter::spooled`].
    pub fn append(&mut self, text: &str) -> std::io::Result<usize> {
        let at = BODY_AT + self.out.written;
        self.out.write_all(text.as_bytes())?;
        self.appended.push(at..at + text.len());
        Ok(self.appended.len() - 1)
    }

    /// The texts appended, by number, as they lie in the file (mapped once
    /// all are written).
    pub fn spooled(&mut self, texts: &[usize]) -> std::io::Result<Vec<Text>> {
        self.out.flush()?;
        // SAFETY: as for `map`: the file is only ever appended to from
        // here on, never written in place, so the mapped bytes stay.
        let mapped = Bytes::from_owner(unsafe { memmap2::Mmap::map(self.out.out.get_ref()) }?);
        let texts = texts
            .iter()
            .map(|&k| {
                let range = self.appended.get(k)?.clone();
                // SAFETY: these bytes are a `str`'s, as `append` wrote them
                // (a number only ever names a range it wrote).
                mapped.get(range.clone()).map(|_| unsafe { Text::from_utf8_unchecked(mapped.slice(range)) })
            })
            .collect::<Option<Vec<Text>>>()
            .ok_or_else(|| std::io::Error::other("the cache file is shorter than what was written to it"))?;
        self.spooled = Some(mapped);
        Ok(texts)
    }

    /// Writes the table of these documents (and the texts not spooled),
    /// and gives the file its name. Returns, for each document, its text
    /// (with a stamp) as it lies in the file.
    pub fn finish(mut self, documents: &[Entry]) -> std::io::Result<Vec<Option<Text>>> {
        let written = self.write_table(documents);
        remove_abandoned(&self.file);
        let places = written?;
        // Mapped through the file just written (its inode, whatever the
        // path holds later), before it takes the cache's name.
        // SAFETY: as for `map`: never written in place from here on.
        let mapped = unsafe { memmap2::Mmap::map(self.out.out.get_ref()) }.ok().map(Bytes::from_owner);
        std::fs::rename(&self.temp, &self.file)?;
        self.named = true;
        let Some(mapped) = mapped else { return Ok(vec![None; documents.len()]) };
        let texts = documents
            .iter()
            .zip(places)
            .map(|(e, at)| {
                let text = stored_text(e);
                let range = at as usize..at as usize + text.len();
                // SAFETY: these bytes are `text`'s, a `str`, as written to
                // this file; checked against the length written, and never
                // changed (see above).
                (e.stamp.is_some() && mapped.len() >= range.end).then(|| unsafe { Text::from_utf8_unchecked(mapped.slice(range)) })
            })
            .collect();
        Ok(texts)
    }

    /// The texts not spooled, the table, its length and the checksum;
    /// returns where each document's text lies.
    fn write_table(&mut self, documents: &[Entry]) -> std::io::Result<Vec<u64>> {
        // A text spooled is where it was written; the others follow.
        let spooled_at = |text: &str| {
            let mapped = self.spooled.as_ref()?;
            let offset = (text.as_ptr() as usize).checked_sub(mapped.as_ptr() as usize)?;
            (!text.is_empty() && offset + text.len() <= mapped.len()).then_some(offset as u64)
        };
        let mut places = Vec::with_capacity(documents.len());
        for e in documents {
            let text = stored_text(e);
            let at = match spooled_at(text) {
                Some(at) => at,
                None => {
                    let at = (BODY_AT + self.out.written) as u64;
                    self.out.write_all(text.as_bytes())?;
                    at
                }
            };
            places.push(at);
        }
        let table_at = self.out.written;
        let storing = Storing { version: &self.version, entries: Entries(documents, &places) };
        postcard::to_io(&storing, &mut self.out).map_err(std::io::Error::other)?;
        let table_len = (self.out.written - table_at) as u64;
        self.out.write_all(&table_len.to_le_bytes())?;
        self.out.flush()?;
        let sum = self.out.hasher.digest128();
        let file = self.out.out.get_mut();
        file.seek(std::io::SeekFrom::Start(MAGIC.len() as u64))?;
        file.write_all(&sum.to_le_bytes())?;
        file.sync_all()?;
        Ok(places)
    }
}

/// A writer dropped before its file is named (an error, or a server that
/// stops first) removes what it wrote.
impl Drop for CacheWriter {
    fn drop(&mut self) {
        if !self.named {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// How long a temporary cache file may go unwritten before it counts as
/// abandoned (a write takes a second or so).
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes the temporary files of this cache that a process left behind,
/// killed while it wrote them (an editor closed soon after it opened a big
/// workspace): each is as big as the cache, and nothing else would remove
/// it. Files still being written, by another process, are recent.
fn remove_abandoned(file: &Path) {
    let (Some(dir), Some(name)) = (file.parent(), file.file_stem().and_then(|n| n.to_str())) else { return };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let prefix = format!("{name}.tmp");
    for entry in entries.flatten() {
        let temporary = entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix));
        let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age > ABANDONED_AFTER));
        if temporary && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The bytes of a cache file, mapped rather than read: reading copies
/// tens of MB into fresh memory, page by page, which was a third of a
/// warm start; a mapping shares the pages the system already caches.
fn map(file: &Path) -> Option<memmap2::Mmap> {
    let file = std::fs::File::open(file).ok()?;
    // SAFETY: a mapping is sound while nobody changes the file under it.
    // Gloss never writes a cache file in place: it writes a new file and
    // renames it over the old one, which leaves the mapped file intact.
    // (The mapping lives as long as a text taken from it, which may be the
    // whole session of a language server.)
    unsafe { memmap2::Mmap::map(&file) }.ok()
}

/// A cache file's entries, if it is whole and of this version.
fn read(file: &Path) -> Option<HashMap<String, Cached>> {
    let bytes = Bytes::from_owner(map(file)?);
    let rest = bytes.strip_prefix(MAGIC)?;
    let (sum, body) = rest.split_at_checked(16)?;
    if u128::from_le_bytes(sum.try_into().ok()?) != xxh3_128(body) {
        return None;
    }
    let (rest, table_len) = body.split_at_checked(body.len().checked_sub(8)?)?;
    let table_at = rest.len().checked_sub(usize::try_from(u64::from_le_bytes(table_len.try_into().ok()?)).ok()?)?;
    let stored: Stored = postcard::from_bytes(&rest[table_at..]).ok()?;
    if Some(stored.version) != build_identity().as_deref() {
        return None;
    }
    // Where each document's bytes lie in the file; texts before the table.
    let place = |blob: &[u8]| {
        let start = blob.as_ptr() as usize - bytes.as_ptr() as usize;
        start..start + blob.len()
    };
    let texts_end = BODY_AT + table_at;
    let mut entries = HashMap::with_capacity_and_hasher(stored.entries.len(), Default::default());
    for (k, hash, stamp, at, len, blob) in stored.entries {
        let start = usize::try_from(at).ok()?;
        let text = start..start.checked_add(usize::try_from(len).ok()?)?;
        if len > 0 && (text.start < BODY_AT || text.end > texts_end) {
            return None;
        }
        entries.insert(k.to_string(), Cached { hash, stamp, file: bytes.clone(), facts: place(blob), text });
    }
    Some(entries)
}

#[cfg(test)]
mod tests;
