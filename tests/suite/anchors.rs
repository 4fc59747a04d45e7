//! Steps, sections and groups are linked by anchors on their headings, not on the list item
//! or `<section>` around them: an indexer that links to the nearest heading with an id
//! (Pagefind) can then send a reader to the step itself. Checked on every page of both
//! books (site, translation, print page, runbooks): where the ids are, that they are unique,
//! that every link to one lands on a heading; and in Chromium, that a deep link scrolls the
//! heading into view and still opens a step the chosen environment hides.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use scraper::{ElementRef, Html, Selector};
use serde_json::json;

use crate::a11y::{jobcenter, kubeadm};
use crate::harness::cdp::{file_url, Browser};

/// Blocks whose anchor belongs on their heading.
const BLOCKS: &str = "li.step, section.section, section.group";

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

/// Every HTML file of the site, by its path relative to the site.
fn html_files(site: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![site.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for e in std::fs::read_dir(&dir).expect("site folder") {
            let path = e.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|x| x == "html") {
                let rel = path.strip_prefix(site).expect("inside").to_path_buf();
                out.insert(rel, std::fs::read_to_string(&path).expect("page"));
            }
        }
    }
    out
}

fn is_block(e: ElementRef) -> bool {
    sel(BLOCKS).matches(&e)
}

/// The heading of a block: its first child element when that is an h2–h4.
fn heading_of(block: ElementRef) -> Option<ElementRef> {
    let first = block.children().find_map(ElementRef::wrap)?;
    matches!(first.value().name(), "h2" | "h3" | "h4").then_some(first)
}

/// What a link to `e` lands on: `Ok` for a block's heading or anything outside a block,
/// `Err` for a block itself or something inside one that is not its heading.
fn landing(e: ElementRef) -> Result<(), String> {
    let describe = |e: ElementRef| {
        let v = e.value();
        format!("<{} class=\"{}\">", v.name(), v.attr("class").unwrap_or(""))
    };
    if is_block(e) {
        return Err(format!("{} (the block, not its heading)", describe(e)));
    }
    let parent = e.parent().and_then(ElementRef::wrap);
    if let Some(p) = parent.filter(|p| is_block(*p)) {
        return if heading_of(p) == Some(e) {
            Ok(())
        } else {
            Err(format!("{} inside {}", describe(e), describe(p)))
        };
    }
    match e
        .ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| is_block(*a))
    {
        Some(block) => Err(format!("{} inside {}", describe(e), describe(block))),
        None => Ok(()),
    }
}

fn ids(doc: &Html) -> Vec<String> {
    doc.select(&sel("[id]"))
        .filter_map(|e| e.value().attr("id").map(str::to_string))
        .collect()
}

#[test]
fn every_step_section_and_group_has_its_anchor_on_its_heading_in_both_books() {
    for site in [jobcenter(), kubeadm()] {
        let (mut procedures, mut steps, mut sections) = (0, 0, 0);
        for (rel, html) in html_files(site) {
            let doc = Html::parse_document(&html);
            let all = ids(&doc);
            let unique: BTreeSet<&String> = all.iter().collect();
            assert_eq!(unique.len(), all.len(), "{rel:?}: an id given twice");
            procedures += doc.select(&sel("article.procedure")).count();
            for block in doc.select(&sel(BLOCKS)) {
                let what = block.value().attr("class").unwrap_or("");
                assert_eq!(
                    block.value().attr("id"),
                    None,
                    "{rel:?}: a {what} carries its own id"
                );
                let heading = heading_of(block)
                    .unwrap_or_else(|| panic!("{rel:?}: a {what} does not open with an h2–h4"));
                let id = heading.value().attr("id").unwrap_or("");
                assert!(!id.is_empty(), "{rel:?}: a {what}'s heading has no id");
                // The heading's own link points at it, so a reader can copy the address.
                let own = heading
                    .select(&sel("a.anchor"))
                    .next()
                    .and_then(|a| a.value().attr("href"));
                if what.contains("group") {
                    continue;
                }
                assert_eq!(own, Some(format!("#{id}").as_str()), "{rel:?}: {id}");
                if what.contains("step") {
                    steps += 1;
                } else {
                    sections += 1;
                }
            }
        }
        // The print page and the runbooks hold procedures too: more than the book has.
        assert!(
            procedures > 10 && steps > 100 && sections > 20,
            "{site:?}: {procedures} procedures, {sections} sections, {steps} steps checked"
        );
    }
}

/// `href` of a link on page `from` → (page, fragment), both relative to the site; `None`
/// for links out of the site or without a fragment.
fn target(from: &Path, href: &str) -> Option<(PathBuf, String)> {
    if href.contains("://") || href.starts_with("mailto:") || href.starts_with("data:") {
        return None;
    }
    let (path, fragment) = href.split_once('#')?;
    let path = path.split('?').next().unwrap_or("");
    let mut page = if path.is_empty() {
        from.to_path_buf()
    } else {
        from.parent().unwrap_or(Path::new("")).join(path)
    };
    // `../index.html` from a translation or a runbook.
    let mut parts = Vec::new();
    for c in page.components() {
        match c {
            Component::ParentDir => {
                parts.pop();
            }
            Component::Normal(p) => parts.push(p.to_owned()),
            _ => {}
        }
    }
    page = parts.iter().collect();
    Some((page, fragment.to_string()))
}

#[test]
fn every_link_to_a_step_section_or_group_lands_on_its_heading() {
    for site in [jobcenter(), kubeadm()] {
        let files = html_files(site);
        let docs: BTreeMap<&PathBuf, Html> = files
            .iter()
            .map(|(rel, html)| (rel, Html::parse_document(html)))
            .collect();
        let (mut checked, mut on_headings) = (0, 0);
        let mut broken = Vec::new();
        for (from, doc) in &docs {
            for a in doc.select(&sel("a[href]")) {
                let href = a.value().attr("href").unwrap_or("");
                let Some((page, fragment)) = target(from, href) else {
                    continue;
                };
                if fragment.is_empty() {
                    continue;
                }
                checked += 1;
                let Some(to) = docs.get(&page) else {
                    broken.push(format!("{from:?}: {href} (no page {page:?})"));
                    continue;
                };
                let found = to
                    .select(&sel("[id]"))
                    .find(|e| e.value().attr("id") == Some(fragment.as_str()));
                match found.map(landing) {
                    None => broken.push(format!("{from:?}: {href} (no id in {page:?})")),
                    Some(Err(what)) => broken.push(format!("{from:?}: {href} lands on {what}")),
                    Some(Ok(())) => {
                        on_headings += usize::from(
                            found
                                .and_then(|e| e.parent())
                                .and_then(ElementRef::wrap)
                                .is_some_and(is_block),
                        )
                    }
                }
            }
        }
        assert!(broken.is_empty(), "{site:?}:\n{}", broken.join("\n"));
        assert!(
            on_headings > 50,
            "{site:?}: {checked} fragment links, {on_headings} to a step's, section's or group's heading"
        );
    }
}

/// The element the address names: the block its heading opens, whether it is shown and
/// near the top of the window (under the top bar, in the upper third).
const ARRIVED: &str = "(() => { const t = document.querySelector(':target'); if (!t) return null; \
    const r = t.getBoundingClientRect(), p = t.parentElement; \
    return { block: p.matches('li.step') ? 'step' : p.matches('section.section') ? 'section' : null, \
      atTop: r.top >= -2 && r.top < innerHeight / 3, shown: t.getClientRects().length > 0 }; })()";

/// The id of the middle one of `selector`'s matches on `doc` (far enough down to need a
/// scroll, far enough up for the page to scroll it to the top).
fn middle(doc: &Html, selector: &str) -> String {
    let all: Vec<_> = doc.select(&sel(selector)).collect();
    assert!(!all.is_empty(), "{selector}");
    all[all.len() / 2]
        .value()
        .attr("id")
        .expect("an id")
        .to_string()
}

#[test]
fn a_deep_link_scrolls_the_heading_into_view_and_still_opens_a_hidden_step() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let page = kubeadm().join("first-control-plane.html");
    let doc = Html::parse_document(&std::fs::read_to_string(&page).expect("page"));
    let step = middle(&doc, "li.step > .step-title[id]");
    let section = middle(&doc, "section.section > h2[id]");
    for (id, block) in [(&step, "step"), (&section, "section")] {
        b.open("about:blank");
        b.open(&format!("{}#{id}", file_url(&page)));
        b.wait_for("document.readyState === 'complete'");
        let arrived = b.eval(ARRIVED);
        assert_eq!(arrived["block"], json!(block), "#{id}: {arrived}");
        assert_eq!(arrived["atTop"], json!(true), "#{id}: {arrived}");
        assert!(
            b.eval("window.scrollY").as_f64().unwrap_or(0.0) > 0.0,
            "#{id}: scrolled"
        );
        if block == "step" {
            // `:target` marks the step's title.
            assert_ne!(
                b.eval("getComputedStyle(document.querySelector(':target')).backgroundColor"),
                json!("rgba(0, 0, 0, 0)"),
                "#{id}: the target step's title is marked"
            );
        }
    }

    // v1.29 → v1.30: the v1beta4 migration is hidden; a link to it opens it, its title in
    // view, with the note saying why.
    let env = "distro=debian&cni=calico&topology=single&from=v1.29&to=v1.30";
    b.open("about:blank");
    b.open(&format!("{}?{env}#step-migrate-config", file_url(&page)));
    b.wait_for("!!document.querySelector('li.step:has(> #step-migrate-config) .env-linked')");
    let arrived = b.eval(ARRIVED);
    assert_eq!(
        (arrived["block"].clone(), arrived["shown"].clone()),
        (json!("step"), json!(true)),
        "{arrived}"
    );
    assert_eq!(arrived["atTop"], json!(true), "{arrived}");
}
