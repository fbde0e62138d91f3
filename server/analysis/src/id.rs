//! Ids (`putin`, `ua-intel`, a claim's subject), interned: a workspace
//! names a few hundred entities hundreds of thousands of times, so each
//! use is an 8-byte handle to one shared copy of the text, not a string of
//! its own. The table is global and never shrinks (see docs/decisions.md):
//! an id once read stays, which costs a few bytes per distinct id.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

/// An interned id. Equal ids are the same handle, so comparing two is
/// comparing pointers; hashing and ordering go by the text, as a `str`'s
/// do (an `Id` map can be looked up with a `&str`).
/// (A reference to a box, not a `&str`: a thin pointer, 8 bytes not 16.)
#[derive(Clone, Copy)]
#[allow(clippy::borrowed_box)]
pub struct Id(&'static Box<str>);

/// Every id asked for, in any thread.
type Table = HashSet<Id, foldhash::fast::RandomState>;

fn table() -> &'static Mutex<Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

impl Id {
    /// The id for `text`, added to the table if it is new.
    pub fn new(text: &str) -> Id {
        let slot = recent_slot(text.as_bytes());
        recent(slot, text.as_bytes()).unwrap_or_else(|| remember(slot, Id::seen(text)))
    }

    /// The id whose text is `bytes`, if they are UTF-8. Bytes that are a
    /// recent id's text are not checked again: reading the facts cache
    /// took as long to check each id's bytes as to look the id up.
    pub fn from_utf8(bytes: &[u8]) -> Option<Id> {
        let slot = recent_slot(bytes);
        recent(slot, bytes).or_else(|| Some(remember(slot, Id::seen(std::str::from_utf8(bytes).ok()?))))
    }

    /// [`Id::new`] past the thread's recent ids.
    fn seen(text: &str) -> Id {
        thread_local! {
            /// The ids this thread has seen: most asks take no lock.
            static SEEN: RefCell<HashMap<&'static str, Id, foldhash::fast::RandomState>> = RefCell::default();
        }
        if let Some(id) = SEEN.with(|seen| seen.borrow().get(text).copied()) {
            return id;
        }
        let id = {
            let mut table = table().lock().unwrap_or_else(|e| e.into_inner());
            match table.get(text) {
                Some(&id) => id,
                None => {
                    let id = Id(Box::leak(Box::new(Box::from(text))));
                    table.insert(id);
                    id
                }
            }
        };
        SEEN.with(|seen| seen.borrow_mut().insert(id.as_str(), id));
        id
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// A number of this id's own, the same for every use of it: ids
    /// compared by the million compare numbers (without reading the text).
    pub fn key(self) -> usize {
        std::ptr::from_ref::<Box<str>>(self.0) as usize
    }
}

thread_local! {
    /// The ids this thread asked for last, one per slot of a hash of their
    /// text: documents read side by side ask for the same few hundred ids
    /// hundreds of thousands of times, and a look here costs about half a
    /// look in a map (then in `SEEN`).
    static RECENT: RefCell<[Option<Id>; RECENT_SLOTS]> = const { RefCell::new([None; RECENT_SLOTS]) };
}

/// The recent id in `slot`, if its text is `bytes`.
fn recent(slot: usize, bytes: &[u8]) -> Option<Id> {
    RECENT.with(|recent| recent.borrow()[slot].filter(|id| same_text(id.as_bytes(), bytes)))
}

/// Keeps `id` as the recent id of `slot`.
fn remember(slot: usize, id: Id) -> Id {
    RECENT.with(|recent| recent.borrow_mut()[slot] = Some(id));
    id
}

/// How many recent ids each thread keeps (16 KB): a few times more than
/// a workspace names, so that few share a slot.
const RECENT_SLOTS: usize = 2048;

/// The first eight bytes of `bytes` (fewer, padded with zeros) as a
/// number, and the last eight (none: zero).
fn head_and_tail(bytes: &[u8]) -> (u64, u64) {
    let word = |bytes: &[u8]| {
        let mut w = [0u8; 8];
        w[..bytes.len()].copy_from_slice(bytes);
        u64::from_le_bytes(w)
    };
    let n = bytes.len();
    if n >= 8 {
        (word(&bytes[..8]), word(&bytes[n - 8..]))
    } else {
        (word(bytes), 0)
    }
}

/// `a == b`, compared as two numbers each when they are ids' usual length
/// (at most 16 bytes) rather than through the library's comparison, a call
/// for each of hundreds of thousands of ids.
fn same_text(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && if a.len() <= 16 { head_and_tail(a) == head_and_tail(b) } else { a == b }
}

/// A slot for `text` among [`RECENT_SLOTS`]: its length and its first and
/// last eight bytes, mixed. Ids that differ only in between share a slot,
/// which costs only a look in the map.
fn recent_slot(text: &[u8]) -> usize {
    let (head, tail) = head_and_tail(text);
    let mixed = (head ^ tail.rotate_left(29) ^ text.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - RECENT_SLOTS.trailing_zeros())) as usize
}

impl Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl From<&str> for Id {
    fn from(text: &str) -> Id {
        Id::new(text)
    }
}

impl PartialEq for Id {
    fn eq(&self, other: &Id) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Id {}

impl PartialEq<str> for Id {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Hash for Id {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

/// An id hashed by its handle rather than its text: for maps private to
/// one pass (never looked up with a `&str`), where hashing the text of
/// hundreds of thousands of uses was most of the cost.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByHandle(pub Id);

impl Hash for ByHandle {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(self.0 .0, state)
    }
}

impl PartialOrd for Id {
    fn partial_cmp(&self, other: &Id) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Id {
    fn cmp(&self, other: &Id) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Id, E> {
                Ok(Id::new(text))
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Id, E> {
                Id::from_utf8(bytes).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Bytes(bytes), &self))
            }
        }
        // Asked for as bytes, which formats that write a string as its
        // bytes (postcard, the facts cache's) hand over unchecked: see
        // `Id::from_utf8`. Others hand over a string, or its bytes.
        d.deserialize_bytes(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::Id;

    #[test]
    fn equal_texts_are_one_handle() {
        let (a, b) = (Id::new("ua-intel"), Id::new(&String::from("ua-intel")));
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, b);
        assert_ne!(a, Id::new("putin"));
        assert!(Id::new("putin") < a);
        let map: std::collections::HashMap<Id, u8> = [(a, 1)].into();
        assert_eq!(map.get("ua-intel"), Some(&1));
        assert_eq!(format!("{a:?} {a}"), "\"ua-intel\" ua-intel");
    }

    proptest::proptest! {
        /// Compared as numbers, texts are equal when they are.
        #[test]
        fn texts_compared_as_numbers_are_equal_when_equal(a in proptest::collection::vec(0u8..3, 0..20), b in proptest::collection::vec(0u8..3, 0..20)) {
            proptest::prop_assert_eq!(super::same_text(&a, &b), a == b);
            proptest::prop_assert!(super::same_text(&a, &a));
        }
    }

    proptest::proptest! {
        /// Bytes are the id of their text when they are UTF-8, and no id
        /// otherwise, whether or not a recent id has a text that close
        /// (asked again, and after ids of the same bytes but one).
        #[test]
        fn ids_from_bytes_are_ids_of_their_text(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24)) {
            let text = std::str::from_utf8(&bytes).ok();
            for _ in 0..2 {
                proptest::prop_assert_eq!(Id::from_utf8(&bytes), text.map(Id::new));
            }
            if let Some((last, head)) = bytes.split_last() {
                let near: Vec<u8> = head.iter().copied().chain([last ^ 0x80]).collect();
                let near_text = std::str::from_utf8(&near).ok();
                proptest::prop_assert_eq!(Id::from_utf8(&near), near_text.map(Id::new));
                proptest::prop_assert_eq!(Id::from_utf8(&bytes), text.map(Id::new));
            }
        }
    }

    /// Formats that hand an id over as bytes (postcard, which the facts
    /// cache is written in) and those that hand over a string both read it;
    /// bytes that are not UTF-8 are an error, not an id.
    #[test]
    fn ids_are_read_from_strings_and_from_bytes() {
        use serde::de::value::{BorrowedBytesDeserializer, BorrowedStrDeserializer, Error};
        use serde::Deserialize;
        let from_bytes = |b: &[u8]| Id::deserialize(BorrowedBytesDeserializer::<Error>::new(b));
        assert_eq!(from_bytes("ua-intel".as_bytes()).ok(), Some(Id::new("ua-intel")));
        assert_eq!(from_bytes("séoul".as_bytes()).ok(), Some(Id::new("séoul")));
        assert!(from_bytes(&[b'a', 0xC3]).is_err());
        assert_eq!(Id::deserialize(BorrowedStrDeserializer::<Error>::new("putin")).ok(), Some(Id::new("putin")));
    }

    /// Ids that share a slot among the recent ones (long ids that differ
    /// only in the middle, short ones, the empty one), asked for in turn
    /// and from two threads, are each one handle, with their own text.
    #[test]
    fn ids_sharing_a_recent_slot_stay_apart() {
        let texts: Vec<String> = (0..3000)
            .map(|k| match k % 3 {
                0 => format!("subject-of-the-{k:05}-same-ending"),
                1 => format!("a{k}"),
                _ => format!("actor-{k}"),
            })
            .chain([String::new()])
            .collect();
        let ask = || texts.iter().map(|t| Id::new(t)).collect::<Vec<Id>>();
        let first = ask();
        let (again, other_thread) = std::thread::scope(|s| (ask(), s.spawn(ask).join().expect("thread")));
        for ((t, a), (b, c)) in texts.iter().zip(&first).zip(again.iter().zip(&other_thread)) {
            assert_eq!(a.as_str(), t);
            assert!(std::ptr::eq(a.as_str(), b.as_str()) && std::ptr::eq(a.as_str(), c.as_str()), "{t}");
        }
    }
}
