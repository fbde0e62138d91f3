//! File URIs written from a folder's root URI and a file's key, as
//! `Uri::from_file_path` writes them, without building a `Uri`: answers of
//! thousands of locations need a URI for each.

use std::path::Path;

use tower_lsp_server::ls_types as lsp;

/// The URI of a folder's root, without a trailing `/`, for
/// [`write_file_uri`]; `None` where file URIs are not written so (Windows:
/// drive letters and separators).
pub fn root_prefix(root: &Path) -> Option<String> {
    if cfg!(windows) {
        return None;
    }
    lsp::Uri::from_file_path(root).map(|u| u.as_str().strip_suffix('/').unwrap_or(u.as_str()).to_string())
}

/// Appends to `out` the URI of the file at `key` (relative, `/`-separated)
/// under the root whose [`root_prefix`] is `prefix`: what
/// `Uri::from_file_path(root.join(key))` gives. `false`, with nothing
/// written, for a key that path would read otherwise (absolute, empty,
/// `.` or `..` segments, repeated `/`): the caller builds that URI the
/// long way. What is written needs no escaping in a JSON string: a URI
/// has no quote, backslash or control char.
pub fn write_file_uri(prefix: &str, key: &str, out: &mut Vec<u8>) -> bool {
    let before = out.len();
    out.extend_from_slice(prefix.as_bytes());
    out.push(b'/');
    // The set ls-types encodes: all but ASCII letters, digits, `-._~` and
    // `/`; bytes of wider chars each. Runs between them are copied whole.
    // Segments are checked in the same pass (splitting on `/` first
    // compared each segment by a library call: 6% of a references answer).
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = key.as_bytes();
    let (mut copied, mut segment) = (0, 0);
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'/' {
            if !plain_segment(&bytes[segment..i]) {
                out.truncate(before);
                return false;
            }
            segment = i + 1;
        } else if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')) {
            out.extend_from_slice(&bytes[copied..i]);
            out.extend_from_slice(&[b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
            copied = i + 1;
        }
    }
    if !plain_segment(&bytes[segment..]) {
        out.truncate(before);
        return false;
    }
    out.extend_from_slice(&bytes[copied..]);
    true
}

/// A segment a path reads as a name: not empty, `.` or `..`.
fn plain_segment(segment: &[u8]) -> bool {
    !matches!(segment, b"" | b"." | b"..")
}

#[cfg(all(test, not(windows)))]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn file_uris_are_written_as_from_file_path_writes_them() {
        let keys = [
            "docs/a.txt",
            "docs/été 1.txt",
            "a%20b.txt",
            "x#y?.txt",
            "[1] (2) {3}.txt",
            "~user/a-b_c.d",
            "日本/😀.txt",
            "a+b=c&d$e!f*g@h:i.txt",
            "semi;colon,comma'quote\"s`.txt",
            "back\\slash|pipe^caret<lt>gt.txt",
            "tab\there.txt",
        ];
        for root in ["/ws", "/tmp/a b/ü", "/", "/tmp/q\"uote\\back"] {
            let prefix = root_prefix(Path::new(root)).unwrap();
            for key in keys {
                let mut out = b"before ".to_vec();
                assert!(write_file_uri(&prefix, key, &mut out), "{key}");
                let expected = lsp::Uri::from_file_path(Path::new(root).join(key)).unwrap();
                assert!(!out.iter().any(|&b| b == b'"' || b == b'\\' || b < 0x20), "safe in a JSON string as it is: {root} {key}");
                assert_eq!(String::from_utf8(out).unwrap(), format!("before {}", expected.as_str()), "{root} {key}");
            }
        }
    }

    #[test]
    fn keys_a_path_would_read_otherwise_are_left_to_the_long_way() {
        let mut out = Vec::new();
        for key in ["", "/abs/a.txt", "docs/../a.txt", "./a.txt", "a//b.txt", "a/"] {
            assert!(!write_file_uri("file:///ws", key, &mut out), "{key}");
            assert!(out.is_empty(), "{key}");
        }
    }
}
