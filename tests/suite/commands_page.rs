//! The commands page (`commands.html`): on the JobCenter book it lists the names and
//! steps `tejun search --commands` lists; in Chromium with an environment chosen, the
//! steps the CLI's filtered list drops are hidden (a command of one variant with that
//! variant, on both books), and a name left with no step goes too;
//! axe-core finds nothing wrong with it, light and dark.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{json, Value};

use crate::harness::cdp::{file_url, Browser};
use crate::harness::{repo, Tejun};

/// The environment the browser test chooses, as the CLI and as the page's query take it.
const ENV: &str = "cluster=mscs,platform=x86,operation=upgrade,from=R12.6,to=R13.2";

/// `tejun search --commands --json` on the JobCenter book, under `env` if given.
fn cli(env: Option<&str>) -> Vec<Value> {
    cli_of(repo(), env)
}

/// `tejun search --commands --json` on `book`, under `env` if given.
fn cli_of(book: &Path, env: Option<&str>) -> Vec<Value> {
    let root = book.to_str().expect("UTF-8 path");
    let mut args = vec!["search", "--commands", "", root, "--json"];
    if let Some(env) = env {
        args.extend(["--env", env]);
    }
    let run = Tejun::new(book).args(args).run();
    run.assert_ok();
    run.json().as_array().expect("a list").clone()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

/// Undoes the renderer's escaping (`& < > " '`).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The text between `from` and the next `to` after it in `s`.
fn between<'a>(s: &'a str, from: &str, to: &str) -> &'a str {
    let start = s.find(from).map(|i| i + from.len()).unwrap_or(s.len());
    let rest = &s[start..];
    &rest[..rest.find(to).unwrap_or(rest.len())]
}

/// `(name, kind)` → `(link, location, title)` of each step, as the page lists them.
type Listing = BTreeMap<(String, String), Vec<(String, String, String)>>;

fn page_listing(html: &str) -> Listing {
    let mut out = Listing::new();
    for section in html.split("<section class=\"command-entry\"").skip(1) {
        let section = &section[..section.find("</section>").expect("closed")];
        let name = unescape(between(section, "data-command=\"", "\""));
        let kind = between(section, "data-kind=\"", "\"").to_string();
        let steps = section
            .split("<li data-env-item")
            .skip(1)
            .map(|li| {
                (
                    unescape(between(li, "<a href=\"", "\"")),
                    unescape(between(li, "<span class=\"num\">", "</span>")),
                    unescape(between(li, "</span> ", "</a>")),
                )
            })
            .collect();
        out.insert((name, kind), steps);
    }
    out
}

fn cli_listing(list: &[Value]) -> Listing {
    list.iter()
        .map(|e| {
            let steps = e["steps"]
                .as_array()
                .expect("steps")
                .iter()
                .map(|u| {
                    (
                        s(u, "link").to_string(),
                        s(u, "location").to_string(),
                        s(u, "title").to_string(),
                    )
                })
                .collect();
            ((s(e, "name").to_string(), s(e, "kind").to_string()), steps)
        })
        .collect()
}

#[test]
fn the_page_lists_what_search_commands_lists() {
    let site = crate::a11y::jobcenter();
    let html = std::fs::read_to_string(site.join("commands.html")).expect("commands.html");
    let expected = cli_listing(&cli(None));
    assert!(expected.len() > 10, "too few commands: {expected:?}");
    let listed = page_listing(&html);
    let names = |l: &Listing| l.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&listed), names(&expected));
    for (key, steps) in &expected {
        assert_eq!(&listed[key], steps, "{key:?}");
    }
    // Reached from the home page and the sidebar.
    let index = std::fs::read_to_string(site.join("index.html")).expect("index.html");
    assert!(index.contains("href=\"commands.html\""));
    let toc = std::fs::read_to_string(site.join("assets/toc.js")).expect("toc.js");
    assert!(toc.contains("commands.html"));
}

/// In Chromium, `site`'s commands page under `env` shows exactly the (name, step) pairs
/// `tejun search --commands --env` lists for `book`: a step stays under a command only in
/// the environments where it runs it (a command of one variant goes with that variant).
fn page_hides_what_the_environment_rules_out(b: &mut Browser, site: &Path, book: &Path, env: &str) {
    b.open(&format!(
        "{}?{}",
        file_url(&site.join("commands.html")),
        env.replace(',', "&")
    ));
    b.wait_for("document.documentElement.classList.contains('env-active')");
    let gone = "el => !!el.closest('.env-hidden, .env-empty')";
    let pair = "li => li.closest('.command-entry').dataset.command + ' ' + \
                li.querySelector('a').getAttribute('href').replace(/\\?[^#]*/, '')";
    let mut pairs = |filter: &str| {
        let v = b.eval(&format!(
            "[...document.querySelectorAll('.command-entry li')].filter({filter}).map({pair})"
        ));
        v.as_array()
            .expect("a list")
            .iter()
            .map(|l| l.as_str().unwrap_or_default().to_string())
            .collect::<BTreeSet<String>>()
    };
    let shown = pairs(&format!("li => !({gone})(li)"));
    let hidden = pairs(gone);
    let applying: BTreeSet<String> = cli_of(book, Some(env))
        .iter()
        .flat_map(|e| {
            let name = s(e, "name").to_string();
            e["steps"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |u| format!("{name} {}", s(&u, "link")))
        })
        .collect();
    assert!(!hidden.is_empty(), "{env}: the environment hid no step");
    assert_eq!(
        shown.symmetric_difference(&applying).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "{env}: shown on the page vs listed by the CLI"
    );
    // A name whose steps all left is gone with them.
    let stray = b.eval(&format!(
        "[...document.querySelectorAll('.command-entry')].filter(sec => [...sec.querySelectorAll('li')].every({gone}) && !sec.classList.contains('env-empty')).map(sec => sec.dataset.command)"
    ));
    assert_eq!(stray, json!([]), "{env}");
    let empty = b.eval("document.querySelectorAll('.command-entry.env-empty').length");
    assert!(
        empty.as_u64().unwrap_or(0) > 0,
        "{env}: no command left the page"
    );
}

#[test]
fn an_environment_hides_the_steps_it_rules_out() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    page_hides_what_the_environment_rules_out(&mut b, crate::a11y::jobcenter(), repo(), ENV);
    // The second book's variants differ by distribution: `apt-mark` runs only on Debian.
    let kubeadm = repo().join("examples/kubeadm");
    for env in [
        "distro=rhel,cni=cilium,topology=external-etcd,from=v1.30,to=v1.31",
        "distro=debian,cni=calico,topology=stacked-ha,from=v1.29.3,to=v1.30",
    ] {
        page_hides_what_the_environment_rules_out(&mut b, crate::a11y::kubeadm(), &kubeadm, env);
    }
}

#[test]
fn the_commands_page_passes_axe_light_and_dark() {
    let Some(mut b) = Browser::launch() else {
        return;
    };
    let axe = crate::search_browser::axe_core();
    let page = file_url(&crate::a11y::jobcenter().join("commands.html"));
    let mut found = Vec::new();
    for scheme in ["light", "dark"] {
        b.set_color_scheme(scheme);
        for query in [String::new(), ENV.replace(',', "&")] {
            b.open(&format!("{page}?{query}"));
            if query.is_empty() {
                b.eval("window.tejunEnv && tejunEnv.reset()");
            }
            let v = crate::a11y::violations(&mut b, &axe);
            if v != json!([]) {
                found.push(format!("{scheme} ?{query}: {v}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "axe-core violations:\n{}",
        found.join("\n")
    );
}
