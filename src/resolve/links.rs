//! Cross-references (`[](#id)`) and external references (`[](ext:id)`, `refs = [...]`):
//! checked once every id is known, and turned into backlinks. The same pass over each
//! prose field checks how deep its elements nest (`prose::MAX_NESTING`).

use pulldown_cmark::{Event, Parser, Tag};
use rayon::prelude::*;

use crate::prose::{Nesting, MAX_NESTING, OPTIONS};

use super::Prose;
use crate::config::Use;
use crate::diagnostics::{Diagnostic, Diagnostics, FileId, SourceMap};
use crate::model::{Book, ExtRef, Target};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

fn lookup<'a>(targets: &'a impl Targets, dest: &str, owner: &str) -> Option<&'a Target> {
    crate::model::find_target(|k| targets.get(k), dest, owner)
}

/// The targets a link check resolves against: the book's map, or the dev server's view of
/// it with one procedure's targets replaced (`patch.rs`), which checks an edit without
/// copying the map or changing the book.
pub(crate) trait Targets {
    fn get(&self, key: &str) -> Option<&Target>;
    /// Every key, for the "did you mean" hint of a dangling link.
    fn keys(&self) -> Vec<&str>;
}

impl Targets for HashMap<String, Target> {
    fn get(&self, key: &str) -> Option<&Target> {
        HashMap::get(self, key)
    }

    fn keys(&self) -> Vec<&str> {
        HashMap::keys(self).map(String::as_str).collect()
    }
}

impl Targets for crate::model::TargetMap {
    fn get(&self, key: &str) -> Option<&Target> {
        HashMap::get(self, key).map(|t| &**t)
    }

    fn keys(&self) -> Vec<&str> {
        HashMap::keys(self).map(String::as_str).collect()
    }
}

/// The hint for a dangling `#id` written in `owner`: a section or step of another
/// procedure with exactly that id, written in full (`#proc/id`); else the nearest id, as
/// the writer would write it from `owner` (`#id` for its own, `#proc/id` for others); else
/// nothing, rather than a far-fetched guess.
fn did_you_mean(keys: &[&str], id: &str, owner: &str) -> Option<String> {
    let written = |k: &str| -> String {
        match k.strip_prefix(owner).and_then(|r| r.strip_prefix('/')) {
            Some(own) => own.to_string(),
            None => k.to_string(),
        }
    };
    let mut exact: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| k.rsplit_once('/').is_some_and(|(_, last)| last == id))
        .collect();
    exact.sort_unstable();
    if !exact.is_empty() {
        let list: Vec<String> = exact
            .iter()
            .take(3)
            .map(|k| format!("`#{}`", written(k)))
            .collect();
        let more = if exact.len() > 3 { " or another" } else { "" };
        return Some(format!(
            "`{id}` is a section or step of another procedure: did you mean {}{more}?",
            list.join(", ")
        ));
    }
    let limit = (id.chars().count() / 3).max(2);
    keys.iter()
        .map(|k| (super::steps::strsim_distance(&written(k), id), written(k)))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| format!("did you mean `#{k}`?"))
}

/// What one pass over a Markdown text finds: its link destinations, in order, and where
/// its elements first nest deeper than the renderer takes (a byte offset in the text).
/// What the link check reads of a Markdown text: each link's and image's address (`true`
/// for an image), and where the text first nests too deep, if it does.
pub(crate) type Scanned = (Vec<(String, bool)>, Option<usize>);

/// The links of `text` ([`Scanned`]).
pub(crate) fn scan(text: &str) -> Scanned {
    let mut dests = Vec::new();
    let mut nesting = Nesting::default();
    let mut too_deep = None;
    for (ev, range) in Parser::new_ext(text, OPTIONS).into_offset_iter() {
        if too_deep.is_none() {
            too_deep = nesting.step(&ev, range.start);
        }
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => dests.push((dest_url.to_string(), false)),
            Event::Start(Tag::Image { dest_url, .. }) => dests.push((dest_url.to_string(), true)),
            _ => {}
        }
    }
    (dests, too_deep)
}

fn locate(sources: &SourceMap, file: FileId, span: &Range<usize>, needle: &str) -> Range<usize> {
    let text = sources.text(file);
    let hay = text.get(span.clone()).unwrap_or("");
    match hay.find(needle) {
        Some(i) => span.start + i..span.start + i + needle.len(),
        None => span.clone(),
    }
}

pub(crate) fn check(
    book: &mut Book,
    prose: &[Prose],
    ref_uses: &[(FileId, Range<usize>, String)],
    unread: &HashSet<String>,
    sources: &SourceMap,
    diags: &mut Diagnostics,
) {
    let config = book.config.clone();
    let found = Found {
        // A loaded book's own map: the check runs before any view is made.
        targets: &**book.targets.base(),
        unread,
        config: &config,
    };
    book.backlinks = check_against(found, &book.refs, prose, ref_uses, sources, diags);
}

/// What a link may point at: the targets, and the ids of files that could not be read
/// (reported once, at their own error), which no link is called dangling for.
pub(crate) struct Found<'a, T: Targets> {
    pub targets: &'a T,
    pub unread: &'a HashSet<String>,
    /// What `[[…]]` in an address names: a facet's value may stand there, a placeholder not.
    pub config: &'a crate::config::Config,
}

/// Checks the links of `prose` and the `refs = [...]` uses against `targets` and `refs`;
/// returns the backlinks they make (each target's linking owners, in the order of
/// `prose`).
pub(crate) fn check_against<T: Targets>(
    found: Found<'_, T>,
    refs: &[ExtRef],
    prose: &[Prose],
    ref_uses: &[(FileId, Range<usize>, String)],
    sources: &SourceMap,
    diags: &mut Diagnostics,
) -> HashMap<String, Vec<String>> {
    let targets = found.targets;
    let ext_ref = |id: &str| refs.iter().any(|r| r.id == id);
    let mut backlinks: HashMap<String, Vec<String>> = HashMap::new();
    // Parsing every text is the work; what the links name is then looked up in order.
    let scanned: Vec<Scanned> = prose
        .par_iter()
        .map(|p| match &p.scanned {
            Some(s) => s.clone(),
            None => scan(&p.text),
        })
        .collect();
    for (p, (dests, too_deep)) in prose.iter().zip(scanned) {
        if let Some(at) = too_deep {
            let start = super::content_start(sources.text(p.file), &p.span);
            let at = (start + at).min(p.span.end);
            diags.push(
                Diagnostic::error(
                    p.file,
                    at..at,
                    format!("Markdown nests at most {MAX_NESTING} elements deep"),
                )
                .with_hint("block quotes, lists, emphasis, links and raw HTML tags count alike; flatten the text"),
            );
        }
        for (dest, image) in dests {
            let placeholder = crate::placeholder::uses(&dest)
                .into_iter()
                .find(|(_, id)| !matches!(found.config.use_of(id), Ok(Use::Facet(..))));
            if let Some((_, id)) = placeholder {
                // A reader's value is filled into the page's text, after the links are
                // made: in an address it would stay `[[id]]` (or break the markup).
                let span = locate(sources, p.file, &p.span, &dest);
                let whose = if image { "an image's" } else { "a link's" };
                diags.push(
                    Diagnostic::error(
                        p.file,
                        span,
                        format!("placeholder `[[{id}]]` in {whose} address"),
                    )
                    .with_hint("placeholders are filled in text, commands and code spans; write the address without it, or show it as text (`[[…]]` in backquotes); a facet's value (`[[to.minor]]`) may stand in an address"),
                );
                continue;
            }
            if image {
                continue;
            }
            if let Some(id) = dest.strip_prefix('#') {
                match lookup(targets, id, &p.owner) {
                    Some(t) => {
                        let key = if targets.get(id).is_some() {
                            id.to_string()
                        } else {
                            format!("{}/{id}", p.owner)
                        };
                        let from = p.owner.clone();
                        if t.procedure.as_deref() != Some(from.as_str()) || key.contains('/') {
                            let list = backlinks.entry(key).or_default();
                            if !list.contains(&from) {
                                list.push(from);
                            }
                        }
                    }
                    None if found.unread.contains(id)
                        || found.unread.contains(&format!("{}/{id}", p.owner)) => {}
                    None => {
                        let span = locate(sources, p.file, &p.span, &dest);
                        let mut d = Diagnostic::error(
                            p.file,
                            span,
                            format!("dangling cross-reference `#{id}`: no such id"),
                        );
                        if let Some(hint) = did_you_mean(&targets.keys(), id, &p.owner) {
                            d = d.with_hint(hint);
                        }
                        diags.push(d);
                    }
                }
            } else if let Some(id) = dest.strip_prefix("ext:") {
                if !ext_ref(id) {
                    let span = locate(sources, p.file, &p.span, &dest);
                    diags.push(
                        Diagnostic::error(
                            p.file,
                            span,
                            format!("unknown external reference `{id}`"),
                        )
                        .with_hint("external documents are listed in content/_refs.toml"),
                    );
                }
            } else if dest
                .trim_start()
                .to_ascii_lowercase()
                .starts_with("javascript:")
            {
                let span = locate(sources, p.file, &p.span, &dest);
                diags.push(Diagnostic::error(
                    p.file,
                    span,
                    "`javascript:` links are not allowed",
                ));
            }
        }
    }
    for (file, span, id) in ref_uses {
        if !ext_ref(id) {
            diags.push(
                Diagnostic::error(
                    *file,
                    span.clone(),
                    format!("unknown external reference `{id}`"),
                )
                .with_hint("external documents are listed in content/_refs.toml"),
            );
        }
    }
    backlinks
}

#[cfg(test)]
mod hint_tests {
    use super::did_you_mean;

    const KEYS: [&str; 5] = [
        "backup",
        "backup/save",
        "upgrade",
        "upgrade/stop-local",
        "patch/stop-local",
    ];

    #[test]
    fn a_step_of_another_procedure_is_suggested_in_full() {
        let hint = did_you_mean(&KEYS, "stop-local", "backup").unwrap();
        assert!(
            hint.contains("`#patch/stop-local`, `#upgrade/stop-local`"),
            "{hint}"
        );
    }

    #[test]
    fn an_own_target_is_suggested_as_written_from_inside() {
        assert_eq!(
            did_you_mean(&KEYS, "sav", "backup").unwrap(),
            "did you mean `#save`?"
        );
        assert_eq!(
            did_you_mean(&KEYS, "upgrde", "backup").unwrap(),
            "did you mean `#upgrade`?"
        );
    }

    #[test]
    fn nothing_far_fetched() {
        assert_eq!(did_you_mean(&KEYS, "completely-different", "backup"), None);
    }
}
