//! Browse by command: every program a book's commands run and every process its checks
//! name, each with the steps that use it, in reading order (`tejun search --commands`).
//! A support engineer who knows the command (`systemctl`, `regsvr32`, `kubeadm`) but not
//! the procedure finds every step that runs it. Built from the search documents, so an
//! environment's list is the filtered book's.

use std::collections::BTreeMap;

use serde::Serialize;

use super::docs::{self, SearchDoc, Slices};
use crate::model::Book;

/// What an entry names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A program a command runs.
    Command,
    /// A process a check names.
    Process,
}

/// A step that uses a command.
#[derive(Debug, Clone, Serialize)]
pub struct Use {
    /// The step's numbered location.
    pub location: String,
    /// The step's title.
    pub title: String,
    /// Its procedure's title.
    pub procedure: String,
    /// Its deep link.
    pub link: String,
    /// The condition under which the step runs it: the step's effective condition
    /// (chapter down to step), or where only variants or parts run it, theirs joined;
    /// canonical. The site's commands page filters by it.
    pub condition: Option<String>,
    /// The page it is on (a procedure id), for the site's own links.
    #[serde(skip)]
    pub page: String,
    /// Its anchor on that page.
    #[serde(skip)]
    pub anchor: String,
}

/// A program or process with the steps that use it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Its name, lower-cased.
    pub name: String,
    /// Program or process.
    pub kind: Kind,
    /// The steps, in reading order.
    pub steps: Vec<Use>,
}

/// Every command and process in `docs` (a book's, in reading order) for the site's
/// commands page ([`crate::render::SearchSide::commands`]).
pub fn for_site(docs: &[SearchDoc]) -> Vec<crate::render::commands::Listed> {
    // A large book's documents listed in runs on every core, the runs joined in order.
    listed_in_runs(docs, 4096)
}

fn listed_in_runs(docs: &[SearchDoc], run: usize) -> Vec<crate::render::commands::Listed> {
    use rayon::prelude::*;
    let by = docs
        .par_chunks(run.max(1))
        .map(|run| {
            let mut by = Listing::default();
            for d in run {
                by.add(d, "");
            }
            by
        })
        .reduce(Listing::default, Listing::then);
    by.entries()
        .into_iter()
        .map(|e| crate::render::commands::Listed {
            name: e.name,
            process: e.kind == Kind::Process,
            steps: e
                .steps
                .into_iter()
                .map(|u| crate::render::commands::ListedStep {
                    page: u.page,
                    anchor: u.anchor,
                    location: u.location,
                    title: u.title,
                    procedure: u.procedure,
                    condition: u.condition,
                })
                .collect(),
        })
        .collect()
}

/// A step using a name, with the condition of each place it does.
type Uses = (Use, Vec<Option<String>>);

/// Every command and process of `book`, by name (those starting with `prefix`, ASCII case
/// ignored).
pub fn list(book: &Book, prefix: &str) -> Vec<Entry> {
    let prefix = prefix.to_ascii_lowercase();
    let mut by = Listing::default();
    docs::each(book, &mut |d: SearchDoc| by.add(&d, &prefix));
    by.entries()
}

/// Names and the steps using them, gathered document by document in reading order.
#[derive(Default)]
struct Listing(BTreeMap<(String, Kind), Vec<Uses>>);

impl Listing {
    /// Adds the names `d` uses that start with `prefix` (lower-case).
    fn add(&mut self, d: &SearchDoc, prefix: &str) {
        for (name, kind, cond) in names(d)
            .into_iter()
            .filter(|(n, _, _)| n.starts_with(prefix))
        {
            let uses = self.0.entry((name, kind)).or_default();
            match uses.last_mut() {
                Some((u, conds)) if u.link == d.link() => conds.push(cond),
                _ => uses.push((
                    Use {
                        location: d.location.clone(),
                        title: d.title.clone(),
                        procedure: d.procedure.clone(),
                        link: d.link(),
                        condition: None,
                        page: d.page.clone(),
                        anchor: d.anchor.clone(),
                    },
                    vec![cond],
                )),
            }
        }
    }

    /// This listing followed by `later`'s, as if its documents had been added after this
    /// one's: a step whose uses `later` starts with is the one this listing ends with
    /// joins them.
    fn then(mut self, later: Listing) -> Listing {
        for (key, uses) in later.0 {
            let mine = self.0.entry(key).or_default();
            let joins = matches!(
                (mine.last(), uses.first()),
                (Some((a, _)), Some((b, _))) if a.link == b.link
            );
            let mut uses = uses.into_iter();
            if joins {
                if let (Some((_, conds)), Some((_, more))) = (mine.last_mut(), uses.next()) {
                    conds.extend(more);
                }
            }
            mine.extend(uses);
        }
        self
    }

    fn entries(self) -> Vec<Entry> {
        self.0
            .into_iter()
            .map(|((name, kind), uses)| Entry {
                name,
                kind,
                steps: uses
                    .into_iter()
                    .map(|(u, conds)| Use {
                        condition: any_of(conds),
                        ..u
                    })
                    .collect(),
            })
            .collect()
    }
}

/// The names `d` runs or checks, each with the condition of the slice it is written in: a
/// command of one variant is listed for the environments of that variant, not the whole
/// step's.
fn names(d: &SearchDoc) -> Vec<(String, Kind, Option<String>)> {
    starts(&d.commands, &d.command_starts)
        .into_iter()
        .map(|(i, n)| {
            let slice = Slices::of(&d.slices.commands, i) as usize;
            (n, Kind::Command, in_slice(d, slice))
        })
        .chain(d.processes.iter().enumerate().map(|(i, p)| {
            let slice = Slices::of(&d.slices.processes, i) as usize;
            (p.clone(), Kind::Process, in_slice(d, slice))
        }))
        .collect()
}

/// A fingerprint of what one procedure's documents `docs` lend the commands page: for
/// each document, the names [`Listing::add`] takes from it (with their slices'
/// conditions) and the fields of the step it records. The listing is made from these,
/// document after document, so the fingerprints of every procedure's, in reading order,
/// key the page without listing anything ([`super::stored::collect`]): a rebuild after an
/// edit that changed no command keeps the page and lists nothing.
pub fn digest(docs: &[SearchDoc]) -> crate::output::Fingerprint {
    let mut f = crate::output::Fingerprinter::new();
    f.bytes(b"commands listed");
    for d in docs {
        let names = names(d);
        f.bytes(&(names.len() as u64).to_le_bytes());
        if names.is_empty() {
            continue;
        }
        f.bytes(d.page.as_bytes())
            .bytes(d.anchor.as_bytes())
            .bytes(d.location.as_bytes())
            .bytes(d.title.as_bytes())
            .bytes(d.procedure.as_bytes());
        for (name, kind, cond) in names {
            f.bytes(name.as_bytes()).bytes(match kind {
                Kind::Command => b"command",
                Kind::Process => b"process",
            });
            match cond {
                Some(c) => f.bytes(b"when").bytes(c.as_bytes()),
                None => f.bytes(b"always"),
            };
        }
    }
    f.finish()
}

/// [`digest`] of procedure `id`'s documents: the same before and after an edit exactly
/// when its part of the commands page is, so the dev server renders that page, which
/// lists the whole book, only when an edit changes it.
pub fn procedure_key(book: &Book, id: &str) -> crate::output::Fingerprint {
    let mut docs = Vec::new();
    docs::each_in_procedure(book, id, &mut |d: SearchDoc| docs.push(d));
    digest(&docs)
}

/// The condition of `d`'s slice `slice` (0: the step's own text).
fn in_slice(d: &SearchDoc, slice: usize) -> Option<String> {
    match slice.checked_sub(1) {
        Some(k) => d.slices.conditions.get(k).cloned(),
        None => d.condition.clone(),
    }
}

/// The condition under which one of `conds` holds (`None`: always).
fn any_of(conds: Vec<Option<String>>) -> Option<String> {
    let mut distinct: Vec<String> = Vec::new();
    for c in conds {
        let c = c?;
        if !distinct.contains(&c) {
            distinct.push(c);
        }
    }
    match distinct.len() {
        0 => None,
        1 => distinct.pop(),
        _ => Some(
            distinct
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" or "),
        ),
    }
}

/// The programs `lines` run: the first line of each command (`starts`, as the command's
/// shell reads it), not the lines that continue one nor a here-document's body.
pub fn programs(lines: &[String], starts: &[bool]) -> Vec<String> {
    self::starts(lines, starts)
        .into_iter()
        .map(|(_, n)| n)
        .collect()
}

/// [`programs`] with the line each is run from.
fn starts(lines: &[String], starts: &[bool]) -> Vec<(usize, String)> {
    lines
        .iter()
        .zip(starts)
        .enumerate()
        .filter(|(_, (_, &start))| start)
        .filter_map(|(i, (line, _))| program(line).map(|n| (i, n)))
        .collect()
}

/// The program a command line runs, lower-cased: its first word after `sudo` and
/// `NAME=value` settings, a path's last part, without `.exe`. Prompts (`$ `, `# `, `> `),
/// comments and lines that do not start with a program name give none.
pub fn program(line: &str) -> Option<String> {
    let mut words = line.split_whitespace().peekable();
    while let Some(&w) = words.peek() {
        if matches!(w, "$" | ">" | "sudo") || (w.contains('=') && !w.starts_with('-')) {
            words.next();
        } else {
            break;
        }
    }
    let first = words.next()?;
    let last = first.rsplit(['/', '\\']).next().unwrap_or(first);
    let name = last.to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    let is_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    is_name.then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_runs_its_first_word() {
        assert_eq!(
            program("/usr/lib/tool/toolstop").as_deref(),
            Some("toolstop")
        );
        assert_eq!(
            program(r"regsvr32 /s %systemroot%\system32\ExampleEx.dll").as_deref(),
            Some("regsvr32")
        );
        assert_eq!(
            program("sudo KUBECONFIG=/etc/kubernetes/admin.conf kubectl get nodes").as_deref(),
            Some("kubectl")
        );
        assert_eq!(
            program(r"C:\Vendor\bin\MkSite.exe x").as_deref(),
            Some("mksite")
        );
        assert_eq!(
            program("$ apt-mark unhold kubeadm").as_deref(),
            Some("apt-mark")
        );
        assert_eq!(program("# a comment"), None);
        assert_eq!(program("   "), None);
        assert_eq!(program("%systemroot%"), None);
    }

    #[test]
    fn listing_in_runs_lists_as_one_pass_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/kubeadm");
        let (book, _) = crate::load_book(&root).expect("the kubeadm example loads");
        let docs = crate::search::docs::collect(&book);
        let whole = format!("{:?}", listed_in_runs(&docs, docs.len()));
        assert!(whole.contains("kubeadm"), "{whole}");
        for run in [1, 2, 7] {
            assert_eq!(
                format!("{:?}", listed_in_runs(&docs, run)),
                whole,
                "runs of {run}"
            );
        }
    }

    #[test]
    fn a_step_split_across_runs_is_listed_once() {
        let at = |link: &str| Use {
            location: String::new(),
            title: String::new(),
            procedure: String::new(),
            link: link.to_string(),
            condition: None,
            page: String::new(),
            anchor: String::new(),
        };
        let key = |name: &str| (name.to_string(), Kind::Command);
        let cond = |c: &str| Some(c.to_string());
        let mut first = Listing::default();
        first
            .0
            .insert(key("tool"), vec![(at("p#a"), vec![cond("x")])]);
        let mut second = Listing::default();
        second.0.insert(
            key("tool"),
            vec![(at("p#a"), vec![cond("y")]), (at("p#b"), vec![None])],
        );
        second.0.insert(key("other"), vec![(at("p#b"), vec![None])]);
        let joined = first.then(second).entries();
        let tool = joined.iter().find(|e| e.name == "tool").expect("listed");
        let links: Vec<_> = tool.steps.iter().map(|u| u.link.as_str()).collect();
        assert_eq!(links, ["p#a", "p#b"]);
        assert_eq!(tool.steps[0].condition.as_deref(), Some("(x) or (y)"));
        assert!(joined.iter().any(|e| e.name == "other"));
    }

    #[test]
    fn continued_lines_and_here_documents_run_nothing() {
        let lines: Vec<String> = [
            "sudo ETCDCTL_API=3 etcdctl \\",
            "  --cert=/etc/kubernetes/pki/server.crt \\",
            "  snapshot save x.db",
            "cat <<'EOF' | sudo tee /etc/x.conf",
            "endpoint: x",
            "EOF",
            "kubectl get nodes",
        ]
        .map(String::from)
        .to_vec();
        let sh = crate::shell::Shell::builtins()
            .into_iter()
            .find(|s| s.id == "sh")
            .expect("built in");
        assert_eq!(
            programs(&lines, &sh.starts(&lines)),
            ["etcdctl", "cat", "kubectl"]
        );
    }

    /// The dev server renders the commands page after an edit only when the procedure's
    /// part of it changed: prose does not change it, a command or a step's title does.
    #[test]
    fn a_procedures_key_changes_with_its_commands_not_its_prose() {
        let key = |body: &str, title: &str, cmd: &str| {
            let dir = crate::resolve::test_book::TestBook::new();
            dir.write(
                "content/01-ch/01-a.toml",
                &format!(
                    "title = \"A\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n\
                     [[section.step]]\nid = \"t\"\ntitle = \"{title}\"\nbody = \"{body}\"\n\
                     [[section.step.part]]\nshell = \"sh\"\ncmd = \"{cmd}\"\n"
                ),
            );
            let (book, _) = crate::resolve::load_book(dir.root()).expect("a clean book");
            procedure_key(&book, "a")
        };
        let base = key("Stop it.", "Stop", "systemctl stop app");
        assert_eq!(key("Stop it now.", "Stop", "systemctl stop app"), base);
        assert_ne!(key("Stop it.", "Stop", "service app stop"), base);
        assert_ne!(key("Stop it.", "Stop the app", "systemctl stop app"), base);
    }
}
