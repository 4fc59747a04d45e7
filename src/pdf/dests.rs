//! Which page each named destination of a Chromium PDF lands on.
//!
//! Chromium cannot print `target-counter()`, so the contents' page numbers come from a
//! first print: Skia writes every link target (an element `id` some `href="#id"` points
//! at) as a named destination `/id [page 0 R /XYZ …]` in the catalogue's `/Dests`
//! dictionary, uncompressed, and the page tree as plain `/Pages` objects. Reading those
//! two structures is all we need; anything unexpected yields no numbers rather than
//! wrong ones.

use std::collections::BTreeMap;

use regex::bytes::Regex;

/// Named destination → 1-based page number. Empty when the PDF has a shape we do not know.
pub fn page_numbers(pdf: &[u8]) -> BTreeMap<String, u32> {
    parse(pdf).unwrap_or_default()
}

fn parse(pdf: &[u8]) -> Option<BTreeMap<String, u32>> {
    let objects = objects(pdf);
    let catalog = objects
        .values()
        .find(|body| contains(body, b"/Type /Catalog"))?;
    let pages_root = reference(catalog, "Pages")?;
    let mut pages = Vec::new();
    collect_pages(&objects, pages_root, &mut pages, 0)?;
    let index: BTreeMap<u32, u32> = pages
        .iter()
        .enumerate()
        .map(|(i, &obj)| (obj, i as u32 + 1))
        .collect();
    let dests = objects.get(&reference(catalog, "Dests")?)?;
    let entry = Regex::new(r"/([A-Za-z0-9._#-]+)\s*\[\s*(\d+)\s+0\s+R").ok()?;
    let mut out = BTreeMap::new();
    for c in entry.captures_iter(dests) {
        let name = unescape_name(std::str::from_utf8(&c[1]).ok()?);
        let obj: u32 = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
        out.insert(name, *index.get(&obj)?);
    }
    Some(out)
}

/// `N 0 obj … endobj` bodies by object number (stream data included, harmlessly).
fn objects(pdf: &[u8]) -> BTreeMap<u32, &[u8]> {
    let mut out = BTreeMap::new();
    let Ok(head) = Regex::new(r"(?m)^(\d+) 0 obj\b") else {
        return out;
    };
    let starts: Vec<(u32, usize)> = head
        .captures_iter(pdf)
        .filter_map(|c| {
            let n = std::str::from_utf8(&c[1]).ok()?.parse().ok()?;
            Some((n, c.get(0)?.end()))
        })
        .collect();
    for (i, &(n, start)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(pdf.len(), |s| s.1);
        let body = &pdf[start..end];
        let body = find(body, b"endobj").map_or(body, |e| &body[..e]);
        out.insert(n, body);
    }
    out
}

/// Page objects under `node`, in order. `None` on a cycle or a missing object.
fn collect_pages(
    objects: &BTreeMap<u32, &[u8]>,
    node: u32,
    out: &mut Vec<u32>,
    depth: u32,
) -> Option<()> {
    if depth > 32 {
        return None;
    }
    let body = objects.get(&node)?;
    if !contains(body, b"/Type /Pages") {
        out.push(node);
        return Some(());
    }
    let start = find(body, b"/Kids")?;
    let rest = &body[start..];
    let open = find(rest, b"[")?;
    let close = find(rest, b"]")?;
    let refs = Regex::new(r"(\d+)\s+0\s+R").ok()?;
    for c in refs.captures_iter(&rest[open..close]) {
        let kid: u32 = std::str::from_utf8(&c[1]).ok()?.parse().ok()?;
        collect_pages(objects, kid, out, depth + 1)?;
    }
    Some(())
}

/// The object number `/Key N 0 R` points at.
fn reference(body: &[u8], key: &str) -> Option<u32> {
    let re = Regex::new(&format!(r"/{key}\s+(\d+)\s+0\s+R")).ok()?;
    let c = re.captures(body)?;
    std::str::from_utf8(&c[1]).ok()?.parse().ok()
}

/// PDF names escape bytes as `#XX`.
pub(super) fn unescape_name(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' && i + 2 < bytes.len() {
            let hex = name
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(b) = hex {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape Skia writes, with a two-level page tree.
    const SAMPLE: &[u8] = b"%PDF-1.4\n\
1 0 obj\n<</Type /Catalog\n/Pages 9 0 R\n/Dests 5 0 R>>\nendobj\n\
2 0 obj\n<</Type /Page\n/Parent 8 0 R>>\nendobj\n\
3 0 obj\n<</Type /Page\n/Parent 8 0 R>>\nendobj\n\
4 0 obj\n<</Type /Page\n/Parent 9 0 R>>\nendobj\n\
5 0 obj\n<</p-a [3 0 R /XYZ 6 826 0]\n/p-b#2Ec [4 0 R /XYZ 6 800 0]>>\nendobj\n\
8 0 obj\n<</Type /Pages\n/Count 2\n/Kids [2 0 R 3 0 R]>>\nendobj\n\
9 0 obj\n<</Type /Pages\n/Count 3\n/Kids [8 0 R 4 0 R]>>\nendobj\n";

    #[test]
    fn destinations_map_to_pages_through_a_nested_tree() {
        let pages = page_numbers(SAMPLE);
        assert_eq!(pages.get("p-a"), Some(&2));
        assert_eq!(pages.get("p-b.c"), Some(&3));
    }

    #[test]
    fn unknown_shapes_give_no_numbers() {
        assert!(page_numbers(b"%PDF-1.7\n garbage").is_empty());
    }
}
