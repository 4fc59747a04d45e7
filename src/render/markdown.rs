//! Prose fields to HTML with pulldown-cmark, plus the book's own link forms: `#id` becomes
//! a link to the target's page and anchor (its number and title filling empty link text),
//! `ext:id` a link to the references page. Raw HTML goes through an allow-list sanitiser
//! (ammonia) unless the book opts out with `[output] allow_html`, and script URLs are never
//! emitted. The same pass yields plain text for search.
//!
//! What any prose may be (the Markdown options, the nesting bound, script URLs) lives one
//! layer down, in [`crate::prose`], where the checker reads it too.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{html, CowStr, Event, LinkType, Parser, Tag, TagEnd};

use super::html::{esc, title_segments, Ctx, Segment};
use crate::model::find_target;
pub use crate::prose::{is_script_url, too_deep, Nesting, MAX_NESTING, OPTIONS};

/// [`render`] as a page of the site would, for callers outside the renderer: the fuzz
/// target `markdown` and tests.
pub fn render_for_page(book: &crate::model::Book, owner: &str, src: &str) -> Rendered {
    render(&Ctx::new(book, super::LinkMode::Pages), owner, src)
}

/// Markdown rendered once: HTML for pages, plain text for the search index.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// For the page.
    pub html: String,
    /// For the search index and snippets.
    pub text: String,
}

/// Renders `src`, written inside `owner` (a procedure or chapter id; relative links
/// resolve inside it).
pub fn render(ctx: &Ctx, owner: &str, src: &str) -> Rendered {
    walk(ctx, owner, src, true)
}

/// The plain text of `src` alone, as [`render`] gives it (the search index's: the words a
/// reader sees, empty cross-references filled with their target as the page fills them).
pub fn text(book: &crate::model::Book, owner: &str, src: &str) -> String {
    walk(&Ctx::new(book, super::LinkMode::Pages), owner, src, false).text
}

/// The one walk over a field's Markdown: links resolved once for both the HTML and the
/// text, so the page and the search index can never disagree about a link's words.
fn walk(ctx: &Ctx, owner: &str, src: &str, with_html: bool) -> Rendered {
    if src.trim().is_empty() {
        return Rendered::default();
    }
    if is_plain_paragraph(src) {
        return plain_paragraph(src, with_html);
    }
    walk_events(ctx, owner, src, with_html)
}

/// Whether `src` is one line of text that no Markdown rule reads as more than a paragraph
/// of itself: no line break, nothing a block may start with, no character that opens
/// inline syntax, escapes or an entity (`\ ` * _ [ ] < > & ~ |`), no control character, no
/// space at either end. Most steps are one such sentence; parsing each again for every
/// page, the print page and each runbook was a tenth of a full build.
fn is_plain_paragraph(src: &str) -> bool {
    let Some(first) = src.chars().next() else {
        return false;
    };
    if first.is_ascii_digit() || "#>-+*=_~`<|".contains(first) || src.trim().len() != src.len() {
        return false;
    }
    // Bytes, not characters: every mark is ASCII, and so is every control character but
    // C1's (U+0080..U+009F: 0xC2 then 0x80..0x9F).
    let bytes = src.as_bytes();
    !bytes.iter().enumerate().any(|(i, &b)| {
        b < 0x20
            || b == 0x7f
            || matches!(
                b,
                b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'&' | b'~' | b'|'
            )
            || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| (0x80..0xa0).contains(n)))
    })
}

/// What [`walk_events`] makes of a [`is_plain_paragraph`] text: the text in a paragraph.
fn plain_paragraph(src: &str, with_html: bool) -> Rendered {
    let html = if with_html {
        let mut html = String::with_capacity(src.len() + 8);
        html.push_str("<p>");
        html.push_str(src);
        html.push_str("</p>\n");
        html
    } else {
        String::new()
    };
    Rendered {
        html,
        text: src.to_string(),
    }
}

/// [`walk`] through pulldown-cmark's events.
fn walk_events(ctx: &Ctx, owner: &str, src: &str, with_html: bool) -> Rendered {
    let events: Vec<Event> = Parser::new_ext(src, OPTIONS).collect();
    // A field with raw HTML is sanitised as a whole once rendered: pulldown-cmark hands
    // `<kbd>`, the text and `</kbd>` over as separate events, so a tag alone cannot be
    // judged. Fields without any (nearly all of them) are left byte for byte as they were.
    let sanitise = !ctx.config().allow_raw_html
        && events
            .iter()
            .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut text = String::new();
    // Closing tags of the open links: `</a>`, or `</span>` for a cross-reference to
    // something this view (a runbook) leaves out, which has no anchor to point at.
    let mut closers: Vec<&str> = Vec::new();
    for (i, ev) in events.iter().enumerate() {
        match ev {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let empty = matches!(events.get(i + 1), Some(Event::End(TagEnd::Link)));
                let link = link(ctx, owner, dest_url, *link_type);
                let mut tag = if link.absent {
                    closers.push("</span>");
                    format!(
                        "<span class=\"xref-absent\" title=\"{}\"",
                        esc(&ctx.t().not_in_view)
                    )
                } else {
                    closers.push("</a>");
                    let open = if link.open { " data-fv-href" } else { "" };
                    format!("<a href=\"{}\"{open}", esc(&link.href))
                };
                if let (Some(number), false) = (&link.number, link.absent) {
                    // A link whose text we fill already shows the number; paper needs no second.
                    let class = if empty { "xref xref-filled" } else { "xref" };
                    tag.push_str(&format!(
                        " class=\"{class}\" data-number=\"{}\"",
                        esc(number)
                    ));
                }
                if !title.is_empty() && !link.absent {
                    tag.push_str(&format!(" title=\"{}\"", esc(title)));
                }
                tag.push('>');
                out.push(Event::InlineHtml(tag.into()));
                if empty {
                    if let Some(fill) = link.fill {
                        text.push_str(&fill);
                        match link.fill_values {
                            Some(values) => out.extend(filled_title(&link.number, values)),
                            None => out.push(Event::Text(fill.into())),
                        }
                    }
                }
            }
            Event::End(TagEnd::Link) => {
                out.push(Event::InlineHtml(closers.pop().unwrap_or("</a>").into()))
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Image {
                link_type: *link_type,
                // Facet values as in a link's address; an open one stays percent-encoded as
                // written, and picker.js fills it in (`img[src*="%5B%5B"]`).
                dest_url: if is_script_url(dest_url) {
                    CowStr::from("")
                } else if dest_url.contains("[[") {
                    address_values(ctx.config(), dest_url).0.into()
                } else {
                    dest_url.clone()
                },
                title: title.clone(),
                id: id.clone(),
            })),
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                text.push_str(t);
                out.push(ev.clone());
            }
            Event::SoftBreak => {
                text.push(' ');
                out.push(ev.clone());
            }
            Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                text.push('\n');
                out.push(ev.clone());
            }
            other => out.push(other.clone()),
        }
    }
    if !with_html {
        return Rendered {
            html: String::new(),
            text: text.trim().to_string(),
        };
    }
    let mut html_out = String::with_capacity(src.len() * 2);
    html::push_html(&mut html_out, out.into_iter());
    if sanitise {
        html_out = SANITISER.clean(&html_out).to_string();
    }
    Rendered {
        html: mark_values(ctx.config(), html_out),
        text: text.trim().to_string(),
    }
}

/// `html` with each facet value it shows (`[[to.minor]]`, in text or a code span) marked
/// for the picker, or written in where the view's environment gives it: every prose field
/// (introductions, notes, cautions, text) shows values alike. Link addresses hold theirs
/// percent-encoded already, so no use is left inside an attribute but one the writer put
/// in a title or alt text, which stays as written.
fn mark_values(config: &crate::config::Config, html: String) -> String {
    if !html.contains("[[") {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for (at, id) in crate::placeholder::uses(&html) {
        let Ok(crate::config::Use::Facet(f, part)) = config.use_of(id) else {
            continue;
        };
        if in_tag(&html[last..at]) {
            continue;
        }
        let (text, filled) = config.facet_text(f, part);
        out.push_str(&html[last..at]);
        out.push_str(&value_markup(&f.id, part.name(), &text, filled));
        last = at + id.len() + 4;
    }
    out.push_str(&html[last..]);
    out
}

/// Whether the end of `before` is inside a tag (an attribute's value).
fn in_tag(before: &str) -> bool {
    before.rfind('<') > before.rfind('>')
}

/// A facet value as the theme's `parts/value.html` marks it (`.fv[data-fv]`, which
/// picker.js fills in), for prose, which reaches the page as finished HTML.
fn value_markup(facet: &str, part: &str, text: &str, filled: bool) -> String {
    let filled = if filled { " fv-filled" } else { "" };
    let part = if part.is_empty() {
        String::new()
    } else {
        format!(" data-fv-part=\"{}\"", esc(part))
    };
    format!(
        "<span class=\"fv{filled}\" data-fv=\"{}\"{part}>{}</span>",
        esc(facet),
        esc(text)
    )
}

/// Renders a one-paragraph field without the surrounding `<p>`.
pub fn render_inline(ctx: &Ctx, owner: &str, src: &str) -> String {
    let r = render(ctx, owner, src).html;
    let trimmed = r.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => r,
    }
}

struct Link {
    href: String,
    /// The address shows a facet value the view leaves open: the picker fills it in.
    open: bool,
    /// A cross-reference to a target this view leaves out.
    absent: bool,
    /// The target's number, for cross-references (printed after the link on paper).
    number: Option<String>,
    /// Text for a link written with empty text.
    fill: Option<String>,
    /// The target's title cut at the facet values it shows, when it shows any: the fill
    /// marks them for the picker as a heading does.
    fill_values: Option<Vec<Segment<'static>>>,
}

/// A cross-reference's number and title, its facet values as the theme's
/// `parts/value.html` marks them (`.fv[data-fv]`, which picker.js fills in), since prose
/// reaches the page as finished HTML.
fn filled_title(number: &Option<String>, values: Vec<Segment<'static>>) -> Vec<Event<'static>> {
    let mut out = Vec::new();
    if let Some(n) = number.as_deref().filter(|n| !n.is_empty()) {
        out.push(Event::Text(format!("{n} ").into()));
    }
    for segment in values {
        out.push(match segment {
            Segment::Value(v) => {
                Event::InlineHtml(value_markup(&v.facet, v.part, &v.text, v.filled).into())
            }
            Segment::Text(t) => Event::Text(t.into_owned().into()),
            // Titles hold no placeholders (the resolver refuses them).
            Segment::Placeholder(p) => Event::Text(p.text.to_string().into()),
        });
    }
    out
}

fn link(ctx: &Ctx, owner: &str, dest: &str, _kind: LinkType) -> Link {
    if let Some(id) = dest.strip_prefix('#') {
        if let Some(t) = find_target(|k| ctx.book.targets.get(k).map(|t| &**t), id, owner) {
            let number = match &t.section {
                // A step of another procedure: its number alone would name a step here.
                Some(section) if t.procedure.as_deref() != Some(owner) => {
                    format!("{section} {} {}", ctx.t().step, t.number)
                }
                _ => t.number.to_string(),
            };
            let fill = if number.is_empty() {
                t.title.clone()
            } else {
                format!("{number} {}", t.title)
            };
            return Link {
                href: ctx.target_href(t),
                open: false,
                absent: t.absent,
                number: Some(number),
                fill: Some(fill),
                fill_values: title_segments(ctx.config(), t.title_source.as_deref()),
            };
        }
        // Not a book id (the checker reports those): keep it as a local anchor.
        return plain(dest);
    }
    if let Some(id) = dest.strip_prefix("ext:") {
        return Link {
            href: ctx.ref_href(id),
            open: false,
            absent: false,
            number: None,
            fill: ctx.book.ext_ref(id).map(|r| r.title.clone()),
            fill_values: None,
        };
    }
    if is_script_url(dest) {
        return plain("#");
    }
    let (href, open) = address_values(ctx.config(), dest);
    Link {
        open,
        ..plain(&href)
    }
}

/// An address with the facet values it shows (`https://…/[[to.minor]]/deb/`): each one the
/// view's environment gives, percent-encoded; an open one percent-encoded as written
/// (`%5B%5Bto.minor%5D%5D`), and `true`, so the page marks the link for the picker.
fn address_values(config: &crate::config::Config, dest: &str) -> (String, bool) {
    let open = std::cell::Cell::new(false);
    let href = crate::placeholder::fill(dest, &|id| match config.use_of(id).ok()? {
        crate::config::Use::Facet(f, part) => {
            let (text, filled) = config.facet_text(f, part);
            open.set(open.get() || !filled);
            Some(if filled {
                percent_encode(&text)
            } else {
                format!("%5B%5B{id}%5D%5D")
            })
        }
        crate::config::Use::Placeholder(_) => None,
    });
    (href, open.get())
}

/// `text` as one piece of a URL: every byte but the unreserved ones (RFC 3986) encoded.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn plain(href: &str) -> Link {
    Link {
        href: href.to_string(),
        open: false,
        absent: false,
        number: None,
        fill: None,
        fill_values: None,
    }
}

/// The allow-list raw HTML goes through: ammonia's defaults (formatting, tables, lists,
/// `<kbd>`, `<sub>`, `<br>`, links and images over safe schemes; never `<script>`, `on*`
/// attributes, `javascript:`/`vbscript:`/`data:` URLs, `<style>`, `<iframe>`, `<object>`,
/// `<form>` or `<svg>`), widened only by what this module itself writes into the same field:
/// cross-reference links (`class="xref"`, `data-number`), code blocks' `language-*` class
/// and table cells' `text-align`. Links get no `rel`, as the renderer's own links have none.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(None)
        // Elements whose content is code or markup, not prose: dropped with it.
        .clean_content_tags(HashSet::from([
            "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet",
            "noscript", "noembed", "noframes", "template", "textarea", "title", "xmp",
        ]))
        .add_tag_attributes("a", ["class", "data-number", "data-fv-href"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("span", ["class", "data-fv", "data-fv-part"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .filter_style_properties(HashSet::from(["text-align"]))
        .attribute_filter(|element, attribute, value| {
            if attribute != "class" {
                return Some(Cow::Borrowed(value));
            }
            let allowed = |c: &&str| match element {
                "a" => matches!(*c, "xref" | "xref-filled"),
                "span" => matches!(*c, "fv" | "fv-filled"),
                "code" => c.strip_prefix("language-").is_some_and(|l| {
                    !l.is_empty()
                        && l.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"+#._-".contains(&b))
                }),
                _ => false,
            };
            let kept: Vec<&str> = value.split_ascii_whitespace().filter(allowed).collect();
            (!kept.is_empty()).then(|| Cow::Owned(kept.join(" ")))
        });
    b
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Book;
    use crate::render::html::LinkMode;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut for a plain sentence writes what pulldown-cmark does, for text
        /// made of letters, CJK, spaces and every ASCII mark (those it refuses included).
        #[test]
        fn a_plain_paragraph_reads_as_pulldown_renders_it(
            src in "[a-zA-Z0-9 \u{80}-\u{a0}\u{3000}-\u{30ff}\u{4e00}-\u{4e20}!-/:-@\\[-`{-~\t\n]{1,40}",
            plain in "[a-zA-Z\u{3041}-\u{30ff}\u{4e00}-\u{4e20}][a-zA-Z0-9 \u{3000}-\u{30ff}\u{4e00}-\u{4e20}!-/:-@^{}]{0,40}",
        ) {
            let b = book(false);
            let ctx = Ctx::new(&b, LinkMode::Pages);
            for src in [src, plain] {
                if is_plain_paragraph(&src) {
                    let full = walk_events(&ctx, "beta", &src, true);
                    let fast = plain_paragraph(&src, true);
                    prop_assert_eq!(fast.html, full.html);
                    prop_assert_eq!(fast.text, full.text);
                }
            }
        }
    }

    #[test]
    fn what_a_plain_paragraph_is() {
        for plain in [
            "ログを確認してください",
            "Run it (twice): 2.5 s, done.",
            "a-b=c!",
        ] {
            assert!(is_plain_paragraph(plain), "{plain}");
        }
        for not in [
            "# title", "1. one", "- item", "a *b*", "a\nb", " a", "a ", "[x](#y)", "a & b", "x|y",
            "`c`", "a\\b", "<b>", "~~s~~", "a\u{85}b",
        ] {
            assert!(!is_plain_paragraph(not), "{not:?}");
        }
    }

    /// tests/fixtures/site-basic: procedures `alpha` (section `prep`) and `beta`, ref `manual`.
    fn book(allow_html: bool) -> Book {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site-basic");
        let (mut book, _) = crate::load_book(&root).unwrap_or_else(|_| panic!("fixture loads"));
        book.config.allow_raw_html = allow_html;
        book
    }

    fn html(book: &Book, src: &str) -> String {
        render(&Ctx::new(book, LinkMode::Pages), "beta", src).html
    }

    #[test]
    fn raw_html_is_sanitised_by_default() {
        let b = book(false);
        let out = html(
            &b,
            "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O<br>\n\
             <script>alert(1)</script><img src=x onerror=alert(2)>\
             <a href=\"javascript:alert(3)\" onclick=\"alert(4)\">x</a>\
             <a href=\"JaVa&#x09;ScRiPt:alert(5)\">y</a><a href=\"data:text/html,<b>\">z</a>\
             \"><svg onload=alert(6)><iframe src=x></iframe><style>p{}</style>\
             <form action=\"https://evil\"><input></form><object data=x></object>",
        );
        for kept in [
            "<kbd>Ctrl</kbd>+<kbd>C</kbd>",
            "H<sub>2</sub>O<br>",
            "<img src=\"x\">",
        ] {
            assert!(out.contains(kept), "{kept} in {out}");
        }
        let lower = out.to_ascii_lowercase();
        for gone in [
            "<script",
            "alert(1)",
            "onerror",
            "onclick",
            "javascript",
            "data:",
            "<svg",
            "onload",
            "<iframe",
            "<style",
            "<form",
            "action=",
            "<input",
            "<object",
        ] {
            assert!(!lower.contains(gone), "{gone} in {out}");
        }
    }

    #[test]
    fn sanitising_keeps_what_the_renderer_writes() {
        let b = book(false);
        let src =
            "See [](#alpha), [the prep](#alpha/prep \"Prep\") and [](ext:manual) <kbd>K</kbd>.\n\n\
                   | a | b |\n|:--|--:|\n| 1 | 2 |\n\n```sh\nls -l\n```\n\n![pic](img/a.png)\n";
        let out = html(&b, src);
        assert!(
            out.contains("<a href=\"alpha.html\" class=\"xref xref-filled\" data-number=\"1.1\">1.1 Alpha procedure</a>"),
            "{out}"
        );
        assert!(
            out.contains("<a href=\"alpha.html#sec-prep\" class=\"xref\" data-number=\"1.1.1\" title=\"Prep\">the prep</a>"),
            "{out}"
        );
        assert!(
            out.contains("<a href=\"references.html#ref-manual\">The Manual</a>"),
            "{out}"
        );
        assert!(
            out.contains("<th style=\"text-align:left\">a</th>"),
            "{out}"
        );
        assert!(
            out.contains("<td style=\"text-align:right\">2</td>"),
            "{out}"
        );
        assert!(
            out.contains("<code class=\"language-sh\">ls -l\n</code>"),
            "{out}"
        );
        assert!(out.contains("<img src=\"img/a.png\" alt=\"pic\">"), "{out}");
        assert!(!out.contains("rel="), "{out}");
        // Classes and styles a writer adds by hand are not the renderer's: dropped.
        let out = html(&b, "<a class=\"xref evil\" href=\"#x\">a</a><code class=\"hidden\">c</code><td style=\"position:fixed\">");
        assert!(
            out.contains("<a class=\"xref\" href=\"#x\">a</a><code>c</code>"),
            "{out}"
        );
        assert!(!out.contains("position"), "{out}");
    }

    #[test]
    fn fields_without_raw_html_are_not_reserialised() {
        let b = book(false);
        let src = "Say \"hi\" & [](#alpha) `a<b`";
        assert_eq!(html(&b, src), html(&book(true), src));
        assert!(
            html(&b, src).contains("Say \"hi\" &amp; <a"),
            "{}",
            html(&b, src)
        );
    }

    #[test]
    fn allow_html_writes_raw_html_as_it_is_but_never_script_urls_from_markdown() {
        let b = book(true);
        let out = html(&b, "<kbd>K</kbd><span onclick=\"x()\">s</span> [l](javascript:alert(1)) ![i](javascript:alert(2))");
        assert!(
            out.contains("<kbd>K</kbd><span onclick=\"x()\">s</span>"),
            "{out}"
        );
        assert!(!out.contains("javascript:"), "{out}");
    }

    #[test]
    fn markdown_script_links_are_neutralised_when_sanitising_too() {
        let b = book(false);
        let out = html(
            &b,
            "<kbd>K</kbd> [l](javascript:alert(1)) ![i](vbscript:x) [d](data:text/html,x)",
        );
        assert!(!out.contains("script:") && !out.contains("data:"), "{out}");
    }

    #[test]
    fn script_urls_are_recognised_through_obfuscation() {
        assert!(is_script_url("javascript:alert(1)"));
        assert!(is_script_url(" JavaScript:alert(1)"));
        assert!(is_script_url("java\tscript:alert(1)"));
        assert!(!is_script_url("https://example.com/"));
    }

    #[test]
    fn nesting_counts_markdown_and_raw_tags_together() {
        // A paragraph inside 63 block quotes is 64 deep; one more quote passes the limit.
        assert_eq!(
            too_deep(&format!("{}x", "> ".repeat(MAX_NESTING - 1))),
            None
        );
        assert_eq!(
            too_deep(&format!("{}x", "> ".repeat(MAX_NESTING))),
            Some(2 * 64)
        );
        // Inline raw HTML inside a paragraph: 63 open `<b>`s, then the 64th.
        let b = |n: usize| format!("{}x", "<b>".repeat(n));
        assert_eq!(too_deep(&b(MAX_NESTING - 1)), None);
        assert_eq!(too_deep(&b(MAX_NESTING)), Some(3 * 63));
        // Closed, void and self-closed tags do not pile up.
        let flat = "<kbd>K</kbd> <br> <img src=x> <span/> ".repeat(200);
        assert_eq!(too_deep(&flat), None);
        // A closing tag closes its own element (and what is open inside it), nothing else.
        assert_eq!(too_deep(&"<div></x>".repeat(100)), Some(9 * 63));
        assert_eq!(too_deep(&"<div><b><i></div>".repeat(100)), None);
        // Text that only looks like a tag is text.
        assert_eq!(too_deep(&"a < b <1 <!-- c --> ".repeat(200)), None);
    }
}
