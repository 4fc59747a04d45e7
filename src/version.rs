//! Product versions as vendors write them: `14.9`, `16`, `v1.29.3`, `P7.4.1`, `2024.04`.
//!
//! A version is an optional prefix of letters (`v`, `R`) and numbers separated by dots;
//! the prefix and leading zeros are kept for display only. Components compare
//! numerically, left to right; a missing component counts as 0, so `12.4 == 12.4.0 <
//! 12.4.1`. A final `x` means "any release of this line" and sorts after every number in
//! its place, so `12.7.5 < 12.7.x < 12.8`: `from <= 12.7.x` reads "12.7.x or earlier".
//! Compared with `=` or `!=`, a version ending in `x` is the whole line
//! ([`Version::matches`]): `from = 16.x` holds for `16`, `16.2` and `16.x`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy)]
enum Component {
    /// A number and how many digits it was written with (`04` keeps its zero).
    Num {
        value: u32,
        width: u8,
    },
    Any,
}

impl Component {
    fn num(value: u32) -> Component {
        Component::Num { value, width: 0 }
    }
}

/// A version as products write it (`P7.4.1`, `v1.29.3`, `16`, `P7.7.x`): an optional prefix, numeric parts and an optional trailing `x` matching any.
#[derive(Debug, Clone)]
pub struct Version {
    prefix: Box<str>,
    components: Vec<Component>,
}

/// Why a string is not a version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    /// What is wrong, for the writer.
    pub message: String,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VersionError {}

/// The longest prefix a version may carry (`v`, `R`, `rel`): a longer run of letters is a
/// name, not a version.
const MAX_PREFIX: usize = 3;

/// Whether `s` reads as a version rather than a name (`v1.29`, `16`, `P7.x`, not `linux`).
pub fn looks_like_version(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    letters <= MAX_PREFIX && s.as_bytes().get(letters).is_some_and(u8::is_ascii_digit)
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| VersionError {
            message: format!("malformed version `{s}`: {why}"),
        };
        let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
        if letters > MAX_PREFIX {
            return Err(err(
                "a version is numbers separated by dots, as in `2.4` or `v1.29.3`",
            ));
        }
        let (prefix, rest) = s.split_at(letters);
        if !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(err(
                "a version starts with a number (after an optional prefix such as `v`), as in `2.4` or `v1.29.3`",
            ));
        }
        let parts: Vec<&str> = rest.split('.').collect();
        let mut components = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            if part.is_empty() {
                return Err(err(
                    "empty component (two dots in a row, or a trailing dot)",
                ));
            }
            if *part == "x" {
                if i + 1 != parts.len() {
                    return Err(err("`x` may only be the last component, as in `2.7.x`"));
                }
                components.push(Component::Any);
            } else if part.bytes().all(|b| b.is_ascii_digit()) {
                let value = part
                    .parse::<u32>()
                    .map_err(|_| err("component too large"))?;
                let width = u8::try_from(part.len()).unwrap_or(u8::MAX);
                components.push(Component::Num { value, width });
            } else {
                return Err(err("components are numbers or a final `x`"));
            }
        }
        Ok(Version {
            prefix: prefix.into(),
            components,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.prefix)?;
        for (i, c) in self.components.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            match c {
                Component::Num { value, width } => {
                    write!(f, "{value:0width$}", width = usize::from(*width))?
                }
                Component::Any => f.write_str("x")?,
            }
        }
        Ok(())
    }
}

impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read back from its written form ([`Version`]'s `Display`, which `FromStr` reads whole).
impl<'de> serde::Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.components.len().max(other.components.len());
        let zero = Component::num(0);
        for i in 0..n {
            let a = self.components.get(i).copied().unwrap_or(zero);
            let b = other.components.get(i).copied().unwrap_or(zero);
            let ord = match (a, b) {
                (Component::Num { value: x, .. }, Component::Num { value: y, .. }) => x.cmp(&y),
                (Component::Any, Component::Any) => Ordering::Equal,
                (Component::Any, Component::Num { .. }) => Ordering::Greater,
                (Component::Num { .. }, Component::Any) => Ordering::Less,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    /// Consistent with `==`: trailing zeros, widths and the prefix do not count.
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        let zeros = self
            .components
            .iter()
            .rev()
            .take_while(|c| matches!(c, Component::Num { value: 0, .. }))
            .count();
        for c in &self.components[..self.components.len() - zeros] {
            match c {
                Component::Num { value, .. } => value.hash(h),
                Component::Any => u64::MAX.hash(h),
            }
        }
    }
}

impl Version {
    /// Whether this version names a whole line (`16.x`, `v1.29.x`).
    pub fn is_line(&self) -> bool {
        matches!(self.components.last(), Some(Component::Any))
    }

    /// The first release of the line `self` names (`16.x` → `16`); `self` when it is a
    /// single release.
    pub fn line_start(&self) -> Version {
        let mut v = self.clone();
        if v.is_line() {
            v.components.pop();
            if v.components.is_empty() {
                v.components.push(Component::num(0));
            }
        }
        v
    }

    /// `self` as the right-hand side of `=`: the same release, or for a line (`16.x`),
    /// any release of it (`16`, `16.2`, `16.x`).
    pub fn matches(&self, actual: &Version) -> bool {
        if self.is_line() {
            self.line_start() <= *actual && actual <= self
        } else {
            self == actual
        }
    }

    /// The next release after `self`, taking releases to have at most three levels
    /// (`12.4` → `12.4.1`, `12.4.1` → `12.4.2`, `12.7.x` → `12.8`): there is no release
    /// between `12.4` and `12.4.1`, nor between `12.7.x` and `12.8`. Deciding whether a
    /// range can hold only needs each boundary and the release right after it.
    pub(crate) fn just_above(&self) -> Version {
        let mut c = self.components.clone();
        if let Some(pos) = c.iter().position(|x| matches!(x, Component::Any)) {
            c.truncate(pos);
            match c.last_mut() {
                Some(Component::Num { value, .. }) => *value = value.saturating_add(1),
                // `x` alone: every release; nothing lies above it.
                _ => c.push(Component::num(u32::MAX)),
            }
            return self.with(c);
        }
        while c.len() < 3 {
            c.push(Component::num(0));
        }
        if let Some(Component::Num { value, .. }) = c.last_mut() {
            *value = value.saturating_add(1);
        }
        self.with(c)
    }

    /// The version cut to its first `n` components, prefix kept (`v1.29.3` → `v1.29` for
    /// 2): the part of a release a package path or a folder names. `None` when the version
    /// does not say (`v1.30` has no third component, `12.7.x` no single release there), so
    /// text never shows a number the environment did not give.
    pub fn leading(&self, n: usize) -> Option<String> {
        let head = self.components.get(..n)?;
        if head.iter().any(|c| matches!(c, Component::Any)) {
            return None;
        }
        Some(self.with(head.to_vec()).to_string())
    }

    /// The smallest version, `0`.
    pub(crate) fn zero() -> Version {
        Version {
            prefix: "".into(),
            components: vec![Component::num(0)],
        }
    }

    fn with(&self, components: Vec<Component>) -> Version {
        Version {
            prefix: self.prefix.clone(),
            components,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn versions_order_by_their_numbers() {
        assert!(v("v12.4") < v("v12.4.1"));
        assert!(v("v12.4.1") < v("v12.4.x"));
        assert!(v("v12.4.x") < v("v12.5"));
        assert!(v("v12.7.3") < v("v12.7.x"));
        assert!(v("v12.7.x") < v("v12.8"));
        assert!(
            v("12.10") > v("12.9"),
            "components compare as numbers, not text"
        );
        assert!(v("v1.30") > v("v1.29.3"));
        assert!(v("2024.04") < v("2024.10"));
        assert_eq!(v("P7.4"), v("P7.4.0"));
        assert_eq!(v("16"), v("16.0.0"));
        assert_eq!(
            v("v1.29"),
            v("1.29"),
            "the prefix is how it is written, not a number"
        );
    }

    #[test]
    fn prints_what_it_parsed() {
        for s in [
            "P7.4", "P7.4.1", "P7.7.x", "12.10", "14.9", "16", "v1.29.3", "2024.04", "16.x",
        ] {
            assert_eq!(v(s).to_string(), s);
        }
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "P",
            "P7..4",
            "P7.x.1",
            "Px",
            "x",
            "P7.",
            "P7.4a",
            "",
            "release12",
            "1.-2",
            ".4",
        ] {
            assert!(s.parse::<Version>().is_err(), "{s} should not parse");
        }
    }

    #[test]
    fn a_line_matches_its_releases() {
        let line = v("16.x");
        for inside in ["16", "16.0", "16.2", "16.2.9", "16.x"] {
            assert!(line.matches(&v(inside)), "{inside}");
        }
        for outside in ["15.9", "15.x", "17", "17.0.1"] {
            assert!(!line.matches(&v(outside)), "{outside}");
        }
        assert!(
            !v("16").matches(&v("16.2")),
            "a release matches only itself"
        );
        assert!(v("16").matches(&v("16.0")));
        assert_eq!(line.line_start(), v("16"));
    }

    #[test]
    fn just_above_is_the_next_release() {
        assert_eq!(v("P7.4").just_above().to_string(), "P7.4.1");
        assert_eq!(v("P7.4.1").just_above().to_string(), "P7.4.2");
        assert_eq!(v("P7.7.x").just_above().to_string(), "P7.8");
        assert_eq!(v("P8").just_above().to_string(), "P8.0.1");
        assert_eq!(v("v1.29.x").just_above().to_string(), "v1.30");
    }

    #[test]
    fn leading_components_keep_prefix_and_width() {
        assert_eq!(v("v1.29.3").leading(1).as_deref(), Some("v1"));
        assert_eq!(v("v1.29.3").leading(2).as_deref(), Some("v1.29"));
        assert_eq!(v("2024.04.1").leading(2).as_deref(), Some("2024.04"));
        assert_eq!(v("16").leading(1).as_deref(), Some("16"));
        assert_eq!(
            v("v1.30").leading(3),
            None,
            "a patch the version does not give"
        );
        assert_eq!(v("P7.7.x").leading(2).as_deref(), Some("P7.7"));
        assert_eq!(v("P7.7.x").leading(3), None, "a line, not a release");
    }

    #[test]
    fn names_are_not_versions() {
        for s in ["v1.29", "16", "P7.x", "2024.04"] {
            assert!(looks_like_version(s), "{s}");
        }
        for s in ["cluster", "from", "stacked-ha", "x", "stage12"] {
            assert!(!looks_like_version(s), "{s}");
        }
    }

    mod props {
        use super::super::Version;
        use proptest::prelude::*;

        fn version_text() -> impl Strategy<Value = String> {
            (
                prop::sample::select(vec!["", "P", "v"]),
                prop::collection::vec(0u32..40, 1..5),
                any::<bool>(),
            )
                .prop_map(|(prefix, nums, x)| {
                    let mut parts: Vec<String> = nums.iter().map(|n| n.to_string()).collect();
                    if x && parts.len() > 1 {
                        *parts.last_mut().unwrap() = "x".into();
                    }
                    format!("{prefix}{}", parts.join("."))
                })
        }

        proptest! {
            #[test]
            fn print_inverts_parse(s in version_text()) {
                let v: Version = s.parse().unwrap();
                prop_assert_eq!(v.to_string(), s);
            }

            #[test]
            fn ordering_is_total_and_consistent(a in version_text(), b in version_text(), c in version_text()) {
                let (a, b, c): (Version, Version, Version) = (a.parse().unwrap(), b.parse().unwrap(), c.parse().unwrap());
                prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
                if a <= b && b <= c {
                    prop_assert!(a <= c);
                }
                prop_assert_eq!(a == b, a.cmp(&b) == std::cmp::Ordering::Equal);
            }

            #[test]
            fn equal_versions_hash_alike(a in version_text(), b in version_text()) {
                use std::hash::{BuildHasher, RandomState};
                let (a, b): (Version, Version) = (a.parse().unwrap(), b.parse().unwrap());
                let h = RandomState::new();
                if a == b {
                    prop_assert_eq!(h.hash_one(&a), h.hash_one(&b));
                }
            }

            #[test]
            fn arbitrary_text_never_panics(s in "\\PC{0,12}") {
                let _ = s.parse::<Version>();
            }
        }
    }
}
