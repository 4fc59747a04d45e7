//! What the book's prose (its Markdown fields) may be, for the checker (`resolve`) and
//! the renderer alike, so both read the same tree and refuse the same things.
//!
//! A field's elements nest at most [`MAX_NESTING`] deep ([`Nesting`], checked by
//! `tejun check` with the field's links): pulldown-cmark itself is iterative, but the
//! sanitiser's HTML5 tree builder is quadratic in the depth of open elements (100,000
//! nested `<div>`s took three minutes) and browsers flatten deep trees their own way.

use pulldown_cmark::{Event, Options, Parser};

/// The Markdown extensions every prose field is read with, by the renderer and the checker
/// alike, so both see the same tree.
pub const OPTIONS: Options = Options::ENABLE_TABLES.union(Options::ENABLE_STRIKETHROUGH);

/// How deep the elements of one prose field may nest: Markdown's own (block quotes, lists
/// and items, emphasis, links, tables) and raw HTML's open tags counted together. A
/// procedure's deepest real text (a list in a list in a block quote, with emphasis) is
/// about ten.
pub const MAX_NESTING: usize = 64;

/// The depth of a field's elements, followed event by event.
#[derive(Debug, Default)]
pub struct Nesting {
    markdown: usize,
    /// The raw HTML elements open, innermost last (never more than [`MAX_NESTING`] + 1:
    /// the first one past the limit ends the check).
    raw: Vec<String>,
}

impl Nesting {
    /// Takes in the event found at `at` (its byte offset in the field); returns where the
    /// depth first passes [`MAX_NESTING`], if it does in this event.
    pub fn step(&mut self, ev: &Event, at: usize) -> Option<usize> {
        match ev {
            Event::Start(_) => self.markdown += 1,
            Event::End(_) => self.markdown = self.markdown.saturating_sub(1),
            Event::Html(h) | Event::InlineHtml(h) => return self.raw_html(h, at),
            _ => {}
        }
        (self.markdown + self.raw.len() > MAX_NESTING).then_some(at)
    }

    /// Follows the tags of a raw HTML chunk as an HTML parser would, roughly: an open tag
    /// goes one deeper unless it is void (`<br>`) or self-closed; a closing tag closes its
    /// own element and whatever is open inside it, and is ignored when no such element is
    /// open (as browsers ignore it, so `<div></x>` a thousand times nests a thousand deep).
    /// Tags a browser would close by itself (`<p>`, `<li>`) stay open here: the bound errs
    /// on the deep side.
    fn raw_html(&mut self, html: &str, at: usize) -> Option<usize> {
        const VOID: [&str; 14] = [
            "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
            "source", "track", "wbr",
        ];
        for (i, _) in html.match_indices('<') {
            let rest = &html[i + 1..];
            let (closing, rest) = match rest.strip_prefix('/') {
                Some(name) => (true, name),
                None => (false, rest),
            };
            if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                continue;
            }
            let name_len = rest
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .unwrap_or(rest.len());
            let name = rest[..name_len].to_ascii_lowercase();
            if closing {
                if let Some(open) = self.raw.iter().rposition(|n| *n == name) {
                    self.raw.truncate(open);
                }
                continue;
            }
            let self_closed = rest.find('>').is_some_and(|end| rest[..end].ends_with('/'));
            if VOID.contains(&name.as_str()) || self_closed {
                continue;
            }
            self.raw.push(name);
            if self.markdown + self.raw.len() > MAX_NESTING {
                return Some(at + i);
            }
        }
        None
    }
}

/// Where the elements of `src` first nest deeper than [`MAX_NESTING`] (a byte offset), as
/// `tejun check` finds it.
pub fn too_deep(src: &str) -> Option<usize> {
    let mut nesting = Nesting::default();
    Parser::new_ext(src, OPTIONS)
        .into_offset_iter()
        .find_map(|(ev, range)| nesting.step(&ev, range.start))
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
