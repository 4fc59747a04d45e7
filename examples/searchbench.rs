//! Query latency with the index already open and warm, for `bench/run`:
//! `cargo run --release --example searchbench -- INDEX_DIR RUNS QUERY...` prints one line
//! per query run, `QUERY<TAB>MILLISECONDS<TAB>TOTAL`, after one untimed run of each query.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use tejun::search::{Request, SearchIndex};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(dir), Some(runs)) = (args.first(), args.get(1).and_then(|r| r.parse().ok())) else {
        eprintln!("usage: searchbench INDEX_DIR RUNS QUERY...");
        return ExitCode::from(2);
    };
    let index = match SearchIndex::open(Path::new(dir)) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let search = |query: &str| {
        index.search(&Request {
            query,
            field: None,
            env: None,
            limit: 10,
        })
    };
    let mut out = std::io::stdout().lock();
    for query in &args[2..] {
        // The first run pages the index in; the figure is for an index in use.
        if let Err(e) = search(query) {
            eprintln!("error: {query}: {e:#}");
            return ExitCode::FAILURE;
        }
        for _ in 0..runs {
            let start = Instant::now();
            let total = search(query).map_or(0, |r| r.total);
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            if writeln!(out, "{query}\t{ms:.3}\t{total}").is_err() {
                return ExitCode::FAILURE; // the reader went away
            }
        }
    }
    ExitCode::SUCCESS
}
