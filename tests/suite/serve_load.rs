//! `tejun serve` under hostile or careless clients, over real loopback TCP: request size
//! limits, idle and trickling (slow-loris) connections held open while normal requests are
//! answered with the right bytes, a burst of edits to one file, and the warning for a
//! non-loopback `--bind`. Counts are fixed; nothing asserts how fast anything is, only
//! that it happens before a generous deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::harness::server::{exchange, exchange_head, get, get_text, port_of, status_of, Server};
use crate::harness::{wait_until, Book, Tejun, WAIT as DEADLINE};

const IDLE: usize = 50;
const SLOW: usize = 20;
const GETS: usize = 500;
const GET_THREADS: usize = 4;
const EDITS: usize = 500;

/// The tests that hold hundreds of connections take turns: they share one process with
/// every other test, and together they would come near a default limit of 1024 open files.
fn many_connections() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    // A test that failed while holding its turn has closed its connections all the same.
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

/// What `tejun build` writes for the book at `root`.
fn built(root: &Path) -> PathBuf {
    let out = root.join("built");
    Tejun::new(root)
        .args(["build", "--out"])
        .arg(&out)
        .arg(root)
        .run()
        .assert_ok();
    out
}

/// Whether a served page is the built page with the dev server's additions before
/// `</body>` (the reload script), and nothing else changed.
fn same_page(built: &[u8], served: &[u8]) -> bool {
    let at = built
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(built.len());
    served.len() > built.len() && served.starts_with(&built[..at]) && served.ends_with(&built[at..])
}

#[test]
fn oversized_and_malformed_requests_are_refused_with_their_status() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let a = server.addr();
    let big_head = format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(20 * 1024));
    assert_eq!(exchange(a, big_head.as_bytes()).0, 431);
    let endless = format!("GET / HTTP/1.1\r\nX-Big: {}", "a".repeat(64 * 1024));
    assert_eq!(exchange(a, endless.as_bytes()).0, 431);
    let mut big_body = b"POST / HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n".to_vec();
    big_body.extend(std::iter::repeat_n(b'x', 32 * 1024));
    assert_eq!(exchange(a, &big_body).0, 413);
    assert_eq!(
        exchange(a, b"GET / HTTP/1.1\r\nContent-Length: 9000\r\n\r\n").0,
        413
    );
    assert_eq!(
        exchange(
            a,
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        )
        .0,
        411
    );
    // Past the limits, a request must name the server in `Host` to be looked at.
    let post = format!("POST / HTTP/1.1\r\nHost: {a}\r\nContent-Length: 5\r\n\r\nhello");
    assert_eq!(exchange(a, post.as_bytes()).0, 405);
    let delete = format!("DELETE /alpha.html HTTP/1.1\r\nHost: {a}\r\n\r\n");
    assert_eq!(exchange(a, delete.as_bytes()).0, 405);
    assert_eq!(exchange(a, b"hello\r\n\r\n").0, 400);
    assert_eq!(
        exchange(a, b"GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n").0,
        400
    );
    // A small body with a GET is read and ignored.
    let with_body =
        format!("GET /alpha.html HTTP/1.1\r\nHost: {a}\r\nContent-Length: 5\r\n\r\nhello");
    let (status, body) = exchange(a, with_body.as_bytes());
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).contains("Run the check."));
    // Still serving after all of it.
    assert_eq!(get(a, "/").0, 200);
    assert!(!server.stderr().contains("warning"), "{}", server.stderr());
}

#[test]
fn a_non_loopback_bind_warns() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &["--bind", "0.0.0.0"]);
    let port = server.addr().rsplit(':').next().unwrap();
    assert_eq!(get(&format!("127.0.0.1:{port}"), "/").0, 200);
    wait_until("the warning for 0.0.0.0", || {
        server
            .stderr()
            .contains("warning: listening on 0.0.0.0")
            .then_some(())
    });
}

/// 50 idle connections and 20 slow-loris ones are kept open (each reopened as soon as the
/// server closes it) while 500 GETs over 4 threads all get the right bytes; every idle or
/// trickling connection the server closes is answered 408.
#[test]
fn idle_and_slow_connections_do_not_stop_normal_requests() {
    let _turn = many_connections();
    let book = Book::fixture("site-basic");
    let site = built(&book);
    let server = Server::start(&book, &["--request-timeout-ms", "2000"]);
    let addr = server.addr().to_string();

    let stop = Arc::new(AtomicBool::new(false));
    let answered_408 = Arc::new(AtomicUsize::new(0));
    let other_ends = Arc::new(Mutex::new(Vec::<String>::new()));
    let connected = Arc::new(AtomicUsize::new(0));
    let mut holders = Vec::new();
    for i in 0..IDLE + SLOW {
        let (addr, stop, connected) = (addr.clone(), Arc::clone(&stop), Arc::clone(&connected));
        let (answered_408, other_ends) = (Arc::clone(&answered_408), Arc::clone(&other_ends));
        let slow = i >= IDLE;
        holders.push(std::thread::spawn(move || {
            let mut connections = 0;
            // The last connection is left to the server to close, so each thread's
            // final answer is the server's.
            loop {
                connections += 1;
                let mut s = TcpStream::connect(&addr).unwrap();
                if connections == 1 {
                    connected.fetch_add(1, Ordering::SeqCst);
                }
                let mut answer = Vec::new();
                if slow {
                    // A byte of a header line every 100 ms, never the blank line.
                    s.set_read_timeout(Some(Duration::from_millis(100)))
                        .unwrap();
                    let _ = s.write_all(b"GET /alpha.html HTTP/1.1\r\n");
                    let mut buf = [0u8; 512];
                    let started = Instant::now();
                    loop {
                        assert!(
                            started.elapsed() < DEADLINE,
                            "a slow-loris connection was never closed"
                        );
                        let _ = s.write_all(b"X");
                        match s.read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => answer.extend_from_slice(&buf[..n]),
                            Err(e)
                                if matches!(
                                    e.kind(),
                                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                                ) => {}
                            Err(_) => break,
                        }
                    }
                } else {
                    s.set_read_timeout(Some(DEADLINE)).unwrap();
                    s.read_to_end(&mut answer)
                        .expect("an idle connection was never closed");
                }
                let _ = s.shutdown(Shutdown::Both);
                if answer.starts_with(b"HTTP/1.1 408 ") {
                    answered_408.fetch_add(1, Ordering::SeqCst);
                } else {
                    other_ends
                        .lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&answer).into_owned());
                }
                if stop.load(Ordering::SeqCst) {
                    return connections;
                }
            }
        }));
    }
    // Every holder is connected before the normal traffic starts.
    let deadline = Instant::now() + DEADLINE;
    while connected.load(Ordering::SeqCst) < IDLE + SLOW {
        assert!(Instant::now() < deadline, "holders did not connect");
        std::thread::sleep(Duration::from_millis(10));
    }

    let targets: Vec<(&str, Vec<u8>, bool)> = [
        ("/alpha.html", "alpha.html", true),
        ("/index.html", "index.html", true),
        ("/assets/style.css", "assets/style.css", false),
        ("/assets/tejun.js", "assets/tejun.js", false),
        ("/assets/toc.js", "assets/toc.js", false),
    ]
    .into_iter()
    .map(|(t, f, html)| (t, std::fs::read(site.join(f)).unwrap(), html))
    .collect();
    let targets = Arc::new(targets);
    let good = Arc::new(AtomicUsize::new(0));
    let getters: Vec<_> = (0..GET_THREADS)
        .map(|t| {
            let (addr, targets, good) = (addr.clone(), Arc::clone(&targets), Arc::clone(&good));
            std::thread::spawn(move || {
                for i in 0..GETS / GET_THREADS {
                    let (target, want, html) = &targets[(t + i) % targets.len()];
                    let (status, body) = get(&addr, target);
                    assert_eq!(status, 200, "GET {target}");
                    let right = if *html {
                        same_page(want, &body)
                    } else {
                        &body == want
                    };
                    assert!(right, "GET {target}: wrong bytes");
                    good.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    for g in getters {
        g.join().expect("a GET failed");
    }
    assert_eq!(good.load(Ordering::SeqCst), GETS);

    stop.store(true, Ordering::SeqCst);
    let connections: usize = holders.into_iter().map(|h| h.join().unwrap()).sum();
    let others = other_ends.lock().unwrap().clone();
    assert!(
        others.is_empty(),
        "held connections ended without a 408: {others:?}"
    );
    assert_eq!(answered_408.load(Ordering::SeqCst), connections);
    assert!(connections >= IDLE + SLOW);
    eprintln!(
        "held {IDLE} idle + {SLOW} slow-loris connections ({connections} opened in all, each closed with 408) while {GETS} GETs succeeded"
    );
    assert_eq!(get(&addr, "/").0, 200);
}

/// Beyond the connection cap (256, `serve/http.rs`) a client is told 503 at once instead
/// of waiting; once the held connections go, requests are answered again.
#[test]
fn connections_beyond_the_cap_get_503() {
    let _turn = many_connections();
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let a = server.addr();
    // Accepted in order, so all of these count before the next one is looked at.
    let held: Vec<TcpStream> = (0..256).map(|_| TcpStream::connect(a).unwrap()).collect();
    let (head, _) = exchange_head(a, format!("GET / HTTP/1.1\r\nHost: {a}\r\n\r\n").as_bytes());
    assert_eq!(status_of(&head), 503, "{head}");
    assert_isolated(&head, "503");
    drop(held);
    wait_until("served again", || (get(a, "/").0 == 200).then_some(()));
}

/// 500 writes of one procedure in a burst: the server ends up serving the last text, with
/// no errors, and still answers.
#[test]
fn a_burst_of_edits_ends_on_the_last_text() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let a = server.addr();
    let file = book.join("content/01-first/01-alpha.toml");
    let original = std::fs::read_to_string(&file).unwrap();
    assert!(original.contains("Run the check."));
    for i in 0..EDITS {
        std::fs::write(
            &file,
            original.replace("Run the check.", &format!("Run the check, edit {i}.")),
        )
        .unwrap();
    }
    let last = format!("Run the check, edit {}.", EDITS - 1);
    let deadline = Instant::now() + DEADLINE;
    loop {
        let (status, page) = get_text(a, "/alpha.html");
        assert_eq!(status, 200);
        let errors = get_text(a, "/__tejun/errors").1;
        if page.contains(&last) && errors.contains("\"errors\":[]") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not serving the last edit: {errors}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(get(a, "/").0, 200);
    assert_eq!(get(a, "/assets/style.css").0, 200);
}

/// A GET with `headers` (`Host` included) as given, nothing added.
fn get_with(addr: &str, target: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut raw = format!("GET {target} HTTP/1.1\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("Connection: close\r\n\r\n");
    let (head, body) = exchange_head(addr, raw.as_bytes());
    (
        status_of(&head),
        head,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// DNS rebinding: a page on a host name the attacker points at 127.0.0.1 reaches the
/// server with its own name in `Host`; only the server's own addresses are answered.
#[test]
fn only_requests_for_the_servers_own_address_are_answered() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let a = server.addr();
    let port = port_of(a);
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, _, body) = get_with(a, "/alpha.html", &[("Host", &host)]);
        assert_eq!(status, 200, "Host: {host}");
        assert!(body.contains("Run the check."), "Host: {host}");
    }
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "127.0.0.1".to_string(),
        format!("127.0.0.1:{port}@evil.example"),
        format!("[::1]x:{port}"),
        String::new(),
    ] {
        for target in [
            "/alpha.html",
            "/api/search?q=check",
            "/__tejun/events?page=x",
        ] {
            let (status, _, body) = get_with(a, target, &[("Host", &host)]);
            assert!(
                status == 421 || status == 400,
                "Host: {host} {target}: {status}"
            );
            assert!(!body.contains("Run the check.") && !body.contains("hits"));
        }
    }
    let (status, _, _) = get_with(a, "/alpha.html", &[]);
    assert_eq!(status, 400, "no Host");
    let host = format!("127.0.0.1:{port}");
    let two = [("Host", host.as_str()), ("Host", "evil.example")];
    assert_eq!(get_with(a, "/alpha.html", &two).0, 400, "two Hosts");
}

/// A page elsewhere may not load the preview's scripts or ask its API, even with the
/// right `Host` (a browser sends the server's address for a `<script src>` to it); it
/// may still open a page there (a link followed), and the page's own requests work.
#[test]
fn cross_site_requests_are_refused_and_same_origin_ones_served() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let a = server.addr();
    let host = format!("127.0.0.1:{}", port_of(a));
    let fetch = |target: &str, site: &str, mode: &str, dest: &str| {
        get_with(
            a,
            target,
            &[
                ("Host", &host),
                ("Sec-Fetch-Site", site),
                ("Sec-Fetch-Mode", mode),
                ("Sec-Fetch-Dest", dest),
            ],
        )
    };
    for site in ["cross-site", "same-site"] {
        for (target, mode, dest) in [
            ("/assets/toc.js", "no-cors", "script"),
            ("/assets/tejun.js", "no-cors", "script"),
            ("/api/search?q=check", "cors", "empty"),
            ("/api/search?q=check", "no-cors", "script"),
            ("/__tejun/events?page=alpha.html", "cors", "empty"),
            ("/alpha.html", "navigate", "iframe"),
            ("/alpha.html", "no-cors", "empty"),
        ] {
            let (status, _, body) = fetch(target, site, mode, dest);
            assert_eq!(status, 403, "{site} {mode} {dest} {target}");
            assert!(!body.contains("Run the check."), "{target}");
            assert!(!body.contains("function"), "{target}");
        }
    }
    // A link followed from elsewhere, and everything the page then asks for itself.
    let (status, _, body) = fetch("/alpha.html", "cross-site", "navigate", "document");
    assert_eq!(status, 200);
    assert!(body.contains("Run the check."));
    assert_eq!(fetch("/alpha.html", "none", "navigate", "document").0, 200);
    for (target, mode, dest) in [
        ("/assets/toc.js", "no-cors", "script"),
        ("/__tejun/reload.js", "no-cors", "script"),
        ("/assets/style.css", "no-cors", "style"),
        ("/__tejun/errors", "cors", "empty"),
    ] {
        let (status, _, body) = fetch(target, "same-origin", mode, dest);
        assert_eq!(status, 200, "{target}");
        assert!(!body.is_empty(), "{target}");
    }
    // Clients that send no Sec-Fetch headers (curl, scripts) are not browsers' pages.
    assert_eq!(get_with(a, "/assets/toc.js", &[("Host", &host)]).0, 200);
}

/// Every answer keeps other origins from reading it, whatever its status.
#[test]
fn every_answer_carries_the_isolation_headers() {
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let a = server.addr();
    let host = format!("127.0.0.1:{}", port_of(a));
    let good = format!("Host: {host}\r\n");
    let cases: Vec<(String, u16)> = vec![
        (format!("GET /alpha.html HTTP/1.1\r\n{good}\r\n"), 200),
        (format!("HEAD /alpha.html HTTP/1.1\r\n{good}\r\n"), 200),
        (format!("GET /assets/toc.js HTTP/1.1\r\n{good}\r\n"), 200),
        (
            format!("GET /__tejun/reload.js HTTP/1.1\r\n{good}\r\n"),
            200,
        ),
        (format!("GET /__tejun/errors HTTP/1.1\r\n{good}\r\n"), 200),
        (format!("GET /nothing.html HTTP/1.1\r\n{good}\r\n"), 404),
        (format!("POST /alpha.html HTTP/1.1\r\n{good}\r\n"), 405),
        (
            "GET /alpha.html HTTP/1.1\r\nHost: evil.example\r\n\r\n".into(),
            421,
        ),
        ("GET /alpha.html HTTP/1.1\r\n\r\n".into(), 400),
        (
            format!("GET /assets/toc.js HTTP/1.1\r\n{good}Sec-Fetch-Site: cross-site\r\n\r\n"),
            403,
        ),
        ("hello\r\n\r\n".into(), 400),
    ];
    for (raw, want) in &cases {
        let (head, _) = exchange_head(a, raw.as_bytes());
        assert_eq!(status_of(&head), *want, "{raw:?}: {head}");
        assert_isolated(&head, raw);
    }
    // `/api/search` (503 until its index is ready, then 200) and the event stream's head.
    let (head, _) = exchange_head(
        a,
        format!("GET /api/search?q=check HTTP/1.1\r\n{good}\r\n").as_bytes(),
    );
    assert!([200, 503].contains(&status_of(&head)), "{head}");
    assert_isolated(&head, "/api/search");
    let mut events = TcpStream::connect(a).unwrap();
    events.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        events,
        "GET /__tejun/events?page=alpha.html HTTP/1.1\r\n{good}\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stream closed");
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    assert_eq!(status_of(&head), 200, "{head}");
    assert_isolated(&head, "/__tejun/events");
}

fn assert_isolated(head: &str, what: &str) {
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains("\r\ncross-origin-resource-policy: same-origin\r\n"),
        "{what}: {head}"
    );
    assert!(
        lower.contains("\r\nx-content-type-options: nosniff\r\n"),
        "{what}: {head}"
    );
    assert!(
        !lower.contains("access-control-allow-origin"),
        "{what}: {head}"
    );
}

/// How many event streams the server keeps at once (`serve/http.rs`).
const EVENT_STREAMS: usize = 32;
const HELD_STREAMS: usize = 300;

/// An open `/__tejun/events` stream, its hello read.
fn open_events(addr: &str) -> BufReader<TcpStream> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(DEADLINE)).unwrap();
    write!(
        s,
        "GET /__tejun/events?page=alpha.html HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(s);
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(
        first.starts_with("HTTP/1.1 200 "),
        "no event stream: {first}"
    );
    next_event(&mut reader, "hello");
    reader
}

/// Reads events until one named `name`; returns its data.
fn next_event(reader: &mut BufReader<TcpStream>, name: &str) -> String {
    let mut event = String::new();
    loop {
        let mut line = String::new();
        let n = reader.read_line(&mut line).expect("no event in time");
        assert!(n > 0, "the stream closed before a `{name}` event");
        let line = line.trim_end();
        if let Some(e) = line.strip_prefix("event: ") {
            event = e.to_string();
        } else if let Some(d) = line.strip_prefix("data: ") {
            if event == name {
                return d.to_string();
            }
        }
    }
}

/// 300 held reload channels used to take every connection (256): now event streams have
/// their own cap of 32 and the oldest is closed first, so each new page gets its stream,
/// pages are served all along, and the newest 32 streams still get updates.
#[test]
fn held_event_streams_never_lock_pages_out() {
    let _turn = many_connections();
    let book = Book::fixture("site-basic");
    let server = Server::start(&book, &[]);
    let a = server.addr();
    let mut streams = Vec::new();
    for i in 0..HELD_STREAMS {
        streams.push(open_events(a));
        if i % 50 == 49 {
            assert_eq!(get(a, "/alpha.html").0, 200, "after {} streams", i + 1);
        }
    }
    let (old, new) = streams.split_at_mut(HELD_STREAMS - EVENT_STREAMS);
    for (i, s) in old.iter_mut().enumerate() {
        let mut rest = Vec::new();
        s.read_to_end(&mut rest)
            .unwrap_or_else(|e| panic!("stream {i} was not closed: {e}"));
    }
    assert_eq!(get(a, "/alpha.html").0, 200);
    let alpha = book.join("content/01-first/01-alpha.toml");
    let text = std::fs::read_to_string(&alpha).unwrap();
    std::fs::write(&alpha, text.replace("Run the check.", "Run it again.")).unwrap();
    for (i, s) in new.iter_mut().enumerate() {
        // An update of the whole-book files (the print page, runbooks) may come first: the
        // server renders those after the pages, on a busy machine well after.
        let mut seen = Vec::new();
        loop {
            let update = next_event(s, "update");
            if update.contains("alpha.html") {
                break;
            }
            seen.push(update);
            assert!(
                seen.len() < 5,
                "stream {i}: no update of alpha.html in {seen:?}"
            );
        }
    }
    assert!(get_text(a, "/alpha.html").1.contains("Run it again."));
}
