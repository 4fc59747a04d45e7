//! HTML escaping, strings cut at their placeholders for the theme to mark, and the link
//! context every renderer shares: whether the page being made is one page of the site or
//! the single print page, which decides where links point.

use std::borrow::Cow;

use serde::Serialize;

use crate::config::{Config, Facet, Placeholder, Use, ValuePart};
use crate::model::{Book, Target};

use super::i18n::{strings, Strings};

/// Escapes text for element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc_into(&mut out, s);
    out
}

/// [`esc`], appended to `out`: runs without a character to escape are copied whole.
pub fn esc_into(out: &mut String, s: &str) {
    escape_into(out, s, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#39;"),
        _ => None,
    });
}

/// tera's autoescape of `{{ value }}` in an HTML template, appended to `out`: it also
/// writes `/` as an entity, and `'` as `&#x27;` (where [`esc`] writes `&#39;`).
pub fn tera_esc_into(out: &mut String, s: &str) {
    escape_into(out, s, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        b'/' => Some("&#x2F;"),
        _ => None,
    });
}

/// `s` with each ASCII byte `entity` names replaced by its entity.
fn escape_into(out: &mut String, s: &str, entity: impl Fn(u8) -> Option<&'static str>) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        if let Some(e) = entity(b) {
            out.push_str(&s[from..i]);
            out.push_str(e);
            from = i + 1;
        }
    }
    out.push_str(&s[from..]);
}

/// A piece of a string the reader may fill in: text, or a declared placeholder. The
/// theme writes the placeholder's markup (`parts.html`, `placeholder`), which
/// placeholders.js fills in.
#[derive(Debug, Clone, Hash, Serialize)]
#[serde(untagged)]
pub enum Segment<'a> {
    Text(Cow<'a, str>),
    Placeholder(PlaceholderView<'a>),
    Value(ValueView),
}

/// A facet's value where text shows it (`[[to.minor]]`): the environment's, or the facet's
/// label while the environment leaves it open (the site's picker then fills it in).
#[derive(Debug, Clone, Hash, Serialize)]
pub struct ValueView {
    /// The facet's id (`data-fv`).
    pub facet: String,
    /// Which part of the value (`minor`); empty for the value itself.
    pub part: &'static str,
    /// The value, or how the open facet reads.
    pub text: String,
    /// Whether `text` is a value.
    pub filled: bool,
}

/// A placeholder where it is used.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct PlaceholderView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    /// The value `--set` gave, or how the placeholder reads unfilled.
    pub text: &'a str,
    /// Whether `text` is a value.
    pub filled: bool,
}

/// `text` cut at its declared `[[id]]` uses; undeclared ones (which `tejun check` rejects)
/// stay text.
pub fn segments<'a>(config: &'a Config, text: &'a str) -> Vec<Segment<'a>> {
    cuts(config, text)
        .into_iter()
        .map(|cut| match cut {
            Cut::Text(range) => Segment::Text(Cow::Borrowed(&text[range])),
            Cut::Placeholder(p, _) => Segment::Placeholder(PlaceholderView::of(p)),
            Cut::Value(f, part) => Segment::Value(ValueView::of(config, f, part)),
        })
        .collect()
}

/// A title cut at the facet values it shows, for the heading that the site's picker fills
/// in; `None` when it shows none (placeholders cannot stand in titles).
pub fn title_segments(config: &Config, written: Option<&str>) -> Option<Vec<Segment<'static>>> {
    let written = written?;
    let out = cuts(config, written)
        .into_iter()
        .map(|cut| match cut {
            Cut::Value(f, part) => Segment::Value(ValueView::of(config, f, part)),
            Cut::Text(range) | Cut::Placeholder(_, range) => {
                Segment::Text(Cow::Owned(written[range].to_string()))
            }
        })
        .collect();
    Some(out)
}

/// [`segments`] of a string the caller gives away (rendered Markdown): moved whole into
/// its one segment when it uses no placeholder, as most do.
pub fn segments_owned(config: &Config, text: String) -> Vec<Segment<'_>> {
    let cuts = cuts(config, &text);
    if let [Cut::Text(_)] = cuts.as_slice() {
        return vec![Segment::Text(Cow::Owned(text))];
    }
    cuts.into_iter()
        .map(|cut| match cut {
            Cut::Text(range) => Segment::Text(Cow::Owned(text[range].to_string())),
            Cut::Placeholder(p, _) => Segment::Placeholder(PlaceholderView::of(p)),
            Cut::Value(f, part) => Segment::Value(ValueView::of(config, f, part)),
        })
        .collect()
}

enum Cut<'c> {
    Text(std::ops::Range<usize>),
    /// A placeholder and where its use is written.
    Placeholder(&'c Placeholder, std::ops::Range<usize>),
    Value(&'c Facet, ValuePart),
}

/// Where `text` is text and where it uses a declared placeholder or a facet's value; no
/// empty text.
fn cuts<'c>(config: &'c Config, text: &str) -> Vec<Cut<'c>> {
    let mut out = Vec::new();
    let mut last = 0;
    for (at, id) in crate::placeholder::uses(text) {
        let end = at + id.len() + 4;
        let cut = match config.use_of(id) {
            Ok(Use::Placeholder(p)) => Cut::Placeholder(p, at..end),
            Ok(Use::Facet(f, part)) => Cut::Value(f, part),
            Err(_) => continue,
        };
        if at > last {
            out.push(Cut::Text(last..at));
        }
        out.push(cut);
        last = end;
    }
    if last < text.len() {
        out.push(Cut::Text(last..text.len()));
    }
    out
}

impl<'a> PlaceholderView<'a> {
    fn of(p: &'a Placeholder) -> Self {
        PlaceholderView {
            id: &p.id,
            label: &p.label,
            text: p.value.as_deref().unwrap_or(&p.unfilled),
            filled: p.value.is_some(),
        }
    }
}

impl ValueView {
    fn of(config: &Config, facet: &Facet, part: ValuePart) -> Self {
        let (text, filled) = config.facet_text(facet, part);
        ValueView {
            facet: facet.id.clone(),
            part: part.name(),
            text,
            filled,
        }
    }
}

/// Plain text with placeholders as they read unfilled (`[リソースの名前]`) and facet values
/// as the book's environment shows them.
pub fn placeholders_text(config: &Config, text: &str) -> String {
    crate::placeholder::fill(text, &|id| match config.use_of(id).ok()? {
        Use::Placeholder(p) => Some(p.value.clone().unwrap_or_else(|| p.unfilled.clone())),
        Use::Facet(f, part) => Some(config.facet_text(f, part).0),
    })
}

/// Whether links point to other pages of the site or into the one print page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMode {
    /// The site's pages: each procedure its own page.
    Pages,
    /// The print page: the whole book in one page, anchors prefixed by their page.
    Print,
}

/// What a renderer needs besides the thing it renders.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub book: &'a Book,
    pub mode: LinkMode,
}

impl<'a> Ctx<'a> {
    pub fn new(book: &'a Book, mode: LinkMode) -> Self {
        Ctx { book, mode }
    }

    pub fn config(&self) -> &'a Config {
        &self.book.config
    }

    pub fn t(&self) -> &'a Strings {
        strings(&self.book.config)
    }

    /// The `id` attribute of an element: anchors are page-local on the site, and prefixed
    /// with their page on the print page, where every procedure shares one document.
    pub fn anchor(&self, page: &str, anchor: &str) -> String {
        match (self.mode, anchor.is_empty()) {
            (LinkMode::Pages, _) => anchor.to_string(),
            (LinkMode::Print, true) => format!("p-{page}"),
            (LinkMode::Print, false) => format!("p-{page}--{anchor}"),
        }
    }

    /// The `href` of a page (and optional anchor inside it).
    pub fn href(&self, page: &str, anchor: &str) -> String {
        match (self.mode, anchor.is_empty()) {
            (LinkMode::Pages, true) => format!("{page}.html"),
            (LinkMode::Pages, false) => format!("{page}.html#{anchor}"),
            (LinkMode::Print, _) => format!("#{}", self.anchor(page, anchor)),
        }
    }

    /// The title of target `key` cut at the facet values it shows, for every place that
    /// repeats it (contents, breadcrumbs, pager, links) to show the reader's values;
    /// `None` when it shows none.
    pub fn title_values(&self, key: &str) -> Option<Vec<Segment<'static>>> {
        title_segments(
            self.config(),
            self.book.targets.get(key)?.title_source.as_deref(),
        )
    }

    pub fn target_href(&self, t: &Target) -> String {
        self.href(&t.page, &t.anchor)
    }

    /// Where `ext:id` points: the entry on the references page.
    pub fn ref_href(&self, id: &str) -> String {
        match self.mode {
            LinkMode::Pages => format!("references.html#ref-{id}"),
            LinkMode::Print => format!("#ref-{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;

    fn config() -> Config {
        let text = "title = \"t\"\n[[placeholder]]\nid = \"host\"\nlabel = \"Host\"\n";
        Config::parse(text, 0, &mut Diagnostics::default()).expect("a valid book.toml")
    }

    fn shape(segments: &[Segment]) -> Vec<String> {
        segments
            .iter()
            .map(|s| match s {
                Segment::Text(t) => format!("text:{t}"),
                Segment::Placeholder(p) => format!("ph:{}:{}:{}", p.id, p.text, p.filled),
                Segment::Value(v) => format!("fv:{}.{}:{}:{}", v.facet, v.part, v.text, v.filled),
            })
            .collect()
    }

    #[test]
    fn facet_values_read_as_the_environment_gives_them() {
        let text = "title = \"t\"\n[[facet]]\nid = \"to\"\nlabel = \"Target\"\nkind = \"version\"\nknown = [\"v1.30\"]\n";
        let mut c = Config::parse(text, 0, &mut Diagnostics::default()).expect("a valid book.toml");
        let line = "repo [[to.minor]] of [[to]]; [[to.patch]]";
        assert_eq!(
            shape(&segments(&c, line)),
            [
                "text:repo ",
                "fv:to.minor:[Target]:false",
                "text: of ",
                "fv:to.:[Target]:false",
                "text:; ",
                "fv:to.patch:[Target]:false"
            ],
            "an open facet reads as its label"
        );
        c.env = crate::facet::parse_env(&c.facets, "to=v1.30").expect("an environment");
        assert_eq!(
            placeholders_text(&c, line),
            "repo v1.30 of v1.30; [Target]",
            "a part the version does not give stays open, never a made-up number"
        );
        assert_eq!(
            c.with_facets("Upgrade to [[to.major]] [[other]]"),
            "Upgrade to v1 [[other]]"
        );
    }

    #[test]
    fn strings_are_cut_at_declared_placeholders_only() {
        let mut c = config();
        assert_eq!(
            shape(&segments(&c, "ssh [[host]] [[other]] [[ -f x ]][[host]]")),
            [
                "text:ssh ",
                "ph:host:[Host]:false",
                "text: [[other]] [[ -f x ]]",
                "ph:host:[Host]:false"
            ]
        );
        assert!(segments(&c, "").is_empty());
        c.set_placeholders("host=db1").expect("a valid value");
        assert_eq!(
            shape(&segments_owned(&c, "<p>[[host]]</p>".to_string())),
            ["text:<p>", "ph:host:db1:true", "text:</p>"]
        );
        let plain = segments_owned(&c, "<p>none</p>".to_string());
        assert!(matches!(plain.as_slice(), [Segment::Text(Cow::Owned(t))] if t == "<p>none</p>"));
    }
}
