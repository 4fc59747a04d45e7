// The offline site's search box. Works opened from file:// (no fetch): the index is a set
// of <script> files written by src/search/offline.rs that register themselves through
// window.tejunSearchMeta / tejunSearchShard / tejunSearchDocs, loaded on demand.
//
// The analyser and the query reader below are ports of src/search/analyze.rs and
// src/search/query.rs; tests/search-vectors.json holds both to the same output (the Rust
// test suite runs this file under node). Change one, change the other, add a vector.
//
// The page provides <input id="search-input">, <div id="search-results"> and
// window.TEJUN = { book, facets, strings, root } (root: "" or "../", the path to the site
// root). Results follow the environment chosen in the picker (picker.js) when
// window.tejunCondition exists.
(function () {
  "use strict";

  // ---- analysis (mirror of src/search/analyze.rs) ---------------------------------------
  var CJK = 0, WORD = 1, JOIN = 2, SEP = 3;

  function fold(u) {
    if (u >= 0xff01 && u <= 0xff5e) u -= 0xfee0;
    else if (u === 0x3000) u = 0x20;
    if (u >= 0x41 && u <= 0x5a) u += 32;
    return u;
  }
  function isCjk(u) {
    return (u >= 0x3005 && u <= 0x3007) || (u >= 0x3040 && u <= 0x309f) ||
      (u >= 0x30a0 && u <= 0x30fa) || (u >= 0x30fc && u <= 0x30ff) ||
      (u >= 0x31f0 && u <= 0x31ff) || (u >= 0x3400 && u <= 0x4dbf) ||
      (u >= 0x4e00 && u <= 0x9fff) || (u >= 0xac00 && u <= 0xd7af) ||
      (u >= 0xf900 && u <= 0xfaff) || (u >= 0xff66 && u <= 0xff9f);
  }
  function isSeparator(u) {
    return (u >= 0x80 && u <= 0xbf) || u === 0xd7 || u === 0xf7 ||
      (u >= 0x2000 && u <= 0x2bff) || (u >= 0x3000 && u <= 0x303f) || u === 0x30fb ||
      (u >= 0xe000 && u <= 0xf8ff) || (u >= 0xfe00 && u <= 0xfe4f) || u === 0xfeff ||
      (u >= 0xff00 && u <= 0xff65) || (u >= 0xfff0 && u <= 0xffff) || u >= 0x1f000;
  }
  function classOf(u) {
    if (u < 0x80) {
      if ((u >= 0x30 && u <= 0x39) || (u >= 0x61 && u <= 0x7a) || (u >= 0x41 && u <= 0x5a)) return WORD;
      if (u === 0x5f || u === 0x2d || u === 0x2e) return JOIN;
      return SEP;
    }
    if (isCjk(u)) return CJK;
    if (isSeparator(u)) return SEP;
    return WORD;
  }
  // Code points of `text`, folded, with their UTF-16 offsets.
  function chars(text) {
    var out = [], i = 0;
    while (i < text.length) {
      var cp = text.codePointAt(i), len = cp > 0xffff ? 2 : 1, f = fold(cp);
      out.push({ c: f, k: classOf(f), start: i, end: i + len });
      i += len;
    }
    return out;
  }
  function str(list, from, to) {
    var s = "";
    for (var i = from; i < to; i++) s += String.fromCodePoint(list[i].c);
    return s;
  }
  // Tokens {text, position, from, to, primary}; offsets in UTF-16 units.
  function analyze(text) {
    var cs = chars(text), out = [], pos = 0, i = 0, j;
    while (i < cs.length) {
      var k = cs[i].k;
      if (k === SEP) { i++; continue; }
      j = i;
      if (k === CJK) {
        while (j < cs.length && cs[j].k === CJK) j++;
        var n = j - i;
        for (var m = 0; m < n; m++) {
          var a = cs[i + m];
          if (m + 1 < n) {
            out.push({ text: str(cs, i + m, i + m + 2), position: pos + m, from: a.start, to: cs[i + m + 1].end, primary: true });
          }
          out.push({ text: str(cs, i + m, i + m + 1), position: pos + m, from: a.start, to: a.end, primary: n === 1 });
        }
        pos += n;
      } else {
        while (j < cs.length && (cs[j].k === WORD || cs[j].k === JOIN)) j++;
        pos = codeChunk(cs.slice(i, j), pos, out);
      }
      i = j;
    }
    return out;
  }
  function codeChunk(ch, pos, out) {
    var words = [], k = 0, e;
    while (k < ch.length) {
      if (ch[k].k === WORD) {
        e = k;
        while (e < ch.length && ch[e].k === WORD) e++;
        words.push([k, e]);
        k = e;
      } else k++;
    }
    if (!words.length) return pos;
    var core = [words[0][0], words[words.length - 1][1]], lead = core[0];
    var dashes = lead > 0 && lead <= 2;
    for (var d = 0; d < lead; d++) if (ch[d].c !== 0x2d) dashes = false;
    if (dashes) {
      out.push({ text: str(ch, 0, core[1]), position: pos, from: ch[0].start, to: ch[core[1] - 1].end, primary: false });
    }
    if (words.length > 1) {
      out.push({ text: str(ch, core[0], core[1]), position: pos, from: ch[core[0]].start, to: ch[core[1] - 1].end, primary: false });
    }
    for (var w = 0; w < words.length; w++) {
      out.push({ text: str(ch, words[w][0], words[w][1]), position: pos + w, from: ch[words[w][0]].start, to: ch[words[w][1] - 1].end, primary: true });
    }
    return pos + words.length;
  }
  // "token@position" strings, the format of tests/search-vectors.json.
  function describe(text) {
    return analyze(text).map(function (t) { return t.text + "@" + t.position; });
  }

  // ---- queries (mirror of src/search/query.rs) ------------------------------------------
  var FIELDS = { title: "title", cmd: "cmd", command: "cmd", commands: "cmd", gui: "gui",
    body: "body", text: "body", proc: "proc", procedure: "proc", chapter: "chapter" };
  // Rust's char::is_whitespace (Unicode White_Space), not JavaScript's \s.
  function isSpace(c) {
    var u = c.codePointAt(0);
    return (u >= 0x9 && u <= 0xd) || u === 0x20 || u === 0x85 || u === 0xa0 || u === 0x1680 ||
      (u >= 0x2000 && u <= 0x200a) || u === 0x2028 || u === 0x2029 || u === 0x202f ||
      u === 0x205f || u === 0x3000;
  }
  function pieces(query) {
    var cs = Array.from(query), out = [], i = 0;
    while (i < cs.length) {
      if (isSpace(cs[i])) { i++; continue; }
      var field = null, k = i;
      while (k < cs.length && /[A-Za-z]/.test(cs[k])) k++;
      if (k < cs.length && cs[k] === ":" && k + 1 < cs.length && !isSpace(cs[k + 1])) {
        var name = cs.slice(i, k).join("").toLowerCase();
        if (Object.prototype.hasOwnProperty.call(FIELDS, name)) { field = FIELDS[name]; i = k + 1; }
      }
      var end;
      if (cs[i] === '"') {
        end = i + 1;
        while (end < cs.length && cs[end] !== '"') end++;
        out.push({ field: field, text: cs.slice(i + 1, end).join("") });
        i = end + 1;
      } else {
        end = i;
        while (end < cs.length && !isSpace(cs[end])) end++;
        out.push({ field: field, text: cs.slice(i, end).join("") });
        i = end;
      }
    }
    return out;
  }
  // Terms {field, primaries: [[offset, token]], alternates: [token]}.
  function parseQuery(query, only) {
    var terms = [];
    pieces(query).forEach(function (p) {
      var toks = analyze(p.text), first = null, prim = [], alt = [];
      toks.forEach(function (t) { if (t.primary && first === null) first = t.position; });
      if (first === null) return;
      toks.forEach(function (t) {
        if (t.primary) prim.push([t.position - first, t.text]);
        else if (Array.from(t.text).length > 1) alt.push(t.text);
      });
      terms.push({ field: p.field || only || null, primaries: prim, alternates: alt });
    });
    return terms;
  }
  function highlightTokens(terms) {
    var set = {};
    terms.forEach(function (t) {
      t.primaries.forEach(function (p) { set[p[1]] = true; });
      t.alternates.forEach(function (a) { set[a] = true; });
    });
    return set;
  }

  // ---- shards ---------------------------------------------------------------------------
  function tokenHash(token) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) {
      h ^= token.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  function hex2(n) { return (n < 16 ? "0" : "") + n.toString(16); }

  // ---- snippets (same window rule as src/search/snippet.rs) -----------------------------
  var WIDTH = 120;
  function matchRanges(text, wanted) {
    var hits = analyze(text).filter(function (t) { return wanted[t.text]; })
      .map(function (t) { return [t.from, t.to]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var out = [];
    hits.forEach(function (r) {
      var last = out[out.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else out.push([r[0], r[1]]);
    });
    return out;
  }
  // {text, highlights: [[from, to]]} in UTF-16 offsets of `text`.
  function snippet(text, wanted) {
    var hits = matchRanges(text, wanted), bounds = [], i = 0;
    while (i < text.length) { bounds.push(i); i += text.codePointAt(i) > 0xffff ? 2 : 1; }
    bounds.push(text.length);
    var n = bounds.length - 1;
    function charAt(off) { var c = 0; while (c < n && bounds[c] < off) c++; return c; }
    var best = [0, 0];
    hits.forEach(function (h) {
      var start = Math.max(0, charAt(h[0]) - Math.floor(WIDTH / 6));
      var endOff = bounds[Math.min(start + WIDTH, n)], cnt = 0;
      hits.forEach(function (o) { if (o[0] >= bounds[start] && o[1] <= endOff) cnt++; });
      if (cnt > best[0]) best = [cnt, start];
    });
    var s = best[1], e = Math.min(s + WIDTH, n), from = bounds[s], to = bounds[e];
    var prefix = s > 0 ? "…" : "", suffix = e < n ? "…" : "";
    return {
      text: prefix + text.slice(from, to).replace(/\n/g, " ") + suffix,
      highlights: hits.filter(function (h) { return h[0] >= from && h[1] <= to; })
        .map(function (h) { return [h[0] - from + prefix.length, h[1] - from + prefix.length]; })
    };
  }

  // ---- the engine: index files in, ranked documents out ---------------------------------
  // `load(path)` returns a promise that settles once the script at `path` (relative to the
  // site root) has run and called window.tejunSearch{Meta,Shard,Docs}; `applies(cond)` is
  // true, false or null (open) for a condition string.
  function createEngine(load, applies) {
    var state = { meta: null, shards: {}, groups: {}, chunks: {}, groupDocs: [] };
    var receivers = {
      meta: function (m) {
        state.meta = m;
        m.docGroup.forEach(function (g, d) { (state.groupDocs[g] = state.groupDocs[g] || []).push(d); });
      },
      shard: function (x) { state.shards[x.shard] = x.tokens; state.groups[x.shard] = x.groups || {}; },
      docs: function (d) { state.chunks[d.chunk] = d.docs; }
    };
    function shardOf(token) { return tokenHash(token) % state.meta.shards; }
    function postings(token, from) {
      var list = ((from || state.shards)[shardOf(token)] || {})[token];
      var out = {}, doc = 0;
      for (var i = 0; list && i < list.length; i++) {
        doc += Math.floor(list[i] / 16);
        out[doc] = list[i] % 16;
      }
      return out;
    }
    function docRow(id) {
      var c = state.chunks[Math.floor(id / state.meta.chunk)];
      return c ? c[id % state.meta.chunk] : null;
    }
    function condOf(id) { return state.meta.conds[state.meta.docCond[id]]; }
    // Field weights as the CLI's: title 3, command 2.5, body/GUI 1; procedure 0.5 and
    // chapter 0.3 (stored per group of documents).
    var DOC_MASK = { title: 1, cmd: 2, gui: 4, body: 4 }, GROUP_MASK = { proc: 1, chapter: 2 };
    function weight(mask) { return mask & 1 ? 3 : mask & 2 ? 2.5 : mask & 4 ? 1 : 0; }
    function groupWeight(mask) { return mask & 1 ? 0.5 : mask & 2 ? 0.3 : 0; }
    function idf(df) { var n = state.meta.docs; return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }
    // Whether the document's text has the term's primaries at their offsets (the phrase).
    function hasPhrase(row, term) {
      if (term.primaries.length < 2) return true;
      var byPos = [];
      analyze([row[0], row[4], row[3], row[6]].join("\n")).forEach(function (tk) { if (tk.primary) byPos[tk.position] = tk.text; });
      for (var p = 0; p < byPos.length; p++) {
        var ok = true;
        for (var k = 0; k < term.primaries.length && ok; k++) ok = byPos[p + term.primaries[k][0]] === term.primaries[k][1];
        if (ok) return true;
      }
      return false;
    }
    function termScores(tm) {
      var docMask = tm.field ? DOC_MASK[tm.field] || 0 : 7, groupMask = tm.field ? GROUP_MASK[tm.field] || 0 : 3;
      var local = null;
      function contributions(token, mask, each) {
        var post = postings(token), gpost = postings(token, state.groups), df = 0;
        Object.keys(post).forEach(function (d) { if (post[d] & mask.doc) df++; });
        Object.keys(gpost).forEach(function (g) { if (gpost[g] & mask.group) df += state.groupDocs[g].length; });
        var w = idf(df);
        Object.keys(post).forEach(function (d) { if (post[d] & mask.doc) each(d, w * weight(post[d] & mask.doc)); });
        Object.keys(gpost).forEach(function (g) {
          if (!(gpost[g] & mask.group)) return;
          var x = w * groupWeight(gpost[g] & mask.group);
          state.groupDocs[g].forEach(function (d) { each(String(d), x); });
        });
      }
      var mask = { doc: docMask, group: groupMask };
      tm.primaries.forEach(function (p) {
        var next = {};
        contributions(p[1], mask, function (d, x) {
          if (local && !(d in local)) return;
          if (!(d in next)) next[d] = local ? local[d] : 0;
          next[d] += x;
        });
        local = next;
      });
      tm.alternates.forEach(function (a) {
        contributions(a, mask, function (d, x) { if (d in local) local[d] += x; });
      });
      return local;
    }
    // Resolves to {terms, hits: [{id, row: [title, location, link, procedure, text, kind, chapter], condition, open}]}.
    function search(query, limit) {
      var terms = parseQuery(query);
      if (!terms.length) return Promise.resolve({ terms: terms, hits: [] });
      return load("search/meta.js").then(function () {
        var need = {};
        terms.forEach(function (tm) {
          tm.primaries.forEach(function (p) { need[shardOf(p[1])] = true; });
          tm.alternates.forEach(function (a) { need[shardOf(a)] = true; });
        });
        return Promise.all(Object.keys(need).map(function (x) { return load("search/shard-" + hex2(+x) + ".js"); }));
      }).then(function () {
        var scores = null;
        terms.forEach(function (tm) {
          var local = termScores(tm);
          if (scores === null) { scores = local; return; }
          Object.keys(scores).forEach(function (d) { if (d in local) scores[d] += local[d]; else delete scores[d]; });
        });
        // Phrases are checked on the candidates' text, so rank a few more than asked for.
        var ranked = Object.keys(scores).map(Number)
          .filter(function (d) { return applies(condOf(d)) !== false; })
          .sort(function (a, b) { return scores[b] - scores[a] || a - b; })
          .slice(0, Math.max(60, limit * 3));
        var chunks = {};
        ranked.forEach(function (d) { chunks[Math.floor(d / state.meta.chunk)] = true; });
        return Promise.all(Object.keys(chunks).map(function (c) { return load("search/docs-" + c + ".js"); }))
          .then(function () {
            var hits = ranked.filter(function (d) {
              var row = docRow(d);
              return row && terms.every(function (tm) { return hasPhrase(row, tm); });
            }).slice(0, limit).map(function (d) {
              return { id: d, row: docRow(d), condition: condOf(d), open: applies(condOf(d)) === null };
            });
            return { terms: terms, hits: hits };
          });
      });
    }
    return { receivers: receivers, search: search };
  }

  var api = {
    analyze: analyze, describe: describe, pieces: pieces, parseQuery: parseQuery,
    tokenHash: tokenHash, snippet: snippet, highlightTokens: highlightTokens, createEngine: createEngine
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  window.tejunSearch = api;

  // ---- in the page: scripts injected on demand, the picker's environment ----------------
  var CONFIG = window.TEJUN || {};
  var ROOT = CONFIG.root || "";
  var STRINGS = CONFIG.strings || {};
  var ja = (document.documentElement.lang || "").indexOf("ja") === 0;
  function t(key, en, jp) { return STRINGS[key] || (ja ? jp : en); }
  var loading = {};
  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = ROOT + path;
        s.onload = function () { resolve(); };
        s.onerror = function () { delete loading[path]; reject(new Error("cannot load " + path)); };
        document.head.appendChild(s);
      });
    }
    return loading[path];
  }
  function readEnv() {
    var env = {}, fromUrl = false, q = new URLSearchParams(location.search);
    (CONFIG.facets || []).forEach(function (f) { if (q.has(f.id)) { env[f.id] = q.get(f.id); fromUrl = true; } });
    if (fromUrl) return env;
    try { return JSON.parse(localStorage.getItem("tejun-env:" + CONFIG.book) || "{}") || {}; } catch (e) { return {}; }
  }
  var env = readEnv(), condCache = {};
  function applies(src) {
    var tc = window.tejunCondition;
    if (!src || !tc) return true;
    if (!(src in condCache)) condCache[src] = tc.parse(src);
    return tc.evaluate(condCache[src], env);
  }
  var engine = createEngine(load, applies);
  window.tejunSearchMeta = engine.receivers.meta;
  window.tejunSearchShard = engine.receivers.shard;
  window.tejunSearchDocs = engine.receivers.docs;
  var LIMIT = 20;

  // ---- the search box -------------------------------------------------------------------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function marked(sn) {
    var frag = document.createDocumentFragment(), at = 0;
    sn.highlights.forEach(function (h) {
      frag.appendChild(document.createTextNode(sn.text.slice(at, h[0])));
      frag.appendChild(el("mark", null, sn.text.slice(h[0], h[1])));
      at = h[1];
    });
    frag.appendChild(document.createTextNode(sn.text.slice(at)));
    return frag;
  }
  function hrefFor(row, query) {
    var link = row[2], hash = link.indexOf("#"), page = hash >= 0 ? link.slice(0, hash) : link;
    return ROOT + page + "?hl=" + encodeURIComponent(query) + (hash >= 0 ? link.slice(hash) : "");
  }

  function start() {
    var input = document.getElementById("search-input"), box = document.getElementById("search-results");
    highlightArrival();
    if (!input || !box) return;
    if (!input.placeholder) input.placeholder = t("searchPlaceholder", "Search (/)", "検索 (/)");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", "search-results");
    input.setAttribute("aria-expanded", "false");
    box.setAttribute("role", "listbox");
    var seq = 0, selected = -1, timer = null;

    function select(i) {
      var items = box.querySelectorAll(".search-hit");
      if (!items.length) return;
      selected = (i + items.length) % items.length;
      for (var k = 0; k < items.length; k++) items[k].setAttribute("aria-selected", k === selected ? "true" : "false");
      items[selected].scrollIntoView({ block: "nearest" });
      input.setAttribute("aria-activedescendant", items[selected].id);
    }
    function show(query, res) {
      box.textContent = "";
      selected = -1;
      input.setAttribute("aria-expanded", query ? "true" : "false");
      if (!query.trim()) { box.hidden = true; return; }
      box.hidden = false;
      if (!res.hits.length) {
        box.appendChild(el("p", "search-empty", t("searchNoResults", "No matching steps.", "該当する手順はありません。")));
        return;
      }
      var wanted = highlightTokens(res.terms), list = el("ul", "search-list");
      res.hits.forEach(function (h, i) {
        var row = h.row, li = el("li", "search-hit"), a = el("a");
        li.id = "search-hit-" + i;
        li.setAttribute("role", "option");
        a.href = hrefFor(row, query);
        var head = el("span", "search-head");
        head.appendChild(el("span", "search-loc", row[1]));
        head.appendChild(el("span", "search-title", row[0]));
        a.appendChild(head);
        if (row[3] && row[3] !== row[0]) a.appendChild(el("span", "search-proc", row[3]));
        var sn = el("span", "search-snippet");
        sn.appendChild(marked(snippet(row[4] || row[0], wanted)));
        a.appendChild(sn);
        if (h.open) a.appendChild(el("span", "search-when", h.condition));
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    function run() {
      var query = input.value, mine = ++seq;
      if (!query.trim()) { show("", { hits: [] }); return; }
      engine.search(query, LIMIT).then(function (res) { if (mine === seq) show(query, res); }, function (err) {
        if (mine !== seq) return;
        box.hidden = false;
        box.textContent = "";
        box.appendChild(el("p", "search-empty", t("searchUnavailable", "Search index unavailable: ", "検索インデックスを読み込めません: ") + err.message));
      });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 60); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); select(selected + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
      else if (e.key === "Enter") {
        var items = box.querySelectorAll(".search-hit a");
        if (items.length) { e.preventDefault(); location.href = items[Math.max(selected, 0)].href; }
      } else if (e.key === "Escape") { input.value = ""; show("", { hits: [] }); input.blur(); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
      var a = document.activeElement, tag = a && a.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (a && a.isContentEditable)) return;
      e.preventDefault();
      input.focus();
      input.select();
    });
    document.addEventListener("tejun:env", function (e) {
      env = e.detail || {};
      if (input.value.trim()) run();
    });
  }

  // Arriving from a result (`page.html?hl=query#anchor`): mark the query in the target.
  function highlightArrival() {
    var q = new URLSearchParams(location.search).get("hl");
    if (!q || !location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    var wanted = highlightTokens(parseQuery(q)), walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT), nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var parent = node.parentNode;
      if (!parent || /^(SCRIPT|STYLE|MARK)$/.test(parent.nodeName)) return;
      var ranges = matchRanges(node.nodeValue, wanted);
      if (!ranges.length) return;
      var text = node.nodeValue, frag = document.createDocumentFragment(), at = 0;
      ranges.forEach(function (r) {
        frag.appendChild(document.createTextNode(text.slice(at, r[0])));
        frag.appendChild(el("mark", "search-hl", text.slice(r[0], r[1])));
        at = r[1];
      });
      frag.appendChild(document.createTextNode(text.slice(at)));
      parent.replaceChild(frag, node);
    });
    target.classList.add("search-target");
  }

  // Minimal defaults the theme's CSS overrides (`:where` keeps their specificity at zero).
  var style = document.createElement("style");
  style.textContent =
    ":where(#search-results){position:absolute;z-index:20;max-height:70vh;overflow:auto;background:#fff;border:1px solid #ccc;max-width:40rem}" +
    ":where(.search-list){list-style:none;margin:0;padding:0}" +
    ":where(.search-hit a){display:block;padding:.4rem .6rem;color:inherit;text-decoration:none}" +
    ":where(.search-hit[aria-selected=true] a,.search-hit a:hover){background:#eef3ff}" +
    ":where(.search-loc){margin-right:.5em;color:#555}:where(.search-title){font-weight:bold}" +
    ":where(.search-proc,.search-when){display:block;font-size:.85em;color:#555}" +
    ":where(.search-snippet){display:block;font-size:.9em}:where(.search-empty){margin:.5rem}";
  document.head.appendChild(style);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
