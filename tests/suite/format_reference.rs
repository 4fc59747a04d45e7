//! The README's key reference ("Every key") is exact: for every table of every book file,
//! the keys the loader accepts are the keys the README lists, no more, no fewer. The loader
//! is asked rather than read: an unknown key in each table makes `tejun check` answer with
//! the keys it expected (serde's `deny_unknown_fields`), so this test cannot drift from the
//! code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::harness::{copy_dir, fixture_dir, read, repo, Tejun};

/// A key no table has.
const PROBE: &str = "zz_probe";

/// Every table a writer can write: its name as the README's table gives it, the file to
/// change (relative to the fixture book) and how (`from` → `to`, one replacement, which
/// puts the probe key into that table; an empty `from` appends `to` to the file).
fn tables() -> Vec<(&'static str, &'static str, &'static str, String)> {
    let p = PROBE;
    vec![
        ("book.toml", "book.toml", "title = \"Fixture\"", format!("{p} = 1\ntitle = \"Fixture\"")),
        ("[[facet]]", "book.toml", "id = \"os\"", format!("id = \"os\"\n{p} = 1")),
        ("facet values item", "book.toml", "{ id = \"win\", label = \"Windows\" }", format!("{{ id = \"win\", label = \"Windows\", {p} = 1 }}")),
        ("[[profile]]", "book.toml", "", format!("\n[[profile]]\nid = \"w\"\nlabel = \"W\"\nenv = {{ os = \"win\" }}\n{p} = 1\n")),
        ("[output]", "book.toml", "", format!("\n[output]\n{p} = 1\n")),
        ("[output.pdf]", "book.toml", "", format!("\n[output.pdf]\n{p} = 1\n")),
        ("[[rule]]", "book.toml", "", format!("\n[[rule]]\nwhen = \"os = win\"\nlabel = \"L\"\n{p} = 1\n")),
        ("[theme]", "book.toml", "", format!("\n[theme]\n{p} = 1\n")),
        ("[check]", "book.toml", "", format!("\n[check]\n{p} = 1\n")),
        ("[search]", "book.toml", "", format!("\n[search]\n{p} = 1\n")),
        ("[[shell]]", "book.toml", "", format!("\n[[shell]]\nid = \"x\"\n{p} = 1\n")),
        ("[[placeholder]]", "book.toml", "", format!("\n[[placeholder]]\nid = \"h\"\nlabel = \"H\"\n{p} = 1\n")),
        ("procedure file", "content/01-ch/01-proc.toml", "title = \"Upgrade\"", format!("{p} = 1\ntitle = \"Upgrade\"")),
        ("[[section]]", "content/01-ch/01-proc.toml", "id = \"standby\"", format!("id = \"standby\"\n{p} = 1")),
        ("[[section.step]]", "content/01-ch/01-proc.toml", "id = \"install\"", format!("id = \"install\"\n{p} = 1")),
        ("[[section.step.part]]", "content/01-ch/01-proc.toml", "shell = \"sh\"", format!("shell = \"sh\"\n{p} = 1")),
        ("process item", "content/01-ch/01-proc.toml", "shell = \"sh\"\ncmd = \"rpm -Uvh pkg.rpm\"", format!("expect = \"absent\"\nprocesses = [{{ name = \"a\", when = \"os = win\", {p} = 1 }}]")),
        ("[[section.step.variant]]", "content/01-ch/01-proc.toml", "", format!("\n[[section.step]]\ntitle = \"V\"\n[[section.step.variant]]\nwhen = \"os = win\"\n{p} = 1\n[[section.step.variant]]\nwhen = \"os = unix\"\n")),
        ("[[section.step.output]]", "content/01-ch/01-proc.toml", "", format!("\n[[section.step]]\nuse = \"stop\"\nwith = {{ ver = \"R1\" }}\n[[section.step.output]]\ncmd = 1\ntext = \"t\"\n{p} = 1\n")),
        ("[[section.branch]]", "content/01-ch/01-proc.toml", "", format!("\n[[section]]\nid = \"b\"\ntitle = \"B\"\n[[section.branch]]\nlabel = \"L\"\nwhen = \"os = win\"\n{p} = 1\n")),
        ("_chapter.toml", "content/01-ch/_chapter.toml", "title = \"Chapter\"", format!("{p} = 1\ntitle = \"Chapter\"")),
        ("_group.toml", "content/01-ch/_chapter.toml", "title = \"Chapter\"", "title = \"Chapter\"".to_string()),
        ("reusable step (_steps/ID.toml)", "content/_steps/stop.toml", "params = [\"ver\"]", format!("{p} = 1\nparams = [\"ver\"]")),
        ("_refs.toml", "content/_refs.toml", "[[ref]]", format!("{p} = 1\n[[ref]]")),
        ("[[ref]]", "content/_refs.toml", "id = \"manual\"", format!("id = \"manual\"\n{p} = 1")),
        ("_book.toml", "content/_book.toml", "", format!("{p} = 1\n")),
        ("[[front]]", "content/_book.toml", "", format!("[[front]]\nid = \"f\"\ntitle = \"F\"\n{p} = 1\n")),
        ("known problem (_problems/ID.toml)", "content/_problems/p.toml", "", format!("{p} = 1\ntitle = \"P\"\n[symptom]\ntext = \"t\"\n")),
        ("[symptom]", "content/_problems/p.toml", "", format!("title = \"P\"\n[symptom]\ntext = \"t\"\n{p} = 1\n")),
        ("[[cause]]", "content/_problems/p.toml", "", format!("title = \"P\"\n[symptom]\ntext = \"t\"\n[[cause]]\ntext = \"c\"\n{p} = 1\n")),
    ]
}

/// The keys `tejun check` says it expected instead of the probe.
fn accepted(book: &Path) -> BTreeSet<String> {
    let err = Tejun::new(book).args(["check", "."]).run().stderr();
    let Some(line) = err
        .lines()
        .find(|l| l.contains(&format!("unknown field `{PROBE}`")))
    else {
        panic!("the probe was not refused:\n{err}");
    };
    let expected = line
        .split_once("expected ")
        .map_or("", |(_, rest)| rest.split(" (hint").next().unwrap_or(rest));
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The README's "Every key" table: table name → keys.
pub(crate) fn documented() -> BTreeMap<String, BTreeSet<String>> {
    let readme = read(&repo().join("README.md"));
    let start = readme
        .find("### Every key")
        .expect("README has a ### Every key section");
    let section = &readme[start..];
    let end = section[4..].find("\n#").map_or(section.len(), |e| e + 4);
    section[..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| table") && !l.starts_with("| ---"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let name = cells[0]
                .trim_start_matches("| ")
                .trim()
                .trim_matches('`')
                .to_string();
            let keys = cells
                .get(1)
                .map(|k| {
                    k.split('`')
                        .skip(1)
                        .step_by(2)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            (name, keys)
        })
        .collect()
}

#[test]
fn the_readme_lists_exactly_the_keys_the_loader_accepts() {
    let doc = documented();
    let mut wrong = Vec::new();
    for (name, file, from, to) in tables() {
        let tmp = tempfile::tempdir().expect("tempdir");
        copy_dir(&fixture_dir("check/base"), tmp.path());
        let book = tmp.path();
        if name == "_group.toml" {
            // A group: a folder with _group.toml inside the chapter.
            std::fs::create_dir_all(book.join("content/01-ch/01-grp")).expect("mkdir");
            std::fs::write(
                book.join("content/01-ch/01-grp/_group.toml"),
                format!("{PROBE} = 1\ntitle = \"G\"\n"),
            )
            .expect("write");
        } else {
            let path = book.join(file);
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let changed = if from.is_empty() {
                format!("{text}{to}")
            } else {
                assert!(text.contains(from), "{name}: `{from}` not in {file}");
                text.replacen(from, &to, 1)
            };
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).expect("mkdir");
            }
            std::fs::write(&path, changed).expect("write");
        }
        let keys = accepted(book);
        match doc.get(name) {
            Some(listed) if *listed == keys => {}
            Some(listed) => wrong.push(format!(
                "{name}: the loader accepts {keys:?}, the README lists {listed:?}"
            )),
            None => wrong.push(format!("{name}: not in the README's table; keys {keys:?}")),
        }
    }
    let probed: BTreeSet<&str> = tables().iter().map(|t| t.0).collect();
    for name in doc.keys() {
        if !probed.contains(name.as_str()) {
            wrong.push(format!(
                "the README lists `{name}`, which this test does not know"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
