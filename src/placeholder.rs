//! The placeholder syntax, `[[id]]`, as every stage reads it: the resolver checks each
//! use against book.toml, the renderer turns uses into labelled elements, the search index
//! reads them as the page shows them, and the command lint looks past them. Facet values
//! (`[[to]]`, `[[to.minor]]`) share the syntax; `Config::use_of` tells the two apart.

/// The `[[id]]` uses in a text, as (byte offset, id). `[[ -f x ]]` and other brackets
/// that do not enclose a plain id are left alone.
pub fn uses(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut from = 0;
    // One bracket at a time (a search for a single byte is a `memchr`; one for `[[` set up
    // a substring searcher for every text, and every text of a book is scanned).
    while let Some(i) = text[from..].find('[') {
        let start = from + i;
        if text.as_bytes().get(start + 1) != Some(&b'[') {
            from = start + 1;
            continue;
        }
        let rest = &text[start + 2..];
        let len = rest
            .find(|c: char| {
                !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'))
            })
            .unwrap_or(rest.len());
        if len > 0 && rest[len..].starts_with("]]") {
            out.push((start, &rest[..len]));
            from = start + 2 + len + 2;
        } else {
            from = start + 2;
        }
    }
    out
}

/// Replaces every `[[id]]` with what `value` returns for it; an id it has no value for
/// stays as written.
pub fn fill(text: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, id) in uses(text) {
        out.push_str(&text[last..at]);
        match value(id) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&text[at..at + id.len() + 4]),
        }
        last = at + id.len() + 4;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uses_are_plain_ids_in_double_brackets() {
        assert_eq!(
            uses("ssh [[host]] -p [[port.minor]]"),
            [(4, "host"), (16, "port.minor")]
        );
        // Single brackets, a bracket before a use, and shell tests are not uses.
        assert_eq!(uses("a[b[[c]]"), [(3, "c")]);
        assert!(uses("[ -f x ] && [[ -d y ]] || [[]] [[Host]]").is_empty());
        // A third bracket opens nothing: the id would start with one.
        assert!(uses("[[[id]]]").is_empty());
        assert_eq!(uses("[x][[y]]"), [(3, "y")]);
        assert_eq!(
            fill("[[a]]-[[b]]", &|id| (id == "a").then(|| "1".to_string())),
            "1-[[b]]"
        );
    }
}
