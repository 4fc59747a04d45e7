//! A book's link targets as its pages read them. A whole book's are its map; a view of it
//! (a runbook's or the picker's environment, [`crate::filter`]) shares that map as it is
//! and keeps beside it only what the view changes: which keys it still holds, and the few
//! targets it renumbers or titles again. Each runbook's view used to copy the map (a
//! 5,000-procedure book has 110,000 targets) and mark half of them absent.

use std::sync::Arc;

use rustc_hash::FxHashSet;

use super::{Target, TargetMap};

/// The link targets of a book or of a view of one.
#[derive(Debug, Clone, Default)]
pub struct TargetTable {
    base: Arc<TargetMap>,
    view: Option<Arc<Overlay>>,
}

/// What a view changes of the map it shares.
#[derive(Debug, Clone, Default)]
struct Overlay {
    /// The keys the view holds, by [`key_hash`]: a target of the map whose key is not here
    /// is absent from the view (its links read as text).
    held: FxHashSet<u128>,
    /// Targets the view holds otherwise than the map: renumbered, titled again, or held
    /// where the map's is absent. Each carries the view's absence itself.
    changed: TargetMap,
}

/// The key of a target as a view's set holds it: XXH3-128 of the key, as the build cache
/// names its files by content (a hundred thousand keys kept as strings per view were what
/// made views dear).
pub fn key_hash(key: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(key.as_bytes())
}

/// [`key_hash`] of `page/id` (a section's or step's key), made without the string.
pub fn inner_key_hash(page: &str, id: &str, buf: &mut Vec<u8>) -> u128 {
    buf.clear();
    buf.extend_from_slice(page.as_bytes());
    buf.push(b'/');
    buf.extend_from_slice(id.as_bytes());
    xxhash_rust::xxh3::xxh3_128(buf)
}

impl TargetTable {
    /// A book's own targets.
    pub fn new(map: TargetMap) -> TargetTable {
        TargetTable {
            base: Arc::new(map),
            view: None,
        }
    }

    /// A view of the map `base`: only the keys in `held` are held, and `changed` (each
    /// target with the view's absence already) held otherwise than the map.
    pub fn with_view(
        base: Arc<TargetMap>,
        held: FxHashSet<u128>,
        changed: TargetMap,
    ) -> TargetTable {
        TargetTable {
            base,
            view: Some(Arc::new(Overlay { held, changed })),
        }
    }

    /// The targets as one shared map: a book's own map, a view's made whole.
    pub fn whole(&self) -> Arc<TargetMap> {
        match &self.view {
            None => Arc::clone(&self.base),
            Some(_) => Arc::new(self.to_map()),
        }
    }

    /// The target under `key` as this book or view shows it.
    pub fn get(&self, key: &str) -> Option<&Arc<Target>> {
        let Some(view) = &self.view else {
            return self.base.get(key);
        };
        if let Some(t) = view.changed.get(key) {
            return Some(t);
        }
        let t = self.base.get(key)?;
        if t.absent || view.held.contains(&key_hash(key)) {
            Some(t)
        } else {
            Some(Target::absent_copy(t))
        }
    }

    /// Whether there is a target under `key` (held or absent).
    pub fn contains_key(&self, key: &str) -> bool {
        self.base.contains_key(key)
            || self
                .view
                .as_ref()
                .is_some_and(|v| v.changed.contains_key(key))
    }

    /// How many targets there are.
    pub fn len(&self) -> usize {
        match &self.view {
            None => self.base.len(),
            Some(v) => {
                self.base.len()
                    + v.changed
                        .keys()
                        .filter(|k| !self.base.contains_key(k.as_str()))
                        .count()
            }
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every target as [`TargetTable::get`] shows it, in the map's order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Arc<Target>)> {
        let extra = self.view.iter().flat_map(|v| {
            v.changed
                .iter()
                .filter(|(k, _)| !self.base.contains_key(k.as_str()))
        });
        self.base
            .keys()
            .filter_map(|k| Some((k, self.get(k)?)))
            .chain(extra)
    }

    /// Every target, as [`TargetTable::iter`].
    pub fn values(&self) -> impl Iterator<Item = &Arc<Target>> {
        self.iter().map(|(_, t)| t)
    }

    /// The map a book's own targets are (a view's shared map, for [`TargetTable::overlay`]).
    pub fn base(&self) -> &Arc<TargetMap> {
        &self.base
    }

    /// What a view changes of its map: the keys it holds and the targets it holds otherwise;
    /// `None` for a book's own targets.
    pub fn overlay(&self) -> Option<(&FxHashSet<u128>, &TargetMap)> {
        self.view.as_ref().map(|v| (&v.held, &v.changed))
    }

    /// The targets as one map (a view's made whole).
    pub fn to_map(&self) -> TargetMap {
        match &self.view {
            None => (*self.base).clone(),
            Some(_) => self
                .iter()
                .map(|(k, t)| (k.clone(), Arc::clone(t)))
                .collect(),
        }
    }

    /// The map to change in place: a view's is made whole first (the dev server patches
    /// the book's own, never a view's).
    pub fn map_mut(&mut self) -> &mut TargetMap {
        if self.view.is_some() {
            self.base = Arc::new(self.to_map());
            self.view = None;
        }
        Arc::make_mut(&mut self.base)
    }

    /// Changes the target under `key` as `change` says, in a copy of it (a view's copy keeps
    /// the view's absence); nothing when there is none.
    pub fn change(&mut self, key: &str, change: impl FnOnce(&mut Target)) {
        if self.view.is_none() {
            if let Some(t) = Arc::make_mut(&mut self.base).get_mut(key) {
                change(Arc::make_mut(t));
            }
            return;
        }
        let Some(t) = self.get(key) else {
            return;
        };
        let mut copy = (**t).clone();
        change(&mut copy);
        if let Some(view) = self.view.as_mut() {
            Arc::make_mut(view)
                .changed
                .insert(key.to_string(), Arc::new(copy));
        }
    }

    /// Marks the target under `key` absent from this view (a book's own targets are made
    /// a view holding every key but this one).
    pub fn mark_absent(&mut self, key: &str) {
        if self.view.is_none() {
            let held = self.base.keys().map(|k| key_hash(k)).collect();
            self.view = Some(Arc::new(Overlay {
                held,
                changed: TargetMap::default(),
            }));
        }
        let Some(view) = self.view.as_mut() else {
            return;
        };
        let view = Arc::make_mut(view);
        view.held.remove(&key_hash(key));
        if let Some(t) = view.changed.get_mut(key) {
            Target::mark_absent(t);
        }
    }
}

impl std::ops::Index<&str> for TargetTable {
    type Output = Arc<Target>;

    /// The target under `key`, as [`TargetTable::get`] shows it; panics when there is none.
    fn index(&self, key: &str) -> &Arc<Target> {
        match self.get(key) {
            Some(t) => t,
            None => panic!("no link target `{key}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Number;

    fn target(page: &str, n: u32) -> Arc<Target> {
        Arc::new(Target {
            number: Number(vec![n]),
            title: format!("{page} {n}"),
            title_source: None,
            page: page.to_string(),
            anchor: String::new(),
            procedure: Some(page.to_string()),
            section: None,
            absent: false,
            absent_twin: Default::default(),
        })
    }

    fn book() -> TargetTable {
        let mut map = TargetMap::default();
        map.insert("a".into(), target("a", 1));
        map.insert("a/x".into(), target("a", 2));
        map.insert("b".into(), target("b", 3));
        TargetTable::new(map)
    }

    /// A view shows what it does not hold as the map's target marked absent (the same copy
    /// for every view), what it changed as changed, and leaves the book's map as it was.
    #[test]
    fn a_view_reads_through_the_shared_map() {
        let book = book();
        let held: FxHashSet<u128> = ["a", "a/x"].iter().map(|k| key_hash(k)).collect();
        let mut renumbered = TargetMap::default();
        let mut x = (*book["a/x"]).clone();
        x.number = Number(vec![1]);
        renumbered.insert("a/x".into(), Arc::new(x));
        let view = TargetTable::with_view(Arc::clone(book.base()), held.clone(), renumbered);
        let other = TargetTable::with_view(Arc::clone(book.base()), held, TargetMap::default());
        assert!(Arc::ptr_eq(view.base(), book.base()), "the map is shared");
        assert!(!view["a"].absent);
        assert!(view["b"].absent, "not held: absent");
        assert_eq!(view["b"].title, "b 3", "and otherwise the book's");
        assert!(Arc::ptr_eq(&view["b"], &other["b"]), "one absent copy");
        assert!(!book["b"].absent, "the book's own is untouched");
        assert_eq!(view["a/x"].number, Number(vec![1]));
        assert_eq!(other["a/x"].number, Number(vec![2]));
        assert_eq!(view.len(), 3);
        assert_eq!(view.iter().filter(|(_, t)| t.absent).count(), 1);
        assert!(view.get("c").is_none() && !view.contains_key("c"));
    }

    /// Changing a view's target keeps the view's absence; a chapter marked absent reads so;
    /// asking for the map to change in place makes a view's whole first.
    #[test]
    fn a_view_changes_in_copies_and_is_made_whole_to_change_in_place() {
        let book = book();
        let held: FxHashSet<u128> = ["a"].iter().map(|k| key_hash(k)).collect();
        let mut view = TargetTable::with_view(Arc::clone(book.base()), held, TargetMap::default());
        view.change("b", |t| t.title = "B again".into());
        assert!(view["b"].absent && view["b"].title == "B again");
        assert_eq!(book["b"].title, "b 3");
        view.mark_absent("a");
        assert!(view["a"].absent);
        let mut whole = view.clone();
        whole.map_mut();
        assert!(whole.overlay().is_none());
        assert!(whole["a"].absent && whole["b"].title == "B again" && whole["a/x"].absent);
        assert!(!book["a"].absent, "the book's map was not changed");
        let mut own = book.clone();
        own.mark_absent("b");
        assert!(own["b"].absent && !own["a"].absent && !book["b"].absent);
    }
}
