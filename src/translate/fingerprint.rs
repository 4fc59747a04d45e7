//! The fingerprint a translated unit records of the source text it was made from: FNV-1a
//! (64 bits, as the `fnv` crate computes it, stable across platforms and releases) over
//! each field's name and text. Short enough to type, and a changed field changes it.

use std::hash::Hasher;

/// The fingerprint of a unit's fields (name, text), in the order the unit lists them.
pub fn fingerprint<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut h = fnv::FnvHasher::default();
    for (name, text) in fields {
        h.write(name.as_bytes());
        h.write(&[0]);
        h.write(text.as_bytes());
        h.write(&[0]);
    }
    format!("{:016x}", h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_changed_field_changes_the_fingerprint() {
        let a = fingerprint([("title", "停止"), ("body", "以下を実行")]);
        assert_eq!(a, fingerprint([("title", "停止"), ("body", "以下を実行")]));
        assert_ne!(
            a,
            fingerprint([("title", "停止"), ("body", "以下を実行。")])
        );
        // Text moved from one field to the next is a change too.
        assert_ne!(
            fingerprint([("title", "ab"), ("body", "c")]),
            fingerprint([("title", "a"), ("body", "bc")])
        );
        assert_eq!(a.len(), 16);
    }
}
