//! Which files are a workspace's: its root (the folder with
//! `gloss.toml`), the documents its globs match, in path order, and each
//! file's path relative to the root as the index keys it.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::CONFIG_FILE;

/// The nearest folder at or above `start` with a `gloss.toml`.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let dir = if start.is_file() { start.parent()?.to_path_buf() } else { start };
    dir.ancestors().find(|d| d.join(CONFIG_FILE).is_file()).map(Path::to_path_buf)
}

/// `path` relative to `root`, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    // A path as a walk finds it is the root's text, `/` and the rest: the
    // rest is the relative path when it is plain, without comparing the
    // two component by component (a fifth of looking for 20,000 documents).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let rest = path.as_os_str().as_bytes().strip_prefix(root.as_os_str().as_bytes()).and_then(|r| r.strip_prefix(b"/"));
        let plain = |r: &&str| is_plain(r) && !r.is_empty() && *r != "." && !r.starts_with("./");
        if let Some(rest) = rest.filter(|_| !root.as_os_str().is_empty()).and_then(|r| std::str::from_utf8(r).ok()).filter(plain) {
            return rest.to_string();
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    // A path as a walk finds it is already its components joined by `/`
    // (on Unix): taken as it is, it costs a copy, not a split and a join
    // (twice for each of 20,000 documents of a start).
    #[cfg(unix)]
    if let Some(s) = rel.to_str().filter(|s| is_plain(s)) {
        return s.to_string();
    }
    joined_components(rel)
}

/// A path's components joined by `/`.
fn joined_components(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Whether a path's text is the same as its components joined by `/`: not
/// absolute, with no empty or `.` component past the first, no trailing `/`.
#[cfg(unix)]
fn is_plain(s: &str) -> bool {
    !s.starts_with('/') && !s.ends_with('/') && !s.contains("//") && !s.contains("/./") && !s.ends_with("/.")
}

/// Sorts paths as `Path`'s order does (component by component), at a
/// fraction of its cost: each path's bytes with its separators made the
/// least byte are compared instead. (Comparing 20,000 paths by component,
/// or sorting each folder while walking it, took 20 ms of a 250 ms start.)
fn sort_paths<T>(paths: &mut Vec<(PathBuf, T)>) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let key = |p: &PathBuf| p.as_os_str().as_bytes().iter().map(|&b| if b == b'/' { 0 } else { b }).collect::<Vec<u8>>();
        let mut keyed: Vec<(Vec<u8>, (PathBuf, T))> = paths.drain(..).map(|p| (key(&p.0), p)).collect();
        keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        paths.extend(keyed.into_iter().map(|(_, p)| p));
    }
    #[cfg(not(unix))]
    paths.sort_by(|a, b| a.0.cmp(&b.0));
}

fn globs(patterns: &[String]) -> std::io::Result<GlobSet> {
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("gloss.toml: bad glob `{p}`: {e}")))?;
        set.add(glob);
    }
    set.build().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))
}

/// Documents under `root` matching the globs, in path order. Honours
/// `.gitignore` and skips hidden folders; follows no links out of the root.
pub fn find_documents(root: &Path, patterns: &[String]) -> std::io::Result<Vec<PathBuf>> {
    Ok(find_documents_relative(root, patterns)?.into_iter().map(|(path, _)| path).collect())
}

/// Documents found, each with its path relative to the root (as
/// [`relative`] gives it).
pub(crate) type Found = Vec<(PathBuf, String)>;

/// [`find_documents`], each with its relative path.
pub(crate) fn find_documents_relative(root: &Path, patterns: &[String]) -> std::io::Result<Found> {
    let set = globs(patterns)?;
    let mut found = Vec::new();
    for entry in ignore::WalkBuilder::new(root).require_git(false).build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let rel = relative(root, path);
        // The walk follows no links, so a file it finds is under the root;
        // a link is checked all the same, should that ever change.
        let inside = !entry.path_is_symlink() || path.canonicalize().is_ok_and(|p| p.starts_with(root));
        if set.is_match(&rel) && inside {
            found.push((entry.into_path(), rel));
        }
    }
    sort_paths(&mut found);
    debug_assert!(found.is_sorted_by(|a, b| a.0 <= b.0));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain path's shortcut gives what joining its components gives.
    #[test]
    fn a_relative_path_is_its_components_joined() {
        let root = Path::new("/w/root");
        let slow = |p: &Path| joined_components(p.strip_prefix(root).unwrap_or(p));
        for p in [
            "/w/root/docs/a.txt",
            "/w/root/a.txt",
            "/w/root",
            "/w/root/./a",
            "/w/root/a/./b",
            "/w/root/a//b",
            "/w/root/a/",
            "/w/root/a/.",
            "/w/root/../x.toml",
            "/w/root/한/é.txt",
            "/elsewhere/x.txt",
            "./a/b",
            "a/../b",
        ] {
            assert_eq!(relative(root, Path::new(p)), slow(Path::new(p)), "{p}");
        }
    }

    proptest::proptest! {
        /// Any root and path, shortcut or not, give what joining the
        /// components past the root gives.
        #[test]
        fn a_relative_path_is_its_components_joined_whatever_the_paths(
            root in proptest::collection::vec(proptest::sample::select(vec!["", ".", "..", "a", "b", "한"]), 0..4),
            rest in proptest::collection::vec(proptest::sample::select(vec!["", ".", "..", "a", "b c", "x.txt"]), 0..4),
            absolute: bool,
            separator in proptest::sample::select(vec!["", "/", "//"]),
        ) {
            let root = format!("{}{}", if absolute { "/" } else { "" }, root.join("/"));
            let path = format!("{root}{separator}{}", rest.join("/"));
            let (root, path) = (Path::new(&root), Path::new(&path));
            proptest::prop_assert_eq!(relative(root, path), joined_components(path.strip_prefix(root).unwrap_or(path)), "{:?} {:?}", root, path);
        }
    }

    /// Found in the order of their paths (compared by component), which
    /// the walk gives by sorting each folder: `a/x.txt` before `a.b.txt`,
    /// though `/` sorts after `.` as a byte.
    #[test]
    fn documents_are_found_in_the_order_of_their_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let names = ["a.b.txt", "a/x.txt", "a/z/w.txt", "a/y.txt", "a-b/y.txt", "B.txt", "b.txt", "ab.txt", "한.txt"];
        for name in names {
            std::fs::create_dir_all(root.join(name).parent().unwrap()).unwrap();
            std::fs::write(root.join(name), "").unwrap();
        }
        let found = find_documents(&root, &["**/*.txt".to_string()]).unwrap();
        let mut expected: Vec<PathBuf> = names.iter().map(|n| root.join(n)).collect();
        expected.sort();
        assert_eq!(found, expected);
        assert!(found.iter().position(|p| p.ends_with("a/x.txt")) < found.iter().position(|p| p.ends_with("a.b.txt")));
    }
}
