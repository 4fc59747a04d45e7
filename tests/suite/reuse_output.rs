//! A use site gives a command of the reused step its expected output
//! (`[[section.step.output]]`, the command by its position): shown with that command on
//! the site, the print page and runbooks, at that use only; a position the reused step
//! does not have, or the table on a step that uses nothing, is an error at its place.

use crate::harness::Book;

const USE: &str = "use = \"check-site-unix\"\nwith = { node = \"待機系\" }\n";

/// The `<samp>` of the first command in the step `id` of `html`.
fn output_of<'h>(html: &'h str, id: &str) -> &'h str {
    let step = &html[html.find(&format!("step-{id}\"")).expect("the step")..];
    let samp = &step[step.find("<samp>").expect("an output") + 6..];
    &samp[..samp.find("</samp>").expect("its end")]
}

#[test]
fn a_use_site_gives_a_reused_command_its_output() {
    let book = Book::fixture("site-ja");
    book.edit(
        "content/02-unix/01-unix-upgrade.toml",
        USE,
        &format!("{USE}[[section.step.output]]\ncmd = 1\ntext = \"/opt/sample <standby>\"\n"),
    );
    book.run(["build", "."]).assert_ok();
    let page = book.read("book/unix-upgrade.html");
    assert_eq!(
        output_of(&page, "check-site"),
        "/opt/sample &lt;standby&gt;"
    );
    // The same reusable step used elsewhere keeps its own output.
    assert_eq!(
        output_of(&book.read("book/unix-patch.html"), "check-site"),
        "(なし)"
    );
    let print = book.read("book/print.html");
    assert_eq!(
        output_of(&print, "check-site"),
        "/opt/sample &lt;standby&gt;"
    );
    let out = book.tmp().join("rb.html");
    book.run([
        "runbook",
        ".",
        "--env",
        "cluster=unix,operation=upgrade,from=R1.5,to=R2.0",
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ])
    .assert_ok();
    let runbook = crate::harness::read(&out);
    assert_eq!(
        output_of(&runbook, "check-site"),
        "/opt/sample &lt;standby&gt;"
    );
}

#[test]
fn an_output_for_a_command_the_step_lacks_is_located() {
    let book = Book::fixture("site-ja");
    book.edit(
        "content/02-unix/01-unix-upgrade.toml",
        USE,
        &format!("{USE}[[section.step.output]]\ncmd = 2\ntext = \"x\"\n"),
    );
    book.edit(
        "content/02-unix/01-unix-upgrade.toml",
        "title = \"新しいパッケージをインストール\"\n",
        "title = \"新しいパッケージをインストール\"\n[[section.step.output]]\ncmd = 1\ntext = \"y\"\n",
    );
    let o = book.run(["check", "."]);
    assert_eq!(o.code(), Some(1));
    let err = o.stderr();
    assert!(
        err.contains("`check-site-unix` shows 1 command here; `cmd = 2` names none")
            && err.contains("content/02-unix/01-unix-upgrade.toml:13:7"),
        "{err}"
    );
    assert!(
        err.contains("`[[…output]]` belongs to a step that `use`s a reusable step"),
        "{err}"
    );
}
