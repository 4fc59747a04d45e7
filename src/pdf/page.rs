//! The print page made into the page Chromium prints: the site's `print.html` with
//! `pdf.css`, a title page, running headers and footers, and contents page numbers.
//!
//! Nothing here re-renders the book. What the PDF needs beyond the print page is added
//! around it: a `<style>` with `@page` rules (paper size; one named page per procedure,
//! whose top margin box carries the procedure's number and title; the page counter in
//! the footer), the cover before the print page's own title block (which `pdf.css`
//! hides), and links that give every bookmarked heading a destination ([`super::outline`]).

use std::collections::BTreeMap;

use crate::config::Paper;

/// What the printed pages say around the content.
#[derive(Debug, Clone)]
pub struct Layout {
    pub paper: Paper,
    /// Bottom left of every page but the cover.
    pub footer: String,
    /// `(procedure id, "number title")` in reading order.
    pub procedures: Vec<(String, String)>,
    /// Title page HTML.
    pub cover: String,
    /// Contents to add after the cover, when the page has none of its own (a runbook).
    pub contents: Option<String>,
    /// The bookmarks; the page links to each one's heading so it has a destination.
    pub outline: Vec<super::outline::Entry>,
}

/// The stylesheet `tejun pdf` adds after `print.css`; a book may override it by name.
pub const PDF_CSS: &str = include_str!("../../themes/default/pdf.css");

/// The page to print. `pages` maps contents anchors to page numbers (empty on the first
/// pass: the space for them is reserved either way, so adding them moves nothing).
pub fn assemble(print_html: &str, layout: &Layout, pages: &BTreeMap<String, u32>) -> String {
    let mut head = String::from("<link rel=\"stylesheet\" href=\"assets/pdf.css\">\n<style>\n");
    head.push_str(&page_rules(layout));
    for (anchor, page) in pages {
        head.push_str(&format!(
            ":root .print-toc.toc-main a[href=\"#{}\"]::after {{ content: \"{page}\"; }}\n",
            css_escape(anchor)
        ));
    }
    head.push_str("</style>\n");
    let html = insert_before(&without_policy(print_html), "</head>", &head);
    let front = format!(
        "{}{}",
        layout.cover,
        layout.contents.as_deref().unwrap_or("")
    );
    // Before the page's own title block (the print page's or the runbook's), which
    // pdf.css hides.
    let own_title = [
        "<header class=\"title-page\"",
        "<header class=\"runbook-header\"",
    ]
    .iter()
    .find_map(|m| html.find(m));
    let html = match own_title {
        Some(at) => format!("{}{front}{}", &html[..at], &html[at..]),
        None => insert_after_tag(&html, "<body", &front),
    };
    insert_before(
        &html,
        "</body>",
        &super::outline::dest_links(&layout.outline),
    )
}

/// A runbook's Content-Security-Policy forbids every load, `pdf.css` too; the copy Chromium
/// prints comes from a private folder, so it goes without the policy.
fn without_policy(html: &str) -> String {
    let marker = "<meta http-equiv=\"Content-Security-Policy\"";
    match html.find(marker) {
        Some(at) => {
            let end = html[at..].find('>').map_or(html.len(), |e| at + e + 1);
            format!("{}{}", &html[..at], &html[end..])
        }
        None => html.to_string(),
    }
}

/// The `href="#…"` targets of the print page's contents.
pub fn toc_anchors(print_html: &str) -> Vec<String> {
    let Some(start) = print_html.find("<nav class=\"toc-main print-toc") else {
        return Vec::new();
    };
    let rest = &print_html[start..];
    let toc = rest.find("</nav>").map_or(rest, |end| &rest[..end]);
    toc.split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

fn page_rules(layout: &Layout) -> String {
    let size = match layout.paper {
        Paper::A4 => "A4",
        Paper::Letter => "letter",
    };
    let mut css = format!(
        "@page {{ size: {size}; @bottom-left {{ content: {}; }} \
         @bottom-right {{ content: counter(page) \" / \" counter(pages); }} }}\n\
         @page tejun-cover {{ @top-left {{ content: none; }} @bottom-left {{ content: none; }} \
         @bottom-right {{ content: none; }} }}\n",
        css_string(&layout.footer)
    );
    for (i, (id, title)) in layout.procedures.iter().enumerate() {
        css.push_str(&format!(
            "@page tejun-p{i} {{ @top-left {{ content: {}; }} }}\n\
             article.procedure[data-procedure=\"{}\"], .print-group[data-opens=\"{}\"] {{ page: tejun-p{i}; }}\n",
            css_string(title),
            css_escape(id),
            css_escape(id)
        ));
    }
    css
}

/// A CSS string literal that cannot end the string or the `<style>` element.
fn css_string(s: &str) -> String {
    format!("\"{}\"", css_escape(s))
}

fn css_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3C "),
            '>' => out.push_str("\\3E "),
            '\n' => out.push_str("\\A "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn insert_before(html: &str, marker: &str, text: &str) -> String {
    match html.rfind(marker) {
        Some(at) => format!("{}{text}{}", &html[..at], &html[at..]),
        None => format!("{html}{text}"),
    }
}

/// After the end of the first `tag` (`<body class="…">`), or at the start.
fn insert_after_tag(html: &str, tag: &str, text: &str) -> String {
    let end = html
        .find(tag)
        .and_then(|at| html[at..].find('>').map(|e| at + e + 1))
        .unwrap_or(0);
    format!("{}{text}{}", &html[..end], &html[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            paper: Paper::Letter,
            footer: "Book \"1\"".into(),
            procedures: vec![("alpha-a".into(), "1.1 停止</style>".into())],
            cover: "<section class=\"tejun-cover\">C</section>".into(),
            contents: None,
            outline: vec![super::super::outline::Entry {
                title: "1 A".into(),
                dest: "p-alpha-a".into(),
                children: Vec::new(),
            }],
        }
    }

    const PRINT: &str = "<html><head><title>t</title></head><body class=\"page-print\"><main>\
<header class=\"title-page\"><h1>t</h1></header>\
<nav class=\"toc-main print-toc\"><a href=\"#p-alpha-a\">1</a><a href=\"#ch-x\">2</a></nav>\
<a href=\"#p-other\">x</a></main></body></html>";

    #[test]
    fn cover_goes_before_the_title_block_and_styles_into_the_head() {
        let pages = BTreeMap::from([("p-alpha-a".to_string(), 3)]);
        let html = assemble(PRINT, &layout(), &pages);
        let cover = html.find("tejun-cover\">C").unwrap_or(usize::MAX);
        let title = html.find("<header class=\"title-page\"").unwrap_or(0);
        assert!(cover < title);
        let head = &html[..html.find("</head>").unwrap_or(0)];
        assert!(head.contains("size: letter"));
        assert!(head.contains("toc-main a[href=\"#p-alpha-a\"]::after { content: \"3\"; }"));
        assert!(head.contains("content: \"Book \\\"1\\\"\""));
        // A title cannot close the style element.
        assert!(!head.contains("停止</style>"));
        // Every bookmark's heading is linked, so Chromium gives it a destination.
        assert!(html.contains("<a href=\"#p-alpha-a\" tabindex=\"-1\">"));
    }

    #[test]
    fn contents_anchors_come_from_the_contents_only() {
        assert_eq!(toc_anchors(PRINT), vec!["p-alpha-a", "ch-x"]);
    }
}
