//! Content safety: a book whose every writable string carries an XSS payload
//! (tests/fixtures/hostile) goes through the real `tejun build`, and every page it writes
//! (site pages, print.html, runbooks, and the sidebar HTML inside assets/toc.js) is read
//! back with a real HTML5 parser (html5ever, through scraper), as a browser would read it:
//! no script but the theme's own, no `on*` attribute, no script URL, no embedding element,
//! and the payloads still there, as text.

use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};

use crate::harness::{read, Book};

/// Builds a copy of the hostile book, with `extra` appended to its book.toml; returns the
/// book (which holds the built site) and the site.
fn build(extra: &str) -> (Book, PathBuf) {
    let book = Book::fixture("hostile");
    if !extra.is_empty() {
        let text = book.read("book.toml");
        book.write("book.toml", format!("{text}\n{extra}\n"));
    }
    book.run(["build", "."]).assert_ok();
    let site = book.join("book");
    (book, site)
}

/// Every `.html` file under `dir`, relative to it.
fn html_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if path.extension().is_some_and(|e| e == "html") {
                out.push(path.strip_prefix(base).expect("prefix").to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The text a reader sees: every text node outside scripts and styles.
fn visible_text(doc: &Html) -> String {
    doc.tree
        .nodes()
        .filter_map(|n| {
            let text = n.value().as_text()?;
            let hidden = n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style"))
            });
            (!hidden).then(|| text.to_string())
        })
        .collect()
}

/// URLs that run code when followed (ASCII whitespace and controls are ignored by
/// browsers inside a scheme, so they are here too).
fn is_script_url(value: &str) -> bool {
    let squashed: String = value
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|s| squashed.starts_with(s))
}

/// The theme's inline scripts: `window.TEJUN = {json};` and `window.TEJUN_RUNBOOK = …`,
/// whose JSON must parse whole (a payload that closed the element would cut it short).
fn inline_json(script: &str) -> Option<serde_json::Value> {
    let body = script.trim();
    let json = body
        .strip_prefix("window.TEJUN = ")
        .or_else(|| body.strip_prefix("window.TEJUN_RUNBOOK = "))?;
    let json = json.strip_suffix(';').unwrap_or(json);
    Some(serde_json::from_str(json).unwrap_or_else(|e| panic!("inline JSON broken ({e}): {json}")))
}

/// The rules every page obeys; `page` names it in failures.
fn assert_safe(page: &str, doc: &Html) {
    let elements = doc.tree.nodes().filter_map(ElementRef::wrap);
    for el in elements {
        let e = el.value();
        let name = e.name();
        assert!(
            !matches!(
                name,
                "iframe"
                    | "frame"
                    | "object"
                    | "embed"
                    | "applet"
                    | "form"
                    | "base"
                    | "svg"
                    | "math"
            ),
            "{page}: <{name}> element: {}",
            el.html()
        );
        for (attr, value) in e.attrs() {
            assert!(
                !attr.to_ascii_lowercase().starts_with("on"),
                "{page}: event handler attribute {attr}=\"{value}\" on <{name}>"
            );
            if matches!(
                attr,
                "href" | "src" | "action" | "formaction" | "xlink:href" | "data" | "poster"
            ) {
                assert!(
                    !is_script_url(value),
                    "{page}: script URL {attr}=\"{value}\" on <{name}>"
                );
            }
        }
        match name {
            "script" => {
                let text: String = el.text().collect();
                match e.attr("src") {
                    Some(src) => {
                        assert!(
                            src.starts_with("assets/") && text.trim().is_empty(),
                            "{page}: foreign script src=\"{src}\""
                        );
                    }
                    None if inline_json(&text).is_some() => {}
                    // The theme's own code, inlined into runbooks.
                    None => assert!(
                        !text.contains("alert("),
                        "{page}: a payload runs as a script: {text}"
                    ),
                }
            }
            "style" => {
                let text: String = el.text().collect();
                assert!(!text.contains("alert("), "{page}: a payload in <style>");
            }
            // A runbook's own Content-Security-Policy (themes/default/runbook.html) only
            // takes power away; any other `http-equiv` (a refresh) is a payload.
            "meta" => assert!(
                e.attr("http-equiv").is_none()
                    || (page.starts_with("runbooks/")
                        && e.attr("http-equiv") == Some("Content-Security-Policy")
                        && e.attr("content")
                            .is_some_and(|c| c.starts_with("default-src 'none';"))),
                "{page}: <meta http-equiv>"
            ),
            _ => {}
        }
    }
}

/// What `assets/toc.js` writes into every page's sidebar, as an HTML fragment.
fn toc_fragment(site: &Path) -> Html {
    let js = read(&site.join("assets/toc.js"));
    let start = js
        .find("box.innerHTML = ")
        .expect("toc.js sets the sidebar")
        + 16;
    let end = start + js[start..].find(";\n").expect("end of the statement");
    let html: String = serde_json::from_str(&js[start..end]).expect("toc.js holds one JSON string");
    Html::parse_fragment(&html)
}

fn count(doc: &Html, selector: &str) -> usize {
    doc.select(&Selector::parse(selector).expect("selector"))
        .count()
}

fn texts_of(doc: &Html, selector: &str) -> Vec<String> {
    doc.select(&Selector::parse(selector).expect("selector"))
        .map(|e| e.text().collect())
        .collect()
}

#[test]
fn hostile_content_is_inert_in_every_page() {
    let (_tmp, site) = build("");
    let pages = html_files(&site);
    for must in [
        "index.html",
        "xss.html",
        "hostile.html",
        "references.html",
        "print.html",
        "404.html",
        "runbooks/linux-new.html",
    ] {
        assert!(
            pages.contains(&PathBuf::from(must)),
            "{must} not built: {pages:?}"
        );
    }
    for page in &pages {
        let doc = Html::parse_document(&read(&site.join(page)));
        assert_safe(&page.display().to_string(), &doc);
    }
    let toc = toc_fragment(&site);
    assert_safe("assets/toc.js", &toc);
    assert!(
        visible_text(&toc).contains("Chapter <img src=x onerror=alert('chapter-title')>"),
        "{}",
        visible_text(&toc)
    );

    // The payloads written in plain-text fields are still there, as text a reader can see.
    let xss = Html::parse_document(&read(&site.join("xss.html")));
    let text = visible_text(&xss);
    for shown in [
        "Title </script><script>alert('procedure-title')</script> \"><svg onload=alert('procedure-title-2')>",
        "Section <script>alert('section-title')</script>",
        "Step '\"><img src=x onerror=alert('step-title')> </script>",
        "echo \"</script><script>alert('cmd')</script>\" {{ 7*7 }}",
        "curl \"javascript:alert('cmd-2')\" '\"><svg onload=alert(1)>'",
        "</pre><script>alert('cmd-output')</script>",
        "[<img src=x onerror=alert('gui')>]",
        "<script>alert('process')</script>",
        "New </script><script>alert('variant-label')</script>",
        "Branch \"><script>alert('branch-label')</script>",
        "Manual <script>alert('ref-title')</script>",
        "<b onmouseover=alert('ph-unfilled')>host</b>",
        // Template syntax in content is content: never evaluated.
        "Template {{ book.title }} and {% if true %}x{% endif %}.",
        "Reused body for from: {% raw %}",
        // Markdown that is not HTML by CommonMark's rules stays text.
        "Body <img src=x onerror=alert('step-body')> on",
    ] {
        assert!(text.contains(shown), "xss.html does not show `{shown}`:\n{text}");
    }
    // Raw HTML in Markdown: the script and its text are gone, the harmless markup stays.
    for gone in ["alert('intro')", "alert('note')", "alert('chapter-intro')"] {
        assert!(!text.contains(gone), "xss.html still says `{gone}`");
    }
    assert_eq!(texts_of(&xss, "kbd"), ["Ctrl", "C"]);
    assert_eq!(texts_of(&xss, "sub"), ["2"]);
    // The section intro's `<div onclick>` keeps its content, not its handler.
    assert_eq!(texts_of(&xss, "h2#sec-prep ~ div > b"), ["intro"]);
    // The placeholder's label is an attribute value, whole.
    let titles: Vec<&str> = xss
        .select(&Selector::parse("span.ph").unwrap())
        .filter_map(|e| e.value().attr("title"))
        .collect();
    assert!(
        titles.contains(&"Host \"><img src=x onerror=alert('ph-label')>"),
        "{titles:?}"
    );
    // The link title written by hand stays one attribute.
    let link_titles: Vec<&str> = xss
        .select(&Selector::parse("a.xref").unwrap())
        .filter_map(|e| e.value().attr("title"))
        .collect();
    assert_eq!(link_titles, ["\"><script>alert('link-title')</script>"]);

    // Book-wide strings: the page title, the home page, the picker's JSON.
    let index = Html::parse_document(&read(&site.join("index.html")));
    assert_eq!(
        texts_of(&index, "title"),
        ["Hostile <script>alert('book-title')</script> {{ 7*7 }}"]
    );
    let text = visible_text(&index);
    for shown in [
        "\"><img src=x onerror=alert('description')>",
        "Linux new </script><script>alert('profile-label')</script>",
        "</title><script>alert('edition')</script>",
    ] {
        assert!(
            text.contains(shown),
            "index.html does not show `{shown}`:\n{text}"
        );
    }
    let config = index
        .select(&Selector::parse("script:not([src])").unwrap())
        .find_map(|s| inline_json(&s.text().collect::<String>()))
        .expect("window.TEJUN");
    assert!(
        config
            .to_string()
            .contains("OS </script><script>alert('facet-label')</script>"),
        "{config}"
    );

    // References: a `javascript:` URL loses its link, the title stays.
    let refs = Html::parse_document(&read(&site.join("references.html")));
    assert!(visible_text(&refs).contains("Manual <script>alert('ref-title')</script>"));
    assert!(visible_text(&refs).contains("Site '\" onmouseover=\"alert('ref-title-2')"));

    // The runbook (one self-contained file) and the print page carry the same text.
    for page in ["runbooks/linux-new.html", "print.html"] {
        let doc = Html::parse_document(&read(&site.join(page)));
        let text = visible_text(&doc);
        assert!(
            text.contains("Step '\"><img src=x onerror=alert('step-title')> </script>"),
            "{page}: {text}"
        );
        assert!(
            text.contains("echo \"</script><script>alert('cmd')</script>\""),
            "{page}"
        );
        let kbd = texts_of(&doc, "kbd");
        assert!(
            kbd.ends_with(&["Ctrl".to_string(), "C".to_string()]),
            "{page}: {kbd:?}"
        );
    }
    let runbook = Html::parse_document(&read(&site.join("runbooks/linux-new.html")));
    let json: Vec<serde_json::Value> = runbook
        .select(&Selector::parse("script:not([src])").unwrap())
        .filter_map(|s| inline_json(&s.text().collect::<String>()))
        .collect();
    assert_eq!(json.len(), 2, "TEJUN_RUNBOOK and TEJUN");
    assert!(json.iter().any(|j| j
        .to_string()
        .contains("Linux new </script><script>alert('profile-label')</script>")));
}

/// `[output] allow_html = true` is the writer's own choice: raw HTML goes out as written
/// (Markdown script links are still neutralised). By default `<kbd>` stays and `<script>`
/// goes. `allow_raw_html`, the option's older name, means the same.
#[test]
fn allow_html_opts_out_of_sanitising() {
    let (_a, default) = build("");
    let (_b, allowed) = build("[output]\nallow_html = true");
    let (_c, alias) = build("[output]\nallow_raw_html = true");
    let page = |site: &Path| Html::parse_document(&read(&site.join("xss.html")));
    let (default, allowed_doc) = (page(&default), page(&allowed));
    assert_eq!(texts_of(&default, "kbd"), ["Ctrl", "C"]);
    assert_eq!(texts_of(&allowed_doc, "kbd"), ["Ctrl", "C"]);
    let raw_script = |doc: &Html| {
        texts_of(doc, "script")
            .iter()
            .any(|s| s.contains("alert('intro')"))
    };
    assert!(!raw_script(&default));
    assert!(raw_script(&allowed_doc));
    assert!(count(&allowed_doc, "iframe") == 1 && count(&default, "iframe") == 0);
    // Markdown images with script URLs are emptied either way.
    for doc in [&default, &allowed_doc] {
        let srcs: Vec<&str> = doc
            .select(&Selector::parse("img[alt^=an], img[alt=another]").unwrap())
            .filter_map(|e| e.value().attr("src"))
            .collect();
        assert_eq!(srcs, ["", ""]);
    }
    // The checks of the first test are not vacuous: this page fails them.
    let strict = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert_safe("xss.html with allow_html", &allowed_doc)
    }));
    assert!(strict.is_err(), "raw HTML passed the safety checks");
    assert_eq!(
        read(&allowed.join("xss.html")),
        read(&alias.join("xss.html")),
        "allow_raw_html is allow_html"
    );
}

/// `[x](javascript:…)` in Markdown is not rendered at all: `tejun check` refuses it.
#[test]
fn markdown_javascript_links_are_refused() {
    let book = Book::fixture("hostile");
    book.edit(
        "content/01-hostile/01-xss.toml",
        "Intro text:",
        "[go](  JavaScript:alert('md-link')) Intro text:",
    );
    let out = book.run(["build", "."]);
    let err = out.stderr();
    assert!(!out.status.success());
    assert!(err.contains("`javascript:` links are not allowed"), "{err}");
    assert!(!book.join("book").exists(), "nothing built");
}
