//! The JSON Schemas writers' editors read (`tejun schema`, kept by `init` and `build`):
//! every file of both example books follows the schema its `.taplo.toml` rule gives it,
//! as a JSON Schema validator reads it; what the loader refuses (a misspelt key, a
//! foreign id) the schema flags too; the schema's keys are the README's, which
//! `format_reference` holds to the loader's; and the files tejun writes into the book
//! follow the ownership rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::format_reference::documented;
use crate::harness::server::{changed, Server};
use crate::harness::{read, repo, Book};

/// The schemas `tejun schema` wrote into the book, by file name.
fn schemas(book: &Book) -> BTreeMap<String, Value> {
    book.run(["schema", "."]).assert_ok();
    std::fs::read_dir(book.join(".tejun/schema"))
        .expect("the schema folder")
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let json = serde_json::from_str(&read(&e.path())).expect("a schema is JSON");
            (name, json)
        })
        .collect()
}

/// A `.taplo.toml` glob as a regex: `**/` any folders (or none), `*` within one name.
fn glob(pattern: &str) -> regex::Regex {
    let mut re = String::from("^");
    let mut rest = pattern;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("**/") {
            re.push_str("(?:.*/)?");
            rest = r;
        } else if let Some(r) = rest.strip_prefix("**") {
            re.push_str(".*");
            rest = r;
        } else if let Some(r) = rest.strip_prefix('*') {
            re.push_str("[^/]*");
            rest = r;
        } else {
            let c = rest.chars().next().expect("not empty");
            re.push_str(&regex::escape(&c.to_string()));
            rest = &rest[c.len_utf8()..];
        }
    }
    re.push('$');
    regex::Regex::new(&re).expect("a glob")
}

/// The schema path of every `.taplo.toml` rule that matches `rel`.
fn rules_for(taplo: &toml::Table, rel: &str) -> Vec<String> {
    let globs = |rule: &toml::Table, key: &str| -> Vec<regex::Regex> {
        rule.get(key)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|g| g.as_str()).map(glob).collect())
            .unwrap_or_default()
    };
    let rules = taplo["rule"].as_array().expect("[[rule]]s");
    rules
        .iter()
        .filter_map(|r| r.as_table())
        .filter(|r| {
            globs(r, "include").iter().any(|g| g.is_match(rel))
                && !globs(r, "exclude").iter().any(|g| g.is_match(rel))
        })
        .map(|r| {
            r["schema"]["path"]
                .as_str()
                .expect("schema.path")
                .to_string()
        })
        .collect()
}

/// Every TOML file of the book that the loader reads, relative to the book.
fn book_files(book: &Path) -> Vec<String> {
    let mut out = vec!["book.toml".to_string()];
    let mut stack = vec![book.join("content")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read content").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                let rel = p.strip_prefix(book).expect("inside the book");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// The validator's messages for `toml_text` against `schema`, each with its path.
fn problems(schema: &Value, toml_text: &str) -> Vec<String> {
    let value: toml::Value = toml::from_str(toml_text).expect("valid TOML");
    let instance = serde_json::to_value(value).expect("TOML as JSON");
    let validator = jsonschema::validator_for(schema).expect("a valid JSON Schema");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn follows_its_schema(book: &Book) {
    let schemas = schemas(book);
    let taplo: toml::Table = toml::from_str(&book.read(".taplo.toml")).expect(".taplo.toml");
    let mut wrong = Vec::new();
    let files = book_files(book);
    for rel in &files {
        let rules = rules_for(&taplo, rel);
        let [path] = &rules[..] else {
            wrong.push(format!(
                "{rel}: matched by {} rules: {rules:?}",
                rules.len()
            ));
            continue;
        };
        let name = Path::new(path)
            .file_name()
            .expect("a file")
            .to_string_lossy();
        for p in problems(&schemas[name.as_ref()], &book.read(rel)) {
            wrong.push(format!("{rel} ({name}): {p}"));
        }
    }
    assert!(files.len() > 10, "{files:?}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_file_of_the_jobcenter_book_follows_the_schema_its_taplo_rule_names() {
    follows_its_schema(&Book::jobcenter());
}

#[test]
fn every_file_of_the_kubeadm_book_follows_the_schema_its_taplo_rule_names() {
    follows_its_schema(&Book::kubeadm());
}

/// Each mistake: the file, the edit (`from` → `to`, in the JobCenter book), and a word
/// of the validator's message.
const MISTAKES: &[(&str, &str, &str, &str)] = &[
    ("book.toml", "language = ", "langauge = ", "langauge"),
    (
        "book.toml",
        "env = { cluster = \"unix\"",
        "env = { cluster = \"windows\"",
        "windows",
    ),
    (
        "book.toml",
        "env = { cluster = \"unix\"",
        "env = { clutser = \"unix\"",
        "clutser",
    ),
    (
        "content/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml",
        "[[section.step]]",
        "[[section.step]]\ntitel = \"x\"",
        "titel",
    ),
    (
        "content/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml",
        "[[section.step]]",
        "[[section.step]]\nuse = \"no-such-step\"",
        "no-such-step",
    ),
    (
        "content/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml",
        "[[section.step.part]]",
        "[[section.step.part]]\nnote = \"n\"\ncaution = \"c\"",
        "oneOf",
    ),
    (
        "content/01-mscs/01-upgrade/01-mscs-upgrade-x64-r12-8.toml",
        "[[section.step.part]]",
        "[[section.step.part]]\nrefs = [\"no-such-doc\"]",
        "no-such-doc",
    ),
];

#[test]
fn what_the_loader_refuses_the_schema_flags() {
    let book = Book::jobcenter();
    let schemas = schemas(&book);
    let taplo: toml::Table = toml::from_str(&book.read(".taplo.toml")).expect(".taplo.toml");
    for (file, from, to, word) in MISTAKES {
        let before = book.read(file);
        book.edit(file, from, to);
        let rules = rules_for(&taplo, file);
        let name = Path::new(&rules[0]).file_name().expect("a file");
        let found = problems(&schemas[&*name.to_string_lossy()], &book.read(file));
        assert!(
            found.iter().any(|p| p.contains(word)),
            "{file}: `{to}` not flagged by the schema ({found:?})"
        );
        let check = book.run(["check", "."]);
        assert_eq!(check.code(), Some(1), "{file}: `{to}` passed the loader");
        book.write(file, before);
    }
}

#[test]
fn a_use_takes_the_reusable_steps_parameters_and_no_others() {
    let book = Book::fixture("site-ja");
    let step = &schemas(&book)["procedure.json"];
    let doc = |with: &str| {
        format!(
            "title = \"P\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\n\
             use = \"check-site-unix\"\n{with}\n"
        )
    };
    let params = reusable_params(&book, "check-site-unix");
    assert!(
        !params.is_empty(),
        "site-ja's check-site-unix takes parameters"
    );
    let all: Vec<String> = params.iter().map(|p| format!("{p} = \"x\"")).collect();
    let good = doc(&format!("with = {{ {} }}", all.join(", ")));
    assert_eq!(problems(step, &good), Vec::<String>::new());
    let extra = doc(&format!("with = {{ {}, nope = \"x\" }}", all.join(", ")));
    assert!(
        !problems(step, &extra).is_empty(),
        "an unknown parameter passed"
    );
    assert!(
        !problems(step, &doc("")).is_empty(),
        "a missing `with` passed"
    );
}

fn reusable_params(book: &Book, id: &str) -> Vec<String> {
    let text = book.read(&format!("content/_steps/{id}.toml"));
    let table: toml::Table = toml::from_str(&text).expect("a reusable step");
    table
        .get("params")
        .and_then(|p| p.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Every table of the schemas that has keys: its title (the README's name) → its keys; a
/// file's root under the README's name for the file.
fn schema_tables(schemas: &BTreeMap<String, Value>) -> BTreeMap<String, BTreeSet<String>> {
    fn walk(v: &Value, out: &mut BTreeMap<String, BTreeSet<String>>) {
        match v {
            Value::Object(m) => {
                if let (Some(Value::String(t)), Some(Value::Object(p))) =
                    (m.get("title"), m.get("properties"))
                {
                    out.insert(t.clone(), p.keys().cloned().collect());
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for v in schemas.values() {
        walk(v, &mut out);
    }
    let keys = |file: &str| -> BTreeSet<String> {
        schemas[file]["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    };
    for (name, file) in [
        ("_chapter.toml", "chapter.json"),
        ("_group.toml", "chapter.json"),
        ("reusable step (_steps/ID.toml)", "step.json"),
    ] {
        out.insert(name.to_string(), keys(file));
    }
    out
}

#[test]
fn the_schema_has_exactly_the_keys_the_readme_lists() {
    // The README's table is held to the loader by format_reference: loader = README =
    // schema.
    let in_schema = schema_tables(&schemas(&Book::fixture("site-ja")));
    let mut wrong = Vec::new();
    for (name, listed) in documented() {
        match in_schema.get(&name) {
            Some(keys) if *keys == listed => {}
            Some(keys) => wrong.push(format!("{name}: schema {keys:?}, README {listed:?}")),
            None => wrong.push(format!("{name}: no table of that title in the schemas")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_key_has_a_description_and_an_example() {
    fn walk(v: &Value, at: &str, out: &mut Vec<String>) {
        let Value::Object(m) = v else {
            if let Value::Array(a) = v {
                a.iter().for_each(|x| walk(x, at, out));
            }
            return;
        };
        if let Some(Value::Object(props)) = m.get("properties") {
            for (key, p) in props {
                let has = |k: &str| p.get(k).is_some();
                if !has("description") || !(has("examples") || has("enum")) {
                    out.push(format!("{at}.{key}"));
                }
            }
        }
        // `allOf` holds the book's narrowing of `with`, whose keys are the parameters.
        for (k, x) in m.iter().filter(|(k, _)| *k != "allOf") {
            walk(x, &format!("{at}/{k}"), out);
        }
    }
    let mut missing = Vec::new();
    for (name, v) in schemas(&Book::fixture("site-ja")) {
        walk(&v, &name, &mut missing);
    }
    assert!(
        missing.is_empty(),
        "keys without description or example:\n{}",
        missing.join("\n")
    );
}

#[test]
fn build_and_init_keep_the_schemas_and_leave_a_writers_taplo_alone() {
    let book = Book::fixture("site-ja");
    book.run(["build", "."]).assert_ok();
    assert!(book.read(".taplo.toml").starts_with("# Written by tejun"));
    assert!(book.join(".tejun/schema/procedure.json").is_file());

    let mine = "# my own\n[formatting]\nalign_entries = true\n";
    book.write(".taplo.toml", mine);
    // A new reusable step changes the schemas (`use = "…"`): the note comes with that.
    book.write("content/_steps/zz.toml", "title = \"Z\"\nbody = \"z\"\n");
    let first = book.run(["build", "."]);
    assert!(
        first
            .assert_ok()
            .stderr()
            .contains("is not tejun's, so it was left alone"),
        "{}",
        first.stderr()
    );
    let again = book.run(["build", "."]);
    assert!(
        !again.assert_ok().stderr().contains("left alone"),
        "said twice:\n{}",
        again.stderr()
    );
    assert_eq!(book.read(".taplo.toml"), mine);

    let fresh = Book::empty("new");
    fresh.run(["init", "."]).assert_ok();
    assert!(fresh.read(".taplo.toml").starts_with("# Written by tejun"));
    assert!(fresh.join(".tejun/schema/book.json").is_file());
}

#[test]
fn a_schema_file_tejun_did_not_write_is_never_overwritten() {
    let book = Book::fixture("site-basic");
    book.write(".tejun/schema/book.json", "{ \"mine\": true }\n");
    let run = book.run(["schema", "."]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(
        run.stderr().contains("tejun did not write it"),
        "{}",
        run.stderr()
    );
    assert_eq!(book.read(".tejun/schema/book.json"), "{ \"mine\": true }\n");
    // The site is still built; the schemas only warn.
    let build = book.run(["build", "."]);
    assert!(build
        .assert_ok()
        .stderr()
        .contains("warning: the editor schemas were not updated"));
}

#[test]
fn schema_out_writes_the_schemas_only() {
    let book = Book::fixture("site-basic");
    let out: PathBuf = book.tmp().join("schemas");
    book.tejun()
        .args(["schema", "."])
        .arg("--out")
        .arg(&out)
        .run()
        .assert_ok();
    assert!(out.join("step.json").is_file());
    assert!(!book.join(".taplo.toml").exists());
    let refused = book.run(["schema", ".", "--out", "content/schemas"]);
    assert_eq!(refused.code(), Some(2), "{}", refused.stderr());
}

/// The values a profile's `env` may give facet `os` in a served `book.json`.
fn os_values(book_json: &str) -> Value {
    let v: Value = serde_json::from_str(book_json).expect("book.json is JSON");
    v["properties"]["profile"]["items"]["properties"]["env"]["properties"]["os"]["enum"].clone()
}

#[test]
fn serve_serves_the_schemas_and_refreshes_them_when_book_toml_changes() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let (status, json) = server.get("/__tejun/schema/book.json");
    assert_eq!(status, 200);
    assert_eq!(os_values(&json), serde_json::json!(["linux", "windows"]));
    assert_eq!(server.get("/__tejun/schema/nope.json").0, 404);
    assert!(!book.join(".tejun").exists(), "serve writes nothing");

    let mut events = server.events("alpha.html");
    events.next();
    book.edit(
        "book.toml",
        "{ id = \"windows\", label = \"Windows\" },",
        "{ id = \"windows\", label = \"Windows\" },\n  { id = \"macos\", label = \"macOS\" },",
    );
    // The picker on every page offers the new value: the pages' update, not the
    // aggregates' that may still follow the start.
    events.update_where(|u| changed(u).contains(&"alpha.html".to_string()));
    let (_, json) = server.get("/__tejun/schema/book.json");
    assert_eq!(
        os_values(&json),
        serde_json::json!(["linux", "windows", "macos"])
    );
}

/// The README's "Every key" table: table name → its note (the third cell), where it has one.
fn readme_notes() -> BTreeMap<String, String> {
    let readme = read(&repo().join("README.md"));
    let start = readme.find("### Every key").expect("the key table");
    let section = &readme[start..];
    let end = section[4..].find("\n#").map_or(section.len(), |e| e + 4);
    section[..end]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| table") && !l.starts_with("| ---"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            let note = cells.get(2).filter(|n| !n.is_empty())?;
            Some((cells[0].trim_matches('`').to_string(), note.to_string()))
        })
        .collect()
}

/// Every titled table's description, whitespace squashed; a file's root under the README's
/// name for the file.
fn descriptions(schemas: &BTreeMap<String, Value>) -> BTreeMap<String, String> {
    fn squash(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }
    fn walk(v: &Value, out: &mut BTreeMap<String, String>) {
        match v {
            Value::Object(m) => {
                if let (Some(Value::String(t)), Some(Value::String(d))) =
                    (m.get("title"), m.get("description"))
                {
                    out.insert(t.clone(), squash(d));
                }
                m.values().for_each(|x| walk(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    for v in schemas.values() {
        walk(v, &mut out);
    }
    out
}

#[test]
fn every_note_of_the_readme_key_table_is_in_its_tables_description() {
    let schemas = schemas(&Book::fixture("site-ja"));
    let found = descriptions(&schemas);
    let notes = readme_notes();
    assert!(notes.len() > 10, "the README's notes: {notes:?}");
    let mut wrong = Vec::new();
    for (name, note) in notes {
        let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
        let desc = found.get(&name).map_or("", String::as_str);
        if !desc.contains(&note) {
            wrong.push(format!(
                "{name}: README note `{note}` not in the schema's `{desc}`"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_keys_that_take_placeholders_name_the_books_on_hover() {
    let schemas = schemas(&Book::fixture("site-ja"));
    let part = &schemas["step.json"]["properties"]["part"]["items"]["properties"];
    for key in ["cmd", "gui", "text"] {
        let d = part[key]["description"].as_str().unwrap_or_default();
        assert!(
            d.contains("`[[shared_disk]]` (共有ディスク上のパス)"),
            "{key}: {d}"
        );
    }
    let plain = schemas_of_book_without_placeholders();
    let d = plain["step.json"]["properties"]["body"]["description"].as_str();
    assert!(!d.unwrap_or_default().contains("Placeholders"), "{d:?}");
}

fn schemas_of_book_without_placeholders() -> BTreeMap<String, Value> {
    let book = Book::fixture("site-basic");
    assert!(!book.read("book.toml").contains("[[placeholder]]"));
    schemas(&book)
}
