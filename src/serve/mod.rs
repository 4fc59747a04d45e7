//! `tejun serve`: the live preview. Builds the book into memory, serves it
//! on 127.0.0.1, watches `book.toml`, `content/` and `themes/`, and on each debounced batch
//! of changes reloads only what the batch touched ([`change`]), re-renders, and tells the
//! open pages whose bytes changed to reload. A broken edit keeps the last good pages and
//! shows its diagnostics over every open page and in the terminal. Only requests for the
//! server's own address from its own pages are answered (`origin.rs`).
//!
//! Threads: the main one waits for Ctrl-C; one accepts connections (`http.rs`); one owns
//! the [`Preview`] and applies batches from the watcher (`watch.rs`), publishing each result
//! as a new immutable snapshot and broadcasting an event on the reload channel (`hub.rs`).

pub mod change;
mod http;
mod hub;
pub mod inject;
mod origin;
pub mod path;
pub mod preview;
mod request;
mod translated;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use notify_debouncer_full::DebounceEventResult;

use crate::model::Book;
use crate::search::LiveIndex;
pub use change::{classify, Change, Layout, Plan};
use http::{Shared, Snapshot, UpdateEvent};
pub use preview::{Aggregates, AggregatesDone, ErrorItem, Preview, Update};
pub use request::REQUEST_TIMEOUT;

/// What `tejun serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The book folder.
    pub root: PathBuf,
    /// The address to listen on.
    pub bind: IpAddr,
    /// `0` lets the system choose; otherwise the next free port from here is used.
    pub port: u16,
    /// Whether to open the site in the default browser.
    pub open: bool,
    /// How long a connection may take to send its request ([`request::REQUEST_TIMEOUT`]
    /// unless a test shortens it).
    pub request_timeout: std::time::Duration,
}

/// Builds, serves and follows the book until Ctrl-C.
pub fn run(opts: Options) -> Result<ExitCode> {
    let root = opts
        .root
        .canonicalize()
        .with_context(|| format!("failed to find the book folder `{}`", opts.root.display()))?;
    if !root.join("book.toml").is_file() {
        bail!(
            "no book.toml in `{}`: run tejun serve in a book folder, pass the folder, or create one with `tejun init`",
            root.display()
        );
    }
    // Installed first, so a Ctrl-C at any point after the URL is printed stops cleanly.
    let (stop_tx, stop_rx) = channel();
    ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    })
    .context("failed to install the Ctrl-C handler")?;
    remove_indexes(&std::env::temp_dir(), |pid| {
        !crate::output::process_alive(pid)
    });
    let start = Instant::now();
    let (preview, stale) = Preview::open_pages(&root, true);
    let shared = Arc::new(Shared::new(
        boot_id(),
        Snapshot::of(&preview),
        opts.request_timeout,
        translated::Translations::new(root.clone()),
    ));
    eprintln!(
        "built {} pages in memory ({} errors, {} ms); the print page, runbooks and offline \
         search follow",
        preview.files().len(),
        preview.errors().len(),
        start.elapsed().as_millis()
    );
    let listener = http::bind(opts.bind, opts.port)
        .with_context(|| format!("failed to listen on {}:{}", opts.bind, opts.port))?;
    let addr = listener.local_addr()?;
    if !opts.bind.to_canonical().is_loopback() {
        eprintln!(
            "warning: listening on {}: other machines can reach this preview, which has no \
             authentication and is meant for this one (the default --bind is 127.0.0.1)",
            opts.bind
        );
    }
    if opts.port != 0 && addr.port() != opts.port {
        eprintln!("port {} is taken; using {}", opts.port, addr.port());
    }
    let url = url_of(addr);
    println!("serving at {url} (Ctrl-C to stop)");

    let (tx, rx) = channel();
    let watcher = watch::Watcher::start(preview.layout(), tx.clone(), Msg::Files)?;
    {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("tejun-http-accept".into())
            .spawn(move || http::serve(listener, shared))?;
    }
    {
        let shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("tejun-rebuild".into())
            .spawn(move || follow(rx, tx, preview, stale, watcher, &shared))?;
    }
    if opts.open {
        open_url(&url);
    }
    // Either Ctrl-C, or the handler went away: both mean stop.
    let _ = stop_rx.recv();
    // The index folders go with the server, even while a query still holds one open.
    remove_indexes(&std::env::temp_dir(), |pid| pid == std::process::id());
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// What the rebuild thread waits for.
enum Msg {
    /// A debounced batch of file-system events.
    Files(DebounceEventResult),
    /// The print page, runbooks and offline index of a book, rendered.
    Aggregates(AggregatesDone, Duration),
}

/// Applies every batch of file changes, publishes the result and tells the open pages.
/// The pages an edit changes are rendered here, before anything else; the files that hold
/// the whole book are rendered on another thread, so the next edit never waits for them.
fn follow(
    rx: Receiver<Msg>,
    tx: Sender<Msg>,
    mut preview: Preview,
    stale: bool,
    mut watcher: watch::Watcher,
    shared: &Arc<Shared>,
) {
    let indexer = spawn_indexer(shared);
    let aggregator = spawn_aggregator(tx);
    if stale {
        if let (Some(tx), Some(job)) = (&aggregator, preview.aggregates()) {
            let _ = tx.send(job);
        }
    }
    let send_book = |preview: &Preview, procedure: Option<String>| {
        if let (Some(tx), Some(book)) = (&indexer, preview.book()) {
            let _ = tx.send((Arc::clone(book), procedure));
        }
    };
    send_book(&preview, None);
    while let Ok(first) = rx.recv() {
        let mut events = Vec::new();
        // Everything already queued is one batch.
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            match msg {
                Msg::Files(Ok(evs)) => events.extend(evs.into_iter().map(|e| e.event)),
                Msg::Files(Err(errs)) => errs
                    .iter()
                    .for_each(|e| eprintln!("warning: file watcher: {e}")),
                Msg::Aggregates(done, took) => {
                    let update = preview.accept(done);
                    if !update.changed.is_empty() || update.errors_changed {
                        let errors = announce(shared, &preview, &update, &update.changed);
                        eprintln!(
                            "print page, runbooks and search: {} files changed, {errors} errors ({} ms)",
                            update.changed.len(),
                            took.as_millis()
                        );
                    }
                }
            }
        }
        let changes = classify(&events, preview.layout());
        // Lost events (the kernel's queue overflowed) may have been any change.
        let lost = events.iter().any(|e| e.need_rescan());
        let plan = if lost {
            Plan::all()
        } else {
            Plan::from_changes(&changes)
        };
        if plan.is_empty() {
            continue;
        }
        // Before loading: an edit made after the reload this batch causes must be seen,
        // also in a folder that was just replaced.
        if let Err(e) = watcher.follow(preview.layout(), &events) {
            eprintln!("warning: {e:#}");
        }
        let start = Instant::now();
        let paths: Vec<PathBuf> = changes
            .iter()
            .filter_map(|c| match c {
                Change::ContentFile(p) => Some(p.clone()),
                _ => None,
            })
            .collect();
        let (update, stale) = preview.apply_pages(plan, &paths);
        crate::timing::since("pages rendered", start);
        let errors = announce(shared, &preview, &update, &update.changed);
        crate::timing::since("pages announced", start);
        eprintln!(
            "{}: {} pages changed, {errors} errors ({} ms)",
            if lost {
                "file events lost, everything reloaded".to_string()
            } else {
                describe(&changes, &preview.layout().root)
            },
            update.changed.len(),
            start.elapsed().as_millis()
        );
        if stale {
            if let (Some(tx), Some(job)) = (&aggregator, preview.aggregates()) {
                let _ = tx.send(job);
            }
        }
        if update.patched {
            // One procedure changed (or none, when its text came back the same).
            if update.procedure.is_some() {
                send_book(&preview, update.procedure.clone());
            }
        } else if plan.content || plan.config {
            send_book(&preview, None);
        }
        // book.toml may have named another theme folder.
        if let Err(e) = watcher.follow(preview.layout(), &[]) {
            eprintln!("warning: {e:#}");
        }
    }
}

/// The thread that renders the print page, runbooks and offline index. A burst of edits
/// is rendered once: whatever jobs queued up while it worked, only the newest is done.
/// It has its own small thread pool, so the pages of the next edit, rendered on the
/// shared one, do not queue behind its work.
fn spawn_aggregator(tx: Sender<Msg>) -> Option<Sender<Aggregates>> {
    let (jobs, rx) = channel::<Aggregates>();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(std::thread::available_parallelism().map_or(2, |n| n.get()))
        .thread_name(|i| format!("tejun-aggregates-{i}"))
        .start_handler(|_| crate::priority::lower(crate::priority::BACKGROUND))
        .build();
    let spawned = pool.map_err(anyhow::Error::from).and_then(|pool| {
        std::thread::Builder::new()
            .name("tejun-aggregates".into())
            .spawn(move || {
                crate::priority::lower(crate::priority::BACKGROUND);
                while let Ok(mut job) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        job = newer;
                    }
                    let start = Instant::now();
                    let done = pool.install(|| job.render());
                    if tx.send(Msg::Aggregates(done, start.elapsed())).is_err() {
                        return;
                    }
                }
            })
            .map_err(anyhow::Error::from)
    });
    match spawned {
        Ok(_) => Some(jobs),
        Err(e) => {
            eprintln!("warning: the print page and runbooks will not follow edits: {e:#}");
            None
        }
    }
}

/// Publishes the preview's files and, when `changed` is not empty or the errors changed,
/// tells the open pages. Returns the number of errors.
fn announce(shared: &Shared, preview: &Preview, update: &Update, changed: &[String]) -> usize {
    let snap = Snapshot::of(preview);
    let message = http::sse(
        "update",
        &UpdateEvent {
            generation: snap.generation,
            changed,
            errors: &snap.errors,
        },
    );
    let errors = snap.errors.len();
    shared.publish(snap);
    if !changed.is_empty() || update.errors_changed {
        shared.hub.broadcast(&message);
    }
    errors
}

/// The thread that keeps `/api/search` current, at a low priority beside the rebuild loop.
/// It gets the book after each change, with the id of the one procedure that changed when
/// the edit was patched in: that procedure's documents are replaced in the open index
/// (milliseconds); any other change indexes the whole book again (seconds on a large book).
/// A burst is handled at once, from the newest book queued.
fn spawn_indexer(shared: &Arc<Shared>) -> Option<Sender<IndexJob>> {
    let (tx, rx) = channel::<IndexJob>();
    let shared = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name("tejun-index".into())
        .spawn(move || {
            crate::priority::lower(crate::priority::BACKGROUND);
            let mut live: Option<LiveIndex> = None;
            while let Ok(first) = rx.recv() {
                let jobs: Vec<IndexJob> = std::iter::once(first).chain(rx.try_iter()).collect();
                let Some((book, _)) = jobs.last() else {
                    continue;
                };
                let mut changed: Vec<&str> = Vec::new();
                let mut whole = live.is_none();
                for (_, procedure) in &jobs {
                    match procedure {
                        Some(id) if !changed.contains(&id.as_str()) => changed.push(id),
                        Some(_) => {}
                        None => whole = true,
                    }
                }
                if let (false, Some(index)) = (whole, live.as_mut()) {
                    let replaced = changed
                        .iter()
                        .try_for_each(|id| index.replace_procedure(book, id));
                    match replaced {
                        Ok(()) => continue,
                        Err(e) => eprintln!("warning: search index: {e:#}; indexing it again"),
                    }
                }
                // Dropped first: its writer holds memory the new one needs.
                drop(live.take());
                live = rebuild_search(&shared, book);
            }
        });
    match spawned {
        Ok(_) => Some(tx),
        Err(e) => {
            eprintln!("warning: no search index for /api/search: {e}");
            None
        }
    }
}

/// The start of the name of the temporary folder holding the index behind `/api/search`;
/// the server's process id follows.
const INDEX_PREFIX: &str = "tejun-serve-index-";

/// Removes the index folders in `tmp` of the servers `gone` picks by process id: at start,
/// those of servers that no longer run (killed, so never cleaned up); at stop, this one's.
fn remove_indexes(tmp: &Path, gone: impl Fn(u32) -> bool) {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(INDEX_PREFIX)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid.is_some_and(&gone) {
            remove_folder(&e.path());
        }
    }
}

/// Removes `dir`, trying again for a while: the indexer may still be writing into it
/// (a file created between the listing and the last `rmdir` makes that fail); once the
/// folder is gone, the indexer's next write fails instead.
fn remove_folder(dir: &Path) {
    for _ in 0..100 {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => return,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// A new folder for the index behind `/api/search` in the temporary folder. Other users
/// share that folder and the index holds the whole book, so only this user may enter it
/// (0700). Its parent is the system's temporary folder, which tejun never creates.
fn index_folder() -> std::io::Result<tempfile::TempDir> {
    let prefix = format!("{INDEX_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o700));
    }
    builder.tempdir()
}

/// A book for the index behind `/api/search`, and the procedure that changed, if only one
/// did.
type IndexJob = (Arc<Book>, Option<String>);

/// Indexes the whole book behind `/api/search` in a private temporary folder (never the
/// book's own index or output folder) and publishes it; returns the open index to follow
/// later edits.
fn rebuild_search(shared: &Shared, book: &Book) -> Option<LiveIndex> {
    let built = index_folder().map_err(anyhow::Error::from).and_then(|tmp| {
        let live = LiveIndex::create(book, tmp.path())?;
        // The folder lives as long as the last query that reads it; the configuration
        // reads `env=` the way `tejun search --env` does.
        let served = Arc::new((live.searcher(), tmp, book.config.clone()));
        Ok((live, served))
    });
    match built {
        Ok((live, served)) => {
            *shared
                .search
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(served);
            Some(live)
        }
        Err(e) => {
            eprintln!("warning: search index: {e:#}");
            None
        }
    }
}

/// `content/01-a/x.toml`, or `3 files`, for the terminal line after a rebuild.
fn describe(changes: &[Change], root: &Path) -> String {
    let paths: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::ContentFile(p) | Change::Theme(p) | Change::Translation(p) => Some(
                p.strip_prefix(root)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('\\', "/"),
            ),
            Change::Config => Some("book.toml".into()),
            Change::Other => None,
        })
        .collect();
    match paths.as_slice() {
        [one] => one.clone(),
        more => format!("{} files", more.len()),
    }
}

fn url_of(addr: SocketAddr) -> String {
    let ip = addr.ip();
    if ip.is_unspecified() {
        // Bound to every address: the loopback one is the one to open here.
        let local = if ip.is_ipv4() { "127.0.0.1" } else { "[::1]" };
        format!("http://{local}:{}/", addr.port())
    } else {
        format!("http://{addr}/")
    }
}

fn boot_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{:x}-{:x}", nanos, std::process::id())
}

/// Hands the URL to the desktop's default browser without waiting for it.
fn open_url(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    if let Err(e) = cmd.arg(url).spawn() {
        eprintln!("warning: failed to open a browser ({e}); open {url} by hand");
    }
}
