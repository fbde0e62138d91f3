//! Reading a document again after an edit, paragraph by paragraph: a
//! keystroke in a 1 MB document reads the paragraph it is in, not the
//! megabyte.
//!
//! Sound because no markup decision crosses a blank line (a span's `]{`
//! is looked for in its paragraph, a block closes on its line, a comment
//! ends at its paragraph's end) and the only document-wide fact, the
//! header and its `date`, is on the first non-blank line: an edit below
//! the first paragraph leaves every fact outside its paragraphs as it was,
//! only moved by the length the edit added or took away.

use std::ops::Range;

use gloss_syntax::Markup;

use super::{paragraphs, read_document_text, read_paragraphs, DocumentFacts};
use crate::byte_range::ByteRange;
use crate::claim::{Claim, IdAt};
use crate::diagnostics::Problem;
use crate::entity::{Definition, Reference};

/// The facts of `new_text`, given those of `old_text` and `changed`, the
/// bytes of `new_text` that differ from it: `new_text[..changed.start]`
/// is `old_text`'s start and `new_text[changed.end..]` its end. Equal to
/// `read_document(new_text, &Markup::parse(new_text))`, reading only the
/// paragraphs the edit touched; the whole text when the edit touches the
/// first paragraph (the header's) or `changed` cannot describe the edit.
pub fn reread_document(old_text: &str, old: &DocumentFacts, new_text: &str, changed: Range<usize>) -> DocumentFacts {
    let whole = || read_document_text(new_text);
    let (old_len, new_len) = (old_text.len(), new_text.len());
    let tail = new_len.wrapping_sub(changed.end);
    if changed.start > changed.end || changed.end > new_len || changed.start + tail > old_len {
        return whole();
    }
    debug_assert!(
        old_text.as_bytes()[..changed.start] == new_text.as_bytes()[..changed.start]
            && old_text.as_bytes()[old_len - tail..] == new_text.as_bytes()[changed.end..],
        "`changed` must cover every byte that differs"
    );
    let Some(start) = paragraphs::start_before(new_text, changed.start) else { return whole() };
    let end = paragraphs::end_after(new_text, changed.end);
    let markup = Markup::parse_paragraphs(new_text, start..end);
    let read = read_paragraphs(new_text, &markup, start..end, old.date);
    // The same paragraphs' end in the old text: what follows is the same.
    let old_end = old_len - (new_len - end);
    let edit = Splice { start, old_end, old_len, new_len };
    DocumentFacts {
        definitions: edit.splice(&old.definitions, read.definitions),
        references: edit.splice(&old.references, read.references),
        claims: edit.splice(&old.claims, read.claims),
        problems: edit.splice(&old.problems, read.problems),
        acks: edit.splice(&old.acks, read.acks),
        bare_prose: edit.splice(&old.bare_prose, read.bare_prose),
        date: old.date,
    }
}

/// Old facts before `start` kept, those from `old_end` on moved to where
/// their text now is, the paragraphs read again in between.
struct Splice {
    start: usize,
    old_end: usize,
    old_len: usize,
    new_len: usize,
}

impl Splice {
    /// Every list of facts is in order of [`Placed::at`], so the old
    /// facts of the paragraphs read again are a run found by bisection.
    fn splice<T: Placed>(&self, old: &[T], read: Vec<T>) -> Vec<T> {
        let before = old.partition_point(|f| f.at() < self.start);
        let after = before + old[before..].partition_point(|f| f.at() < self.old_end);
        let mut out = Vec::with_capacity(before + read.len() + old.len() - after);
        out.extend_from_slice(&old[..before]);
        out.extend(read);
        out.extend(old[after..].iter().map(|f| {
            let mut f = f.clone();
            f.move_by(&|at| at + self.new_len - self.old_len);
            f
        }));
        out
    }
}

/// A fact at a place in the text.
trait Placed: Clone {
    /// Where the fact is, within its paragraph: for facts of a span, where
    /// the span starts (the order they are listed in).
    fn at(&self) -> usize;
    /// Moves every offset in it.
    fn move_by(&mut self, to: &dyn Fn(usize) -> usize);
}

fn moved(range: &mut ByteRange, to: &dyn Fn(usize) -> usize) {
    *range = ByteRange::new(to(range.start()), to(range.end()));
}

impl Placed for ByteRange {
    fn at(&self) -> usize {
        self.start()
    }
    fn move_by(&mut self, to: &dyn Fn(usize) -> usize) {
        moved(self, to);
    }
}

impl Placed for Definition {
    fn at(&self) -> usize {
        self.range.start()
    }
    fn move_by(&mut self, to: &dyn Fn(usize) -> usize) {
        moved(&mut self.id_range, to);
        moved(&mut self.range, to);
        for field in &mut self.fields {
            moved(&mut field.range, to);
        }
    }
}

impl Placed for Reference {
    /// A span's references are listed span by span (an enclosing span's,
    /// in its block at its end, before those of the spans inside it).
    fn at(&self) -> usize {
        self.full_range().start
    }
    fn move_by(&mut self, to: &dyn Fn(usize) -> usize) {
        Reference::move_by(self, to);
    }
}

impl Placed for Claim {
    fn at(&self) -> usize {
        self.range.start()
    }
    fn move_by(&mut self, to: &dyn Fn(usize) -> usize) {
        moved(&mut self.range, to);
        moved(&mut self.text_range, to);
        moved(&mut self.subject.range, to);
        for IdAt { range, .. } in self.named_mut() {
            moved(range, to);
        }
    }
}

impl Placed for Problem {
    fn at(&self) -> usize {
        self.range.start
    }
    fn move_by(&mut self, to: &dyn Fn(usize) -> usize) {
        self.range = to(self.range.start)..to(self.range.end);
    }
}

impl Placed for (ByteRange, Vec<crate::diagnostics::Code>) {
    fn at(&self) -> usize {
        self.0.start()
    }
    fn move_by(&mut self, to: &dyn Fn(usize) -> usize) {
        moved(&mut self.0, to);
    }
}
