//! A small HTTP/1.1 server over `std::net`, enough for one writer's browser: GET and HEAD,
//! one request per connection (`Connection: close`), a thread per connection so the
//! reload channel (server-sent events) can stay open. Every answer comes from the
//! in-memory [`Snapshot`]; nothing is read from disk per request.
//!
//! Limits keep a misbehaving client from taking the server down: at most
//! [`MAX_CONNECTIONS`] at once (more are answered 503), of which at most
//! [`MAX_EVENT_STREAMS`] reload channels (a new one ends the oldest, so held streams never
//! lock pages out), each request read within the limits of [`request`](super::request)
//! (head size, body size, and a deadline, so idle and trickling connections are answered
//! 408 and closed), and every write gives up after [`WRITE_TIMEOUT`] when the client stops
//! reading. Before anything is looked up, [`origin`](super::origin) refuses requests for
//! another host name (DNS rebinding) and those of other sites' pages.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::hub::Hub;
use super::inject::{inject, PageMeta, RELOAD_JS};
use super::origin::{self, Own, ISOLATION_HEADERS};
use super::path::{query_param, site_key};
use super::preview::{ErrorItem, Preview};
use super::request::{self, Outcome};
use crate::search::{Request, SearchIndex};

/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 50;
/// Connections beyond this are answered 503 at once (open pages each hold one).
pub const MAX_CONNECTIONS: usize = 256;
/// Reload channels beyond this end the oldest one; well below [`MAX_CONNECTIONS`], so
/// pages are served however many streams are held. An open page holds one.
pub const MAX_EVENT_STREAMS: usize = 32;
/// A write that makes no progress for this long ends the connection.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// A comment line on the event stream this often keeps proxies and browsers from timing
/// out, and finds out that a page went away.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What the server answers from: the built files and the errors of the latest attempt.
#[derive(Default)]
pub struct Snapshot {
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// The editor schemas, by file name: `/__tejun/schema/<name>`.
    pub schemas: BTreeMap<String, Arc<[u8]>>,
    pub versions: BTreeMap<String, u64>,
    pub errors: Vec<ErrorItem>,
    pub generation: u64,
    /// The last good book's known problems, for `/api/search?error=`.
    pub problems: Arc<Vec<crate::model::Problem>>,
}

impl Snapshot {
    pub fn of(p: &Preview) -> Snapshot {
        Snapshot {
            files: p.files().clone(),
            schemas: p.schemas().clone(),
            versions: p.versions().clone(),
            errors: p.errors(),
            generation: p.generation(),
            problems: p
                .book()
                .map(|b| Arc::clone(&b.problems))
                .unwrap_or_default(),
        }
    }

    fn version(&self, key: &str) -> u64 {
        self.versions.get(key).copied().unwrap_or(0)
    }

    /// The latest generation in which a shared asset changed.
    fn assets_version(&self) -> u64 {
        self.versions
            .iter()
            .filter(|(k, _)| k.starts_with("assets/"))
            .map(|(_, v)| *v)
            .max()
            .unwrap_or(0)
    }
}

/// What `/api/search` answers from: the index, the folder it lives in, the configuration.
pub type ServedIndex = (SearchIndex, tempfile::TempDir, crate::config::Config);

/// State shared by the connection threads and the rebuild thread.
pub struct Shared {
    /// Changes at every start, so open pages notice a restarted server.
    pub boot: String,
    pub snapshot: RwLock<Arc<Snapshot>>,
    pub hub: Hub,
    /// The index behind `/api/search`, the temporary folder it lives in, and the book's
    /// configuration (for `env=`).
    pub search: RwLock<Option<Arc<ServedIndex>>>,
    /// The indexes behind `/api/search?lang=` for the book's translations.
    translations: super::translated::Translations,
    connections: AtomicUsize,
    /// How long a connection may take to send its request before it gets 408.
    request_timeout: Duration,
}

impl Shared {
    pub fn new(
        boot: String,
        snapshot: Snapshot,
        request_timeout: Duration,
        translations: super::translated::Translations,
    ) -> Shared {
        Shared {
            boot,
            snapshot: RwLock::new(Arc::new(snapshot)),
            hub: Hub::new(MAX_EVENT_STREAMS),
            search: RwLock::new(None),
            translations,
            connections: AtomicUsize::new(0),
            request_timeout,
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        let s = self
            .snapshot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(&s)
    }

    pub fn publish(&self, snapshot: Snapshot) {
        let mut s = self
            .snapshot
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *s = Arc::new(snapshot);
    }

    fn search_index(&self) -> Option<Arc<ServedIndex>> {
        self.search
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// Binds `addr:port`, or the next free port after it when it is taken (`0`: any port).
pub fn bind(addr: IpAddr, port: u16) -> io::Result<TcpListener> {
    if port == 0 {
        return TcpListener::bind((addr, 0));
    }
    let mut last = None;
    for p in port..=port.saturating_add(PORT_TRIES - 1) {
        match TcpListener::bind((addr, p)) {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AddrInUse)))
}

/// Accepts connections until the listener fails; each is answered on its own thread.
pub fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let Ok(bound) = listener.local_addr() else {
        eprintln!("warning: the preview cannot tell its own address; it answers nothing");
        return;
    };
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if shared.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
            // A fresh socket's send buffer takes these few bytes without blocking.
            let mut stream = stream;
            let _ = stream.write_all(
                format!(
                    "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n\
                     {ISOLATION_HEADERS}Connection: close\r\n\r\n"
                )
                .as_bytes(),
            );
            continue;
        }
        let mine = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("tejun-http".into())
            .spawn(move || {
                // A client that hangs up mid-answer is not the server's problem.
                let _ = handle(stream, &mine, bound);
                mine.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn handle(mut stream: TcpStream, shared: &Shared, bound: SocketAddr) -> io::Result<()> {
    stream.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let req = match request::read(&mut stream, Instant::now() + shared.request_timeout)? {
        Outcome::Request(r) => r,
        Outcome::Refused(status, why) => return refuse(stream, status, why),
        Outcome::Gone => return Ok(()),
    };
    let own = Own {
        port: bound.port(),
        bind: bound.ip(),
        local: stream.local_addr()?.ip(),
    };
    if let Err((status, why)) = origin::check(&req.asker, &own) {
        return refuse(stream, status, &why);
    }
    let (method, target) = (req.method.as_str(), req.target.as_str());
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(&mut stream, 405, "text/plain", b"method not allowed", false);
    }
    let path = target.split('?').next().unwrap_or("");
    match path {
        "/__tejun/events" => events(stream, shared, target),
        "/__tejun/reload.js" => respond(
            &mut stream,
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes(),
            head_only,
        ),
        "/__tejun/errors" => {
            let snap = shared.snapshot();
            let body = json(&ErrorsView {
                generation: snap.generation,
                errors: &snap.errors,
            });
            respond(&mut stream, 200, JSON, body.as_bytes(), head_only)
        }
        _ if path.starts_with(SCHEMA_PREFIX) => {
            let snap = shared.snapshot();
            match snap.schemas.get(&path[SCHEMA_PREFIX.len()..]) {
                Some(json) => respond(&mut stream, 200, JSON, json, head_only),
                None => respond(&mut stream, 404, "text/plain", b"no such schema", head_only),
            }
        }
        "/api/search" => {
            let (status, body) = search(shared, target);
            respond(&mut stream, status, JSON, body.as_bytes(), head_only)
        }
        _ => {
            let snap = shared.snapshot();
            let (status, key, bytes) = match site_key(target) {
                Some(key) => match snap.files.get(&key) {
                    Some(b) => (200, key, Arc::clone(b)),
                    None => not_found(&snap),
                },
                None => not_found(&snap),
            };
            let ctype = content_type(&key);
            if ctype.starts_with("text/html") {
                let meta = PageMeta {
                    boot: &shared.boot,
                    page: &key,
                    v: snap.version(&key),
                    a: snap.assets_version(),
                };
                let page = inject(&bytes, &meta, &snap.errors);
                respond(&mut stream, status, ctype, &page, head_only)
            } else {
                respond(&mut stream, status, ctype, &bytes, head_only)
            }
        }
    }
}

const JSON: &str = "application/json; charset=utf-8";

/// Where the editor schemas are served (`crate::schema`), by file name.
pub const SCHEMA_PREFIX: &str = "/__tejun/schema/";

#[derive(Serialize)]
struct ErrorsView<'a> {
    generation: u64,
    errors: &'a [ErrorItem],
}

/// The site's own 404 page, or a stand-in while there is no good build yet.
fn not_found(snap: &Snapshot) -> (u16, String, Arc<[u8]>) {
    let key = "404.html".to_string();
    let bytes = snap.files.get(&key).cloned().unwrap_or_else(|| {
        Arc::from(
            &b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>tejun serve</title></head>\
               <body><h1>tejun serve</h1><p>Nothing here yet: the book has no good build. \
               Fix the errors below and this page reloads.</p></body></html>"[..],
        )
    });
    (404, key, bytes)
}

/// Answers a refused request and closes the connection gently: what the client is still
/// sending is read (a little, briefly) and dropped, since closing a socket with unread
/// bytes resets it and the client could lose the answer.
fn refuse(mut stream: TcpStream, status: u16, why: &str) -> io::Result<()> {
    respond(&mut stream, status, "text/plain", why.as_bytes(), false)?;
    stream.shutdown(Shutdown::Write)?;
    stream.set_read_timeout(Some(Duration::from_millis(500)))?;
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < 64 * 1024 {
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
    Ok(())
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let allow = if status == 405 {
        "Allow: GET, HEAD\r\n"
    } else {
        ""
    };
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n{allow}\
          Cache-Control: no-store\r\n{ISOLATION_HEADERS}Connection: close\r\n\r\n",
        reason(status),
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    }
}

pub fn content_type(key: &str) -> &'static str {
    let ext = key.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => JSON,
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The first event a page gets: enough to tell whether it missed a change.
#[derive(Serialize)]
struct Hello<'a> {
    boot: &'a str,
    generation: u64,
    page: u64,
    assets: u64,
    errors: &'a [ErrorItem],
}

/// An `update` event: which files changed and the errors now.
#[derive(Serialize)]
pub struct UpdateEvent<'a> {
    pub generation: u64,
    pub changed: &'a [String],
    pub errors: &'a [ErrorItem],
}

/// Formats one server-sent event (the JSON is a single line).
pub fn sse(event: &str, data: &impl Serialize) -> String {
    format!("event: {event}\ndata: {}\n\n", json(data))
}

fn json(data: &impl Serialize) -> String {
    serde_json::to_string(data).unwrap_or_else(|_| "null".into())
}

/// The reload channel: a hello, then every update, until the page goes away.
fn events(mut stream: TcpStream, shared: &Shared, target: &str) -> io::Result<()> {
    // Subscribe before reading the snapshot, so no update falls between the two.
    let rx = shared.hub.subscribe();
    let snap = shared.snapshot();
    let page = query_param(target, "page").unwrap_or_default();
    let hello = Hello {
        boot: &shared.boot,
        generation: snap.generation,
        page: snap.version(&page),
        assets: snap.assets_version(),
        errors: &snap.errors,
    };
    stream.write_all(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
             X-Accel-Buffering: no\r\n{ISOLATION_HEADERS}Connection: close\r\n\r\nretry: 1000\n\n"
        )
        .as_bytes(),
    )?;
    stream.write_all(sse("hello", &hello).as_bytes())?;
    stream.flush()?;
    drop(snap);
    loop {
        let msg = match rx.recv_timeout(KEEPALIVE) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        stream.write_all(msg.as_bytes())?;
        stream.flush()?;
    }
}

/// `/api/search?error=`: the known problems whose messages match the pasted text, as
/// `tejun search --error --json` lists them (`problems`), then the steps `q` finds.
fn search_error(shared: &Shared, target: &str, pasted: &str) -> (u16, String) {
    let snap = shared.snapshot();
    let config = shared.search_index().map(|i| i.2.clone());
    let env = match (
        query_param(target, "env").filter(|e| !e.is_empty()),
        &config,
    ) {
        (Some(spec), Some(config)) => match config.parse_env(&spec) {
            Ok(env) => Some(env),
            Err(msg) => return (400, json(&serde_json::json!({ "error": msg }))),
        },
        _ => None,
    };
    let limit = query_param(target, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(20usize)
        .min(100);
    // A translation's entries, with the messages the product prints in its language.
    let lang = query_param(target, "lang").filter(|l| !l.is_empty());
    let translated = match (&lang, &config) {
        (Some(code), Some(config)) => match config.language_named(code) {
            Ok(l) if l != config.language => Some(l),
            Ok(_) => None,
            Err(msg) => {
                let error = format!("lang={code}: {msg}");
                return (400, json(&serde_json::json!({ "error": error })));
            }
        },
        _ => None,
    };
    let entries = match translated {
        Some(l) => match shared.translations.problems(l) {
            Ok(p) => p,
            Err(e) => return (503, json(&serde_json::json!({"error": format!("{e:#}")}))),
        },
        None => Arc::clone(&snap.problems),
    };
    let possible: Vec<crate::model::Problem> = entries
        .iter()
        .filter(|p| match (&env, &p.when) {
            (Some(env), Some(when)) => {
                crate::filter::decide(when, env) != crate::filter::Decision::Fails
            }
            _ => true,
        })
        .cloned()
        .collect();
    let problems = crate::search::message::rank_problems(&possible, pasted, limit);
    // The steps as `q` finds them, in the same environment and language.
    let mut steps_query = format!("/api/search?q={}", encode(pasted));
    for key in ["env", "lang"] {
        if let Some(v) = query_param(target, key).filter(|v| !v.is_empty()) {
            steps_query.push_str(&format!("&{key}={}", encode(&v)));
        }
    }
    let (status, steps) = search(shared, &steps_query);
    let steps: serde_json::Value = serde_json::from_str(&steps).unwrap_or_default();
    (
        if status == 200 { 200 } else { status },
        json(&serde_json::json!({ "problems": problems, "steps": steps })),
    )
}

/// `text` percent-encoded for a query parameter.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `/api/search?q=`: the tantivy index of the last good book, as `tejun search --json`;
/// `lang=en`, the book in one of its translations (as `tejun search --lang`).
fn search(shared: &Shared, target: &str) -> (u16, String) {
    if let Some(pasted) = query_param(target, "error").filter(|e| !e.is_empty()) {
        return search_error(shared, target, &pasted);
    }
    let Some(mut index) = shared.search_index() else {
        return (
            503,
            json(&serde_json::json!({"error": "the search index is not ready yet"})),
        );
    };
    if let Some(code) = query_param(target, "lang").filter(|l| !l.is_empty()) {
        let lang = match index.2.language_named(&code) {
            Ok(lang) => lang,
            Err(msg) => {
                return (
                    400,
                    json(&serde_json::json!({ "error": format!("lang={code}: {msg}") })),
                )
            }
        };
        if lang != index.2.language {
            index = match shared.translations.index(lang) {
                Ok(index) => index,
                Err(e) => return (503, json(&serde_json::json!({"error": format!("{e:#}")}))),
            };
        }
    }
    let query = query_param(target, "q").unwrap_or_default();
    let limit = query_param(target, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(20usize)
        .min(100);
    // `env=os=linux,from=2.4`: only what applies there, as `tejun search --env`.
    let env = match query_param(target, "env").filter(|e| !e.is_empty()) {
        Some(spec) => match index.2.parse_env(&spec) {
            Ok(env) => Some(env),
            Err(msg) => return (400, json(&serde_json::json!({ "error": msg }))),
        },
        None => None,
    };
    let req = Request {
        query: &query,
        field: None,
        env: env.as_ref().map(|e| (e, &index.2)),
        limit,
    };
    match index.0.search(&req) {
        Ok(results) => (200, json(&results)),
        Err(e) => (503, json(&serde_json::json!({"error": format!("{e:#}")}))),
    }
}
