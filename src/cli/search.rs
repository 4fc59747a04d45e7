//! `tejun search`: ranked steps for a query, from the terminal or a script. Builds or
//! refreshes the index first when the content changed, so it never answers from a stale
//! one.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use serde::Serialize;

use super::BookArg;
use crate::config::Config;
use crate::diagnostics::{Diagnostics, SourceMap};
use crate::search::index::{self, millis, Hit, Request, SearchIndex};
use crate::search::snippet::{mark, Snippet};
use crate::search::Field;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to look for: words, "a phrase", cmd:systemctl, title:restart (anything else is
    /// text); with --commands, the start of the names to list
    #[arg(allow_hyphen_values = true, required_unless_present_any = ["commands", "error"])]
    pub query: Option<String>,
    /// A pasted error message or output: the known problems whose messages match it come
    /// first (hosts, paths, numbers, ids, times and quoted values may differ), then steps
    #[arg(long, allow_hyphen_values = true, conflicts_with_all = ["commands", "field"])]
    pub error: Option<String>,
    #[command(flatten)]
    pub book: BookArg,
    /// Only what applies to this environment: os=linux,from=2.4 (open facets keep a step)
    #[arg(long)]
    pub env: Option<String>,
    /// Search one field only: title, cmd, gui, body, proc, chapter
    #[arg(long, value_parser = parse_field)]
    pub field: Option<Field>,
    /// Print a JSON array of results
    #[arg(long)]
    pub json: bool,
    /// At most this many results
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Index folder (as for `tejun index --out`)
    #[arg(long)]
    pub index: Option<PathBuf>,
    /// Search the book in this language: its own or one of its `translations` (each has
    /// its own index, analysed as its language reads)
    #[arg(long)]
    pub lang: Option<String>,
    /// List every command and process the book names, each with the steps that use it
    /// (with --env, the steps of that environment)
    #[arg(long)]
    pub commands: bool,
}

fn parse_field(s: &str) -> Result<Field, String> {
    Field::parse(s).ok_or_else(|| {
        format!("unknown field `{s}` (one of: title, cmd, gui, body, proc, chapter)")
    })
}

/// A result as scripts see it; `highlights` are character ranges of `snippet`.
#[derive(Serialize)]
struct JsonHit<'a> {
    #[serde(flatten)]
    hit: &'a Hit,
    highlights: Vec<[usize; 2]>,
}

pub fn run(mut args: Args) -> anyhow::Result<ExitCode> {
    if args.error.is_some() {
        // With `--error` the text is the option's value: the one positional is the book.
        if let Some(book) = args.query.take() {
            args.book.book = PathBuf::from(book);
        }
    }
    if args.commands {
        return commands(&args);
    }
    let root = &args.book.book;
    let query = args
        .error
        .as_deref()
        .or(args.query.as_deref())
        .unwrap_or_default();
    let Some(config) = read_config(root)? else {
        return Ok(ExitCode::from(1));
    };
    let lang = match &args.lang {
        None => config.language,
        Some(code) => match config.language_named(code) {
            Ok(lang) => lang,
            Err(msg) => {
                eprintln!("error: --lang {code}: {msg}");
                return Ok(ExitCode::from(2));
            }
        },
    };
    let problems = match &args.error {
        Some(text) => match problem_hits(&args, text, (lang != config.language).then_some(lang)) {
            Ok(hits) => Some(hits),
            Err(code) => return Ok(code),
        },
        None => None,
    };
    let dir = args
        .index
        .clone()
        .unwrap_or_else(|| index::default_dir_in(root, &config, lang));
    // A translation's conditions are worded with its own labels, which only loading it
    // gives.
    let translated = lang != config.language;
    let mut config = config;
    if !index::is_fresh(root, &dir, lang)? || (translated && args.env.is_some()) {
        let start = Instant::now();
        let code = translated.then_some(lang.code());
        match super::load::book_in(root, code, "nothing was searched") {
            Ok(loaded) => {
                let update = index::update(root, &loaded.book, &dir)?;
                if let index::Update::Built { docs } = update {
                    eprintln!(
                        "indexed {} ({:.0} ms)",
                        super::load::count(docs, "document"),
                        millis(start)
                    );
                }
                config = loaded.book.config;
            }
            Err(code) => return Ok(code),
        }
    }
    let env = match &args.env {
        Some(spec) => match config.parse_env(spec) {
            Ok(e) => Some(e),
            Err(msg) => {
                eprintln!("error: --env: {msg}");
                return Ok(ExitCode::from(2));
            }
        },
        None => None,
    };
    let idx = SearchIndex::open(&dir)?;
    let start = Instant::now();
    let results = idx.search(&Request {
        query,
        field: args.field,
        env: env.as_ref().map(|e| (e, &config)),
        limit: args.limit,
    })?;
    let took = millis(start);
    let mut out = super::stdout();
    if let Some(problems) = &problems {
        return print_with_problems(&args, problems, &results, took);
    }
    if args.json {
        let hits = json_hits(&results);
        serde_json::to_writer_pretty(&mut out, &hits)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(q) = &results.corrected {
        writeln!(out, "showing results for `{q}`")?;
    }
    if results.partial && !results.hits.is_empty() {
        writeln!(out, "no step has every word; these have most of them\n")?;
    }
    if results.hits.is_empty() {
        writeln!(out, "no results for `{query}`{}", outside(results.outside))?;
        return Ok(ExitCode::SUCCESS);
    }
    let tty = std::io::stdout().is_terminal();
    let (bold, hl, dim, reset) = if tty {
        ("\x1b[1m", "\x1b[1;33m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    for (h, also) in grouped(&results.hits) {
        writeln!(out, "{bold}{}  {}{reset}", h.location, h.title)?;
        writeln!(out, "  {}", h.procedure)?;
        let s = Snippet {
            text: h.snippet.clone(),
            highlights: h.highlights.clone(),
        };
        let snippet = if tty {
            mark(&s, hl, reset)
        } else {
            s.text.clone()
        };
        writeln!(out, "  {snippet}")?;
        // Words only: a condition with nothing left to say (settled by `--env`, or always
        // true) is not printed, never its raw form.
        match &h.condition_text {
            Some(c) => writeln!(out, "  {dim}{}  [{c}]{reset}", h.link)?,
            None => writeln!(out, "  {dim}{}{reset}", h.link)?,
        }
        for a in also {
            writeln!(
                out,
                "  {dim}also {}  {}  {}{reset}",
                a.location, a.procedure, a.link
            )?;
        }
        writeln!(out)?;
    }
    eprintln!(
        "{} of {}{} ({took:.1} ms)",
        results.hits.len(),
        super::load::count(results.total, "result"),
        outside(results.outside)
    );
    Ok(ExitCode::SUCCESS)
}

/// The hits as `--json` prints them, highlights counted in characters.
fn json_hits(results: &index::Results) -> Vec<JsonHit<'_>> {
    results
        .hits
        .iter()
        .map(|h| JsonHit {
            hit: h,
            highlights: char_ranges(&h.snippet, &h.highlights),
        })
        .collect()
}

/// The known problems a pasted message matches, in the environment of `--env`, in the
/// book's language or translation `lang` (whose entries may add the messages the product
/// prints in that language).
fn problem_hits(
    args: &Args,
    text: &str,
    lang: Option<crate::words::Language>,
) -> Result<Vec<crate::search::message::ProblemHit>, ExitCode> {
    let code = lang.map(|l| l.code());
    let loaded = super::load::book_in(&args.book.book, code, "nothing was searched")?;
    let book = in_env(loaded.book, args.env.as_deref())?;
    Ok(crate::search::message::rank(&book, text, args.limit))
}

/// The book as `--env` leaves it (the whole book without one); a bad `--env` is a
/// one-line error, exit 2.
fn in_env(book: crate::model::Book, env: Option<&str>) -> Result<crate::model::Book, ExitCode> {
    let Some(spec) = env else {
        return Ok(book);
    };
    match book.config.parse_env(spec) {
        Ok(env) => Ok(crate::filter::filter(&book, &env)),
        Err(msg) => {
            eprintln!("error: --env: {msg}");
            Err(ExitCode::from(2))
        }
    }
}

/// `--error`: the matching known problems, then the steps the text finds.
fn print_with_problems(
    args: &Args,
    problems: &[crate::search::message::ProblemHit],
    results: &index::Results,
    took: f64,
) -> anyhow::Result<ExitCode> {
    let mut out = super::stdout();
    if args.json {
        let steps = json_hits(results);
        serde_json::to_writer_pretty(
            &mut out,
            &serde_json::json!({ "problems": problems, "steps": steps }),
        )?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let tty = std::io::stdout().is_terminal();
    let (bold, dim, reset) = if tty {
        ("\x1b[1m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    if problems.is_empty() {
        writeln!(out, "no known problem has this message\n")?;
    }
    for p in problems {
        writeln!(out, "{bold}known problem  {}{reset}", p.title)?;
        writeln!(out, "  {}", p.message)?;
        writeln!(
            out,
            "  {dim}{}  ({:.0}% alike){reset}\n",
            p.link,
            p.score.min(1.0) * 100.0
        )?;
    }
    for h in results
        .hits
        .iter()
        .take(args.limit.saturating_sub(problems.len()).max(3))
    {
        writeln!(out, "{bold}{}  {}{reset}", h.location, h.title)?;
        writeln!(out, "  {}", h.procedure)?;
        writeln!(out, "  {dim}{}{reset}\n", h.link)?;
    }
    eprintln!(
        "{} and {} ({took:.1} ms)",
        super::load::count(problems.len(), "known problem"),
        super::load::count(results.hits.len(), "step")
    );
    Ok(ExitCode::SUCCESS)
}

/// `tejun search --commands`: every command and process, with the steps that use it.
fn commands(args: &Args) -> anyhow::Result<ExitCode> {
    let root = &args.book.book;
    let loaded = match super::load::book(root, "nothing was listed") {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let book = match in_env(loaded.book, args.env.as_deref()) {
        Ok(book) => book,
        Err(code) => return Ok(code),
    };
    let list = crate::search::commands::list(&book, args.query.as_deref().unwrap_or_default());
    let mut out = super::stdout();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let tty = std::io::stdout().is_terminal();
    let (bold, dim, reset) = if tty {
        ("\x1b[1m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    for e in &list {
        let kind = match e.kind {
            crate::search::commands::Kind::Command => "command",
            crate::search::commands::Kind::Process => "process",
        };
        writeln!(
            out,
            "{bold}{}{reset}  {dim}{kind}, {}{reset}",
            e.name,
            super::load::count(e.steps.len(), "step")
        )?;
        for u in &e.steps {
            writeln!(
                out,
                "  {}  {}  {dim}{}  {}{reset}",
                u.location, u.title, u.procedure, u.link
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One entry per reused step: hits with the same title and snippet (one reusable step in
/// several procedures) under the first, with the others' places.
fn grouped(hits: &[Hit]) -> Vec<(&Hit, Vec<&Hit>)> {
    let mut out: Vec<(&Hit, Vec<&Hit>)> = Vec::new();
    for h in hits {
        match out
            .iter_mut()
            .find(|(f, _)| f.title == h.title && f.snippet == h.snippet)
        {
            Some((_, also)) => also.push(h),
            None => out.push((h, Vec::new())),
        }
    }
    out
}

/// `; 12 more outside the environment`, when `--env` hid some.
fn outside(n: usize) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("; {n} more outside the environment")
    }
}

/// `book.toml` alone: enough for the output folder and `--env`, without loading the book.
fn read_config(root: &std::path::Path) -> anyhow::Result<Option<Config>> {
    let path = root.join("book.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("failed to read `{}`: {e}", path.display()))?;
    let mut sources = SourceMap::default();
    let file = sources.add(path, "book.toml".into(), text.clone());
    let mut diags = Diagnostics::default();
    let config = Config::parse(&text, file, &mut diags);
    if config.is_none() {
        diags.emit(&sources);
    }
    Ok(config)
}

fn char_ranges(text: &str, bytes: &[std::ops::Range<usize>]) -> Vec<[usize; 2]> {
    let at = |b: usize| text.get(..b).map_or(0, |s| s.chars().count());
    bytes.iter().map(|r| [at(r.start), at(r.end)]).collect()
}
