//! `tejun diff --env A --env B`: which steps differ between two environments' runbooks,
//! so a support engineer can tell a customer exactly what changes with their setup.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{bail, Context};

use super::BookArg;
use crate::filter::filter;
use crate::model::{Book, Step};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// Environments to compare, e.g. `--env cluster=unix,from=R12.7 --env cluster=unix,from=R13.1`
    /// (a profile name works too)
    #[arg(long = "env", num_args = 1, required = true)]
    pub envs: Vec<String>,
}

/// A step's identity across views, and what a reader would see of it.
fn steps(view: &Book) -> BTreeMap<(String, String), (String, String)> {
    let mut out = BTreeMap::new();
    for p in view.procedures() {
        for s in &p.sections {
            for st in s.all_steps() {
                let place = format!("{} {} / {}. {}", s.number, s.title, st.number, st.title);
                out.insert((p.id.clone(), st.id.clone()), (place, fingerprint(st)));
            }
        }
    }
    out
}

fn fingerprint(st: &Step) -> String {
    let mut f = String::new();
    for p in &st.parts {
        f.push_str(&format!("{:?}\n", p.kind));
    }
    for v in &st.variants {
        f.push_str(&format!("[{}]\n", v.label));
        for p in &v.parts {
            f.push_str(&format!("{:?}\n", p.kind));
        }
    }
    f
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.envs.len() != 2 {
        bail!("give exactly two environments: --env A --env B");
    }
    let book = match super::load::book(&args.book.book, "nothing was compared") {
        Ok(loaded) => loaded.book,
        Err(code) => return Ok(code),
    };
    let env_of = |spec: &str| {
        match book.config.profiles.iter().find(|p| p.id == spec) {
            Some(p) => Ok(p.env.clone()),
            None => book.config.parse_env(spec),
        }
        .map_err(anyhow::Error::msg)
        .with_context(|| {
            format!(
                "invalid environment `{}`",
                crate::diagnostics::escape_invisible(spec)
            )
        })
    };
    let (a, b) = (env_of(&args.envs[0])?, env_of(&args.envs[1])?);
    let (sa, sb) = (steps(&filter(&book, &a)), steps(&filter(&book, &b)));
    let mut out = super::stdout();
    writeln!(out, "--- {}\n+++ {}", args.envs[0], args.envs[1])?;
    let mut differences = 0;
    let mut keys: Vec<&(String, String)> = sa.keys().chain(sb.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        match (sa.get(key), sb.get(key)) {
            (Some((place, _)), None) => writeln!(out, "- {}: {place}", key.0)?,
            (None, Some((place, _))) => writeln!(out, "+ {}: {place}", key.0)?,
            (Some((pa, fa)), Some((_, fb))) if fa != fb => {
                writeln!(out, "~ {}: {pa} (content differs)", key.0)?
            }
            _ => continue,
        }
        differences += 1;
    }
    writeln!(out, "{differences} steps differ")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
