//! The site and runbooks in real headless Chromium, opened from file:// as a reader would.
//! A small DevTools-protocol client (one websocket, flat sessions) drives the browser: pick
//! an environment by URL on the home page, follow to a procedure and find only its steps,
//! numbered as the Rust filter numbers them; tick runbook steps, reload, find them ticked;
//! and watch the network while the runbook loads.
//!
//! Chromium is `/usr/bin/chromium` (or `TEJUN_CHROMIUM`); `.ci/test` installs it. Without
//! it these tests fail with how to install it, unless `TEJUN_SKIP_BROWSER=1`.

use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tejun::condition::Env;
use tejun::filter::filter;
use tungstenite::{Message, WebSocket};

const TIMEOUT: Duration = Duration::from_secs(30);

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

/// One headless Chromium with one page attached.
struct Browser {
    child: Child,
    ws: WebSocket<TcpStream>,
    next_id: u64,
    session: String,
    /// Events of the page received while waiting for replies, oldest first.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(binary: &Path) -> Browser {
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
        // Chromium writes the port it chose and the browser's websocket path here.
        let port_file = profile.path().join("DevToolsActivePort");
        let start = Instant::now();
        let text = loop {
            match std::fs::read_to_string(&port_file) {
                Ok(t) if t.lines().count() >= 2 => break t,
                _ if start.elapsed() > TIMEOUT => panic!("chromium did not open DevTools"),
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        };
        let mut lines = text.lines();
        let port = lines.next().expect("port").trim().to_string();
        let path = lines.next().expect("path").trim().to_string();
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
        // Downloads (the log export) stay in memory.
        b.send(
            None,
            "Browser.setDownloadBehavior",
            json!({"behavior": "deny"}),
        );
        let target = b.send(None, "Target.createTarget", json!({"url": "about:blank"}));
        let target_id = target["targetId"].as_str().expect("target id").to_string();
        let attached = b.send(
            None,
            "Target.attachToTarget",
            json!({"targetId": target_id, "flatten": true}),
        );
        b.session = attached["sessionId"]
            .as_str()
            .expect("session id")
            .to_string();
        for domain in ["Page.enable", "Runtime.enable", "Network.enable"] {
            b.call(domain, json!({}));
        }
        b
    }

    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
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
                if let Some(err) = v.get("error") {
                    panic!("{method} failed: {err}");
                }
                return v["result"].clone();
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

    /// A command on the page's session.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.send(Some(&session), method, params)
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

    /// The value of a JavaScript expression on the page.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(ex) = r.get("exceptionDetails") {
            panic!("`{expr}` threw: {ex}");
        }
        r["result"]["value"].clone()
    }

    /// Loads `url` and waits until its scripts have run.
    fn open(&mut self, url: &str) {
        self.events.clear();
        let r = self.call("Page.navigate", json!({"url": url}));
        assert!(r.get("errorText").is_none(), "navigating to {url}: {r}");
        self.wait_event("Page.loadEventFired");
    }

    /// Runs `action` (which makes the page navigate) and waits for the new page.
    fn navigate_by(&mut self, action: &str) {
        self.events.clear();
        self.eval(action);
        self.wait_event("Page.loadEventFired");
    }

    fn reload(&mut self) {
        self.events.clear();
        self.call("Page.reload", json!({}));
        self.wait_event("Page.loadEventFired");
    }

    /// With `TEJUN_SCREENSHOTS=DIR`, saves what the page shows as `DIR/NAME.png`, for a
    /// person to look at.
    fn screenshot(&mut self, name: &str) {
        let Some(dir) = std::env::var_os("TEJUN_SCREENSHOTS") else {
            return;
        };
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": false}),
        );
        let png = base64_decode(shot["data"].as_str().expect("png data"));
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).expect("write png");
    }

    /// URLs the page requested since the events were last cleared.
    fn requested_urls(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| e["method"] == "Network.requestWillBeSent")
            .filter_map(|e| e["params"]["request"]["url"].as_str().map(str::to_string))
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Standard base64 (what DevTools sends screenshots in).
fn base64_decode(s: &str) -> Vec<u8> {
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

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn tejun(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_tejun"))
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .output()
        .expect("run tejun");
    assert!(
        o.status.success(),
        "tejun {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn file_url(path: &Path) -> String {
    format!(
        "file://{}",
        path.canonicalize().expect("canonical path").display()
    )
}

fn book() -> tejun::Book {
    match tejun::load_book(repo_root()) {
        Ok((b, _)) => b,
        Err((d, s)) => panic!("{}", d.lines(&s).join("\n")),
    }
}

/// Each visible list of steps on the page: (step id, number shown) in order.
const VISIBLE_STEPS: &str = r#"(() => {
  const gone = el => !!el.closest('.env-hidden, .env-empty');
  return Array.from(document.querySelectorAll('[data-steps]'))
    .filter(ol => !gone(ol))
    .map(ol => Array.from(ol.children)
      .filter(li => li.hasAttribute('data-step') && !gone(li))
      .map(li => [li.getAttribute('data-step'), li.querySelector('.step-num').textContent.trim()]))
    .filter(list => list.length > 0);
})()"#;

/// The same lists from the Rust filter.
fn expected_steps(book: &tejun::Book, env: &Env, procedure: &str) -> Value {
    let view = filter(book, env);
    let p = view
        .procedures()
        .find(|p| p.id == procedure)
        .unwrap_or_else(|| panic!("{procedure} is not selected"));
    let mut lists = Vec::new();
    for s in &p.sections {
        let mut all = vec![&s.steps];
        all.extend(s.branches.iter().map(|b| &b.steps));
        for steps in all.into_iter().filter(|l| !l.is_empty()) {
            lists.push(
                steps
                    .iter()
                    .map(|st| json!([st.id, format!("{}.", st.number)]))
                    .collect::<Vec<_>>(),
            );
        }
    }
    json!(lists)
}

#[test]
fn picked_environment_filters_and_renumbers_pages() {
    let Some(binary) = chromium() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    tejun(&["build", ".", "--out", out.to_str().expect("utf-8 path")]);
    let book = book();
    let mut b = Browser::launch(&binary);

    for (query, procedure) in [
        (
            "cluster=unix&operation=patch&from=R12.7&to=R13.2",
            "unix-patch",
        ),
        (
            "cluster=mscs&operation=patch&from=R12.6&to=R12.6",
            "mscs-patch-r12-7",
        ),
    ] {
        let spec = query.replace('&', ",");
        let env = book.config.parse_env(&spec).expect("env");
        b.open(&format!("{}?{query}", file_url(&out.join("index.html"))));
        // The summary states the environment; the picker shows it; the list shows what applies.
        let summary = b.eval("document.querySelector('[data-env-summary]').textContent");
        let cluster_label = if spec.contains("unix") {
            "UNIX"
        } else {
            "MSCS(MSFC)"
        };
        assert!(
            summary
                .as_str()
                .is_some_and(|s| s.contains(&format!("クラスタ種別: {cluster_label}"))),
            "{summary}"
        );
        assert_eq!(
            b.eval("document.querySelector('#env-from').value"),
            json!(env_value(&spec, "from"))
        );
        let listed = b.eval(
            "Array.from(document.querySelectorAll('.env-proc-list [data-env-item]')) \
             .filter(li => !li.closest('.env-hidden')) \
             .map(li => li.querySelector('a').getAttribute('href').split('?')[0].replace('.html', ''))",
        );
        let selected: Vec<String> = filter(&book, &env)
            .procedures()
            .map(|p| p.id.clone())
            .collect();
        assert_eq!(listed, json!(selected), "applicable procedures for {query}");
        b.screenshot(&format!("index-{procedure}"));
        assert!(selected.contains(&procedure.to_string()));

        // Follow the link: the environment travels in the URL.
        b.navigate_by(&format!(
            "document.querySelector('.env-proc-list a[href^=\"{procedure}.html\"]').click()"
        ));
        let search = b.eval("location.search");
        assert!(
            search
                .as_str()
                .is_some_and(|s| s.contains("operation=patch")),
            "{search}"
        );
        let shown = b.eval(VISIBLE_STEPS);
        assert_eq!(shown, expected_steps(&book, &env, procedure), "{query}");
        for list in shown.as_array().expect("lists") {
            let numbers: Vec<&str> = list
                .as_array()
                .expect("list")
                .iter()
                .map(|s| s[1].as_str().expect("number"))
                .collect();
            let want: Vec<String> = (1..=numbers.len()).map(|n| format!("{n}.")).collect();
            assert_eq!(numbers, want);
        }
        b.screenshot(&format!("procedure-{procedure}"));
        let bar = b.eval("document.querySelector('[data-env-bar]').hidden");
        assert_eq!(bar, json!(false), "summary bar shown on procedure pages");

        // Without the query the stored environment still applies.
        b.open(&file_url(&out.join(format!("{procedure}.html"))));
        assert_eq!(
            b.eval(VISIBLE_STEPS),
            expected_steps(&book, &env, procedure)
        );
    }
    // Something was actually hidden for MSCS patch from R12.6 (the R12.4.x-only DLL step).
    let all_steps = b.eval("document.querySelectorAll('[data-step]').length");
    let visible = b.eval(&format!("{VISIBLE_STEPS}.flat().length"));
    assert!(
        all_steps.as_u64() > visible.as_u64(),
        "{all_steps} > {visible}"
    );
    // Reset shows every step again.
    b.eval("document.querySelector('[data-env-reset]').click()");
    assert_eq!(b.eval(&format!("{VISIBLE_STEPS}.flat().length")), all_steps);
    assert_eq!(
        b.eval("document.documentElement.classList.contains('env-active')"),
        json!(false)
    );
}

fn env_value<'a>(spec: &'a str, facet: &str) -> &'a str {
    spec.split(',')
        .find_map(|kv| kv.strip_prefix(&format!("{facet}=")))
        .expect("facet in spec")
}

#[test]
fn runbook_ticks_survive_reload_and_make_no_request() {
    let Some(binary) = chromium() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("unix-patch.html");
    tejun(&[
        "runbook",
        ".",
        "--profile",
        "unix-patch",
        "--out",
        file.to_str().expect("utf-8 path"),
    ]);
    let url = file_url(&file);
    let mut b = Browser::launch(&binary);
    b.open(&url);
    // Every request is the file itself: no style sheet, script, font or image from elsewhere.
    let requested = b.requested_urls();
    assert!(!requested.is_empty(), "the network log saw the page load");
    for r in &requested {
        assert!(
            r == &url || r.starts_with("data:") || r.starts_with("blob:"),
            "the runbook requested {r}"
        );
    }
    let total = b
        .eval("document.querySelectorAll('li[data-seq]').length")
        .as_u64()
        .expect("count");
    assert!(total >= 8);
    assert_eq!(
        b.eval("document.querySelector('[data-progress-text]').textContent"),
        json!(format!("0 / {total}"))
    );

    b.eval("{ const boxes = document.querySelectorAll('.step-check'); boxes[0].click(); boxes[2].click(); }");
    b.reload();
    b.eval("document.querySelectorAll('.step-check')[2].scrollIntoView({block: 'center'})");
    b.screenshot("runbook-ticked");
    assert_eq!(
        b.eval("Array.from(document.querySelectorAll('.step-check')).map((c, i) => c.checked ? i : -1).filter(i => i >= 0)"),
        json!([0, 2]),
        "ticks survive a reload"
    );
    assert_eq!(
        b.eval("document.querySelector('[data-progress-text]').textContent"),
        json!(format!("2 / {total}"))
    );
    let width = b.eval("document.querySelector('[data-progress-bar]').style.width");
    assert_eq!(width, json!(format!("{}%", (200.0 / total as f64).round())));
    // Each tick shows when it was made.
    let times = b.eval(
        "Array.from(document.querySelectorAll('.ticked-at')).filter(t => !t.hidden).map(t => t.getAttribute('datetime'))",
    );
    let times = times.as_array().expect("times");
    assert_eq!(times.len(), 2);
    assert!(times
        .iter()
        .all(|t| t.as_str().is_some_and(|t| t.len() >= 20 && t.contains('T'))));
    // The log: a CSV row per step, with the tick time and content hash.
    let csv = b.eval("window.tejunRunbook.exportLog('csv')");
    let csv = csv.as_str().expect("csv");
    let lines: Vec<&str> = csv.trim_end().lines().collect();
    assert_eq!(
        lines[0].trim_start_matches('\u{feff}'),
        "seq,section,step,title,ticked_at,hash"
    );
    assert_eq!(lines.len() as u64, total + 1);
    let first: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(first[0], "1");
    assert!(first[4].contains('T'), "{}", lines[1]);
    assert_eq!(first[5].len(), 16);
    let json_log = b.eval("JSON.parse(window.tejunRunbook.exportLog('json'))");
    assert_eq!(json_log["done"], json!(2));
    assert_eq!(
        json_log["environment"],
        json!("cluster=unix,operation=patch,from=R12.7,to=R13.2")
    );
    // Unticking is remembered too.
    b.eval("document.querySelectorAll('.step-check')[0].click()");
    b.reload();
    assert_eq!(
        b.eval("document.querySelector('[data-progress-text]').textContent"),
        json!(format!("1 / {total}"))
    );
    // Still nothing but the file (and the export's blob URLs).
    for r in b.requested_urls() {
        assert!(
            r == url || r.starts_with("data:") || r.starts_with("blob:"),
            "the runbook requested {r}"
        );
    }
}

/// Polls a JavaScript expression until it is truthy (search loads shards by `<script>`).
fn wait_for(b: &mut Browser, expr: &str) -> Value {
    let start = Instant::now();
    loop {
        let v = b.eval(expr);
        if v.as_bool() == Some(true) || v.as_u64().is_some_and(|n| n > 0) {
            return v;
        }
        assert!(start.elapsed() < TIMEOUT, "`{expr}` never held");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn type_into(b: &mut Browser, selector: &str, text: &str) {
    b.eval(&format!(
        "(() => {{ const i = document.querySelector({sel}); i.focus(); i.value = {text}; \
         i.dispatchEvent(new Event('input', {{bubbles: true}})); }})()",
        sel = json!(selector),
        text = json!(text)
    ));
}

const HIT_LINKS: &str =
    "Array.from(document.querySelectorAll('#search-results a')).map(a => a.getAttribute('href'))";

#[test]
fn offline_search_finds_commands_from_file_url_and_respects_the_environment() {
    let Some(binary) = chromium() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    tejun(&["build", ".", "--out", out.to_str().expect("utf-8 path")]);
    let mut b = Browser::launch(&binary);

    b.open(&file_url(&out.join("index.html")));
    type_into(&mut b, "#search-input", "regsvr32");
    wait_for(
        &mut b,
        "document.querySelectorAll('#search-results a').length",
    );
    let links = b.eval(HIT_LINKS);
    let links: Vec<&str> = links
        .as_array()
        .expect("links")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(!links.is_empty());
    assert!(
        links
            .iter()
            .all(|l| l.starts_with("mscs-") && l.contains("#")),
        "{links:?}"
    );
    b.screenshot("search-regsvr32");

    // Japanese, and an environment given by URL: UNIX only.
    b.open(&format!(
        "{}?cluster=unix",
        file_url(&out.join("index.html"))
    ));
    type_into(&mut b, "#search-input", "ローカルのJobCenterサービスを停止");
    wait_for(
        &mut b,
        "document.querySelectorAll('#search-results a').length",
    );
    let links = b.eval(HIT_LINKS);
    let links: Vec<&str> = links
        .as_array()
        .expect("links")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        links.iter().all(|l| l.starts_with("unix-")),
        "UNIX environment, yet: {links:?}"
    );

    // A query made of symbols is searched as text, never an error.
    type_into(&mut b, "#search-input", "C:\\nqs \"-ivh");
    std::thread::sleep(Duration::from_millis(500));
    let shown = b.eval("document.querySelector('#search-results').textContent");
    assert!(!shown.as_str().unwrap_or("").contains("Error"), "{shown}");
}

#[test]
fn a_filled_placeholder_shows_in_commands_on_every_page() {
    let Some(binary) = chromium() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("site");
    tejun(&["build", ".", "--out", out.to_str().expect("utf-8 path")]);
    let mut b = Browser::launch(&binary);

    b.open(&file_url(&out.join("mscs-upgrade-ipf-emu.html")));
    assert_eq!(
        b.eval("document.querySelector('[data-values-panel]').hidden"),
        json!(false)
    );
    // A value that fails the pattern (a Windows path) is refused and stays unfilled.
    type_into(&mut b, "#ph-install_path", "relative\\path");
    assert_eq!(
        b.eval("document.querySelector('#ph-install_path').getAttribute('aria-invalid')"),
        json!("true")
    );
    assert_eq!(
        b.eval("document.querySelector('.ph[data-ph=install_path]').textContent"),
        json!("[インストールパス]")
    );
    type_into(&mut b, "#ph-install_path", "D:\\JobCenter\\SV");
    assert_eq!(
        b.eval(
            "document.querySelector('.ph[data-ph=install_path]').classList.contains('ph-filled')"
        ),
        json!(true)
    );

    // Another page that uses it shows the value after navigation, in the text a copy takes.
    b.open(&file_url(&out.join("mscs-upgrade-ipf.html")));
    let copied = b.eval(
        "(() => { const ph = document.querySelector('.cmd .ph[data-ph=install_path]'); \
         const block = ph.closest('.cmd'); \
         return Array.from(block.querySelectorAll('.cmd-text')).map(l => l.textContent).join('\\n'); })()",
    );
    assert!(
        copied
            .as_str()
            .is_some_and(|c| c.contains("copy D:\\JobCenter\\SV\\ins\\JobCenterCluster.vbs")),
        "{copied}"
    );
    // The shared-disk value is still unfilled: the copy button warns.
    assert_eq!(
        b.eval("!!document.querySelector('.cmd .ph[data-ph=shared_disk]:not(.ph-filled)')"),
        json!(true)
    );
    b.screenshot("placeholder-filled");
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let dest = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).expect("copy");
        }
    }
}

#[test]
fn a_tick_on_a_step_that_changed_since_is_flagged() {
    let Some(binary) = chromium() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let book = tmp.path().join("book");
    std::fs::create_dir_all(&book).expect("mkdir");
    std::fs::copy(repo_root().join("book.toml"), book.join("book.toml")).expect("book.toml");
    copy_tree(&repo_root().join("content"), &book.join("content"));
    let file = tmp.path().join("unix-patch.html");
    let make = || {
        tejun(&[
            "runbook",
            book.to_str().expect("utf-8"),
            "--profile",
            "unix-patch",
            "--out",
            file.to_str().expect("utf-8"),
        ])
    };
    make();
    let mut b = Browser::launch(&binary);
    b.open(&file_url(&file));
    b.eval("{ const boxes = document.querySelectorAll('.step-check'); boxes[0].click(); boxes[1].click(); }");
    let first_id = b.eval("document.querySelectorAll('li[data-seq]')[0].id");
    assert_eq!(
        b.eval("document.querySelectorAll('.step-changed').length"),
        json!(0)
    );

    // A newer runbook changes the first step's text (the shared NQS_SITE check).
    let step = book.join("content/_steps/check-nqs-site-unix.toml");
    let text = std::fs::read_to_string(&step).expect("step");
    std::fs::write(
        &step,
        text.replace(
            "JobCenterの管理者でログインします。",
            "JobCenterの管理者(root以外)でログインします。",
        ),
    )
    .expect("edit");
    make();
    b.reload();
    assert_eq!(
        b.eval("Array.from(document.querySelectorAll('li.step-changed')).map(li => li.id)"),
        json!([first_id]),
        "only the changed step is flagged"
    );
    assert_eq!(
        b.eval("document.querySelectorAll('.step-changed-note').length"),
        json!(1)
    );
    b.screenshot("runbook-changed-step");
}
