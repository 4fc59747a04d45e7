//! `tejun init`: a small working book to start from, showing each feature once (facets and
//! a profile, a chapter, a procedure with a command, a variant and a reusable step).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to create the book in (created when missing); defaults to the current folder
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

const FILES: &[(&str, &str)] = &[
    (
        "book.toml",
        r#"title = "Example Service Upgrade Guide"
language = "en"          # "ja" or "en"
edition = "1st edition"

[[facet]]
id = "os"
label = "Operating system"
values = [
  { id = "linux", label = "Linux" },
  { id = "windows", label = "Windows" },
]

[[facet]]
id = "from"
label = "Current version"
kind = "version"
known = ["1.0", "1.5", "2.0"]

[[profile]]
id = "linux-r1-5"
label = "Linux / from 1.5"
env = { os = "linux", from = "1.5" }

[output]
dir = "book"
"#,
    ),
    (
        "content/_book.toml",
        r#"[[front]]
id = "preface"
title = "Preface"
body = '''
This guide explains how to upgrade the example service. Start with
[](#upgrade).
'''
"#,
    ),
    (
        "content/_refs.toml",
        r#"[[ref]]
id = "release-notes"
title = "Release Notes"
description = "What changed in each release."
"#,
    ),
    (
        "content/_steps/stop-service.toml",
        r#"# A reusable step: written once, used by id from any procedure.
params = ["node"]
title = "Stop the service on the {{node}} node"

[[variant]]
when = "os = linux"
[[variant.part]]
shell = "sh"
cmd = "sudo systemctl stop example"

[[variant]]
when = "os = windows"
[[variant.part]]
shell = "cmd"
cmd = "net stop example"
"#,
    ),
    (
        "content/01-basics/_chapter.toml",
        r#"title = "Upgrading"
intro = "How to move to the newest release."
"#,
    ),
    (
        "content/01-basics/01-upgrade.toml",
        r#"title = "Upgrade the service"
intro = "Read [](ext:release-notes) first."

[[section]]
id = "prepare"
title = "Prepare"

[[section.step]]
id = "stop"
use = "stop-service"
with = { node = "primary" }

[[section.step]]
id = "backup"
title = "Back up the configuration"

[[section.step.variant]]
when = "from <= 1.5"
label = "Version 1.5 or earlier"
[[section.step.variant.part]]
shell = "sh"
cmd = "cp -r /etc/example /etc/example.bak"

[[section.step.variant]]
when = "from > 1.5"
[[section.step.variant.part]]
shell = "sh"
cmd = "example-admin save --to /srv/example-saved"
output = "saved"

[[section]]
id = "install"
title = "Install"

[[section.step]]
title = "Install the new release"
body = "Install the package, then check it as in [](#backup)."

[[section.step.part]]
note = "The installer keeps your settings."

[[section.step.part]]
refs = ["release-notes"]
"#,
    ),
];

pub fn run(args: Args) -> Result<ExitCode> {
    let dir = &args.dir;
    if dir.join("book.toml").exists() {
        bail!(
            "`{}` already holds a book.toml; tejun init never overwrites a book",
            dir.join("book.toml").display()
        );
    }
    for (path, _) in FILES {
        if dir.join(path).exists() {
            bail!(
                "`{}` already exists; tejun init never overwrites files",
                dir.join(path).display()
            );
        }
    }
    for (path, text) in FILES {
        write_new(&dir.join(path), text)?;
    }
    // The new book is valid; its schemas are written like a build's.
    if let Ok((book, _)) = crate::load_book(dir) {
        super::schema::keep(dir, &book);
    }
    eprintln!(
        "created a book in {}; build it with `tejun build {}`",
        dir.display(),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("failed to create `{}`", parent.display()))?;
    }
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("failed to create `{}`", path.display()))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("failed to write `{}`", path.display()))
}
