//! Browse by command: every program a book's commands run and every process its checks
//! name, each with the steps that use it, in reading order (`tejun search --commands`).
//! A support engineer who knows the command (`nqsstop`, `regsvr32`, `kubeadm`) but not
//! the procedure finds every step that runs it. Built from the search documents, so an
//! environment's list is the filtered book's.

use std::collections::BTreeMap;

use serde::Serialize;

use super::docs::{self, SearchDoc};
use crate::model::Book;

/// What an entry names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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
    /// The step's effective condition (chapter down to step, variants joined), canonical;
    /// the site's commands page filters by it.
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

/// Every command and process of `book` for the site's commands page
/// ([`crate::render::Site::with_commands`]).
pub fn for_site(book: &Book) -> Vec<crate::render::commands::Listed> {
    list(book, "")
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

/// Every command and process of `book`, by name (those starting with `prefix`, ASCII case
/// ignored).
pub fn list(book: &Book, prefix: &str) -> Vec<Entry> {
    let prefix = prefix.to_ascii_lowercase();
    let mut by: BTreeMap<(String, Kind), Vec<Use>> = BTreeMap::new();
    docs::each(book, &mut |d: SearchDoc| {
        let names = programs(&d.commands, &d.command_starts)
            .into_iter()
            .map(|n| (n, Kind::Command))
            .chain(d.processes.iter().map(|p| (p.clone(), Kind::Process)));
        for key in names.filter(|(n, _)| n.starts_with(&prefix)) {
            let uses = by.entry(key).or_default();
            if uses.last().is_none_or(|u| u.link != d.link()) {
                uses.push(Use {
                    location: d.location.clone(),
                    title: d.title.clone(),
                    procedure: d.procedure.clone(),
                    link: d.link(),
                    condition: d.condition.clone(),
                    page: d.page.clone(),
                    anchor: d.anchor.clone(),
                });
            }
        }
    });
    by.into_iter()
        .map(|((name, kind), steps)| Entry { name, kind, steps })
        .collect()
}

/// The programs `lines` run: the first line of each command (`starts`, as the command's
/// shell reads it), not the lines that continue one nor a here-document's body.
pub fn programs(lines: &[String], starts: &[bool]) -> Vec<String> {
    lines
        .iter()
        .zip(starts)
        .filter(|(_, &start)| start)
        .filter_map(|(line, _)| program(line))
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
        assert_eq!(program("/usr/lib/nqs/nqsstop").as_deref(), Some("nqsstop"));
        assert_eq!(
            program(r"regsvr32 /s %systemroot%\cluster\JobCenterClusterEx").as_deref(),
            Some("regsvr32")
        );
        assert_eq!(
            program("sudo KUBECONFIG=/etc/kubernetes/admin.conf kubectl get nodes").as_deref(),
            Some("kubectl")
        );
        assert_eq!(
            program(r"C:\JobCenter\bin\Cjcmksite.exe x").as_deref(),
            Some("cjcmksite")
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
}
