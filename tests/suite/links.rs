//! A link checker over the built JobCenter site: every internal link and anchor of every
//! page (and of the sidebar script) resolves to a file of the site and an element id in it.

use std::collections::{BTreeMap, BTreeSet};

use crate::harness::{read, Book};

/// Values of `href="…"` (or `href=\"…\"` inside a script string).
fn hrefs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (pat, end) in [("href=\"", "\""), ("href=\\\"", "\\\"")] {
        let mut rest = text;
        while let Some(i) = rest.find(pat) {
            rest = &rest[i + pat.len()..];
            if let Some(j) = rest.find(end) {
                out.push(rest[..j].replace("&amp;", "&"));
                rest = &rest[j..];
            }
        }
    }
    out
}

fn ids(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(j) = rest.find('"') {
            out.insert(rest[..j].to_string());
        }
    }
    out
}

#[test]
fn every_internal_link_and_anchor_of_the_site_resolves() {
    let book = Book::jobcenter();
    book.run(["build", "."]).assert_ok();
    let site = book.join("book");

    let mut pages: BTreeMap<String, String> = BTreeMap::new();
    for e in std::fs::read_dir(&site).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".html") {
            pages.insert(name.clone(), read(&site.join(&name)));
        }
    }
    let anchors: BTreeMap<&String, BTreeSet<String>> =
        pages.iter().map(|(k, v)| (k, ids(v))).collect();
    let mut sources: Vec<(String, String)> =
        pages.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    sources.push(("assets/toc.js".into(), read(&site.join("assets/toc.js"))));

    let mut checked = 0;
    let mut broken = Vec::new();
    for (from, text) in &sources {
        for href in hrefs(text) {
            if href.contains("://")
                || href.starts_with("mailto:")
                || href.starts_with("data:")
                || href.starts_with("blob:")
            {
                continue;
            }
            let (path, anchor) = match href.split_once('#') {
                Some((p, a)) => (p.to_string(), Some(a.to_string())),
                None => (href.clone(), None),
            };
            let path = path.split('?').next().unwrap_or("").to_string();
            let target = if path.is_empty() {
                from.clone()
            } else {
                path.clone()
            };
            checked += 1;
            if !site.join(&target).is_file() {
                broken.push(format!("{from}: {href} (no file {target})"));
                continue;
            }
            if let (Some(a), Some(ids)) = (anchor, anchors.get(&target)) {
                if !a.is_empty() && !ids.contains(&a) {
                    broken.push(format!("{from}: {href} (no id `{a}` in {target})"));
                }
            }
        }
    }
    assert!(checked > 500, "only {checked} links checked");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}
