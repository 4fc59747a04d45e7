//! What a procedure's page is made from, fingerprinted from the model rather than from the
//! rendered context. A page's context holds every step's rendered Markdown, so keying a
//! page by its context means rendering every step of the book on every rebuild; the model
//! it is made from hashes in a fraction of that time and tells the same thing.
//!
//! A procedure's page reads two things: the procedure itself (its steps, with reusable
//! steps already expanded into it) and what the whole book shares (book.toml, the chapters
//! and groups around it and the reading order, every link target's title and number,
//! backlinks, known problems, translation gaps). The book's share is hashed once per
//! build, each procedure on its own; a page's key is both, so an edit inside one
//! procedure re-renders that page, and an edit to anything shared (a title, a step number
//! another page links to) re-renders every page. The procedures and link targets (most of
//! a book's bytes) are hashed field by field ([`crate::model::feed`]); everything else is
//! hashed as its `Debug` text, which prints every field (the model holds no hash map below
//! the book's own maps, which are hashed in key order here).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::model::feed::procedure_fingerprint;
use crate::model::feed::Feed;
use crate::model::{Book, ChapterItem, Procedure, Target};
use crate::output::{Fingerprint, Fingerprinter};

/// The book's shared part and each procedure, hashed once per build.
#[derive(Debug, Clone)]
pub struct Inputs {
    shared: Fingerprint,
    /// The book's link targets alone (also in `shared`): a view's differ in a few.
    targets: Fingerprint,
    /// The map `targets` hashed, shared with the book: a view's targets are told from it.
    base: std::sync::Arc<crate::model::TargetMap>,
    /// What every view's key reads of each of `base`'s targets, made for the first.
    base_keys: std::sync::OnceLock<Vec<BaseKey>>,
    procedures: HashMap<String, Fingerprint>,
    /// Every procedure's head in reading order (id, number, title, condition): what a
    /// page that lists procedures reads of them.
    heads: Fingerprint,
}

/// One of the book's targets as a view's key reads it: its key's
/// [`crate::model::targets::key_hash`], the hash a view that leaves it out adds
/// ([`Tally::absent_hash`]), and whether the book's is absent already.
#[derive(Debug, Clone, Copy)]
struct BaseKey {
    key: u128,
    left_out: u128,
    absent: bool,
}

impl BaseKey {
    fn of((key, t): (&String, &std::sync::Arc<Target>)) -> BaseKey {
        BaseKey {
            key: crate::model::targets::key_hash(key),
            left_out: Tally::absent_hash(key),
            absent: t.absent,
        }
    }
}

/// [`Inputs`] made on first use and shared by whoever needs them in one build (the site's
/// pages and whole-book files, the tantivy index's update), so the book is hashed once.
pub type SharedInputs = std::sync::Arc<std::sync::OnceLock<Inputs>>;

/// The inputs of `book` in `cell`, hashed now if nobody has yet. Hashing runs on rayon's
/// threads, so the first call must come from outside any parallel loop that also calls
/// this: a worker blocked waiting for the cell holds a thread the hashing may need.
pub fn of<'c>(cell: &'c std::sync::OnceLock<Inputs>, book: &Book) -> &'c Inputs {
    cell.get_or_init(|| crate::timing::phase("inputs", || Inputs::new(book)))
}

impl Inputs {
    /// Hashes what every procedure's output shares, and each procedure on its own.
    pub fn new(book: &Book) -> Inputs {
        let all: Vec<&Procedure> = book.procedures().collect();
        let procedures = crate::timing::phase("inputs: procedures", || {
            all.par_iter()
                .map(|p| (p.id.clone(), procedure_fingerprint(p)))
                .collect()
        });
        let heads = heads(&all);
        let whole = book.targets.whole();
        let targets = crate::timing::phase("inputs: targets", || map(&whole));
        let shared = crate::timing::phase("inputs: shared", || shared(book, targets));
        Inputs {
            shared,
            targets,
            base: whole,
            base_keys: std::sync::OnceLock::new(),
            procedures,
            heads,
        }
    }

    /// The key of the file at `path` made with `template` from what the book shares and
    /// its procedures' heads only: the contents page, a chapter's page, the sidebar
    /// script. Their procedures show as links with a number, a title and a condition,
    /// so an edit inside a procedure keeps them without making their contexts (the
    /// contents page and the sidebar hold the whole table of contents).
    pub fn listing(&self, site: Fingerprint, template: &str, path: &str) -> Fingerprint {
        let mut f = Fingerprinter::new();
        f.bytes(b"listing")
            .fingerprint(site)
            .fingerprint(self.shared)
            .fingerprint(self.heads)
            .bytes(template.as_bytes())
            .bytes(path.as_bytes());
        f.finish()
    }

    /// The key of procedure `id`'s page made with `template`; `site` is what the site
    /// adds to every page besides the book (the theme's fingerprint, the language links).
    pub fn page(&self, site: Fingerprint, template: &str, id: &str) -> Option<Fingerprint> {
        let mut f = Fingerprinter::new();
        f.bytes(b"procedure page")
            .fingerprint(site)
            .fingerprint(self.shared)
            .bytes(template.as_bytes())
            .fingerprint(*self.procedures.get(id)?);
        Some(f.finish())
    }

    /// What every procedure's keys hold of the book: its shared part.
    pub fn shared(&self) -> Fingerprint {
        self.shared
    }

    /// The key of procedure `id`'s search documents in the format `format`: like its
    /// page, a function of the procedure and what the book shares.
    pub fn search_docs(&self, format: u32, id: &str) -> Option<Fingerprint> {
        let mut f = Fingerprinter::new();
        f.bytes(b"search documents")
            .bytes(&format.to_le_bytes())
            .fingerprint(self.shared)
            .fingerprint(*self.procedures.get(id)?);
        Some(f.finish())
    }

    /// The key of a page that reads what the book shares and, of its procedures, only
    /// what `own` fingerprints (the commands page: its listing).
    pub fn page_with(&self, site: Fingerprint, template: &str, own: Fingerprint) -> Fingerprint {
        let mut f = Fingerprinter::new();
        f.bytes(b"page")
            .fingerprint(site)
            .fingerprint(self.shared)
            .bytes(template.as_bytes())
            .fingerprint(own);
        f.finish()
    }

    /// The key of procedure `id`'s fragment in a whole-book file: `file` names the file
    /// and everything that file adds to what the book shares (the site's fingerprint,
    /// and for a runbook its environment's view of the book, [`Inputs::view`]), `start`
    /// where the fragment's numbering starts.
    pub fn fragment(&self, file: Fingerprint, id: &str, start: usize) -> Option<Fingerprint> {
        let mut f = Fingerprinter::new();
        f.bytes(b"fragment")
            .fingerprint(self.shared)
            .fingerprint(file)
            .fingerprint(*self.procedures.get(id)?)
            .bytes(&(start as u64).to_le_bytes());
        Some(f.finish())
    }

    /// Hashes on every core what each view's key reads of the book's targets
    /// ([`Inputs::view`] hashes them on its own thread otherwise). Called outside any
    /// parallel loop that makes views' keys: a worker that waited for the hashing while
    /// the hashing's own thread took up that loop's next view would wait for ever.
    pub fn prime_views(&self) {
        self.base_keys.get_or_init(|| {
            let all: Vec<(&String, &std::sync::Arc<Target>)> = self.base.iter().collect();
            all.par_iter().map(|&entry| BaseKey::of(entry)).collect()
        });
    }

    /// What a view of the book made for one environment shares ([`crate::filter`]'s
    /// book): a view's procedure is a function of the procedure, the environment (in
    /// the view's configuration) and the shared part, so this and the procedure's own
    /// hash key its fragment.
    ///
    /// The view's link targets are the book's but for those the filter renumbered, marked
    /// absent or titled again, which it copied and the rest it shares: so they are keyed
    /// by the book's targets and the ones that differ, not hashed again whole (a 5,000-
    /// procedure book has 100,000, hashed for every runbook).
    pub fn view(&self, view: &Book) -> Fingerprint {
        let book = &self.base;
        // Each target that differs from the book's is hashed on its own and the hashes
        // summed, which no order of the map changes: sorting half the targets by key (the
        // ones a runbook's environment leaves out) and feeding them to one hasher was most
        // of a view's key. A target absent with its number and title as they were (nearly
        // all that differ) is its key and the flag.
        let mut tally = Tally::default();
        match view.targets.overlay() {
            // A filter's view of this book: the map shared, beside it the keys it holds and
            // what it holds otherwise.
            Some((held, changed)) if std::sync::Arc::ptr_eq(view.targets.base(), book) => {
                // Every runbook's view leaves out some of the same 110,000 targets (at
                // 5,000 procedures): their keys are hashed once for all.
                let base_keys = self
                    .base_keys
                    .get_or_init(|| book.iter().map(BaseKey::of).collect());
                let changed_keys: rustc_hash::FxHashSet<u128> = changed
                    .keys()
                    .map(|k| crate::model::targets::key_hash(k))
                    .collect();
                for b in base_keys {
                    if !b.absent && !held.contains(&b.key) && !changed_keys.contains(&b.key) {
                        tally.add_hash(b.left_out);
                    }
                }
                for (k, t) in changed {
                    tally.differing(k, t, book.get(k.as_str()));
                }
            }
            _ => {
                for (k, t) in view.targets.iter() {
                    match book.get(k.as_str()) {
                        Some(b) if std::sync::Arc::ptr_eq(b, t) => {}
                        b => tally.differing(k, t, b),
                    }
                }
            }
        }
        let Tally {
            new_keys,
            differ,
            sum,
            ..
        } = tally;
        let mut f = Fingerprinter::new();
        f.bytes(b"view targets 2")
            .fingerprint(self.targets)
            .bytes(&differ.to_le_bytes())
            .bytes(&sum.to_le_bytes());
        // The book's targets the view lacks (a filter keeps every key, so normally none).
        if view.targets.len() - new_keys < book.len() {
            let mut gone: Vec<&String> = book
                .keys()
                .filter(|k| !view.targets.contains_key(k.as_str()))
                .collect();
            gone.sort_unstable();
            f.bytes(b"gone");
            for k in gone {
                f.bytes(k.as_bytes());
            }
        }
        shared(view, f.finish())
    }
}

/// The targets of a view that differ from the book's, each hashed on its own and the
/// hashes summed ([`Inputs::view`]).
#[derive(Default)]
struct Tally {
    new_keys: usize,
    differ: u64,
    sum: u128,
    buf: Vec<u8>,
}

impl Tally {
    fn start(&mut self, key: &str) {
        self.buf.clear();
        self.buf
            .extend_from_slice(&(key.len() as u64).to_le_bytes());
        self.buf.extend_from_slice(key.as_bytes());
    }

    fn add(&mut self) {
        self.add_hash(xxhash_rust::xxh3::xxh3_128(&self.buf));
    }

    fn add_hash(&mut self, hash: u128) {
        self.sum = self.sum.wrapping_add(hash);
        self.differ += 1;
    }

    /// What the book's target under `key` adds when a view leaves it out and shows it
    /// otherwise as it was.
    fn absent_hash(key: &str) -> u128 {
        let mut tally = Tally::default();
        tally.start(key);
        tally.buf.extend_from_slice(&[b'a', 1]);
        xxhash_rust::xxh3::xxh3_128(&tally.buf)
    }

    /// The view's target `t` under `key`, where the book's is `base`.
    fn differing(&mut self, key: &str, t: &Target, base: Option<&std::sync::Arc<Target>>) {
        self.start(key);
        match base {
            Some(b) if b.number == t.number && b.title == t.title => {
                self.buf.extend_from_slice(&[b'a', u8::from(t.absent)]);
            }
            Some(_) => {
                // A view changes only these of a book's target (`crate::filter`
                // renumbers, titles again and marks absent; a runbook marks its chapters
                // absent): the rest is the book's, which `self.targets` holds under the
                // same key.
                let Target {
                    number,
                    title,
                    absent,
                    ..
                } = t;
                self.buf.push(b'c');
                self.buf
                    .extend_from_slice(&(number.0.len() as u64).to_le_bytes());
                for n in &number.0 {
                    self.buf.extend_from_slice(&n.to_le_bytes());
                }
                self.buf
                    .extend_from_slice(&(title.len() as u64).to_le_bytes());
                self.buf.extend_from_slice(title.as_bytes());
                self.buf.push(u8::from(*absent));
            }
            None => {
                self.new_keys += 1;
                let mut f = Fingerprinter::new();
                t.feed(&mut f);
                self.buf.push(b'n');
                self.buf.extend_from_slice(&f.finish().to_bytes());
            }
        }
        self.add();
    }
}

/// What lists of procedures show of each: [`Inputs::heads`]. Its number and title as
/// written also come from its link target, in `shared`; hashed here too, so the key does
/// not rest on where a list takes them from.
fn heads(procedures: &[&Procedure]) -> Fingerprint {
    let mut f = Fingerprinter::new();
    f.bytes(b"procedure heads 1");
    for p in procedures {
        // Destructured whole, so a field added to procedures needs a word here.
        let Procedure {
            id,
            number,
            title,
            title_source,
            when,
            intro: _,
            sections: _,
            source: _,
            fingerprint: _,
        } = p;
        id.feed(&mut f);
        number.feed(&mut f);
        title.feed(&mut f);
        title_source.feed(&mut f);
        when.feed(&mut f);
    }
    f.finish()
}

/// Everything of `book` but its procedures' own content; `targets` keys its link targets.
fn shared(book: &Book, targets: Fingerprint) -> Fingerprint {
    let mut f = Fingerprinter::new();
    f.bytes(b"procedure inputs 1");
    f.debug(&book.config)
        .debug(&book.front)
        .debug(&book.refs)
        .debug(&book.reusable_steps)
        .debug(&book.problems);
    // The chapters and groups around the procedures, and the reading order: the
    // procedures themselves by id only.
    for ch in &book.chapters {
        f.debug(&(&ch.id, &ch.number, &ch.title, &ch.when, &ch.intro));
        for item in &ch.items {
            match item {
                ChapterItem::Group(g) => {
                    f.debug(&(&g.id, &g.number, &g.title, &g.when, &g.intro));
                    for p in &g.procedures {
                        f.bytes(p.id.as_bytes());
                    }
                    f.bytes(b"end of group");
                }
                ChapterItem::Procedure(p) => {
                    f.bytes(p.id.as_bytes());
                }
            }
        }
        f.bytes(b"end of chapter");
    }
    f.fingerprint(targets)
        .fingerprint(map(&book.backlinks))
        .fingerprint(map(&book.translation_gaps));
    f.finish()
}

/// A map hashed in key order (a `HashMap`'s own order differs from run to run).
/// Hashed in runs, on every core, and the runs' fingerprints in order: a book's 100,000
/// link targets are hashed for the book and again for each runbook's view of it.
fn map<V: Feed + Sync, S>(m: &HashMap<String, V, S>) -> Fingerprint {
    const RUN: usize = 4096;
    let mut entries: Vec<(&String, &V)> = m.iter().collect();
    entries.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let runs: Vec<Fingerprint> = entries
        .par_chunks(RUN)
        .map(|run| {
            let mut f = Fingerprinter::new();
            for (k, v) in run {
                f.bytes(k.as_bytes());
                v.feed(&mut f);
            }
            f.finish()
        })
        .collect();
    let mut f = Fingerprinter::new();
    f.bytes(&(m.len() as u64).to_le_bytes());
    for run in runs {
        f.fingerprint(run);
    }
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resolve::test_book::TestBook;

    const A: &str = r#"title = "A"
[[section]]
id = "s"
title = "S"
[[section.step]]
id = "one"
title = "One"
body = "See [](#b/look)."
"#;

    const B: &str = r#"title = "B"
[[section]]
id = "s"
title = "S"
[[section.step]]
id = "look"
title = "Look"
body = "All is well."
"#;

    fn keys(a: &str, b: &str) -> Vec<Fingerprint> {
        let dir = TestBook::new();
        dir.write("content/01-ch/01-a.toml", a)
            .write("content/01-ch/02-b.toml", b);
        let (book, _) = crate::resolve::load_book(dir.root()).expect("a clean book");
        let inputs = Inputs::new(&book);
        book.procedures()
            .filter_map(|p| inputs.page(Fingerprint::of(b"site"), "procedure.html", &p.id))
            .collect()
    }

    #[test]
    fn a_view_is_keyed_by_the_targets_it_changes_in_any_order() {
        let dir = TestBook::new();
        let b = B.replace(
            "[[section.step]]\nid = \"look\"",
            "[[section.step]]\nid = \"first\"\ntitle = \"First\"\nwhen = \"os = win\"\n\
             [[section.step]]\nid = \"look\"",
        );
        dir.write("content/01-ch/01-a.toml", A)
            .write("content/01-ch/02-b.toml", &b);
        let (book, _) = crate::resolve::load_book(dir.root()).expect("a clean book");
        let inputs = Inputs::new(&book);
        let env = crate::facet::parse_env(&book.config.facets, "os=unix").expect("an env");
        let view = crate::filter::filter(&book, &env);
        assert!(
            view.targets["b/first"].absent,
            "the Windows step is left out"
        );
        assert_eq!(view.targets["b/look"].number, crate::model::Number(vec![1]));
        let key = inputs.view(&view);
        let with = |change: &dyn Fn(&mut Target)| {
            let mut other = view.clone();
            other.targets.change("b/look", change);
            inputs.view(&other)
        };
        // The same targets as one map of their own (another order, no map shared with
        // the book): the same key.
        let mut again = view.clone();
        again.targets = crate::model::TargetTable::new(view.targets.to_map());
        assert_eq!(inputs.view(&again), key);
        // The view holds the book's shared absent copy (paired with the book's target)...
        assert!(book.targets["b/first"]
            .absent_twin
            .get()
            .is_some_and(|twin| std::sync::Arc::ptr_eq(twin, &view.targets["b/first"])));
        // ... and absent copies made anew are looked up by their key instead, keyed alike.
        let mut fresh = view.clone();
        fresh.targets = crate::model::TargetTable::new(
            view.targets
                .iter()
                .map(|(k, t)| {
                    let t = match t.absent {
                        true => std::sync::Arc::new((**t).clone()),
                        false => std::sync::Arc::clone(t),
                    };
                    (k.clone(), t)
                })
                .collect(),
        );
        assert_eq!(inputs.view(&fresh), key);
        assert_eq!(with(&|_| {}), key, "a copy that changes nothing");
        assert_ne!(with(&|t| t.absent = true), key, "a step left out");
        assert_ne!(with(&|t| t.number = crate::model::Number(vec![2])), key);
        assert_ne!(with(&|t| t.title.push('!')), key, "a title shown otherwise");
    }

    #[test]
    fn the_same_book_gives_the_same_keys() {
        assert_eq!(keys(A, B), keys(A, B));
    }

    #[test]
    fn a_step_edit_changes_its_page_only_and_a_linked_title_every_page() {
        let before = keys(A, B);
        let body = keys(A, &B.replace("All is well.", "All is fine."));
        assert_eq!(body[0], before[0], "the other page keeps its key");
        assert_ne!(body[1], before[1], "the edited page does not");
        let title = keys(A, &B.replace("title = \"Look\"", "title = \"Look around\""));
        assert_ne!(
            title[0], before[0],
            "a page linking to a retitled step shows the new title"
        );
    }
}
