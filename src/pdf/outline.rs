//! The PDF's bookmarks, written by tejun rather than Chromium. Chromium's outline follows
//! the accessibility tree, so a heading with a badge or a number span came out twice
//! ("1.1.11.1.1 …", "目次目次") and groups went missing. Here the outline is the book's
//! own structure (contents, front matter, chapters, groups, procedures, sections,
//! references), each entry "number title" once, pointing at the named destination of its
//! heading, which the page makes exist by linking to it ([`dest_links`]).
//!
//! It is added as a PDF incremental update (ISO 32000-1, 7.5.6), like the signature: the
//! outline items as new objects, a new revision of the catalogue naming them, and a
//! cross-reference section for both. Anything unexpected leaves the PDF as it was.

use std::collections::BTreeMap;

use regex::bytes::Regex;

use super::sign::{latin1, reference_after, tail, Tail};
use crate::model::{Book, ChapterItem};

/// One bookmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What the reader sees (`1.2 パッチ適用`).
    pub title: String,
    /// The named destination of its heading (an element id of the printed page).
    pub dest: String,
    /// Bookmarks under it.
    pub children: Vec<Entry>,
}

fn entry(title: String, dest: String, children: Vec<Entry>) -> Entry {
    Entry {
        title,
        dest,
        children,
    }
}

/// The outline of `view` printed as the print page (`runbook: false`: ids `p-<page>` and
/// `p-<page>--<anchor>`) or as a runbook (procedures and sections only).
pub fn of(view: &Book, runbook: bool) -> Vec<Entry> {
    let t = &view.config.words.site;
    let dest = |key: &str| {
        view.targets.get(key).map(|t| {
            if t.anchor.is_empty() {
                format!("p-{}", t.page)
            } else {
                format!("p-{}--{}", t.page, t.anchor)
            }
        })
    };
    let numbered = |n: &dyn std::fmt::Display, title: &str| format!("{n} {title}");
    let procedure = |p: &crate::model::Procedure| {
        let sections = p
            .sections
            .iter()
            .filter_map(|s| {
                let d = dest(&format!("{}/{}", p.id, s.id))?;
                Some(entry(numbered(&s.number, &s.title), d, Vec::new()))
            })
            .collect();
        entry(
            numbered(&p.number, &p.title),
            format!("p-{}", p.id),
            sections,
        )
    };
    let mut out = Vec::new();
    if !runbook {
        out.push(entry(t.contents.clone(), "toc-heading".into(), Vec::new()));
        for f in &view.front {
            out.push(entry(
                f.title.clone(),
                format!("p-index--front-{}", f.id),
                Vec::new(),
            ));
        }
    }
    for ch in &view.chapters {
        let mut items = Vec::new();
        for item in &ch.items {
            match item {
                ChapterItem::Procedure(p) => items.push(procedure(p)),
                ChapterItem::Group(g) => {
                    let procs: Vec<Entry> = g.procedures.iter().map(|p| procedure(p)).collect();
                    match dest(&g.id).filter(|_| !runbook) {
                        Some(d) => items.push(entry(numbered(&g.number, &g.title), d, procs)),
                        None => items.extend(procs),
                    }
                }
            }
        }
        match dest(&ch.id).filter(|_| !runbook) {
            Some(d) => out.push(entry(numbered(&ch.number, &ch.title), d, items)),
            None => out.extend(items),
        }
    }
    if !runbook && !view.refs.is_empty() {
        out.push(entry(
            t.references.clone(),
            "p-references".into(),
            Vec::new(),
        ));
    }
    out
}

/// Every destination of `entries`, depth first.
pub fn dests(entries: &[Entry]) -> Vec<&str> {
    let mut out = Vec::new();
    for e in entries {
        out.push(e.dest.as_str());
        out.extend(dests(&e.children));
    }
    out
}

/// Links to every destination, laid out but unseen: Chromium writes a named destination
/// only for an element some link points at.
pub fn dest_links(entries: &[Entry]) -> String {
    let mut h = String::from(
        "<div class=\"tejun-dests\" aria-hidden=\"true\" style=\"position:absolute;left:0;top:0;\
         width:1px;height:1px;overflow:hidden;opacity:0\">",
    );
    for d in dests(entries) {
        h.push_str(&format!(
            "<a href=\"#{}\" tabindex=\"-1\">.</a>",
            crate::render::esc(d)
        ));
    }
    h.push_str("</div>\n");
    h
}

/// `pdf` with `entries` as its outline, opened beside the pages; `None` when its shape is
/// not the one Chromium writes (a classic trailer, a `/Dests` dictionary).
pub fn add(pdf: &[u8], entries: &[Entry]) -> Option<Vec<u8>> {
    let text = latin1(pdf);
    let Tail {
        prev,
        size,
        root: (root, root_gen),
        info,
    } = tail(&text)?;
    let catalog = dict_of(&text, root, root_gen)?;
    let (dests_num, dests_gen) = reference_after(catalog, "/Dests")?;
    let targets = destinations(dict_of(&text, dests_num, dests_gen)?)?;

    let mut objects = Objects {
        next: size + 1,
        bodies: Vec::new(),
        targets: &targets,
    };
    let outline_root = size;
    let (first, last, count) = objects.items(entries, outline_root)?;
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: BTreeMap<u32, usize> = BTreeMap::new();
    offsets.insert(outline_root, out.len());
    out.extend_from_slice(
        format!(
            "{outline_root} 0 obj\n<< /Type /Outlines /First {first} 0 R /Last {last} 0 R \
             /Count {count} >>\nendobj\n"
        )
        .as_bytes(),
    );
    for (num, body) in &objects.bodies {
        offsets.insert(*num, out.len());
        out.extend_from_slice(format!("{num} 0 obj\n{body}\nendobj\n").as_bytes());
    }
    let catalog_at = out.len();
    out.extend_from_slice(
        format!(
            "{root} {root_gen} obj\n<<{} /Outlines {outline_root} 0 R /PageMode /UseOutlines >>\nendobj\n",
            without_keys(catalog, &["/Outlines", "/PageMode"])
        )
        .as_bytes(),
    );
    let xref_at = out.len();
    let mut xref = format!("xref\n{root} 1\n{catalog_at:010} {root_gen:05} n \n");
    xref.push_str(&format!("{outline_root} {}\n", offsets.len()));
    for at in offsets.values() {
        xref.push_str(&format!("{at:010} 00000 n \n"));
    }
    let info = info.map_or(String::new(), |(n, g)| format!("/Info {n} {g} R\n"));
    out.extend_from_slice(
        format!(
            "{xref}trailer\n<</Size {}\n/Root {root} {root_gen} R\n{info}/Prev {prev}>>\n\
             startxref\n{xref_at}\n%%EOF\n",
            objects.next
        )
        .as_bytes(),
    );
    Some(out)
}

/// The outline items being written: numbers from `next`, bodies in order.
struct Objects<'a> {
    next: u32,
    bodies: Vec<(u32, String)>,
    targets: &'a BTreeMap<String, String>,
}

impl Objects<'_> {
    /// Writes `entries` (those whose destination the PDF has; the children of one it
    /// lacks take its place) under `parent`; their first and last object and how many
    /// items are open below.
    fn items(&mut self, entries: &[Entry], parent: u32) -> Option<(u32, u32, usize)> {
        let flat = self.present(entries);
        if flat.is_empty() {
            return None;
        }
        let nums: Vec<u32> = (0..flat.len() as u32).map(|i| self.next + i).collect();
        self.next += flat.len() as u32;
        let mut count = flat.len();
        for (i, e) in flat.iter().enumerate() {
            let mut body = format!(
                "<< /Title {} /Parent {parent} 0 R /Dest {}",
                utf16_hex(&e.title),
                self.targets.get(&e.dest)?
            );
            if i > 0 {
                body.push_str(&format!(" /Prev {} 0 R", nums[i - 1]));
            }
            if let Some(next) = nums.get(i + 1) {
                body.push_str(&format!(" /Next {next} 0 R"));
            }
            if let Some((first, last, below)) = self.items(&e.children, nums[i]) {
                body.push_str(&format!(
                    " /First {first} 0 R /Last {last} 0 R /Count {below}"
                ));
                count += below;
            }
            body.push_str(" >>");
            self.bodies.push((nums[i], body));
        }
        Some((nums[0], nums[flat.len() - 1], count))
    }

    /// `entries` with each one the PDF has no destination for replaced by its children.
    fn present<'e>(&self, entries: &'e [Entry]) -> Vec<&'e Entry> {
        let mut out = Vec::new();
        for e in entries {
            if self.targets.contains_key(&e.dest) {
                out.push(e);
            } else {
                out.extend(self.present(&e.children));
            }
        }
        out
    }
}

/// A text string as PDF writes any Unicode: UTF-16BE with a byte-order mark, in hex.
fn utf16_hex(s: &str) -> String {
    let mut h = String::from("<FEFF");
    for unit in s.encode_utf16() {
        h.push_str(&format!("{unit:04X}"));
    }
    h.push('>');
    h
}

/// Named destination → its explicit destination array (`[12 0 R /XYZ 0 800 0]`).
fn destinations(dict: &str) -> Option<BTreeMap<String, String>> {
    let entry = Regex::new(r"/([A-Za-z0-9._#-]+)\s*(\[[^\]]*\])").ok()?;
    let mut out = BTreeMap::new();
    for c in entry.captures_iter(dict.as_bytes()) {
        let name = super::dests::unescape_name(std::str::from_utf8(&c[1]).ok()?);
        out.insert(name, std::str::from_utf8(&c[2]).ok()?.to_string());
    }
    Some(out)
}

/// The dictionary of object `num gen` (its latest revision), without the outer `<< >>`.
fn dict_of(text: &str, num: u32, generation: u32) -> Option<&str> {
    let header = format!("{num} {generation} obj");
    let at = text
        .rmatch_indices(&header)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || text.as_bytes()[i - 1].is_ascii_whitespace())?;
    let open = at + text[at..].find("<<")? + 2;
    let mut depth = 1;
    let bytes = text.as_bytes();
    let mut i = open;
    while i + 1 < bytes.len() {
        match &bytes[i..i + 2] {
            b"<<" => {
                depth += 1;
                i += 2;
            }
            b">>" => {
                depth -= 1;
                if depth == 0 {
                    return text.get(open..i);
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    None
}

/// `dict` with the entries `keys` (a name and its value up to the next key) left out.
fn without_keys(dict: &str, keys: &[&str]) -> String {
    let mut out = dict.to_string();
    for key in keys {
        if let Some(start) = out.find(&format!("{key} ")) {
            let rest = &out[start + key.len()..];
            let end = rest.find(" /").map_or(out.len(), |i| start + key.len() + i);
            out.replace_range(start..end, "");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_utf16_with_a_byte_order_mark() {
        assert_eq!(utf16_hex("1 目次"), "<FEFF0031002076EE6B21>");
    }

    #[test]
    fn a_dictionary_is_read_whole_with_nested_ones() {
        let text = "1 0 obj\n<< /Type /Catalog /V << /A 1 >> /Pages 2 0 R >>\nendobj\n";
        assert_eq!(
            dict_of(text, 1, 0),
            Some(" /Type /Catalog /V << /A 1 >> /Pages 2 0 R ")
        );
        let kept = without_keys(
            " /Type /Catalog /Outlines 9 0 R /Pages 2 0 R ",
            &["/Outlines"],
        );
        assert!(
            !kept.contains("/Outlines") && kept.contains("/Type /Catalog"),
            "{kept}"
        );
        assert!(kept.contains("/Pages 2 0 R"), "{kept}");
    }

    #[test]
    fn entries_without_a_destination_give_way_to_their_children() {
        let targets: BTreeMap<String, String> = [("b".to_string(), "[3 0 R /Fit]".to_string())]
            .into_iter()
            .collect();
        let mut objects = Objects {
            next: 10,
            bodies: Vec::new(),
            targets: &targets,
        };
        let tree = [entry(
            "A".into(),
            "a".into(),
            vec![entry("B".into(), "b".into(), Vec::new())],
        )];
        assert_eq!(objects.items(&tree, 9), Some((10, 10, 1)));
        assert!(objects.bodies[0]
            .1
            .contains("/Parent 9 0 R /Dest [3 0 R /Fit]"));
    }
}
