//! What the server adds to every HTML page it sends, at response time (the renderer knows
//! nothing of the dev server): the reload script with the page's identity, and, while the
//! latest edit is broken, the error overlay, HTML-escaped.

use serde::Serialize;

use super::preview::ErrorItem;

/// The reload client, served at `/__tejun/reload.js`.
pub const RELOAD_JS: &str = include_str!("reload.js");

const OVERLAY_CSS: &str = "#tejun-overlay{position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;z-index:2147483647;background:#2b0d0d;color:#fde8e8;border:2px solid #e5484d;border-radius:8px;padding:.75rem 1rem;font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 8px 24px rgba(0,0,0,.4)}\
#tejun-overlay .tejun-overlay-head{font-weight:bold;display:flex;justify-content:space-between;gap:1rem}\
#tejun-overlay .tejun-overlay-close{background:none;border:0;color:inherit;font-size:1.25rem;cursor:pointer}\
#tejun-overlay ol{margin:.5rem 0 0;padding-left:1.5rem}#tejun-overlay li{margin:.5rem 0}\
#tejun-overlay code{color:#ffb4b4}#tejun-overlay pre{margin:.25rem 0;padding:.25rem .5rem;background:#000;color:#fff;white-space:pre-wrap;border-radius:4px}\
#tejun-overlay .tejun-overlay-hint{color:#f5d0a9}";

/// What the reload script knows about the page it runs in.
#[derive(Debug, Serialize)]
pub struct PageMeta<'a> {
    /// The server's start id: a different one means the server restarted.
    pub boot: &'a str,
    /// The site key of the page (`x.html`).
    pub page: &'a str,
    /// The generation in which the page last changed.
    pub v: u64,
    /// The generation in which any shared asset last changed.
    pub a: u64,
}

/// `html` with the reload script (and the overlay, when `errors` is not empty) inserted
/// before the last `</body>`, or appended when there is none.
pub fn inject(html: &[u8], meta: &PageMeta, errors: &[ErrorItem]) -> Vec<u8> {
    let json = serde_json::to_string(meta).unwrap_or_else(|_| "{}".into());
    // `<` never appears raw inside the script element.
    let json = json.replace('<', "\\u003c");
    let mut add = format!(
        "<style>{OVERLAY_CSS}</style><script>window.__tejun={json};</script>\
         <script src=\"/__tejun/reload.js\"></script>"
    );
    add.push_str(&overlay(errors));
    let at = find_body_end(html).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + add.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(add.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_body_end(html: &[u8]) -> Option<usize> {
    const END: &[u8] = b"</body>";
    html.windows(END.len())
        .rposition(|w| w.eq_ignore_ascii_case(END))
}

/// The overlay's markup (the same the script builds), every text escaped.
pub fn overlay(errors: &[ErrorItem]) -> String {
    if errors.is_empty() {
        return String::new();
    }
    let n = errors.len();
    let mut s = format!(
        "<div id=\"tejun-overlay\" class=\"tejun-overlay\" role=\"alert\"><div class=\"tejun-overlay-head\">tejun: {n} {} (the last good build is shown)</div><ol class=\"tejun-overlay-list\">",
        if n == 1 { "error" } else { "errors" }
    );
    for e in errors {
        s.push_str("<li>");
        if let Some(loc) = &e.location {
            s.push_str(&format!(
                "<code class=\"tejun-overlay-loc\">{}</code>",
                escape(loc)
            ));
        }
        s.push_str(&format!(
            "<div class=\"tejun-overlay-msg\">{}</div>",
            escape(&e.message)
        ));
        if let Some(src) = &e.source_line {
            s.push_str(&format!(
                "<pre class=\"tejun-overlay-src\">{}</pre>",
                escape(src)
            ));
        }
        if let Some(h) = &e.hint {
            s.push_str(&format!(
                "<div class=\"tejun-overlay-hint\">hint: {}</div>",
                escape(h)
            ));
        }
        s.push_str("</li>");
    }
    s.push_str("</ol></div>");
    s
}

pub use crate::render::esc as escape;

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> PageMeta<'static> {
        PageMeta {
            boot: "b",
            page: "x.html",
            v: 2,
            a: 1,
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", &meta(), &[]);
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("<html><body><p>x</p><style>"), "{s}");
        assert!(s.ends_with("reload.js\"></script></BODY></html>"), "{s}");
        assert!(s.contains(r#"window.__tejun={"boot":"b","page":"x.html","v":2,"a":1};"#));
        assert!(!s.contains("tejun-overlay-list"));
    }

    #[test]
    fn overlay_text_is_escaped() {
        let err = ErrorItem {
            severity: "error",
            location: Some("content/<x>.toml:3:5".into()),
            file: None,
            line: Some(3),
            column: Some(5),
            message: "bad <script>alert(1)</script>".into(),
            hint: Some("use \"quotes\" & 'ticks'".into()),
            source_line: Some("title = \"</body><img onerror=x>".into()),
        };
        let s = String::from_utf8(inject(b"<body></body>", &meta(), &[err])).unwrap();
        assert!(s.contains("content/&lt;x&gt;.toml:3:5"));
        assert!(s.contains("bad &lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(s.contains("title = &quot;&lt;/body&gt;&lt;img onerror=x&gt;"));
        assert!(s.contains("use &quot;quotes&quot; &amp; &#39;ticks&#39;"));
        assert!(!s.contains("<script>alert"));
        assert!(s.ends_with("</ol></div></body>"));
    }
}
