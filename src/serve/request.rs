//! Reading one request off a connection, within limits, so that no client can hold a
//! thread or memory for long: the head (request line and headers) is at most
//! [`MAX_HEAD`] bytes, a body at most [`MAX_BODY`] (read and dropped: the server answers
//! only GET and HEAD), and the whole request must arrive within the deadline the caller
//! gives, so a connection that sends nothing, or a byte at a time, is answered 408 and
//! closed. Of the headers, only the body's length and those that say who asks
//! ([`Asker`], judged by [`origin`](super::origin)) are kept.

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::origin::Asker;

/// Request heads larger than this are refused (431).
pub const MAX_HEAD: usize = 16 * 1024;
/// Request bodies larger than this are refused (413). Browsers send none with GET.
pub const MAX_BODY: u64 = 8 * 1024;
/// How long a client has to send its whole request, from the moment it connected.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A request the server will answer.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub asker: Asker,
}

/// What came off the connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Request(Request),
    /// Refused before it is looked at: the status and a line of text for the body.
    Refused(u16, &'static str),
    /// The client hung up without sending anything.
    Gone,
}

/// Reads one request from `stream`, all of it before `deadline`.
pub fn read(stream: &mut TcpStream, deadline: Instant) -> io::Result<Outcome> {
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let mut searched = 0;
    let head_end = loop {
        // Only the new bytes (and the three before them) can complete the blank line.
        if let Some(at) = find(&buf[searched..], b"\r\n\r\n") {
            break searched + at;
        }
        searched = buf.len().saturating_sub(3);
        if buf.len() > MAX_HEAD {
            return Ok(Outcome::Refused(431, "request header fields too large"));
        }
        match read_before(stream, &mut chunk, deadline)? {
            None => return Ok(Outcome::Refused(408, "request timeout")),
            Some(0) if buf.is_empty() => return Ok(Outcome::Gone),
            Some(0) => return Ok(Outcome::Refused(400, "incomplete request")),
            Some(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    if head_end > MAX_HEAD {
        return Ok(Outcome::Refused(431, "request header fields too large"));
    }
    let Ok(head) = std::str::from_utf8(&buf[..head_end]) else {
        return Ok(Outcome::Refused(400, "bad request"));
    };
    let (request, body_len) = match parse_head(head) {
        Ok(parsed) => parsed,
        Err((status, why)) => return Ok(Outcome::Refused(status, why)),
    };
    // Drop the body, so the connection closes cleanly after the answer.
    let mut left = body_len.saturating_sub((buf.len() - head_end - 4) as u64);
    while left > 0 {
        match read_before(stream, &mut chunk, deadline)? {
            None => return Ok(Outcome::Refused(408, "request timeout")),
            Some(0) => return Ok(Outcome::Refused(400, "incomplete request")),
            Some(n) => left = left.saturating_sub(n as u64),
        }
    }
    Ok(Outcome::Request(request))
}

/// The request line and the body's length, or why the head is refused (status, text).
fn parse_head(head: &str) -> Result<(Request, u64), (u16, &'static str)> {
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err((400, "bad request line"));
    };
    if method.is_empty() || target.is_empty() || !version.starts_with("HTTP/1.") {
        return Err((400, "bad request line"));
    }
    let mut length: Option<u64> = None;
    let mut asker = Asker::default();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err((400, "bad header line"));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let n: u64 = value.parse().map_err(|_| (400, "bad content-length"))?;
            if length.is_some_and(|l| l != n) {
                return Err((400, "conflicting content-length"));
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            // A body of unknown length: the server takes none it cannot measure first.
            return Err((411, "length required"));
        } else if name.eq_ignore_ascii_case("host") {
            asker.hosts.push(value.to_string());
        } else if name.eq_ignore_ascii_case("sec-fetch-site") {
            asker.fetch_site = Some(value.to_ascii_lowercase());
        } else if name.eq_ignore_ascii_case("sec-fetch-mode") {
            asker.fetch_mode = Some(value.to_ascii_lowercase());
        } else if name.eq_ignore_ascii_case("sec-fetch-dest") {
            asker.fetch_dest = Some(value.to_ascii_lowercase());
        }
    }
    let length = length.unwrap_or(0);
    if length > MAX_BODY {
        return Err((413, "request body too large"));
    }
    Ok((
        Request {
            method: method.to_string(),
            target: target.to_string(),
            asker,
        },
        length,
    ))
}

/// One read that gives up at `deadline`: `None` when the time is over.
fn read_before(
    stream: &mut TcpStream,
    buf: &mut [u8],
    deadline: Instant,
) -> io::Result<Option<usize>> {
    loop {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            return Ok(None);
        };
        // A zero timeout means "block forever" to the socket.
        stream.set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
        match stream.read(buf) {
            Ok(n) => return Ok(Some(n)),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Ok(None)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    /// What the server reads when a client sends `bytes` (and then waits, or hangs up).
    fn serve(bytes: &[u8], hang_up: bool, timeout: Duration) -> Outcome {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        client.write_all(bytes).unwrap();
        if hang_up {
            client.shutdown(std::net::Shutdown::Write).unwrap();
        }
        let out = read(&mut server, Instant::now() + timeout).unwrap();
        drop(client);
        out
    }

    fn ok(bytes: &[u8]) -> Outcome {
        serve(bytes, false, Duration::from_secs(5))
    }

    #[test]
    fn a_plain_get_is_read() {
        assert_eq!(
            ok(b"GET /a.html?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"),
            Outcome::Request(Request {
                method: "GET".into(),
                target: "/a.html?x=1".into(),
                asker: Asker {
                    hosts: vec!["h".into()],
                    ..Asker::default()
                },
            })
        );
    }

    #[test]
    fn who_asks_is_kept() {
        let out = ok(
            b"GET / HTTP/1.1\r\nhost: a:1\r\nHOST: b\r\nSec-Fetch-Site: Cross-Site\r\n\
              sec-fetch-mode: no-cors\r\nSec-Fetch-Dest: script\r\n\r\n",
        );
        let Outcome::Request(r) = out else {
            panic!("{out:?}")
        };
        assert_eq!(
            r.asker,
            Asker {
                hosts: vec!["a:1".into(), "b".into()],
                fetch_site: Some("cross-site".into()),
                fetch_mode: Some("no-cors".into()),
                fetch_dest: Some("script".into()),
            }
        );
    }

    #[test]
    fn a_small_body_is_read_and_dropped() {
        let out = ok(b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
        assert!(matches!(out, Outcome::Request(r) if r.method == "POST"));
    }

    #[test]
    fn limits_are_refused_with_their_status() {
        let big = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(
            ok(big.as_bytes()),
            Outcome::Refused(431, "request header fields too large")
        );
        let endless = format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(3 * MAX_HEAD));
        assert!(matches!(ok(endless.as_bytes()), Outcome::Refused(431, _)));
        let body = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert!(matches!(ok(body.as_bytes()), Outcome::Refused(413, _)));
        let chunked =
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        assert!(matches!(ok(chunked), Outcome::Refused(411, _)));
        for bad in [
            &b"GET /\r\n\r\n"[..],
            b"GET / HTTP/1.1 extra\r\n\r\n",
            b"GET / SPDY/3\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            b"GET /\xff HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                matches!(ok(bad), Outcome::Refused(400, _)),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn silence_and_trickles_run_out_of_time() {
        let short = Duration::from_millis(200);
        assert_eq!(
            serve(b"", false, short),
            Outcome::Refused(408, "request timeout")
        );
        assert_eq!(
            serve(b"GET / HTTP/1.1\r\n", false, short),
            Outcome::Refused(408, "request timeout")
        );
        let body = b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc";
        assert_eq!(
            serve(body, false, short),
            Outcome::Refused(408, "request timeout")
        );
        assert_eq!(serve(b"", true, short), Outcome::Gone);
        assert!(matches!(
            serve(b"GET / HT", true, short),
            Outcome::Refused(400, _)
        ));
    }
}
