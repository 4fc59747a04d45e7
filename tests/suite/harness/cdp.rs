//! Headless Chromium driven over the DevTools protocol: one websocket (`tungstenite`, a
//! dev-dependency) to the browser, one page attached with a flat session. The API is what
//! the browser tests need and no more: open a URL, evaluate JavaScript, click, type, wait
//! for a condition, take a screenshot, and list the requests the page made.
//!
//! A maintained client (chromiumoxide, headless_chrome) would bring an async runtime or a
//! browser download; the protocol subset used here is small enough to own.
//!
//! Chromium is `/usr/bin/chromium` (or `TEJUN_CHROMIUM`); `.ci/test` installs it. Without
//! it [`Browser::launch`] fails the test saying how to install it, unless
//! `TEJUN_SKIP_BROWSER=1`, when it returns `None` and the test returns early.

use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

/// How long the browser may stay silent, and the longest any wait may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// The Chromium binary, or `None` when the browser tests are to be skipped.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("TEJUN_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("TEJUN_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("skipping the browser test: TEJUN_SKIP_BROWSER=1");
        return None;
    }
    panic!(
        "headless Chromium not found at `{}`. Install it (Debian/Ubuntu: `sudo apt-get install chromium`, \
         or run `.ci/test`, which installs it), point TEJUN_CHROMIUM at a Chromium binary, \
         or set TEJUN_SKIP_BROWSER=1 to skip the browser tests",
        path.display()
    );
}

/// The `file://` URL of a local file.
pub fn file_url(path: &Path) -> String {
    format!(
        "file://{}",
        path.canonicalize().expect("canonical path").display()
    )
}

/// One headless Chromium with one page attached; killed when dropped.
pub struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    session: String,
    /// Events of the page received while waiting for replies, oldest first.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts Chromium with a fresh profile and opens a blank page.
    pub fn launch() -> Option<Browser> {
        let binary = chromium()?;
        let profile = tempfile::tempdir().expect("tempdir");
        let child = Command::new(binary)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--remote-debugging-port=0",
                "--window-size=1200,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let (port, path) = devtools_address(profile.path());
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("connect to DevTools");
        stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
        let (ws, _) = tungstenite::client(format!("ws://127.0.0.1:{port}{path}"), stream)
            .expect("websocket handshake");
        let mut b = Browser {
            child,
            ws,
            next_id: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        b.attach_page();
        Some(b)
    }

    /// Opens a page target and attaches to it with a flat session.
    fn attach_page(&mut self) {
        // Downloads (the log export) stay in memory.
        self.send(
            None,
            "Browser.setDownloadBehavior",
            json!({"behavior": "deny"}),
        );
        let target = self.send(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("target id").to_string();
        let attached = self.send(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        self.session = attached["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        for domain in ["Page.enable", "Runtime.enable", "Network.enable"] {
            self.call(domain, json!({}));
        }
    }

    /// Lets the page use the real clipboard: headless Chromium allows a focused page to
    /// once permitted.
    pub fn allow_clipboard(&mut self) {
        self.send(
            None,
            "Browser.grantPermissions",
            json!({"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]}),
        );
        self.call(
            "Emulation.setFocusEmulationEnabled",
            json!({"enabled": true}),
        );
    }

    /// Lays the page out at `width` × `height` CSS pixels, one device pixel each (`mobile`:
    /// as a phone does, honouring the page's viewport meta tag).
    pub fn set_viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
        );
    }

    /// Loads `url` and waits until its scripts have run.
    pub fn open(&mut self, url: &str) {
        self.events.clear();
        let r = self.call("Page.navigate", json!({"url": url}));
        assert!(r.get("errorText").is_none(), "navigating to {url}: {r}");
        self.wait_event("Page.loadEventFired");
    }

    /// Runs `action` (which makes the page navigate) and waits for the new page.
    pub fn navigate_by(&mut self, action: &str) {
        self.events.clear();
        self.eval(action);
        self.wait_event("Page.loadEventFired");
    }

    pub fn reload(&mut self) {
        self.events.clear();
        self.call("Page.reload", json!({}));
        self.wait_event("Page.loadEventFired");
    }

    /// Opens `url` again as a new visit once the new page sees the current page's
    /// localStorage entries `keys`: as with [`Self::store_and_reload`], a write made just
    /// before leaving can reach the browser after the next page has read its storage. A
    /// visit that came too soon is given the entries back and silenced (its `pagehide`
    /// handlers and timers would save what it saw) before the next try. What the new page saw is
    /// read as its document starts, before its own scripts run: by the load event they
    /// may have saved entries of their own (the place a runbook restores), which say
    /// nothing about what it was opened with.
    pub fn reopen(&mut self, url: &str, keys: &[&str]) {
        let keys = json!(keys);
        let before = self.eval(&format!("{keys}.map(k => [k, localStorage.getItem(k)])"));
        let seen = self.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({
                "source": format!(
                    "window.__tejunSeen = {keys}.map(k => [k, localStorage.getItem(k)]);"
                )
            }),
        );
        let kept = format!("JSON.stringify(window.__tejunSeen) === JSON.stringify({before})");
        // The entries given back, then the visit made mute: its pending timers (a runbook
        // saves its place 200 ms after a scroll) would otherwise write over them before the
        // next try on a loaded machine, as its `pagehide` handlers would.
        let restore = format!(
            "(() => {{ addEventListener('pagehide', e => e.stopImmediatePropagation(), true); \
             for (const [k, v] of {before}) v === null ? localStorage.removeItem(k) : localStorage.setItem(k, v); \
             Storage.prototype.setItem = () => {{}}; Storage.prototype.removeItem = () => {{}}; \
             Storage.prototype.clear = () => {{}}; }})()"
        );
        let start = Instant::now();
        loop {
            self.open(url);
            if self.eval(&kept) == json!(true) {
                break;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "{keys} of the last visit never reached {url}"
            );
            self.eval(&restore);
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Some(id) = seen.get("identifier") {
            self.call(
                "Page.removeScriptToEvaluateOnNewDocument",
                json!({ "identifier": id }),
            );
        }
    }

    /// Stores `value` under `key` in the page's localStorage and reloads until the
    /// reloaded page reads it back: a file:// page's write can reach the browser after an
    /// immediate reload has read its storage, so one reload may come too soon.
    /// [`Self::reopen`] with every localStorage entry the current page sees: the page
    /// loaded again once all it saved has reached the browser.
    pub fn reopen_keeping_storage(&mut self, url: &str) {
        let keys = self.eval("Object.keys(localStorage)");
        let keys: Vec<&str> = keys
            .as_array()
            .map(|a| a.iter().filter_map(|k| k.as_str()).collect())
            .unwrap_or_default();
        self.reopen(url, &keys);
    }

    pub fn store_and_reload(&mut self, key: &str, value: &str) {
        let set = format!("localStorage.setItem({}, {})", json!(key), json!(value));
        let check = format!("localStorage.getItem({}) === {}", json!(key), json!(value));
        let start = Instant::now();
        loop {
            self.eval(&set);
            self.reload();
            if self.eval(&check) == json!(true) {
                return;
            }
            assert!(start.elapsed() < TIMEOUT, "`{key}` never survived a reload");
        }
    }

    /// The value of a JavaScript expression on the page (a promise is awaited); fails the
    /// test if it throws.
    pub fn eval(&mut self, expr: &str) -> Value {
        let r = self.call("Runtime.evaluate", evaluate(expr));
        if let Some(ex) = r.get("exceptionDetails") {
            panic!("`{expr}` threw: {ex}");
        }
        r["result"]["value"].clone()
    }

    /// Like [`Browser::eval`], but `None` when the page cannot answer (it is navigating,
    /// its context was destroyed, or the expression threw).
    pub fn try_eval(&mut self, expr: &str) -> Option<Value> {
        let session = self.session.clone();
        let reply = self.request(Some(&session), "Runtime.evaluate", evaluate(expr));
        let r = &reply["result"];
        if reply.get("error").is_some() || r.get("exceptionDetails").is_some() {
            return None;
        }
        Some(r["result"]["value"].clone())
    }

    /// Waits until `expr` is truthy (true or a number above 0) and returns its value.
    pub fn wait_for(&mut self, expr: &str) -> Value {
        let v = self.poll(expr, TIMEOUT, |v| {
            v.as_bool() == Some(true) || v.as_u64().is_some_and(|n| n > 0)
        });
        assert!(
            v.as_bool() == Some(true) || v.as_u64().is_some_and(|n| n > 0),
            "`{expr}` never held: {v}"
        );
        v
    }

    /// Evaluates `expr` (tolerating a page that is reloading) until `done` holds for its
    /// value or `within` has passed; returns the last value.
    pub fn poll(&mut self, expr: &str, within: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        let mut last = Value::Null;
        while start.elapsed() < within {
            if let Some(v) = self.try_eval(expr) {
                if done(&v) {
                    return v;
                }
                last = v;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        last
    }

    /// A real left click (trusted events, a user gesture) in the middle of the first
    /// element `selector` matches, scrolled into view first.
    pub fn click(&mut self, selector: &str) {
        let at = self.eval(&format!(
            "(() => {{ const el = document.querySelector({sel}); \
             if (!el) return null; \
             el.scrollIntoView({{block: 'center'}}); \
             const r = el.getBoundingClientRect(); \
             return [r.left + r.width / 2, r.top + r.height / 2]; }})()",
            sel = json!(selector)
        ));
        let (x, y) = match (at[0].as_f64(), at[1].as_f64()) {
            (Some(x), Some(y)) => (x, y),
            _ => panic!("nothing to click at `{selector}`"),
        };
        for (kind, button) in [
            ("mouseMoved", "none"),
            ("mousePressed", "left"),
            ("mouseReleased", "left"),
        ] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": button, "clickCount": 1}),
            );
        }
    }

    /// Puts `text` into the input `selector` as typing would (an `input` event).
    pub fn type_into(&mut self, selector: &str, text: &str) {
        self.eval(&format!(
            "(() => {{ const i = document.querySelector({sel}); i.focus(); i.value = {text}; \
             i.dispatchEvent(new Event('input', {{bubbles: true}})); }})()",
            sel = json!(selector),
            text = json!(text)
        ));
    }

    /// URLs the page requested since it was last opened or reloaded.
    pub fn requested_urls(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_string))
            .collect()
    }

    /// What the page shows now (the viewport), as PNG bytes in base64, as DevTools sends it.
    pub fn capture_png_base64(&mut self) -> String {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": false}),
        );
        shot["data"].as_str().expect("png data").to_string()
    }

    /// With `TEJUN_SCREENSHOTS=DIR`, saves what the page shows as `DIR/NAME.png`, for a
    /// person to look at.
    pub fn screenshot(&mut self, name: &str) {
        let Some(dir) = std::env::var_os("TEJUN_SCREENSHOTS") else {
            return;
        };
        let png = base64_decode(&self.capture_png_base64());
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write png");
    }

    /// Emulates the reader's colour-scheme preference (`light` or `dark`).
    pub fn set_color_scheme(&mut self, scheme: &str) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}),
        );
    }

    /// Text typed as a keyboard commits it (no input method) into the focused element.
    pub fn insert_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({ "text": text }));
    }

    /// Presses and releases `key` (`Enter`, `ArrowDown`) with its Windows key code; 229 is
    /// the code an input method gives the key that commits a conversion.
    pub fn key(&mut self, key: &str, code: u32) {
        for kind in ["rawKeyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code}),
            );
        }
    }

    /// Presses and releases `key` as a keyboard does, with `modifiers` held (CDP's bits:
    /// 1 Alt, 2 Ctrl, 4 Meta, 8 Shift): a printable key and Enter also type their text,
    /// which is what activates a focused link.
    pub fn press(&mut self, key: &str, code: u32, modifiers: u32) {
        let text = match key {
            "Enter" => "\r".to_string(),
            k if k.chars().count() == 1 => k.to_string(),
            _ => String::new(),
        };
        let down = if text.is_empty() {
            "rawKeyDown"
        } else {
            "keyDown"
        };
        for kind in [down, "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code,
                       "modifiers": modifiers, "text": if kind == "keyUp" { "" } else { text.as_str() }}),
            );
        }
    }

    /// A real left click (a tap, on a phone-sized page) at `x`, `y` in CSS pixels.
    pub fn click_at(&mut self, x: f64, y: f64) {
        for (kind, button) in [
            ("mouseMoved", "none"),
            ("mousePressed", "left"),
            ("mouseReleased", "left"),
        ] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": button, "clickCount": 1}),
            );
        }
    }

    /// A command on the page's session; fails the test if the browser refuses it.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(Some(&session), method, params)
    }

    /// A command (on the browser when `session` is `None`); its result.
    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        let reply = self.request(session, method, params);
        if let Some(err) = reply.get("error") {
            panic!("{method} failed: {err}");
        }
        reply["result"].clone()
    }

    /// Sends a command and returns its whole reply; events that arrive first are kept.
    fn request(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .expect("send to chromium");
        loop {
            let v = self.receive();
            if v["id"].as_u64() == Some(id) {
                return v;
            }
            self.events.push(v);
        }
    }

    fn receive(&mut self) -> Value {
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => return serde_json::from_str(&t).expect("json"),
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e))
                    if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                {
                    panic!("chromium sent nothing for {TIMEOUT:?}")
                }
                Err(e) => panic!("reading from chromium: {e}"),
            }
        }
    }

    /// Waits for the page's `method` event (the events before it stay for inspection).
    fn wait_event(&mut self, method: &str) -> Value {
        let start = Instant::now();
        loop {
            if let Some(i) = self.events.iter().position(|e| e["method"] == method) {
                return self.events.remove(i);
            }
            assert!(start.elapsed() < TIMEOUT, "no {method} in {TIMEOUT:?}");
            let v = self.receive();
            self.events.push(v);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Runtime.evaluate`'s parameters: the value itself, promises awaited.
fn evaluate(expr: &str) -> Value {
    json!({"expression": expr, "returnByValue": true, "awaitPromise": true})
}

/// The port and websocket path Chromium writes to `DevToolsActivePort` in its profile once
/// it listens (polled until both lines are there: Chromium reports it no other way when
/// its output is not read).
fn devtools_address(profile: &Path) -> (String, String) {
    let port_file = profile.join("DevToolsActivePort");
    let start = Instant::now();
    let text = loop {
        match std::fs::read_to_string(&port_file) {
            Ok(t) if t.lines().count() >= 2 => break t,
            _ if start.elapsed() > TIMEOUT => panic!("chromium did not open DevTools"),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let mut lines = text.lines();
    let port = lines.next().expect("port").trim().to_string();
    let path = lines.next().expect("path").trim().to_string();
    (port, path)
}

/// Standard base64 (what DevTools sends screenshots in).
pub fn base64_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
