//! A file's text, shared rather than copied: its own bytes, or a range of
//! bytes it shares with other texts, such as those of a facts cache
//! mapped from disk. A workspace of 20,000 documents started from the
//! cache held a 34 MB copy of texts it already had, mapped.

use std::ops::Deref;

use bytes::Bytes;

/// UTF-8, checked once when made; cheap to clone.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Text(Bytes);

impl Text {
    /// Bytes that hold UTF-8, shared as they are; `None` if they do not.
    pub fn from_utf8(bytes: Bytes) -> Option<Text> {
        std::str::from_utf8(&bytes).ok()?;
        Some(Text(bytes))
    }

    /// Bytes taken to be UTF-8 without checking them (which would read
    /// every page of a mapped file).
    ///
    /// # Safety
    /// The bytes must be UTF-8: written from a `str`, and never changed
    /// since (a mapped file no one writes in place).
    pub unsafe fn from_utf8_unchecked(bytes: Bytes) -> Text {
        Text(bytes)
    }

    /// Whether two texts are the very same bytes in memory (one shared, not
    /// two copies), which says they are equal without reading them.
    pub fn is_same(&self, other: &str) -> bool {
        self.as_ptr() == other.as_ptr() && self.len() == other.len()
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: checked as UTF-8 when made (or made from a `str`), and
        // `Bytes` never changes the bytes it holds.
        unsafe { std::str::from_utf8_unchecked(&self.0) }
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// Takes the string's bytes, without copying them.
impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Bytes::from(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text(Bytes::copy_from_slice(s.as_bytes()))
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_bytes_are_a_text_only_when_they_are_utf8() {
        let whole = Bytes::from_static("abc é\u{1F600}".as_bytes());
        let text = Text::from_utf8(whole.slice(2..6)).unwrap();
        assert_eq!(&*text, "c é");
        // Cut inside a char: not a text.
        assert_eq!(Text::from_utf8(whole.slice(2..5)), None);
        assert_eq!(Text::from_utf8(Bytes::from_static(b"caf\xe9")), None);
        assert_eq!(Text::from(String::from("x")), Text::from("x"));
    }
}
