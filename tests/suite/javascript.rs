//! The theme's scripts against the shared vectors, under node: whatever Rust decides
//! (conditions, version order, placeholder patterns), the browser must decide alike.
//! node is required (`.ci/test` installs it): a missing node fails, it never skips.

use std::path::Path;
use std::process::Command;

use crate::harness::repo as root;

/// Runs `script` under node with `args`; fails the test with node's output on a non-zero exit.
fn node(script: &str, args: &[&Path]) {
    let out = Command::new("node")
        .arg("-e")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("node is needed for the theme's scripts (apt-get install nodejs): {e}")
        });
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn condition_js_answers_the_shared_vectors_as_rust_does() {
    node(
        r#"
const fs = require("fs");
const [js, vectors] = process.argv.slice(1);
const tc = require(js);
const v = JSON.parse(fs.readFileSync(vectors, "utf8"));
let bad = 0;
const facets = {};
for (const f of v.facets) facets[f.id] = true;
for (const c of v.cases) {
  const got = tc.evaluate(tc.parse(c.when), c.env, facets);
  if (got !== c.expect) { bad++; console.log(c.when, JSON.stringify(c.env), "gave", got, "want", c.expect); }
}
for (const c of v.versions) {
  const got = tc.cmpVersion(tc.parseVersion(c.a), tc.parseVersion(c.b));
  if (got !== c.cmp) { bad++; console.log(c.a, "vs", c.b, "gave", got, "want", c.cmp); }
}
for (const c of v.parts) {
  const got = tc.versionPart(c.version, c.n);
  if (got !== c.expect) { bad++; console.log(c.version, c.n, "gave", got, "want", c.expect); }
}
process.exit(bad === 0 ? 0 : 1);
"#,
        &[
            &root().join("themes/default/condition.js"),
            &root().join("tests/condition-vectors.json"),
        ],
    );
}

#[test]
fn placeholders_js_accepts_exactly_what_rust_accepts() {
    node(
        r#"
const fs = require("fs");
const [js, vectors] = process.argv.slice(1);
const win = {};
const doc = { documentElement: { lang: "" }, readyState: "loading", addEventListener() {} };
new Function("window", "document", "localStorage", fs.readFileSync(js, "utf8"))(win, doc, null);
const v = JSON.parse(fs.readFileSync(vectors, "utf8"));
let bad = 0;
for (const c of v.values) {
  const got = win.tejunPlaceholders.valid(c.browser === null ? "" : c.browser, c.value);
  if (got !== c.expected) { bad++; console.log(JSON.stringify(c), "gave", got); }
}
process.exit(bad === 0 ? 0 : 1);
"#,
        &[
            &root().join("themes/default/placeholders.js"),
            &root().join("tests/placeholder-vectors.json"),
        ],
    );
}

/// search.js cuts pasted messages into the same tokens as src/search/message.rs, and
/// picks the same best message (`tests/message-vectors.json`, read by a unit test there).
#[test]
fn search_js_reads_pasted_messages_as_rust_does() {
    node(
        r#"
const fs = require("fs");
const [js, vectors] = process.argv.slice(1);
const s = require(js);
const v = JSON.parse(fs.readFileSync(vectors, "utf8"));
let bad = 0;
for (const c of v.tokens) {
  const got = s.messageTokens(c.text).classes;
  if (JSON.stringify(got) !== JSON.stringify(c.classes)) { bad++; console.log(c.text, "gave", JSON.stringify(got)); }
}
for (const c of v.matches) {
  const q = s.messageTokens(c.query);
  let best = null, top = -1;
  c.messages.forEach((m, i) => { const x = s.messageScore(q, s.messageTokens(m)); if (x >= s.MESSAGE_MATCH && x > top) { top = x; best = i; } });
  if (best !== c.best) { bad++; console.log(c.query, "picked", best, "want", c.best); }
}
process.exit(bad === 0 ? 0 : 1);
"#,
        &[
            &root().join("themes/default/search.js"),
            &root().join("tests/message-vectors.json"),
        ],
    );
}
