//! Procedures rendered one by one, in parallel. The print page and each runbook hold every
//! procedure of the book; one tera render of such a page runs on a single thread and walks
//! a context the size of the book, so they are assembled from `procedure_body.html`
//! fragments instead (the same template the procedure pages include).
//!
//! With a build cache ([`assemble`]) the file is the template's own text with each
//! fragment spliced in, and the cache records where each fragment lies, keyed by what the
//! fragment is made from: a rebuild renders only the fragments whose keys are new and
//! copies every other one out of the previous file.

use std::hash::BuildHasher as _;

use anyhow::{anyhow, bail, Result};
use rayon::prelude::*;
use tera::Context;

use super::procedure_html::Words;
use super::theme::{error_chain, Theme};
use super::view::ProcedureView;
use crate::output::{Fingerprint, Fingerprinter, Fragment, Lent, SharedOutput};

/// Procedures whose views are alive at once. A view holds every step's HTML and text, a
/// few times the fragment it renders to; making and rendering them a run at a time keeps
/// a book's worth of views (hundreds of megabytes at 5,000 procedures) from ever
/// existing, and a run is still plenty of work for every core.
const RUN: usize = 128;

/// `procedure_body.html` for each of `procedures`, with `base` (the strings `t`, and for a
/// runbook `runbook` and `rb_t`) plus `procedure` as its context (the same `words`, for
/// the default theme's fragments written in Rust). `view` makes the view
/// of each procedure, given its place in `procedures` (in parallel).
pub fn procedure_bodies<P: Sync>(
    theme: &Theme,
    base: &Context,
    words: Words<'_>,
    procedures: &[P],
    view: impl Fn(usize, &P) -> Result<ProcedureView> + Sync,
) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(procedures.len());
    for (r, run) in procedures.chunks(RUN).enumerate() {
        let views: Vec<ProcedureView> = run
            .par_iter()
            .enumerate()
            .map(|(i, p)| view(r * RUN + i, p))
            .collect::<Result<_>>()?;
        let bodies: Vec<String> = views
            .par_iter()
            .map(|p| {
                if theme.default_procedures {
                    let mut html = String::new();
                    super::procedure_html::procedure(p, words, false, &mut html);
                    return Ok(html);
                }
                let mut c = base.clone();
                c.insert("procedure", p);
                theme.tera.render("procedure_body.html", &c).map_err(|e| {
                    anyhow!(
                        "failed to render procedure `{}` with template `procedure_body.html`: {}",
                        p.head.id,
                        error_chain(&e)
                    )
                })
            })
            .collect::<Result<_>>()?;
        out.extend(bodies);
    }
    Ok(out)
}

/// A whole-book file to assemble: where it goes, and the key of each fragment in it.
pub struct Assembly<'a> {
    /// Its path in the site.
    pub path: &'a str,
    /// Its template, for messages and the file's key.
    pub template: &'a str,
    /// The theme's fingerprint.
    pub theme: Fingerprint,
    /// Each fragment's key, in the order the template shows them.
    pub keys: Vec<Fingerprint>,
    /// The key of everything the template renders around the fragments, when the caller
    /// knows it: the text between them is then taken from the previous file when that was
    /// made from the same, instead of the template being rendered again.
    pub outer: Option<Fingerprint>,
}

/// The text of an assembled file around its fragments: before the first, between each
/// two, after the last.
struct Around<'t> {
    pieces: Vec<std::borrow::Cow<'t, [u8]>>,
}

impl<'t> Around<'t> {
    /// `text` (the template rendered with `marks` where the fragments go) cut at the
    /// marks; `None` unless each mark is there exactly once, in order, and nothing else
    /// looks like one.
    fn cut(text: &'t str, marks: &[String], mark: &str) -> Option<Around<'t>> {
        let mut pieces = Vec::with_capacity(marks.len() + 1);
        let mut rest = text;
        for m in marks {
            let at = rest.find(m.as_str())?;
            pieces.push(&rest[..at]);
            rest = &rest[at + m.len()..];
        }
        pieces.push(rest);
        if pieces.iter().any(|p| p.contains(mark)) {
            return None;
        }
        Some(Around {
            pieces: pieces
                .into_iter()
                .map(|p| std::borrow::Cow::Borrowed(p.as_bytes()))
                .collect(),
        })
    }

    /// The pieces the previous build recorded under `keys`, read out of its file; `None`
    /// unless every one is there whole.
    fn lent(sink: &dyn SharedOutput, keys: &[Fingerprint]) -> Option<Around<'static>> {
        let mut files: Vec<(std::path::PathBuf, std::fs::File)> = Vec::new();
        let mut pieces = Vec::with_capacity(keys.len());
        for key in keys {
            let lent = sink.fragment(*key)?;
            let at = match files.iter().position(|(p, _)| *p == lent.file) {
                Some(at) => at,
                None => {
                    files.push((lent.file.clone(), std::fs::File::open(&lent.file).ok()?));
                    files.len() - 1
                }
            };
            let mut buf = Vec::new();
            if !lent.read(&files[at].1, &mut buf) {
                return None;
            }
            pieces.push(std::borrow::Cow::Owned(buf));
        }
        Some(Around { pieces })
    }
}

/// The key under which the piece `n` of a file's text around its fragments is recorded.
fn piece_key(a: &Assembly<'_>, outer: Fingerprint, n: usize) -> Fingerprint {
    let mut f = Fingerprinter::new();
    f.bytes(b"around the fragments")
        .fingerprint(a.theme)
        .bytes(a.template.as_bytes())
        .fingerprint(outer)
        .bytes(&(n as u64).to_le_bytes());
    f.finish()
}

/// Writes `a.path` into `sink`, which keeps a build cache. `outer` renders the file's
/// template with the given strings where the fragments go (one per key, in order);
/// `render` makes the fragments at the given positions. The file is the template's text
/// with each fragment in its place: a fragment whose key the previous build recorded is
/// copied from the previous file, the others are rendered; with `a.outer`, the text
/// around them is too (recorded as pieces under keys made from it), and `outer` is called
/// only when the previous file holds no such pieces. Returns `false`, having written
/// nothing, when the template does not show each fragment exactly once in order (a theme
/// may leave procedures out): the caller then renders the file whole.
pub fn assemble(
    sink: &dyn SharedOutput,
    a: Assembly<'_>,
    render: impl Fn(&[usize]) -> Result<Vec<String>>,
    outer: impl FnOnce(Vec<String>) -> Result<String>,
) -> Result<bool> {
    let piece_keys: Option<Vec<Fingerprint>> = a
        .outer
        .map(|o| (0..=a.keys.len()).map(|n| piece_key(&a, o, n)).collect());
    // Around pieces the previous build kept (the same outer key), the template is not
    // rendered at all.
    let kept = piece_keys
        .as_deref()
        .and_then(|keys| Around::lent(sink, keys));
    let text;
    let around = match kept {
        Some(around) => {
            crate::timing::note(&format!(
                "{}: the text around the fragments taken from the previous file",
                a.path
            ));
            around
        }
        None => {
            // A mark no book text can forge: it differs in every build.
            let nonce = std::collections::hash_map::RandomState::new().hash_one(a.path);
            let mark = format!("\u{1}tejun-fragment-{nonce:016x}-");
            let marks: Vec<String> = (0..a.keys.len())
                .map(|i| format!("{mark}{i}\u{1}"))
                .collect();
            text = outer(marks.clone())?;
            match Around::cut(&text, &marks, &mark) {
                Some(around) => around,
                None => return Ok(false),
            }
        }
    };
    let pieces = &around.pieces;
    let mut f = Fingerprinter::new();
    f.bytes(b"assembled")
        .fingerprint(a.theme)
        .bytes(a.template.as_bytes());
    match a.outer {
        // What the pieces are made from stands for them.
        Some(outer) => {
            f.fingerprint(outer);
            for key in &a.keys {
                f.fingerprint(*key);
            }
        }
        None => {
            for (piece, key) in pieces.iter().zip(&a.keys) {
                f.bytes(piece).fingerprint(*key);
            }
            f.bytes(pieces.last().map_or(&[][..], |p| p));
        }
    }
    let key = f.finish();
    if sink.reuse(a.path, key)? {
        return Ok(true);
    }
    // What the previous build lends is copied straight from its file as this one is
    // written (through one buffer, not a copy of the whole book in memory); the rest is
    // rendered first.
    let lent: Vec<Option<Lent>> = a.keys.iter().map(|k| sink.fragment(*k)).collect();
    let missing: Vec<usize> = (0..lent.len()).filter(|&i| lent[i].is_none()).collect();
    let made = render(&missing)?;
    if made.len() != missing.len() {
        bail!(
            "`{}`: {} fragments made for {} asked",
            a.path,
            made.len(),
            missing.len()
        );
    }
    let mut parts: Vec<Option<String>> = vec![None; lent.len()];
    for (i, text) in missing.into_iter().zip(made) {
        parts[i] = Some(text);
    }
    let mut places = Vec::with_capacity(parts.len() * 2 + 1);
    let mut files: Vec<(std::path::PathBuf, std::fs::File)> = Vec::new();
    let mut buf = Vec::new();
    sink.put_with(a.path, &mut |w| {
        let mut offset = 0u64;
        places.clear();
        for (i, (piece, key)) in pieces.iter().zip(&a.keys).enumerate() {
            w.write_all(piece)?;
            if let Some(k) = piece_keys.as_ref().and_then(|k| k.get(i)) {
                places.push(Fragment {
                    key: *k,
                    offset,
                    len: piece.len() as u64,
                });
            }
            offset += piece.len() as u64;
            let copied = match (&parts[i], &lent[i]) {
                (Some(text), _) => {
                    w.write_all(text.as_bytes())?;
                    Some(text.len() as u64)
                }
                (None, Some(from)) => {
                    let file = match files.iter().position(|(p, _)| *p == from.file) {
                        Some(at) => Some(&files[at].1),
                        None => std::fs::File::open(&from.file).ok().map(|f| {
                            files.push((from.file.clone(), f));
                            &files[files.len() - 1].1
                        }),
                    };
                    match file {
                        Some(file) if from.read(file, &mut buf) => {
                            w.write_all(&buf)?;
                            Some(from.len)
                        }
                        _ => None,
                    }
                }
                (None, None) => None,
            };
            // A lent fragment its file no longer holds whole is rendered after all.
            let len = match copied {
                Some(len) => len,
                None => {
                    let text = render(&[i])?.pop().unwrap_or_default();
                    w.write_all(text.as_bytes())?;
                    text.len() as u64
                }
            };
            places.push(Fragment {
                key: *key,
                offset,
                len,
            });
            offset += len;
        }
        let rest = pieces.last().map_or(&[][..], |p| p);
        w.write_all(rest)?;
        if let Some(k) = piece_keys.as_ref().and_then(|k| k.last()) {
            places.push(Fragment {
                key: *k,
                offset,
                len: rest.len() as u64,
            });
        }
        Ok(())
    })?;
    sink.record(a.path, key)?;
    sink.record_fragments(a.path, places);
    Ok(true)
}

/// `strings` as a tera context entry `key`, moved rather than copied: `Context::insert`
/// serialises a copy, and these are the fragments of a whole book.
pub fn insert_strings(c: &mut Context, key: &str, strings: Vec<String>) -> Result<()> {
    let list = strings.into_iter().map(serde_json::Value::String).collect();
    insert_value(c, key, serde_json::Value::Array(list))
}

/// `value` as the context entry `key`, moved rather than copied.
pub fn insert_value(c: &mut Context, key: &str, value: serde_json::Value) -> Result<()> {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), value);
    let moved = Context::from_value(serde_json::Value::Object(map)).map_err(|e| {
        anyhow!(
            "failed to build the context of `{key}`: {}",
            error_chain(&e)
        )
    })?;
    c.extend(moved);
    Ok(())
}
