//! Conditions as readers see them: `from >= 2.8` becomes 「現在のバージョン: 2.8以降」,
//! using the facet and value labels of book.toml. The canonical syntax still goes on the
//! element as `data-when` for scripts; these labels are only for people. Both are data:
//! the theme's `conditions.html` writes them as attributes and badges.

use crate::condition::{Condition, Op};
use crate::config::Config;
use crate::filter::is_trivial;

use serde::Serialize;

use super::i18n::{fill, strings, Strings};
use crate::words::fill as fill_all;

/// A condition as the theme's `badges` macro shows it (`conditions.html`): one badge per
/// top-level conjunct, so `a and b` shows as two.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Badges {
    /// The whole condition in the canonical syntax, for scripts.
    pub when: String,
    /// The whole condition in words (the badges' tooltip).
    pub text: String,
    /// One badge per top-level conjunct.
    pub items: Vec<Badge>,
}

/// One badge: its label, and its own condition, by which the picker marks it settled or
/// open.
#[derive(Debug, Clone, Hash, Serialize)]
pub struct Badge {
    /// Its condition in the canonical syntax, when it has one of its own.
    pub when: Option<String>,
    /// The condition in words.
    pub label: String,
}

/// The badges of a condition; `None` when there is no condition (or only the always-true
/// one the filter leaves behind).
pub fn badges(c: Option<&Condition>, config: &Config) -> Option<Badges> {
    let c = c.filter(|c| !is_trivial(c))?;
    let t = strings(config);
    let conjuncts = match c {
        Condition::And(items) => merge_ranges(items),
        other => vec![other.clone()],
    };
    let items: Vec<Badge> = conjuncts
        .iter()
        .map(|item| Badge {
            when: when(Some(item)),
            label: label_in(item, config, t, false),
        })
        .collect();
    let text = items
        .iter()
        .map(|i| i.label.as_str())
        .collect::<Vec<_>>()
        .join(&t.and);
    Some(Badges {
        when: c.to_string(),
        text,
        items,
    })
}

/// The whole condition as one line of text.
pub fn label(c: &Condition, config: &Config) -> String {
    label_in(c, config, strings(config), false)
}

/// What a variant is called, and the badges beside it: the writer's label with its
/// condition as badges, or else its condition in words and no badges. A variant the
/// environment settles (its condition reduced to nothing) and left unlabelled by its
/// writer is called nothing: an empty label, which the theme leaves out.
pub fn variant(label: Option<&str>, when: &Condition, config: &Config) -> (String, Option<Badges>) {
    match label {
        Some(l) => (l.to_string(), badges(Some(when), config)),
        None if is_trivial(when) => (String::new(), None),
        None => (label_in(when, config, strings(config), false), None),
    }
}

/// A condition in the canonical syntax, for the `data-when` attribute picker.js filters
/// by; `None` when there is none.
pub fn when(c: Option<&Condition>) -> Option<String> {
    c.filter(|c| !is_trivial(c)).map(|c| c.to_string())
}

/// Turns `from >= A and from <= B` into one range item so it reads as 「A〜B」.
fn merge_ranges(items: &[Condition]) -> Vec<Condition> {
    let mut out: Vec<Condition> = Vec::new();
    for c in items {
        if let Condition::Version {
            facet, op: Op::Le, ..
        } = c
        {
            if let Some(prev) = out.last_mut() {
                if matches!(prev, Condition::Version { facet: f, op: Op::Ge, .. } if f == facet) {
                    *prev = Condition::And(vec![prev.clone(), c.clone()]);
                    continue;
                }
            }
        }
        out.push(c.clone());
    }
    out
}

fn facet_label(config: &Config, facet: &str) -> String {
    config
        .facet(facet)
        .map(|f| f.label.clone())
        .unwrap_or_else(|| facet.to_string())
}

fn value_label(config: &Config, facet: &str, value: &str) -> String {
    config
        .facet(facet)
        .map_or(value, |f| f.value_label(value))
        .to_string()
}

fn version_text(op: Op, v: &str, t: &Strings) -> String {
    match op {
        Op::Eq => v.to_string(),
        Op::Ne => fill(&t.ver_ne, v),
        Op::Lt => fill(&t.ver_lt, v),
        Op::Le => fill(&t.ver_le, v),
        Op::Gt => fill(&t.ver_gt, v),
        Op::Ge => fill(&t.ver_ge, v),
    }
}

fn label_in(c: &Condition, config: &Config, t: &Strings, nested: bool) -> String {
    match c {
        Condition::OneOf { facet, values } => {
            let vals: Vec<String> = values
                .iter()
                .map(|v| value_label(config, facet, v))
                .collect();
            facet_is(t, &facet_label(config, facet), &vals.join(" / "))
        }
        Condition::Version { facet, op, version } => {
            let text = version.to_string();
            // `from = 16` reads as the known version's label; comparisons keep the number.
            let shown = if *op == Op::Eq {
                value_label(config, facet, &text)
            } else {
                text
            };
            facet_is(
                t,
                &facet_label(config, facet),
                &version_text(*op, &shown, t),
            )
        }
        // `to >= from` reads 「適用後のバージョン: 適用前のバージョン以降」.
        Condition::Compare { left, op, right } => facet_is(
            t,
            &facet_label(config, left),
            &version_text(*op, &facet_label(config, right), t),
        ),
        Condition::Not(inner) => match inner.as_ref() {
            Condition::OneOf { facet, values } => {
                let vals: Vec<String> = values
                    .iter()
                    .map(|v| value_label(config, facet, v))
                    .collect();
                facet_is(
                    t,
                    &facet_label(config, facet),
                    &fill(&t.except, &vals.join(" / ")),
                )
            }
            other => fill(
                &t.except,
                &format!("({})", label_in(other, config, t, false)),
            ),
        },
        Condition::And(items) => {
            // A merged range: `A <= f <= B` reads 「f: A〜B」.
            if let [Condition::Version {
                facet,
                op: Op::Ge,
                version: lo,
            }, Condition::Version {
                facet: f2,
                op: Op::Le,
                version: hi,
            }] = items.as_slice()
            {
                if facet == f2 {
                    let range = fill_all(&t.range, &[&lo.to_string(), &hi.to_string()]);
                    return facet_is(t, &facet_label(config, facet), &range);
                }
            }
            join(
                merge_ranges(items)
                    .iter()
                    .map(|c| label_in(c, config, t, true)),
                &t.and,
                nested,
            )
        }
        Condition::Or(items) => join(
            items.iter().map(|c| label_in(c, config, t, true)),
            &t.or,
            nested,
        ),
    }
}

/// A facet and what a condition asks of it (`facet_value`: `OS: Linux`).
fn facet_is(t: &Strings, facet: &str, what: &str) -> String {
    fill_all(&t.facet_value, &[facet, what])
}

fn join(parts: impl Iterator<Item = String>, sep: &str, nested: bool) -> String {
    let s = parts.collect::<Vec<_>>().join(sep);
    if nested {
        format!("({s})")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{EnumValue, Facet, FacetKind, Language};
    use crate::version::Version;

    fn config(lang: Language) -> Config {
        Config {
            title: "t".into(),
            language: lang,
            translations: Vec::new(),
            edition: None,
            description: None,
            facets: vec![
                Facet {
                    id: "platform".into(),
                    label: "プラットフォーム".into(),
                    kind: FacetKind::Enum(vec![
                        EnumValue {
                            id: "win".into(),
                            label: "Windows".into(),
                        },
                        EnumValue {
                            id: "unix".into(),
                            label: "UNIX".into(),
                        },
                    ]),
                },
                Facet {
                    id: "from".into(),
                    label: "現在のバージョン".into(),
                    kind: FacetKind::Version {
                        known: vec![],
                        labels: vec![],
                    },
                },
            ],
            profiles: vec![],
            out_dir: "book".into(),
            allow_raw_html: false,
            pdf_enabled: false,
            pdf_paper: crate::config::Paper::A4,
            theme_dir: "themes/default".into(),
            allow_similar: vec![],
            lint_similar: true,
            rules: vec![],
            facet_when: vec![],
            placeholders: Vec::new(),
            words: crate::words::Words::builtin(lang).clone().into(),
            shells: Vec::new(),
            synonyms: Vec::new(),
            env: Default::default(),
        }
    }

    fn cond(src: &str, c: &Config) -> Condition {
        crate::condition::bind(&crate::condition::parse(src).expect("parse"), &c.facets)
            .expect("bind")
    }

    #[test]
    fn labels_read_like_the_guide() {
        let c = config(Language::Ja);
        assert_eq!(
            label(&cond("from >= 2.8", &c), &c),
            "現在のバージョン: 2.8以降"
        );
        assert_eq!(
            label(&cond("from <= 2.7.x", &c), &c),
            "現在のバージョン: 2.7.x以前"
        );
        assert_eq!(
            label(&cond("platform = win", &c), &c),
            "プラットフォーム: Windows"
        );
        assert_eq!(
            label(&cond("platform in [win, unix]", &c), &c),
            "プラットフォーム: Windows / UNIX"
        );
        assert_eq!(
            label(&cond("platform != unix", &c), &c),
            "プラットフォーム: UNIX以外"
        );
        // The range reads as the language table writes one.
        let range = fill_all(&strings(&c).range, &["2.4.1", "2.7.x"]);
        let both = cond("2.4.1 <= from <= 2.7.x and platform = win", &c);
        let b = badges(Some(&both), &c).expect("a condition has badges");
        let items: Vec<(Option<&str>, &str)> = b
            .items
            .iter()
            .map(|i| (i.when.as_deref(), i.label.as_str()))
            .collect();
        assert_eq!(
            items,
            vec![
                (
                    Some("from >= 2.4.1 and from <= 2.7.x"),
                    format!("現在のバージョン: {range}").as_str()
                ),
                (Some("platform = win"), "プラットフォーム: Windows")
            ]
        );
        assert_eq!(b.when, both.to_string());
        assert_eq!(
            b.text,
            format!(
                "現在のバージョン: {range}{}プラットフォーム: Windows",
                strings(&c).and
            )
        );
        assert!(badges(None, &c).is_none());
        assert!(badges(Some(&Condition::And(vec![])), &c).is_none());
        let e = config(Language::En);
        assert_eq!(
            label(&cond("from >= 2.8", &e), &e),
            "現在のバージョン: ≥ 2.8"
        );
        let _ = "1".parse::<Version>();
    }
}
