//! A runbook is opened from disk, mailed, attached to a ticket: it must make no request.
//! Its Content-Security-Policy (in `runbook.html`) forbids every load but inline images;
//! this pass turns the images that policy would leave broken (remote, or a file beside the
//! page) into what a reader can still use: a link to a remote image, named by its alt
//! text, or the alt text alone. Inline `data:` images stay.
//!
//! The HTML comes from our own Markdown renderer (and ammonia, or the writer's raw HTML
//! with `allow_html`), so a small tag scanner is enough; what it cannot read stays as it
//! is, and the policy still blocks the load.

use std::borrow::Cow;

/// `html` with every `<img>` whose source is not a `data:` URL replaced.
pub fn images_as_links(html: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut done = 0;
    let mut from = 0;
    while let Some(at) = find_img(html, from) {
        from = at + 4;
        let Some(end) = tag_end(html, at) else {
            break;
        };
        let attrs = attributes(&html[at + 4..end]);
        let src = attr(&attrs, "src").unwrap_or("");
        if src.trim_start().to_ascii_lowercase().starts_with("data:") {
            continue;
        }
        out.push_str(&html[done..at]);
        out.push_str(&replacement(src, attr(&attrs, "alt").unwrap_or("")));
        done = end + 1;
        from = done;
    }
    if done == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[done..]);
    Cow::Owned(out)
}

/// A link for a remote image, else its alt text (or nothing).
fn replacement(src: &str, alt: &str) -> String {
    let src = src.trim();
    let lower = src.to_ascii_lowercase();
    let remote = ["http://", "https://"].iter().any(|p| lower.starts_with(p));
    let text = if alt.trim().is_empty() { src } else { alt };
    if remote {
        format!(
            "<a class=\"image-link\" href=\"{}\">{}</a>",
            attr_text(src),
            attr_text(text)
        )
    } else if alt.trim().is_empty() {
        String::new()
    } else {
        format!("<span class=\"image-alt\">{}</span>", attr_text(alt))
    }
}

/// An attribute's value as written (its character references left as they are, which
/// mean the same in text and in a quoted attribute), made safe for both.
fn attr_text(raw: &str) -> String {
    raw.replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The next `<img` tag opening at or after `from` (any case).
fn find_img(html: &str, from: usize) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut i = from;
    while let Some(off) = html.get(i..)?.find('<') {
        let at = i + off;
        let name = bytes.get(at + 1..at + 4)?;
        let next = bytes.get(at + 4).copied().unwrap_or(b'>');
        if name.eq_ignore_ascii_case(b"img")
            && (next.is_ascii_whitespace() || next == b'/' || next == b'>')
        {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// The `>` that closes the tag opening at `start`, outside quoted values.
fn tag_end(html: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, b) in html.bytes().enumerate().skip(start) {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The attributes of a tag's inside (after its name): `(lower-case name, raw value)`.
fn attributes(inside: &str) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    let mut rest = inside;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/' || c == '>')
            .unwrap_or(rest.len());
        if name_len == 0 {
            return out;
        }
        let name = rest[..name_len].to_ascii_lowercase();
        rest = rest[name_len..].trim_start();
        let Some(after_eq) = rest.strip_prefix('=') else {
            out.push((name, ""));
            continue;
        };
        rest = after_eq.trim_start();
        let (value, tail) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let body = &rest[1..];
                let close = body.find(q).unwrap_or(body.len());
                (&body[..close], body.get(close + 1..).unwrap_or(""))
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        out.push((name, value));
        rest = tail;
    }
}

fn attr<'a>(attrs: &[(String, &'a str)], name: &str) -> Option<&'a str> {
    attrs.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
}

#[cfg(test)]
mod tests {
    use super::images_as_links;

    #[test]
    fn remote_images_become_links_and_inline_ones_stay() {
        let html =
            "<p>See <img src=\"https://x.example/a.png\" alt=\"the diagram\" title=\"T\" />.</p>\
                    <p><IMG SRC='data:image/png;base64,AA==' alt=x></p>";
        assert_eq!(
            images_as_links(html),
            "<p>See <a class=\"image-link\" href=\"https://x.example/a.png\">the diagram</a>.</p>\
             <p><IMG SRC='data:image/png;base64,AA==' alt=x></p>"
        );
    }

    #[test]
    fn local_images_keep_their_alt_text_only() {
        assert_eq!(
            images_as_links("<img src=\"pics/a.png\" alt=\"a &amp; b\">"),
            "<span class=\"image-alt\">a &amp; b</span>"
        );
        assert_eq!(images_as_links("<img src=pics/a.png>"), "");
    }

    #[test]
    fn markup_in_an_alt_text_stays_text() {
        assert_eq!(
            images_as_links("<img alt='<script>\"x\"' src=\"//evil.example/a\">"),
            "<span class=\"image-alt\">&lt;script&gt;&quot;x&quot;</span>"
        );
        assert_eq!(
            images_as_links("<img src=\"javascript:alert(1)\" alt=\"\">"),
            "",
            "only http and https become links"
        );
    }

    #[test]
    fn other_tags_and_text_are_untouched() {
        let html = "<p>an <imgx> tag, <a href=\"x\">a link</a> and \"<img\" in text</p>";
        assert_eq!(images_as_links(html), html);
    }
}
