//! Prose fields to HTML with pulldown-cmark, plus the book's own link forms: `#id` becomes
//! a link to the target's page and anchor (its number and title filling empty link text),
//! `ext:id` a link to the references page. Raw HTML is shown as text unless the book
//! allows it, and script URLs are never emitted. The same pass yields plain text for search.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::html::{esc, Ctx};
use crate::resolve::resolve_link;

/// Markdown rendered once: HTML for pages, plain text for the search index.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub text: String,
}

/// Renders `src`, written inside `owner` (a procedure or chapter id; relative links
/// resolve inside it).
pub fn render(ctx: &Ctx, owner: &str, src: &str) -> Rendered {
    if src.trim().is_empty() {
        return Rendered::default();
    }
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event> = Parser::new_ext(src, opts).collect();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut text = String::new();
    for (i, ev) in events.iter().enumerate() {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) if !ctx.config().allow_raw_html => {
                text.push_str(h);
                out.push(Event::Text(h.clone()));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let empty = matches!(events.get(i + 1), Some(Event::End(TagEnd::Link)));
                let link = link(ctx, owner, dest_url, *link_type);
                let mut tag = format!("<a href=\"{}\"", esc(&link.href));
                if let Some(number) = &link.number {
                    // A link whose text we fill already shows the number; paper needs no second.
                    let class = if empty { "xref xref-filled" } else { "xref" };
                    tag.push_str(&format!(
                        " class=\"{class}\" data-number=\"{}\"",
                        esc(number)
                    ));
                }
                if !title.is_empty() {
                    tag.push_str(&format!(" title=\"{}\"", esc(title)));
                }
                tag.push('>');
                out.push(Event::InlineHtml(tag.into()));
                if empty {
                    if let Some(fill) = link.fill {
                        text.push_str(&fill);
                        out.push(Event::Text(fill.into()));
                    }
                }
            }
            Event::End(TagEnd::Link) => out.push(Event::InlineHtml("</a>".into())),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => out.push(Event::Start(Tag::Image {
                link_type: *link_type,
                dest_url: if is_script_url(dest_url) {
                    CowStr::from("")
                } else {
                    dest_url.clone()
                },
                title: title.clone(),
                id: id.clone(),
            })),
            Event::Text(t) | Event::Code(t) => {
                text.push_str(t);
                out.push(ev.clone());
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => {
                if !text.ends_with(' ') && !text.is_empty() {
                    text.push(' ');
                }
                out.push(ev.clone());
            }
            other => out.push(other.clone()),
        }
    }
    let mut html_out = String::with_capacity(src.len() * 2);
    html::push_html(&mut html_out, out.into_iter());
    Rendered {
        html: html_out,
        text: text.trim().to_string(),
    }
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
    /// The target's number, for cross-references (printed after the link on paper).
    number: Option<String>,
    /// Text for a link written with empty text.
    fill: Option<String>,
}

fn link(ctx: &Ctx, owner: &str, dest: &str, _kind: LinkType) -> Link {
    if let Some(id) = dest.strip_prefix('#') {
        if let Some(t) = resolve_link(&ctx.book.targets, id, owner) {
            let number = t.number.to_string();
            let fill = if number.is_empty() {
                t.title.clone()
            } else {
                format!("{number} {}", t.title)
            };
            return Link {
                href: ctx.target_href(t),
                number: Some(number),
                fill: Some(fill),
            };
        }
        // Not a book id (the checker reports those): keep it as a local anchor.
        return plain(dest);
    }
    if let Some(id) = dest.strip_prefix("ext:") {
        return Link {
            href: ctx.ref_href(id),
            number: None,
            fill: ctx.book.ext_ref(id).map(|r| r.title.clone()),
        };
    }
    if is_script_url(dest) {
        return plain("#");
    }
    plain(dest)
}

fn plain(href: &str) -> Link {
    Link {
        href: href.to_string(),
        number: None,
        fill: None,
    }
}

/// URLs that run code when followed; never written into a page.
pub fn is_script_url(url: &str) -> bool {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    lower.starts_with("javascript:") || lower.starts_with("vbscript:") || lower.starts_with("data:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_urls_are_recognised_through_obfuscation() {
        assert!(is_script_url("javascript:alert(1)"));
        assert!(is_script_url(" JavaScript:alert(1)"));
        assert!(is_script_url("java\tscript:alert(1)"));
        assert!(!is_script_url("https://example.com/"));
    }
}
