//! A running `tejun serve` and a plain HTTP/1.1 client for it over loopback TCP: requests
//! are written byte for byte as given (a test of request limits needs exactly that), and
//! the reload channel (`/__tejun/events`) is read event by event with a deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::WAIT;

/// The running `tejun serve`, killed when dropped (also when a test panics). Its temporary
/// folder (`TMPDIR`, where it keeps the search index) is its own, so servers of tests
/// running side by side never see each other's folders.
pub struct Server {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<String>>,
    tmp: tempfile::TempDir,
}

impl Server {
    /// `tejun serve ROOT --port 0 ARGS`, once it printed its address.
    pub fn start(root: &Path, args: &[&str]) -> Server {
        Server::start_in(root, args, tempfile::tempdir().expect("tempdir"))
    }

    /// The same with `tmp` as its temporary folder (`--port` in `args` replaces `0`).
    pub fn start_in(root: &Path, args: &[&str], tmp: tempfile::TempDir) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tejun"));
        cmd.arg("serve").arg(root);
        if !args.contains(&"--port") {
            cmd.args(["--port", "0"]);
        }
        let mut child = cmd
            .args(args)
            .env("NO_COLOR", "1")
            .env("TMPDIR", tmp.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tejun serve");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("http://") {
                    let url = line[at + 7..].split_whitespace().next().unwrap_or("");
                    let _ = tx.send(url.trim_end_matches('/').to_string());
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr");
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut all = collected.lock().expect("stderr");
                all.push_str(&line);
                all.push('\n');
            }
        });
        let mut server = Server {
            child,
            addr: String::new(),
            stderr,
            tmp,
        };
        server.addr = rx.recv_timeout(WAIT).expect("tejun serve printed no URL");
        server
    }

    /// `127.0.0.1:PORT`, as it printed.
    pub fn addr(&self) -> &str {
        &self.addr
    }

    pub fn port(&self) -> u16 {
        port_of(&self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The server's temporary folder.
    pub fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// What it wrote to standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr").clone()
    }

    /// A GET of `target`, sent exactly as given: (status, body as text).
    pub fn get(&self, target: &str) -> (u16, String) {
        get_text(&self.addr, target)
    }

    /// The reload channel of `page`, as the page's script opens it.
    pub fn events(&self, page: &str) -> Events {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        write!(
            s,
            "GET /__tejun/events?page={page} HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .expect("send");
        Events {
            reader: BufReader::new(s),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of `host:port`.
pub fn port_of(addr: &str) -> u16 {
    addr.rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {addr}"))
}

/// Sends `raw` as is and reads the whole answer: (status line and headers, body).
pub fn exchange_head(addr: &str, raw: &[u8]) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    // The server may answer (and stop reading) before everything is sent.
    let _ = s.write_all(raw);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let end = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer head: {}", String::from_utf8_lossy(&buf)));
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    (head, buf[end + 4..].to_vec())
}

/// Sends `raw` as is: (status, body); the body is as long as `Content-Length` says.
/// An answer without a head (the connection closed) is status 0.
pub fn exchange(addr: &str, raw: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(WAIT)).expect("timeout");
    let _ = s.write_all(raw);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (0, Vec::new());
    };
    let head = String::from_utf8_lossy(&buf[..end]);
    let body = buf[end + 4..].to_vec();
    let length: Option<usize> = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .and_then(|n| n.parse().ok());
    assert_eq!(length, Some(body.len()), "Content-Length matches the body");
    (status_of(&head), body)
}

/// The status code of an answer head (0 when it has none).
pub fn status_of(head: &str) -> u16 {
    head.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// A GET with `Host` and `Connection: close`: (status, body).
pub fn get(addr: &str, target: &str) -> (u16, Vec<u8>) {
    exchange(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// [`get`] with the body as text.
pub fn get_text(addr: &str, target: &str) -> (u16, String) {
    let (status, body) = get(addr, target);
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The reader side of the reload channel.
pub struct Events {
    reader: BufReader<TcpStream>,
}

impl Events {
    /// The next `(event, data)`, skipping comments; fails after [`WAIT`].
    pub fn next(&mut self) -> (String, serde_json::Value) {
        self.next_before(Instant::now() + WAIT)
    }

    fn next_before(&mut self, deadline: Instant) -> (String, serde_json::Value) {
        let (mut event, mut data) = (String::new(), String::new());
        loop {
            let left = deadline
                .checked_duration_since(Instant::now())
                .expect("no event in time");
            self.reader
                .get_ref()
                .set_read_timeout(Some(left))
                .expect("timeout");
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).expect("no event in time");
            assert!(n > 0, "the event stream closed");
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(e) = line.strip_prefix("event: ") {
                event = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                data = d.to_string();
            } else if line.is_empty() && !event.is_empty() {
                return (
                    event,
                    serde_json::from_str(&data).expect("event data is JSON"),
                );
            }
        }
    }

    /// The first `update` event within [`WAIT`] that satisfies `pred`. Earlier ones are
    /// skipped: under load a save can arrive as two batches (truncated, then written).
    pub fn update_where(&mut self, pred: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let (e, d) = self.next_before(deadline);
            if e == "update" && pred(&d) {
                return d;
            }
        }
    }
}

/// The number of errors an `update` event carries.
pub fn errors(update: &serde_json::Value) -> usize {
    update["errors"].as_array().map_or(0, Vec::len)
}

/// The files an `update` event says changed.
pub fn changed(update: &serde_json::Value) -> Vec<String> {
    update["changed"]
        .as_array()
        .expect("`changed` list")
        .iter()
        .map(|v| v.as_str().expect("file name").to_string())
        .collect()
}
