//! Request targets to keys of the in-memory site. The server never opens a file per
//! request, so a key can only name a built file; still, anything that looks like an escape
//! (`..`, `.`, empty segments, encoded slashes or backslashes, NUL, absolute forms) is
//! refused outright rather than normalised, and the caller answers 404.

/// The site key for a request target (`/a/b.html?x` → `a/b.html`, `/` → `index.html`), or
/// `None` when the target is not a plain relative path.
pub fn site_key(target: &str) -> Option<String> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix('/')?;
    if rest.is_empty() {
        return Some("index.html".into());
    }
    let (rest, dir) = match rest.strip_suffix('/') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let mut segments = Vec::new();
    for raw in rest.split('/') {
        let seg = decode(raw)?;
        let bad = seg.is_empty()
            || seg == "."
            || seg == ".."
            || seg.contains(['/', '\\', '\0', ':'])
            || seg.chars().any(char::is_control);
        if bad {
            return None;
        }
        segments.push(seg);
    }
    let mut key = segments.join("/");
    if dir {
        key.push_str("/index.html");
    }
    Some(key)
}

/// Percent-decoding of one segment; malformed escapes and invalid UTF-8 are refused.
pub fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The value of `name` in a query string (`?q=a+b&page=x.html`), decoded.
pub fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| decode(&v.replace('+', " ")))?
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_map_to_keys() {
        assert_eq!(site_key("/").as_deref(), Some("index.html"));
        assert_eq!(site_key("/x.html?a=1").as_deref(), Some("x.html"));
        assert_eq!(
            site_key("/assets/style.css").as_deref(),
            Some("assets/style.css")
        );
        assert_eq!(site_key("/assets/").as_deref(), Some("assets/index.html"));
        assert_eq!(
            site_key("/%E6%89%8B%E9%A0%86.html").as_deref(),
            Some("手順.html")
        );
    }

    #[test]
    fn traversal_and_odd_forms_are_refused() {
        for t in [
            "/../etc/passwd",
            "/assets/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/assets%2f..%2f..%2fetc%2fpasswd",
            "/..%5c..%5cwindows",
            "/a\\..\\b",
            "//etc/passwd",
            "/./index.html",
            "/x%00.html",
            "/C:/Windows/win.ini",
            "/%C0%AE%C0%AE/",
            "/%zz",
            "http://evil/x.html",
            "*",
            "",
        ] {
            assert_eq!(site_key(t), None, "{t}");
        }
    }

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(
            query_param("/api/search?q=a+b%20c&x=1", "q").as_deref(),
            Some("a b c")
        );
        assert_eq!(
            query_param("/e?page=x.html", "page").as_deref(),
            Some("x.html")
        );
        assert_eq!(query_param("/e?page=x.html", "q"), None);
        assert_eq!(query_param("/e", "q"), None);
    }
}
