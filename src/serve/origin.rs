//! Who may read the preview. The server has no authentication and is meant for the pages
//! it serves itself, so two kinds of request are refused before anything is looked up:
//!
//! - a `Host` that is not one of the server's own addresses (`localhost`, a loopback IP,
//!   the `--bind` address, or the address the client connected to, each with the server's
//!   port). A page on a host name that an attacker's DNS later points at 127.0.0.1 (DNS
//!   rebinding) sends its own name here, so it never reaches `/api/search` or a page.
//! - a browser's request made for a page of another site (`Sec-Fetch-Site` other than
//!   `same-origin` or `none`): a `<script src>` to `/assets/toc.js` or `/search/*.js`
//!   would otherwise run the book's data in the other page. Other ports of `localhost`
//!   are the same site to a browser but other programs, so `same-site` is refused too.
//!   Only a top-level navigation (a link followed to the preview) is let through: the
//!   other page cannot read what it opens. Clients that send no `Sec-Fetch-*` headers
//!   (curl, scripts, older browsers) are not pages of another site.
//!
//! Every answer also carries `Cross-Origin-Resource-Policy: same-origin` (see
//! [`ISOLATION_HEADERS`]), which makes browsers that do not send `Sec-Fetch-*` refuse such
//! loads themselves.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Sent with every answer: other origins may not embed or sniff what the server sends,
/// and no `Access-Control-Allow-Origin` ever lets them read it.
pub const ISOLATION_HEADERS: &str =
    "Cross-Origin-Resource-Policy: same-origin\r\nX-Content-Type-Options: nosniff\r\n";

/// The headers of a request that say who asks.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Asker {
    /// Every `Host` header, as sent.
    pub hosts: Vec<String>,
    pub fetch_site: Option<String>,
    pub fetch_mode: Option<String>,
    pub fetch_dest: Option<String>,
}

/// Where the server listens.
#[derive(Debug, Clone, Copy)]
pub struct Own {
    pub port: u16,
    /// The `--bind` address.
    pub bind: IpAddr,
    /// The address this connection came in on (with `--bind 0.0.0.0`, the machine's
    /// address on the network the client is on).
    pub local: IpAddr,
}

/// Why a request is refused: status and a line of text.
pub type Refusal = (u16, String);

/// Refuses a request that is not for this server or comes from another site's page.
pub fn check(asker: &Asker, own: &Own) -> Result<(), Refusal> {
    let host = match asker.hosts.as_slice() {
        [] => return Err((400, "missing Host header".into())),
        [one] => one,
        _ => return Err((400, "more than one Host header".into())),
    };
    if !host_is_own(host, own) {
        return Err((
            421,
            format!(
                "tejun serve answers only requests for its own address: open \
                 http://localhost:{port}/ or http://127.0.0.1:{port}/",
                port = own.port
            ),
        ));
    }
    if from_another_site(asker) {
        return Err((
            403,
            "tejun serve does not answer requests from other sites' pages".into(),
        ));
    }
    Ok(())
}

/// Whether `host` (`name[:port]`, as in a `Host` header) names this server.
fn host_is_own(host: &str, own: &Own) -> bool {
    let Some((name, port)) = split_host(host) else {
        return false;
    };
    // A browser leaves the port out only when it is the scheme's default.
    if port.unwrap_or(80) != own.port {
        return false;
    }
    let ip = match name {
        Name::Localhost => return true,
        Name::Ip(ip) => ip.to_canonical(),
    };
    ip.is_loopback() || [own.bind, own.local].iter().any(|o| o.to_canonical() == ip)
}

/// A host name the server accepts: only IP literals and `localhost`, which no DNS answer
/// can rebind.
enum Name {
    Localhost,
    Ip(IpAddr),
}

/// `name` and `port` of a `Host` value, or `None` when it is not one the server accepts.
fn split_host(host: &str) -> Option<(Name, Option<u16>)> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let ip: Ipv6Addr = inside.parse().ok()?;
        (Name::Ip(IpAddr::V6(ip)), after)
    } else {
        let (name, after) = match host.find(':') {
            Some(at) => host.split_at(at),
            None => (host, ""),
        };
        let name = if name.eq_ignore_ascii_case("localhost") {
            Name::Localhost
        } else {
            Name::Ip(IpAddr::V4(name.parse::<Ipv4Addr>().ok()?))
        };
        (name, after)
    };
    if port.is_empty() {
        return Some((name, None));
    }
    let digits = port.strip_prefix(':')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((name, Some(digits.parse().ok()?)))
}

/// Whether a browser sends this request for a page of another site (or another port of
/// this host), other than to open it as the top-level page.
fn from_another_site(asker: &Asker) -> bool {
    let is = |v: &Option<String>, want: &str| v.as_deref().is_some_and(|v| v == want);
    match asker.fetch_site.as_deref() {
        None | Some("same-origin") | Some("none") => false,
        Some(_) => !(is(&asker.fetch_mode, "navigate") && is(&asker.fetch_dest, "document")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(bind: &str, local: &str) -> Own {
        Own {
            port: 3000,
            bind: bind.parse().unwrap(),
            local: local.parse().unwrap(),
        }
    }

    fn host(h: &str) -> Asker {
        Asker {
            hosts: vec![h.to_string()],
            ..Asker::default()
        }
    }

    #[test]
    fn own_addresses_are_answered() {
        let o = own("127.0.0.1", "127.0.0.1");
        for h in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
            "127.0.0.2:3000",
        ] {
            assert_eq!(check(&host(h), &o), Ok(()), "{h}");
        }
        // Bound to every address: the one the client reached, or the bind address itself.
        let lan = own("0.0.0.0", "192.168.1.5");
        for h in ["192.168.1.5:3000", "0.0.0.0:3000", "localhost:3000"] {
            assert_eq!(check(&host(h), &lan), Ok(()), "{h}");
        }
        let v6 = own("::", "::ffff:192.168.1.5");
        assert_eq!(check(&host("192.168.1.5:3000"), &v6), Ok(()));
        let bound = own("10.0.0.7", "10.0.0.7");
        assert_eq!(check(&host("10.0.0.7:3000"), &bound), Ok(()));
        let http = Own { port: 80, ..o };
        assert_eq!(check(&host("localhost"), &http), Ok(()));
    }

    #[test]
    fn other_hosts_are_misdirected() {
        let o = own("0.0.0.0", "192.168.1.5");
        for h in [
            "evil.example:3000",
            "evil.example",
            "localhost.evil.example:3000",
            "127.0.0.1.evil.example:3000",
            "127.0.0.1:3001",
            "127.0.0.1",
            "127.0.0.1:",
            "127.0.0.1:+3000",
            "127.0.0.1:3000:3000",
            "127.0.0.1:3000@evil.example",
            "[::1]x:3000",
            "[::1:3000",
            "::1:3000",
            "192.168.1.6:3000",
            "localhost.:3000",
            "",
        ] {
            assert!(matches!(check(&host(h), &o), Err((421, _))), "{h}");
        }
    }

    #[test]
    fn a_missing_or_repeated_host_is_a_bad_request() {
        let o = own("127.0.0.1", "127.0.0.1");
        assert!(matches!(check(&Asker::default(), &o), Err((400, _))));
        let two = Asker {
            hosts: vec!["localhost:3000".into(), "localhost:3000".into()],
            ..Asker::default()
        };
        assert!(matches!(check(&two, &o), Err((400, _))));
    }

    #[test]
    fn other_sites_pages_are_refused_but_may_navigate() {
        let o = own("127.0.0.1", "127.0.0.1");
        let asker = |site: &str, mode: &str, dest: &str| Asker {
            hosts: vec!["127.0.0.1:3000".into()],
            fetch_site: Some(site.into()),
            fetch_mode: Some(mode.into()),
            fetch_dest: Some(dest.into()),
        };
        for (site, mode, dest) in [
            ("cross-site", "no-cors", "script"),
            ("cross-site", "cors", "empty"),
            ("same-site", "no-cors", "script"),
            ("cross-site", "navigate", "iframe"),
            ("something-new", "no-cors", "script"),
        ] {
            let refused = check(&asker(site, mode, dest), &o);
            assert!(matches!(refused, Err((403, _))), "{site} {mode} {dest}");
        }
        for (site, mode, dest) in [
            ("cross-site", "navigate", "document"),
            ("none", "navigate", "document"),
            ("same-origin", "no-cors", "script"),
            ("same-origin", "cors", "empty"),
        ] {
            assert_eq!(check(&asker(site, mode, dest), &o), Ok(()), "{site}");
        }
    }
}
