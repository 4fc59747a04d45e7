//! Parts as writers get them wrong: every mistake is reported, at its place, with the same
//! words whichever way the part was written (a table, an inline table, a reusable step).

use crate::model::{Expect, PartKind, ProcessItem, Shell};
use crate::resolve::test_book::TestBook;

const SHAPES: &str = r#"title = "Shapes"

[[section]]
id = "s"
title = "S"

[[section.step]]
title = "empty part"
[[section.step.part]]
when = "os = win"

[[section.step]]
title = "two kinds"
[[section.step.part]]
text = "a"
cmd = "b"

[[section.step]]
title = "three kinds"
[[section.step.part]]
note = "n"
gui = "g"
refs = ["manual"]

[[section.step]]
title = "stray keys"
[[section.step.part]]
text = "t"
shell = "sh"
output = "o"
expect = "absent"

[[section.step]]
title = "commands"
[[section.step.part]]
cmd = "ls"
[[section.step.part]]
shell = "zsh"
cmd = "ls"
[[section.step.part]]
shell = "sh"
cmd = "  \n  "
[[section.step.part]]
shell = "sh"
cmd = "ls [[nope]]"
output = "[[nope2]]"
expect = "present"
[[section.step.part]]
shell = "sh"
cmd = "ls"
when = "os = mac"

[[section.step]]
title = "processes"
[[section.step.part]]
processes = ["a"]
[[section.step.part]]
processes = ["a"]
expect = "gone"
[[section.step.part]]
processes = ["a", { name = "b", when = "os = mac" }, { name = "c", when = "os = win" }]
expect = "absent"
shell = "sh"
output = "x"
when = "os = bsd"

[[section.step]]
title = "gui"
[[section.step.part]]
gui = "a → → b"
[[section.step.part]]
gui = "[[nope3]]"

[[section.step]]
title = "inline"
part = [{ text = "a", caution = "b" }, {}]

[[section.step]]
title = "variants"
[[section.step.variant]]
when = "os = win"
[[section.step.variant.part]]
caution = "c"
note = "n"
[[section.step.variant]]
when = "os = unix"
[[section.step.variant.part]]
refs = ["nope-ref"]

[[section.step]]
use = "bad"
with = { v = "x" }
"#;

const BAD_REUSABLE: &str = r#"params = ["v"]
title = "Bad {{v}}"
[[part]]
text = "{{v}} {{undeclared}}"
cmd = "{{other}}"
[[part]]
note = "n"
output = "{{stray}}"
"#;

/// A part file that cannot be read at all: `part` is the step's part, as written.
fn unreadable(part: &str) -> String {
    format!("title = \"P\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\ntitle = \"T\"\n{part}\n")
}

#[test]
fn every_mistake_in_a_part_is_reported_at_its_place() {
    let book = TestBook::new();
    book.write("content/01-ch/01-shapes.toml", SHAPES)
        .write("content/_steps/bad.toml", BAD_REUSABLE);
    let cases = [
        ("02-unknown", "[[section.step.part]]\ntxet = \"x\""),
        ("03-type", "[[section.step.part]]\ntext = 1"),
        ("04-string", "part = [\"x\"]"),
        ("05-item", "[[section.step.part]]\nexpect = \"absent\"\nprocesses = [{ name = \"a\" }]"),
        ("06-processes", "[[section.step.part]]\nexpect = \"absent\"\nprocesses = \"a\""),
        ("07-refs", "[[section.step.part]]\nrefs = \"a\""),
        ("08-when", "[[section.step.part]]\ntext = \"a\"\nwhen = [\"os = win\"]"),
        ("09-item-key", "[[section.step.part]]\nexpect = \"absent\"\nprocesses = [{ name = \"a\", when = \"os = win\", x = 1 }]"),
    ];
    for (name, part) in cases {
        book.write(&format!("content/01-ch/{name}.toml"), &unreadable(part));
    }
    // `09-item-key`: a conditional process item denies unknown keys like every table.
    let expected = [
        "content/01-ch/01-shapes.toml:9:1 90..90 part has no content (hint: a part has exactly one of: text, cmd, gui, processes, note, caution, refs)",
        "content/01-ch/01-shapes.toml:14:1 168..168 part has both `text` and `cmd` (hint: a part has exactly one of: text, cmd, gui, processes, note, caution, refs)",
        "content/01-ch/01-shapes.toml:20:1 251..251 part has both `gui` and `note` (hint: a part has exactly one of: text, cmd, gui, processes, note, caution, refs)",
        "content/01-ch/01-shapes.toml:29:9 392..396 `shell` belongs to a `cmd` part",
        "content/01-ch/01-shapes.toml:30:10 406..409 `output` belongs to a `cmd` part",
        "content/01-ch/01-shapes.toml:31:10 419..427 `expect` belongs to a `processes` part",
        "content/01-ch/01-shapes.toml:36:7 493..497 command without `shell` (hint: add shell = one of \"sh\", \"root\", \"cmd\", \"powershell\", \"sql\" ([[shell]] in book.toml adds more))",
        "content/01-ch/01-shapes.toml:38:9 528..533 unknown shell `zsh` (hint: use one of \"sh\", \"root\", \"cmd\", \"powershell\", \"sql\", or declare it with [[shell]] in book.toml)",
        "content/01-ch/01-shapes.toml:42:7 586..594 empty command",
        "content/01-ch/01-shapes.toml:45:11 640..648 undeclared placeholder `nope` (hint: declare it in book.toml: [[placeholder]] id = \"…\" label = \"…\"; facet values: os, from)",
        "content/01-ch/01-shapes.toml:46:11 660..669 undeclared placeholder `nope2` (hint: declare it in book.toml: [[placeholder]] id = \"…\" label = \"…\"; facet values: os, from)",
        "content/01-ch/01-shapes.toml:47:10 680..689 `expect` belongs to a `processes` part",
        "content/01-ch/01-shapes.toml:51:14 749..752 unknown value `mac` for facet `os` (one of: win, unix)",
        "content/01-ch/01-shapes.toml:55:1 792..792 process list without `expect` (hint: add expect = \"present\" or expect = \"absent\")",
        "content/01-ch/01-shapes.toml:59:10 881..887 unknown expectation `gone` (hint: use \"present\" or \"absent\")",
        "content/01-ch/01-shapes.toml:60:1 888..888 unknown value `mac` for facet `os` (one of: win, unix)",
        "content/01-ch/01-shapes.toml:63:9 1024..1028 `shell` belongs to a `cmd` part",
        "content/01-ch/01-shapes.toml:64:10 1038..1041 `output` belongs to a `cmd` part",
        "content/01-ch/01-shapes.toml:65:14 1055..1058 unknown value `bsd` for facet `os` (one of: win, unix)",
        "content/01-ch/01-shapes.toml:70:7 1120..1133 empty entry in GUI path (hint: separate the entries with a single `→`)",
        "content/01-ch/01-shapes.toml:72:8 1163..1172 undeclared placeholder `nope3` (hint: declare it in book.toml: [[placeholder]] id = \"…\" label = \"…\"; facet values: os, from)",
        "content/01-ch/01-shapes.toml:76:9 1217..1217 part has both `text` and `caution` (hint: a part has exactly one of: text, cmd, gui, processes, note, caution, refs)",
        "content/01-ch/01-shapes.toml:76:40 1248..1248 part has no content (hint: a part has exactly one of: text, cmd, gui, processes, note, caution, refs)",
        "content/01-ch/01-shapes.toml:82:1 1332..1332 part has both `note` and `caution` (hint: a part has exactly one of: text, cmd, gui, processes, note, caution, refs)",
        "content/01-ch/01-shapes.toml:88:9 1469..1479 unknown external reference `nope-ref` (hint: external documents are listed in content/_refs.toml)",
        "content/01-ch/02-unknown.toml:8:1 96..100 unknown field `txet`, expected one of `when`, `text`, `cmd`, `shell`, `output`, `gui`, `processes`, `expect`, `note`, `caution`, `refs` (hint: check the spelling; the README's \"The book on disk\" lists every key)",
        "content/01-ch/03-type.toml:8:8 103..104 invalid type: integer `1`, expected a string",
        "content/01-ch/04-string.toml:7:9 82..85 invalid type: string \"x\", expected struct RawPart",
        "content/01-ch/05-item.toml:9:14 127..141 missing field `when` (hint: this key is required here)",
        "content/01-ch/06-processes.toml:9:13 126..129 invalid type: string \"a\", expected a sequence",
        "content/01-ch/07-refs.toml:8:8 103..106 invalid type: string \"a\", expected a sequence",
        "content/01-ch/08-when.toml:9:8 114..126 invalid type: sequence, expected a string",
        "content/01-ch/09-item-key.toml:9:14 127..167 unknown field `x`, expected `name` or `when` (hint: check the spelling; the README's \"The book on disk\" lists every key)",
        "content/_steps/bad.toml:3:1 35..35 part has both `text` and `cmd` (hint: a part has exactly one of: text, cmd, gui, processes, note, caution, refs)",
        "content/_steps/bad.toml:4:8 51..73 `{{undeclared}}` is not a declared parameter (hint: declare it with params = [\"…\"] at the top of the reusable step)",
        "content/_steps/bad.toml:5:7 80..91 `{{other}}` is not a declared parameter (hint: declare it with params = [\"…\"] at the top of the reusable step)",
        "content/_steps/bad.toml:8:10 121..132 `{{stray}}` is not a declared parameter (hint: declare it with params = [\"…\"] at the top of the reusable step)",
        "content/_steps/bad.toml:8:10 121..132 `output` belongs to a `cmd` part",
    ];
    assert_eq!(book.diagnostics(), expected);
}

const EVERY_KIND: &str = r#"title = "Kinds"

[[section]]
id = "s"
title = "S"

[[section.step]]
title = "T"
body = "body"
[[section.step.part]]
text = "text"
[[section.step.part]]
shell = "powershell"
cmd = "Get-Service  \n\n  Stop-Service x\n"
output = "done \n"
[[section.step.part]]
gui = "a → b→c"
[[section.step.part]]
expect = "present"
processes = ["a", { name = "b", when = "os = win" }]
when = "from >= 1.2"
[[section.step.part]]
note = "note"
[[section.step.part]]
caution = "caution"
[[section.step.part]]
refs = ["manual"]
"#;

#[test]
fn every_kind_of_part_resolves_to_its_model() {
    let book = TestBook::new();
    book.write("content/01-ch/01-kinds.toml", EVERY_KIND);
    let (book, _) = crate::resolve::load_book(book.root()).expect("a clean book");
    let step = &book.procedures().next().expect("a procedure").sections[0].steps[0];
    let kinds: Vec<&PartKind> = step.parts.iter().map(|p| &*p.kind).collect();
    let os_win = crate::condition::Condition::OneOf {
        facet: "os".into(),
        values: vec!["win".into()],
    };
    assert_eq!(
        kinds,
        [
            &PartKind::Text("body".into()),
            &PartKind::Text("text".into()),
            &PartKind::Command {
                shell: Shell::builtins()
                    .into_iter()
                    .find(|s| s.id == "powershell")
                    .expect("built in")
                    .into(),
                lines: vec!["Get-Service".into(), "".into(), "  Stop-Service x".into()],
                output: Some("done".into()),
            },
            &PartKind::Gui(vec!["a".into(), "b".into(), "c".into()]),
            &PartKind::Processes {
                expect: Expect::Present,
                items: vec![
                    ProcessItem {
                        name: "a".into(),
                        when: None
                    },
                    ProcessItem {
                        name: "b".into(),
                        when: Some(os_win)
                    },
                ],
            },
            &PartKind::Note("note".into()),
            &PartKind::Caution("caution".into()),
            &PartKind::Refs(vec!["manual".into()]),
        ]
    );
    assert!(step.parts[4].when.is_some());
}

#[test]
fn a_reusable_steps_parameters_reach_every_string_of_its_parts() {
    let book = TestBook::new();
    book.write(
        "content/_steps/stop.toml",
        r#"params = ["svc", "ver"]
title = "Stop {{svc}}"
[[part]]
shell = "sh"
cmd = "systemctl stop {{svc}}"
output = "{{svc}} stopped"
when = "{{ver}} >= 1.0"
[[part]]
expect = "absent"
processes = ["{{svc}}d", { name = "{{svc}}-helper", when = "{{ver}} >= 2.0" }]
"#,
    )
    .write(
        "content/01-ch/01-use.toml",
        "title = \"U\"\n[[section]]\nid = \"s\"\ntitle = \"S\"\n[[section.step]]\nuse = \"stop\"\nwith = { svc = \"cron\", ver = \"from\" }\n",
    );
    let (book, _) = crate::resolve::load_book(book.root()).expect("a clean book");
    let step = &book.procedures().next().expect("a procedure").sections[0].steps[0];
    assert_eq!(step.title, "Stop cron");
    assert_eq!(step.reused.as_deref(), Some("stop"));
    let PartKind::Command { lines, output, .. } = &*step.parts[0].kind else {
        panic!("{:?}", step.parts[0]);
    };
    assert_eq!(
        (lines[0].as_str(), output.as_deref()),
        ("systemctl stop cron", Some("cron stopped"))
    );
    assert_eq!(
        step.parts[0]
            .when
            .as_ref()
            .map(|w| w.to_string())
            .as_deref(),
        Some("from >= 1.0")
    );
    let PartKind::Processes { items, .. } = &*step.parts[1].kind else {
        panic!("{:?}", step.parts[1]);
    };
    let shown: Vec<(String, Option<String>)> = items
        .iter()
        .map(|i| (i.name.clone(), i.when.as_ref().map(|w| w.to_string())))
        .collect();
    assert_eq!(
        shown,
        [
            ("crond".to_string(), None),
            ("cron-helper".to_string(), Some("from >= 2.0".to_string()))
        ]
    );
}

#[test]
fn facet_values_in_text_are_checked_where_they_are_written() {
    let book = TestBook::new();
    book.write(
        "content/01-ch/01-values.toml",
        r#"title = "Move to [[from.minor]] on [[os.label]]"
[[section]]
id = "s"
title = "From [[from.build]]"
[[section.step]]
title = "T [[os.major]]"
body = "See [the repo](https://example.com/[[from.minor]]/) and [[nope.minor]]."
[[section.step.part]]
shell = "sh"
cmd = "ls /opt/[[from.major]]"
output = "[[from.patch]] [[from.label]] [[os]]"
"#,
    );
    assert_eq!(
        book.diagnostics(),
        [
            "content/01-ch/01-values.toml:4:15 84..98 facet `from` has no part `build` (its parts: label, major, minor, patch) (hint: `[[from]]` shows the environment's Current version; `[[from.label]]` its label)",
            "content/01-ch/01-values.toml:6:12 128..140 facet `os` has no part `major` (its parts: label) (hint: `[[os]]` shows the environment's OS; `[[os.label]]` its label)",
            "content/01-ch/01-values.toml:7:65 206..220 undeclared placeholder `nope.minor` (hint: declare it in book.toml: [[placeholder]] id = \"…\" label = \"…\"; facet values: os, from)",
        ]
    );
}

#[test]
fn a_placeholder_named_like_a_facet_is_an_error_at_its_id() {
    let book = TestBook::new();
    let toml = std::fs::read_to_string(book.root().join("book.toml")).expect("book.toml");
    book.write(
        "book.toml",
        &format!("{toml}\n[[placeholder]]\nid = \"from.major\"\nlabel = \"Major\"\n"),
    );
    let found = book.diagnostics();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("book.toml:15:6 ")
            && found[0].contains("placeholder `from.major` has the name of facet `from`"),
        "{found:?}"
    );
}
