//! `tejun runbook`: one environment's procedures as one self-contained HTML file, from a
//! profile of book.toml (`--profile NAME`) or an environment given by hand
//! (`--env os=linux,operation=patch,from=2.4`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Result};

use super::BookArg;
use crate::output::owned::ensure_overwritable;
use crate::output::{write_owned, BookSources, Signature};
use crate::render::runbook::build_date;
use crate::render::{RunbookSpec, Site, Theme};

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["env", "profile"])))]
pub struct Args {
    #[command(flatten)]
    pub book: BookArg,
    /// The language to write it in: the book's own or one of its `translations`
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// The environment, `facet=value,…` (for example `os=linux,operation=patch,from=2.4`)
    #[arg(long, value_name = "FACET=VALUE,...")]
    pub env: Option<String>,
    /// A profile of book.toml
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Values for placeholders, written into the commands: `--set resource=JCRes,shared_disk=S:\jc`
    #[arg(long, value_name = "ID=VALUE,...")]
    pub set: Vec<String>,
    /// The file to write (default: `<profile>.html`, or `runbook.html`, in the current folder)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<ExitCode> {
    let mut book = match super::load::book_in(
        &args.book.book,
        args.lang.as_deref(),
        "no runbook was written",
    ) {
        Ok(loaded) => loaded.book,
        Err(code) => return Ok(code),
    };
    set_values(&mut book.config, &args.set)?;
    let cfg = &book.config;
    let spec = runbook_spec(
        cfg,
        args.profile.as_deref(),
        args.env.as_deref(),
        &build_date(),
    )?
    .ok_or_else(|| anyhow!("give --env FACET=VALUE,... or --profile NAME"))?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(if spec.id == "env" {
            "runbook.html".to_string()
        } else {
            format!("{}.html", spec.id)
        })
    });
    let sources = BookSources::new(&args.book.book, &cfg.theme_dir);
    // Before rendering: a file that is not tejun's is never replaced.
    ensure_overwritable(&out, Signature::Html, &sources)?;
    let theme = Theme::load(Some(&args.book.book.join(&cfg.theme_dir)))?;
    let html = Site::new(&book, theme)?.runbook(&spec)?;
    let steps = html_steps(&html);
    write_owned(&out, html.as_bytes(), Signature::Html, &sources)?;
    eprintln!("wrote {} ({steps} steps)", out.display());
    Ok(ExitCode::SUCCESS)
}

/// How many steps a written runbook holds (each carries `data-seq`).
fn html_steps(html: &str) -> usize {
    html.matches(" data-seq=\"").count()
}

/// Applies `--set id=value,...` (each checked against its placeholder's pattern).
pub(super) fn set_values(cfg: &mut crate::config::Config, sets: &[String]) -> Result<()> {
    for spec in sets {
        cfg.set_placeholders(spec)
            .map_err(|e| anyhow!("--set {spec}: {e}"))?;
    }
    Ok(())
}

/// The runbook a `--profile` or `--env` names; `None` when neither is given.
pub(super) fn runbook_spec(
    cfg: &crate::config::Config,
    profile: Option<&str>,
    env: Option<&str>,
    built: &str,
) -> Result<Option<RunbookSpec>> {
    match (profile, env) {
        (Some(name), _) => RunbookSpec::profile(cfg, name, built)
            .map(Some)
            .ok_or_else(|| {
                let known: Vec<&str> = cfg.profiles.iter().map(|p| p.id.as_str()).collect();
                if known.is_empty() {
                    anyhow!("unknown profile `{name}`: book.toml declares no [[profile]]")
                } else {
                    anyhow!(
                        "unknown profile `{name}` (book.toml declares: {})",
                        known.join(", ")
                    )
                }
            }),
        (None, Some(spec)) => {
            let env = cfg.parse_env(spec).map_err(|e| {
                anyhow!(
                    "invalid environment `{}`: {e}",
                    crate::diagnostics::escape_invisible(spec)
                )
            })?;
            Ok(Some(RunbookSpec::env(cfg, env, built)))
        }
        (None, None) => Ok(None),
    }
}
