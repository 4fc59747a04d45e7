//! Product versions as JobCenter writes them: `R12.4`, `R12.4.1`, `R12.7.x`, `R13.2`.
//!
//! Components compare numerically, left to right; a missing component counts as 0, so
//! `R12.4 == R12.4.0 < R12.4.1`. A final `x` means "any release of this line" and sorts
//! after every number in its place, so `R12.7.5 < R12.7.x < R12.8`: `from <= R12.7.x` then
//! reads as the seed's "R12.7.x以前" and `from >= R12.8` as "R12.8以降".

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Component {
    Num(u32),
    Any,
}

#[derive(Debug, Clone, Eq)]
pub struct Version {
    components: Vec<Component>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    pub message: String,
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VersionError {}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| VersionError {
            message: format!("malformed version `{s}`: {why}"),
        };
        let rest = s
            .strip_prefix('R')
            .ok_or_else(|| err("a version starts with `R`, as in `R12.4`"))?;
        if rest.is_empty() {
            return Err(err("`R` must be followed by a number, as in `R12.4`"));
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
                if i == 0 {
                    return Err(err("the major version must be a number"));
                }
                if i + 1 != parts.len() {
                    return Err(err("`x` may only be the last component, as in `R12.7.x`"));
                }
                components.push(Component::Any);
            } else if part.bytes().all(|b| b.is_ascii_digit()) {
                let n = part
                    .parse::<u32>()
                    .map_err(|_| err("component too large"))?;
                components.push(Component::Num(n));
            } else {
                return Err(err("components are numbers or a final `x`"));
            }
        }
        Ok(Version { components })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("R")?;
        for (i, c) in self.components.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            match c {
                Component::Num(n) => write!(f, "{n}")?,
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

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.components.len().max(other.components.len());
        for i in 0..n {
            let a = self.components.get(i).copied().unwrap_or(Component::Num(0));
            let b = other
                .components
                .get(i)
                .copied()
                .unwrap_or(Component::Num(0));
            let ord = match (a, b) {
                (Component::Num(x), Component::Num(y)) => x.cmp(&y),
                (Component::Any, Component::Any) => Ordering::Equal,
                (Component::Any, Component::Num(_)) => Ordering::Greater,
                (Component::Num(_), Component::Any) => Ordering::Less,
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

impl Version {
    /// The next release after `self`, taking releases to have at most three levels
    /// (`R12.4` → `R12.4.1`, `R12.4.1` → `R12.4.2`, `R12.7.x` → `R12.8`): there is no
    /// release between `R12.4` and `R12.4.1`, nor between `R12.7.x` and `R12.8`. Deciding
    /// whether a range can hold only needs each boundary and the release right after it.
    pub(crate) fn just_above(&self) -> Version {
        let mut c = self.components.clone();
        if let Some(pos) = c.iter().position(|x| *x == Component::Any) {
            c.truncate(pos);
            if let Some(Component::Num(n)) = c.last_mut() {
                *n = n.saturating_add(1);
            }
            return Version { components: c };
        }
        while c.len() < 3 {
            c.push(Component::Num(0));
        }
        if let Some(Component::Num(n)) = c.last_mut() {
            *n = n.saturating_add(1);
        }
        Version { components: c }
    }

    /// The smallest version, `R0`.
    pub(crate) fn zero() -> Version {
        Version {
            components: vec![Component::Num(0)],
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
    fn seed_boundaries_order() {
        assert!(v("R12.4") < v("R12.4.1"));
        assert!(v("R12.4.1") < v("R12.4.x"));
        assert!(v("R12.4.x") < v("R12.5"));
        assert!(v("R12.7.3") < v("R12.7.x"));
        assert!(v("R12.7.x") < v("R12.8"));
        assert!(
            v("R12.10") > v("R12.9"),
            "components compare as numbers, not text"
        );
        assert!(v("R13.1") > v("R12.10"));
        assert!(v("R13.1") < v("R13.2"));
        assert_eq!(v("R12.4"), v("R12.4.0"));
    }

    #[test]
    fn prints_what_it_parsed() {
        for s in ["R12.4", "R12.4.1", "R12.7.x", "R13.2", "R12.10"] {
            assert_eq!(v(s).to_string(), s);
        }
    }

    #[test]
    fn rejects_malformed() {
        for s in [
            "R", "R12..4", "R12.x.1", "12.4", "Rx", "R12.", "R12.4a", "r12.4", "",
        ] {
            assert!(s.parse::<Version>().is_err(), "{s} should not parse");
        }
    }

    #[test]
    fn just_above_is_the_next_release() {
        assert_eq!(v("R12.4").just_above().to_string(), "R12.4.1");
        assert_eq!(v("R12.4.1").just_above().to_string(), "R12.4.2");
        assert_eq!(v("R12.7.x").just_above().to_string(), "R12.8");
        assert_eq!(v("R13").just_above().to_string(), "R13.0.1");
    }

    mod props {
        use super::super::Version;
        use proptest::prelude::*;

        fn version_text() -> impl Strategy<Value = String> {
            (prop::collection::vec(0u32..40, 1..5), any::<bool>()).prop_map(|(nums, x)| {
                let mut parts: Vec<String> = nums.iter().map(|n| n.to_string()).collect();
                if x && parts.len() > 1 {
                    *parts.last_mut().unwrap() = "x".into();
                }
                format!("R{}", parts.join("."))
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
            fn arbitrary_text_never_panics(s in "\\PC{0,12}") {
                let _ = s.parse::<Version>();
            }
        }
    }
}
