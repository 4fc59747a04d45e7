//! The typed parts of a step as data for the theme: commands with their prompt and
//! output, GUI menu paths, process checklists, 補足/注意 callouts, the
//! 「手順は…を参照してください。」 references and variants. The theme writes their markup
//! (`step_body.html`, `part.html`, `variant.html`, `parts/<kind>.html`), which
//! [`Bodies::render`] renders once per distinct body and build; the plain text the search
//! index reads is made here from the same data, never from markup.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Result};
use serde::Serialize;
use tera::Context;

use super::html::{placeholders_text, segments, segments_owned, Ctx, Segment};
use super::i18n::Strings;
use super::labels::{self, Badges};
use super::markdown;
use super::theme::{error_chain, Theme};
use crate::model::{Expect, Part, PartKind, ProcessItem, Shell, Step, Variant};

/// A step's body: its own parts with its variants among them, as written.
#[derive(Debug, Hash, Serialize)]
pub struct Body<'a> {
    pub parts: Vec<PartView<'a>>,
    pub variants: Vec<VariantView<'a>>,
    /// How many of `parts` come before the variants.
    pub variants_at: usize,
}

/// A variant: a labelled block of parts.
#[derive(Debug, Hash, Serialize)]
pub struct VariantView<'a> {
    pub when: Option<String>,
    /// The book's label, or else the condition in words (and then no badges); empty for
    /// an unlabelled variant the environment settles.
    pub label: String,
    pub badges: Option<Badges>,
    pub parts: Vec<PartView<'a>>,
}

/// One part: its condition and what it holds.
#[derive(Debug, Hash, Serialize)]
pub struct PartView<'a> {
    pub when: Option<String>,
    pub badges: Option<Badges>,
    #[serde(flatten)]
    pub kind: PartData<'a>,
}

/// What a part holds, tagged `kind` for the theme.
#[derive(Debug, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum PartData<'a> {
    /// Rendered Markdown, cut at its placeholders.
    Text {
        html: Vec<Segment<'a>>,
    },
    Cmd {
        shell: &'a str,
        prompt: &'a str,
        /// Each line cut at its placeholders.
        lines: Vec<Vec<Segment<'a>>>,
        /// For each line, whether a command starts there (and so it shows the prompt).
        starts: Vec<bool>,
        /// The expected output, trailing blanks trimmed, cut at its placeholders.
        output: Option<Vec<Segment<'a>>>,
    },
    Gui {
        entries: Vec<Vec<Segment<'a>>>,
    },
    Processes {
        expect: &'static str,
        items: Vec<ProcessView<'a>>,
    },
    /// Rendered Markdown.
    Note {
        html: String,
    },
    Caution {
        html: String,
    },
    Refs {
        refs: Vec<RefLink<'a>>,
    },
}

#[derive(Debug, Hash, Serialize)]
pub struct ProcessView<'a> {
    pub name: &'a str,
    pub when: Option<String>,
    pub badges: Option<Badges>,
}

/// An entry of the book's references, as a link.
#[derive(Debug, Hash, Serialize)]
pub struct RefLink<'a> {
    pub href: String,
    pub title: &'a str,
}

/// A step's body as data for the theme, and the plain text the search index reads.
pub fn step_body<'a>(ctx: &Ctx<'a>, owner: &str, step: &'a Step) -> (Body<'a>, String) {
    let mut text = String::new();
    let (before, after) = step.parts.split_at(step.variants_at.min(step.parts.len()));
    let mut parts = parts(ctx, owner, before, &mut text);
    let variants_at = parts.len();
    let variants = step
        .variants
        .iter()
        .map(|v| variant(ctx, owner, v, &mut text))
        .collect();
    parts.extend(self::parts(ctx, owner, after, &mut text));
    (
        Body {
            parts,
            variants,
            variants_at,
        },
        text,
    )
}

/// The step bodies a build has rendered, by their data. A body's HTML is a function of
/// its data: most steps read the same on their page, on the print page and in every
/// runbook (only links and the environment's variants change them), and a tera render
/// of a body costs about ten times the `format!` strings it replaced, so each distinct
/// body is rendered once per build.
#[derive(Default)]
pub struct BodyCache {
    rendered: Mutex<HashMap<Key, Arc<str>>>,
    /// Seeded at random per build, so not even a book written to collide can.
    seed: RandomState,
}

/// A body's hash and length in bytes. Two of a book's bodies share a 64-bit hash by chance
/// about once in 10^9 builds of 100,000 distinct bodies, and then they must also be
/// equally long.
type Key = (u64, u64);

impl BodyCache {
    fn key(&self, body: &Body) -> Key {
        let mut hasher = Buffered {
            inner: self.seed.build_hasher(),
            buffer: [0; 256],
            len: 0,
            bytes: 0,
        };
        body.hash(&mut hasher);
        (hasher.finish(), hasher.bytes)
    }

    fn get(&self, key: &Key) -> Option<Arc<str>> {
        self.lock().get(key).cloned()
    }

    fn insert(&self, key: Key, html: &str) {
        self.lock().insert(key, Arc::from(html));
    }

    /// The map, even if a thread panicked holding it: entries are inserted whole.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Arc<str>>> {
        self.rendered.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A hasher fed in blocks, counting the bytes it was given. A body hashes as many short
/// writes (each field, each string's end), and SipHash pays for every call.
struct Buffered<H> {
    inner: H,
    buffer: [u8; 256],
    len: usize,
    bytes: u64,
}

impl<H: Hasher + Clone> Hasher for Buffered<H> {
    fn write(&mut self, bytes: &[u8]) {
        self.bytes += bytes.len() as u64;
        if self.len + bytes.len() > self.buffer.len() {
            self.inner.write(&self.buffer[..self.len]);
            self.len = 0;
        }
        if bytes.len() > self.buffer.len() {
            self.inner.write(bytes);
        } else {
            self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
        }
    }

    fn finish(&self) -> u64 {
        let mut inner = self.inner.clone();
        inner.write(&self.buffer[..self.len]);
        inner.finish()
    }
}

/// How a view's steps are rendered: the theme, the bodies the build has rendered so far,
/// and whether each step carries a hash of its content (runbooks: `data-hash`).
#[derive(Clone, Copy)]
pub struct StepMarkup<'t> {
    pub theme: &'t Theme,
    pub cache: &'t BodyCache,
    pub hashed: bool,
}

/// Renders step bodies with the theme's `step_body.html`. One per procedure: the site's
/// words go into the context once, and each step's body replaces the last one's.
pub struct Bodies<'t> {
    markup: StepMarkup<'t>,
    context: Context,
    t: &'t Strings,
}

impl<'t> Bodies<'t> {
    /// Bodies rendered as `markup` says, with the site's words `t`.
    pub fn new(markup: StepMarkup<'t>, t: &'t Strings) -> Self {
        let mut context = Context::new();
        if !markup.theme.default_bodies {
            context.insert("t", t);
        }
        Bodies { markup, context, t }
    }

    /// Whether steps carry their hash.
    pub fn hashed(&self) -> bool {
        self.markup.hashed
    }

    /// The HTML of `body`, a step of procedure `procedure`.
    pub fn render(&mut self, procedure: &str, body: &Body) -> Result<String> {
        if self.markup.theme.default_bodies {
            // Written as fast as the cache would be looked up: nothing to keep.
            let mut html = String::new();
            super::body_html::body(body, self.t, &mut html);
            return Ok(html);
        }
        let cache = self.markup.cache;
        let key = cache.key(body);
        if let Some(html) = cache.get(&key) {
            return Ok(html.to_string());
        }
        self.context.insert("body", body);
        let html = self
            .markup
            .theme
            .tera
            .render("step_body.html", &self.context)
            .map_err(|e| {
                anyhow!(
                    "failed to render a step of procedure `{procedure}` with template \
                     `step_body.html`: {}",
                    error_chain(&e)
                )
            })?;
        cache.insert(key, &html);
        Ok(html)
    }
}

fn variant<'a>(ctx: &Ctx<'a>, owner: &str, v: &'a Variant, text: &mut String) -> VariantView<'a> {
    let (label, badges) = labels::variant(v.label.as_deref(), &v.when, ctx.config());
    push_text(text, &label);
    VariantView {
        when: labels::when(Some(&v.when)),
        label,
        badges,
        parts: parts(ctx, owner, &v.parts, text),
    }
}

fn parts<'a>(
    ctx: &Ctx<'a>,
    owner: &str,
    parts: &'a [Part],
    text: &mut String,
) -> Vec<PartView<'a>> {
    parts
        .iter()
        .map(|p| {
            let (kind, plain) = part(ctx, owner, &p.kind);
            push_text(text, &plain);
            PartView {
                when: labels::when(p.when.as_deref()),
                badges: labels::badges(p.when.as_deref(), ctx.config()),
                kind,
            }
        })
        .collect()
}

fn push_text(acc: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    if !acc.is_empty() {
        acc.push('\n');
    }
    acc.push_str(s);
}

/// One part's data and plain text.
fn part<'a>(ctx: &Ctx<'a>, owner: &str, kind: &'a PartKind) -> (PartData<'a>, String) {
    let t = ctx.t();
    match kind {
        PartKind::Text(md) => prose(ctx, owner, md),
        PartKind::Command {
            shell,
            lines,
            output,
        } => command(ctx, shell, lines, output.as_deref()),
        PartKind::Gui(entries) => (
            PartData::Gui {
                entries: entries.iter().map(|e| segments(ctx.config(), e)).collect(),
            },
            entries.join(" → "),
        ),
        PartKind::Processes { expect, items } => processes(ctx, *expect, items),
        PartKind::Note(md) => {
            let r = markdown::render(ctx, owner, md);
            let text = format!("{}: {}", t.note, r.text);
            (PartData::Note { html: r.html }, text)
        }
        PartKind::Caution(md) => {
            let r = markdown::render(ctx, owner, md);
            let text = format!("{}: {}", t.caution, r.text);
            (PartData::Caution { html: r.html }, text)
        }
        PartKind::Refs(ids) => refs(ctx, ids),
    }
}

fn prose<'a>(ctx: &Ctx<'a>, owner: &str, md: &str) -> (PartData<'a>, String) {
    let cfg = ctx.config();
    let r = markdown::render(ctx, owner, md);
    let text = placeholders_text(cfg, &r.text);
    let html = segments_owned(cfg, r.html);
    (PartData::Text { html }, text)
}

fn command<'a>(
    ctx: &Ctx<'a>,
    shell: &'a Shell,
    lines: &'a [String],
    output: Option<&'a str>,
) -> (PartData<'a>, String) {
    let cfg = ctx.config();
    let mut text = placeholders_text(cfg, &lines.join("\n"));
    if let Some(out) = output {
        push_text(&mut text, out);
    }
    let data = PartData::Cmd {
        shell: &shell.id,
        prompt: &shell.prompt,
        lines: lines.iter().map(|l| segments(cfg, l)).collect(),
        starts: shell.starts(lines),
        output: output.map(|o| segments(cfg, o.trim_end())),
    };
    (data, text)
}

fn processes<'a>(
    ctx: &Ctx<'a>,
    expect: Expect,
    items: &'a [ProcessItem],
) -> (PartData<'a>, String) {
    let t = ctx.t();
    let (expect, heading) = match expect {
        Expect::Absent => ("absent", &t.absent),
        Expect::Present => ("present", &t.present),
    };
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    let data = PartData::Processes {
        expect,
        items: items.iter().map(|i| process(ctx, i)).collect(),
    };
    (data, format!("{heading}: {}", names.join(" ")))
}

/// 「手順は…を参照してください。」: each reference's title and where it is described.
fn refs<'a>(ctx: &Ctx<'a>, ids: &'a [String]) -> (PartData<'a>, String) {
    let t = ctx.t();
    let refs: Vec<RefLink> = ids
        .iter()
        .map(|id| RefLink {
            href: ctx.ref_href(id),
            title: ctx
                .book
                .ext_ref(id)
                .map_or(id.as_str(), |r| r.title.as_str()),
        })
        .collect();
    let titles: Vec<&str> = refs.iter().map(|r| r.title).collect();
    let text = format!(
        "{}{}{}",
        t.refs_before,
        titles.join(&t.refs_sep),
        t.refs_after
    );
    (PartData::Refs { refs }, text)
}

fn process<'a>(ctx: &Ctx<'a>, item: &'a ProcessItem) -> ProcessView<'a> {
    ProcessView {
        name: &item.name,
        when: labels::when(item.when.as_ref()),
        badges: labels::badges(item.when.as_ref(), ctx.config()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Language;
    use std::borrow::Cow;

    fn text(html: &'static str) -> Body<'static> {
        Body {
            parts: vec![PartView {
                when: None,
                badges: None,
                kind: PartData::Text {
                    html: vec![Segment::Text(Cow::Borrowed(html))],
                },
            }],
            variants: Vec::new(),
            variants_at: 0,
        }
    }

    /// A theme whose step-body templates tera renders (not the default's own text), and
    /// the folder that holds it.
    fn rendered_by_tera() -> (Theme, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let part = include_str!("../../themes/default/part.html");
        std::fs::write(dir.path().join("part.html"), format!("{part}{{# mine #}}")).expect("write");
        let theme = Theme::load(Some(dir.path())).expect("the theme");
        assert!(!theme.default_bodies);
        (theme, dir)
    }

    #[test]
    fn equal_bodies_are_rendered_once_per_build() {
        let (theme, _dir) = rendered_by_tera();
        let cache = BodyCache::default();
        let markup = StepMarkup {
            theme: &theme,
            cache: &cache,
            hashed: false,
        };
        let mut bodies = Bodies::new(markup, &crate::words::Words::builtin(Language::En).site);
        let a = bodies.render("p", &text("<p>a</p>")).expect("render");
        assert_eq!(a, "<div class=\"part part-text\"><p>a</p></div>\n");
        assert_eq!(bodies.render("p", &text("<p>a</p>")).expect("render"), a);
        let b = bodies.render("p", &text("<p>b</p>")).expect("render");
        assert_eq!(b, "<div class=\"part part-text\"><p>b</p></div>\n");
        assert_eq!(cache.lock().len(), 2, "one entry per distinct body");
        // The default theme's bodies, written by Rust, read the same and keep nothing.
        let default = Theme::load(None).expect("the default theme");
        let cache = BodyCache::default();
        let markup = StepMarkup {
            theme: &default,
            cache: &cache,
            hashed: false,
        };
        let mut bodies = Bodies::new(markup, &crate::words::Words::builtin(Language::En).site);
        assert_eq!(bodies.render("p", &text("<p>a</p>")).expect("render"), a);
        assert_eq!(cache.lock().len(), 0);
    }
}
