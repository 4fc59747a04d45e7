//! The model hashed field by field, for the build cache's keys ([`crate::render::inputs`])
//! and for the fingerprint a procedure kept in the build memo brings with it. Each
//! implementation takes its struct apart whole, so a field added to the model does not
//! compile until it is hashed (or said not to be); small values go in as their `Debug`
//! text (on the procedures, `Debug` alone was 30 times slower: it escapes every character).

use super::{Branch, Part, PartKind, Procedure, ProcessItem, Section, Step, Target, Variant};
use crate::output::{Fingerprint, Fingerprinter};

/// A value hashed field by field.
pub(crate) trait Feed {
    fn feed(&self, f: &mut Fingerprinter);
}

impl Feed for String {
    fn feed(&self, f: &mut Fingerprinter) {
        f.bytes(self.as_bytes());
    }
}

impl<T: Feed> Feed for Box<T> {
    fn feed(&self, f: &mut Fingerprinter) {
        (**self).feed(f);
    }
}

impl<T: Feed> Feed for Option<T> {
    fn feed(&self, f: &mut Fingerprinter) {
        match self {
            Some(v) => {
                f.bytes(b"some");
                v.feed(f);
            }
            None => {
                f.bytes(b"none");
            }
        }
    }
}

impl<T: Feed> Feed for std::sync::Arc<T> {
    fn feed(&self, f: &mut Fingerprinter) {
        T::feed(self, f);
    }
}

impl<T: Feed> Feed for Vec<T> {
    fn feed(&self, f: &mut Fingerprinter) {
        f.bytes(&(self.len() as u64).to_le_bytes());
        for v in self {
            v.feed(f);
        }
    }
}

/// Small values the `Debug` text hashes quickly enough.
macro_rules! feed_debug {
    ($($t:ty),*) => {$(
        impl Feed for $t {
            fn feed(&self, f: &mut Fingerprinter) {
                f.debug(self);
            }
        }
    )*};
}

feed_debug!(
    crate::condition::Condition,
    super::TranslationGap,
    (crate::diagnostics::FileId, std::ops::Range<usize>)
);

// Numbers directly: every link target carries one or two, and their `Debug` text was a
// third of the time a runbook's view of the book took to hash.
impl Feed for u32 {
    fn feed(&self, f: &mut Fingerprinter) {
        f.bytes(&self.to_le_bytes());
    }
}

impl Feed for usize {
    fn feed(&self, f: &mut Fingerprinter) {
        f.bytes(&(*self as u64).to_le_bytes());
    }
}

impl Feed for bool {
    fn feed(&self, f: &mut Fingerprinter) {
        f.bytes(&[u8::from(*self)]);
    }
}

impl Feed for super::Number {
    fn feed(&self, f: &mut Fingerprinter) {
        // Its parts one by one after their count: no list made for each of a book's
        // hundred thousand numbers.
        f.bytes(&(self.0.len() as u64).to_le_bytes());
        for n in &self.0 {
            f.bytes(&n.to_le_bytes());
        }
    }
}

/// `Feed` for a struct: every field in order. The struct is destructured whole, so a field
/// added to it does not compile until it is listed here.
macro_rules! feed_fields {
    ($($t:ident { $($field:ident),* $(,)? })*) => {$(
        impl Feed for $t {
            fn feed(&self, f: &mut Fingerprinter) {
                let $t { $($field),* } = self;
                $($field.feed(f);)*
            }
        }
    )*};
}

/// What `p` contributes to its keys, hashed once per procedure value (a procedure taken
/// from the build memo brings the one its earlier build made).
pub fn procedure_fingerprint(p: &Procedure) -> Fingerprint {
    *p.fingerprint.get_or_init(|| {
        let mut f = Fingerprinter::new();
        p.feed(&mut f);
        f.finish()
    })
}

impl Feed for Procedure {
    fn feed(&self, f: &mut Fingerprinter) {
        // Every field but the fingerprint kept of the rest.
        let Procedure {
            id,
            number,
            title,
            title_source,
            when,
            intro,
            sections,
            source,
            fingerprint: _,
        } = self;
        id.feed(f);
        number.feed(f);
        title.feed(f);
        title_source.feed(f);
        when.feed(f);
        intro.feed(f);
        sections.feed(f);
        source.feed(f);
    }
}

feed_fields! {
    Section { id, number, title, title_source, when, intro, steps, branches }
    Branch { label, when, intro, steps }
    Step {
        id, number, title, title_source, when, parts, variants, variants_at, reused, origin,
    }
    Variant { label, when, parts }
    ProcessItem { name, when }
}

impl Feed for Part {
    fn feed(&self, f: &mut Fingerprinter) {
        let Part { when, kind } = self;
        when.feed(f);
        match &**kind {
            PartKind::Text(text) => {
                f.bytes(b"text");
                text.feed(f);
            }
            PartKind::Command {
                shell,
                lines,
                output,
            } => {
                f.bytes(b"command").debug(shell);
                lines.feed(f);
                output.feed(f);
            }
            PartKind::Gui(path) => {
                f.bytes(b"gui");
                path.feed(f);
            }
            PartKind::Processes { expect, items } => {
                f.bytes(b"processes").debug(expect);
                items.feed(f);
            }
            PartKind::Note(text) => {
                f.bytes(b"note");
                text.feed(f);
            }
            PartKind::Caution(text) => {
                f.bytes(b"caution");
                text.feed(f);
            }
            PartKind::Refs(ids) => {
                f.bytes(b"refs");
                ids.feed(f);
            }
        }
    }
}

impl Feed for Target {
    fn feed(&self, f: &mut Fingerprinter) {
        // Every field but the absent copy kept of it.
        let Target {
            number,
            title,
            title_source,
            page,
            anchor,
            procedure,
            section,
            absent,
            absent_twin: _,
        } = self;
        number.feed(f);
        title.feed(f);
        title_source.feed(f);
        page.feed(f);
        anchor.feed(f);
        procedure.feed(f);
        section.feed(f);
        absent.feed(f);
    }
}
