// The offline site's search box, working from file:// (no fetch): the index is <script>
// files from src/search/offline.rs (its module doc is the contract) loaded on demand.
// The analyser, query reader, widening and ranking are ports of src/search/analyze.rs,
// query.rs, expand.rs and rank.rs; tests/search-vectors.json and tests/search.rs (same top
// ten) hold both to the same output under node. Change one, change the other.
// The page provides #search-input, #search-results and window.TEJUN {root, facets, book};
// results follow the picker's environment when window.tejunCondition exists.
(function () {
  "use strict";

  // analysis (mirror of src/search/analyze.rs)
  var CJK = 0, WORD = 1, JOIN = 2, SEP = 3;

  // Small kana: their large kana's code point less one.
  var SMALL = [0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083, 0x3085, 0x3087, 0x308e,
    0x30a1, 0x30a3, 0x30a5, 0x30a7, 0x30a9, 0x30c3, 0x30e3, 0x30e5, 0x30e7, 0x30ee];
  function fold(u) {
    if (u >= 0xff01 && u <= 0xff5e) u -= 0xfee0;
    else if (u === 0x3000) u = 0x20;
    else if (SMALL.indexOf(u) >= 0) u += 1;
    else if (u === 0x30f5) u = 0x30ab;
    else if (u === 0x30f6) u = 0x30b1;
    if (u >= 0x41 && u <= 0x5a) u += 32;
    return u;
  }
  function isKatakana(u) { return (u >= 0x30a1 && u <= 0x30fa) || u === 0x30fc; }
  function isHiragana(u) { return (u >= 0x3041 && u <= 0x3096) || u === 0x309d || u === 0x309e; }
  function isKanji(u) {
    return u === 0x3005 || (u >= 0x3400 && u <= 0x4dbf) || (u >= 0x4e00 && u <= 0x9fff) || (u >= 0xf900 && u <= 0xfaff);
  }
  // One-kana particles: never okurigana, always a cut (query.rs PARTICLES).
  var PARTICLES = "をのにはがでともへやかねよ";
  function okurigana(a, k, b) {
    return isKanji(a) && isKanji(b) && isHiragana(k) && PARTICLES.indexOf(String.fromCodePoint(k)) < 0;
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
  // Folded code points with UTF-16 offsets; a katakana word of 3+ letters loses a final ー
  // into its last letter (サーバー = サーバ).
  function chars(text) {
    var out = [], i = 0, kata = 0;
    while (i < text.length) {
      var cp = text.codePointAt(i), len = cp > 0xffff ? 2 : 1;
      var next = i + len < text.length ? text.codePointAt(i + len) : -1, last = out[out.length - 1];
      if (cp === 0x30fc && kata >= 3 && !isKatakana(next) && last && last.end === i) {
        last.end = i + len;
        kata = 0;
        i += len;
        continue;
      }
      kata = isKatakana(cp) ? kata + 1 : 0;
      var f = fold(cp);
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
  // English stems (mirror of src/search/stem.rs: Porter's algorithm, his reference version).
  // `analysis`: "ja" or "en", as offline.rs writes meta.analysis (analyze.rs `Analysis`).
  function analysisOf(code) { return code === "en" ? "en" : "ja"; }
  function stem(word) {
    if (word.length <= 2 || !/^[a-z]+$/.test(word) || !/[aeiouy]/.test(word)) return null;
    var b = word.split(""), k = b.length - 1, j = 0;
    function cons(i) {
      var c = b[i];
      if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") return false;
      if (c === "y") return i === 0 || !cons(i - 1);
      return true;
    }
    function m() {
      var n = 0, i = 0;
      for (;;) { if (i > j) return n; if (!cons(i)) break; i++; }
      i++;
      for (;;) {
        for (;;) { if (i > j) return n; if (cons(i)) break; i++; }
        i++; n++;
        for (;;) { if (i > j) return n; if (!cons(i)) break; i++; }
        i++;
      }
    }
    function vowelInStem() { for (var i = 0; i <= j; i++) if (!cons(i)) return true; return false; }
    function doublec(x) { return x >= 1 && b[x] === b[x - 1] && cons(x); }
    function cvc(i) {
      if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
      return b[i] !== "w" && b[i] !== "x" && b[i] !== "y";
    }
    function ends(s) {
      if (s.length > k + 1 || b.slice(k + 1 - s.length, k + 1).join("") !== s) return false;
      j = k - s.length;
      return true;
    }
    function setTo(s) { b.length = j + 1; b.push.apply(b, s.split("")); k = j + s.length; }
    function r(s) { if (m() > 0) setTo(s); }
    function firstRule(rules) {
      for (var x = 0; x < rules.length; x++) if (ends(rules[x][0])) { r(rules[x][1]); return; }
    }
    // step1ab
    if (b[k] === "s") {
      if (ends("sses")) k -= 2;
      else if (ends("ies")) setTo("i");
      else if (b[k - 1] !== "s") k--;
    }
    if (ends("eed")) { if (m() > 0) k--; }
    else if ((ends("ed") || ends("ing")) && vowelInStem()) {
      k = j;
      if (ends("at")) setTo("ate");
      else if (ends("bl")) setTo("ble");
      else if (ends("iz")) setTo("ize");
      else if (doublec(k)) { k--; if (b[k] === "l" || b[k] === "s" || b[k] === "z") k++; }
      else if (m() === 1 && cvc(k)) setTo("e");
    }
    if (k > 0) {
      // step1c
      if (ends("y") && vowelInStem()) b[k] = "i";
      // step2
      firstRule({
        a: [["ational", "ate"], ["tional", "tion"]], c: [["enci", "ence"], ["anci", "ance"]],
        e: [["izer", "ize"]], l: [["bli", "ble"], ["alli", "al"], ["entli", "ent"], ["eli", "e"], ["ousli", "ous"]],
        o: [["ization", "ize"], ["ation", "ate"], ["ator", "ate"]],
        s: [["alism", "al"], ["iveness", "ive"], ["fulness", "ful"], ["ousness", "ous"]],
        t: [["aliti", "al"], ["iviti", "ive"], ["biliti", "ble"]], g: [["logi", "log"]]
      }[b[k - 1]] || []);
      // step3
      firstRule({
        e: [["icate", "ic"], ["ative", ""], ["alize", "al"]], i: [["iciti", "ic"]],
        l: [["ical", "ic"], ["ful", ""]], s: [["ness", ""]]
      }[b[k]] || []);
      // step4
      var suffixes = {
        a: ["al"], c: ["ance", "ence"], e: ["er"], i: ["ic"], l: ["able", "ible"],
        n: ["ant", "ement", "ment", "ent"], o: ["ion", "ou"], s: ["ism"], t: ["ate", "iti"],
        u: ["ous"], v: ["ive"], z: ["ize"]
      }[b[k - 1]];
      if (suffixes) {
        var found = false;
        for (var x = 0; x < suffixes.length && !found; x++) {
          if (ends(suffixes[x])) found = suffixes[x] !== "ion" || (j >= 0 && (b[j] === "s" || b[j] === "t"));
        }
        if (found && m() > 1) k = j;
      }
      // step5
      j = k;
      if (b[k] === "e") { var a = m(); if (a > 1 || (a === 1 && !cvc(k - 1))) k--; }
      if (b[k] === "l" && doublec(k) && m() > 1) k--;
    }
    var out = b.slice(0, k + 1).join("");
    return out === word ? null : out;
  }
  // Tokens {text, position, from, to, primary}; offsets in UTF-16 units.
  function analyze(text, analysis) {
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
          // 引き継 is also 引継, so that either spelling finds the other.
          if (m + 2 < n && okurigana(a.c, cs[i + m + 1].c, cs[i + m + 2].c)) {
            out.push({ text: String.fromCodePoint(a.c, cs[i + m + 2].c), position: pos + m, from: a.start, to: cs[i + m + 2].end, primary: false });
          }
        }
        pos += n + 1;
      } else {
        while (j < cs.length && (cs[j].k === WORD || cs[j].k === JOIN)) j++;
        pos = codeChunk(cs.slice(i, j), pos, out, analysis);
      }
      i = j;
    }
    return out;
  }
  function codeChunk(ch, pos, out, analysis) {
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
      var word = { text: str(ch, words[w][0], words[w][1]), position: pos + w, from: ch[words[w][0]].start, to: ch[words[w][1] - 1].end, primary: true };
      var st = analysisOf(analysis) === "en" ? stem(word.text) : null;
      if (st !== null) {
        // The stem is what a phrase needs; the word as written only scores.
        out.push({ text: st, position: word.position, from: word.from, to: word.to, primary: true });
        word.primary = false;
      }
      out.push(word);
    }
    return pos + words.length;
  }
  // "token@position" strings, the format of tests/search-vectors.json.
  function describe(text, analysis) {
    return analyze(text, analysis).map(function (t) { return t.text + "@" + t.position; });
  }

  // queries (mirror of src/search/query.rs)
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
      var end, quoted = cs[i] === '"';
      if (quoted) {
        end = i + 1;
        while (end < cs.length && cs[end] !== '"') end++;
        out.push({ field: field, text: cs.slice(i + 1, end).join(""), quoted: true });
        i = end + 1;
      } else {
        end = i;
        while (end < cs.length && !isSpace(cs[end])) end++;
        out.push({ field: field, text: cs.slice(i, end).join(""), quoted: false });
        i = end;
      }
    }
    return out;
  }
  // query.rs `stems`: cut at particles and inflections, okurigana folded.
  function stems(text) {
    var cs = Array.from(text).map(function (c) { return c.codePointAt(0); }), out = [], cur = "", i = 0;
    if (cs.every(isHiragana)) return [text];
    while (i < cs.length) {
      var kana = isHiragana(cs[i]), end = i;
      while (end < cs.length && isHiragana(cs[end]) === kana) end++;
      var between = i > 0 && end < cs.length && isKanji(cs[i - 1]) && isKanji(cs[end]);
      if (!kana || i === 0) cur += String.fromCodePoint.apply(null, cs.slice(i, end));
      else if (end - i === 1 && between && PARTICLES.indexOf(String.fromCodePoint(cs[i])) < 0) { /* folded */ }
      else if (cur) { out.push(cur); cur = ""; }
      i = end;
    }
    if (cur) out.push(cur);
    return out;
  }
  var STOP_WORDS = ("a an and are as at be by can do does for from how i in is it my of on or the this to " +
    "what when which with を の に は が で と も へ や か から まで より です ます する した して ください こと ため").split(" ");
  function isStopWord(t) { return STOP_WORDS.indexOf(t.replace(/[A-Z]+/g, function (m) { return m.toLowerCase(); })) >= 0; }
  // Terms {field, primaries: [[offset, token]], alternates: [token], quoted, prefix}.
  function parseQuery(query, only, analysis) {
    var typing = query.length > 0 && !isSpace(Array.from(query).pop()), parts = [];
    pieces(query).forEach(function (p) {
      if (p.quoted) parts.push([p, p.text]);
      else stems(p.text).forEach(function (t) { parts.push([p, t]); });
    });
    var kept = parts.filter(function (x) { return x[0].quoted || x[0].field || !isStopWord(x[1]); });
    if (!kept.length) kept = parts;
    var terms = [];
    kept.forEach(function (x, n) {
      var t = term(x[1], analysis);
      if (!t) return;
      t.field = x[0].field || only || null;
      t.quoted = x[0].quoted;
      t.prefix = typing && n === kept.length - 1 && !x[0].quoted;
      t.parts = x[0].quoted ? [] : scriptParts(x[1], analysis);
      terms.push(t);
    });
    return terms;
  }
  function term(text, analysis) {
    var toks = analyze(text, analysis), first = null, prim = [], alt = [];
    toks.forEach(function (t) { if (t.primary && first === null) first = t.position; });
    if (first === null) return null;
    toks.forEach(function (t) {
      if (t.primary) prim.push([t.position - first, t.text]);
      else if (Array.from(t.text).length > 1 && alt.indexOf(t.text) < 0) alt.push(t.text);
    });
    return { primaries: prim, alternates: alt };
  }
  // query.rs `script_parts`: each stretch of one script's primaries, if two or more.
  function script(u) { return (u >= 0x30a1 && u <= 0x30fa) || u === 0x30fc ? 0 : isCjk(u) ? 1 : 2; }
  function scriptParts(text, analysis) {
    var cs = Array.from(text), out = [], start = 0;
    for (var i = 1; i <= cs.length; i++) {
      if (i === cs.length || script(cs[i].codePointAt(0)) !== script(cs[i - 1].codePointAt(0))) {
        var t = term(cs.slice(start, i).join(""), analysis);
        if (t) out.push(t.primaries);
        start = i;
      }
    }
    return out.length < 2 ? [] : out;
  }

  // widening (mirror of src/search/expand.rs)
  var PREFIX_MAX = 6, PREFIX_MIN = 2, PREFIX_FACTOR = 0.8, SYNONYM_FACTOR = 0.9, FORM_FACTOR = 0.9, PARTS_FACTOR = 0.9;
  var ENDINGS = ["s", "es", "ed", "d", "ing"];
  function len(s) { return Array.from(s).length; }
  // Rust's string order (code points), not JavaScript's (UTF-16 units).
  function cmp(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var i = 0; i < x.length && i < y.length; i++) {
      if (x[i] !== y[i]) return x[i].codePointAt(0) - y[i].codePointAt(0);
    }
    return x.length - y.length;
  }
  function isWord(t) { return len(t) >= 2 && !Array.from(t).some(function (c) { return isCjk(c.codePointAt(0)); }); }
  function bucket(n) { return Math.floor(Math.log2(n + 1)); }
  // Optimal string alignment distance over characters (a swap of neighbours is one edit).
  function distance(a, b) {
    a = Array.from(a); b = Array.from(b);
    var w = b.length + 1, d = [], i, j;
    for (i = 0; i <= a.length; i++) d[i * w] = i;
    for (j = 0; j < w; j++) d[j] = j;
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var v = Math.min(d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * w + j - 2] + 1);
        d[i * w + j] = v;
      }
    }
    return d[a.length * w + b.length];
  }
  function maxDistance(word) { var n = len(word); return n <= 3 ? 0 : n <= 7 ? 1 : 2; }
  function correctable(word) { return isWord(word) && maxDistance(word) > 0 && !/^[0-9]+$/.test(word); }
  // `vocab(prefix)` lists [word, bucket] of the words starting with `prefix`.
  function prefixed(word, vocab) {
    if (!isWord(word) || len(word) < PREFIX_MIN) return [];
    return vocab(word).filter(function (w) { return w[0] !== word; }).sort(function (a, b) {
      return b[1] - a[1] || len(a[0]) - len(b[0]) || cmp(a[0], b[0]);
    }).slice(0, PREFIX_MAX).map(function (w) { return w[0]; });
  }
  // expand.rs `forms`: the book's forms of an English word, an ending added or taken off.
  function forms(word, vocab) {
    if (word.length < 3 || !/^[a-z]+$/.test(word)) return [];
    var roots = [word];
    ENDINGS.forEach(function (e) {
      if (word.length - e.length >= 3 && word.slice(-e.length) === e) roots.push(word.slice(0, -e.length));
    });
    var shortest = roots.reduce(function (a, b) { return b.length < a.length ? b : a; });
    return vocab(shortest).map(function (w) { return w[0]; }).filter(function (w) {
      return w !== word && roots.some(function (r) {
        return w.indexOf(r) === 0 && (w.length === r.length || ENDINGS.indexOf(w.slice(r.length)) >= 0);
      });
    }).sort(cmp);
  }
  function known(word, vocab) { return vocab(word).some(function (w) { return w[0] === word; }); }
  function correction(word, vocab) {
    var max = maxDistance(word), n = len(word), best = null;
    vocab(Array.from(word)[0]).forEach(function (w) {
      if (Math.abs(len(w[0]) - n) > max) return;
      var d = distance(word, w[0]);
      if (d > max) return;
      if (!best || d < best[0] || (d === best[0] && (w[1] > best[1] || (w[1] === best[1] && cmp(w[0], best[2]) < 0)))) best = [d, w[1], w[0]];
    });
    return best && best[2];
  }
  function samePrimaries(a, b) {
    return a.length === b.length && a.every(function (p, i) { return p[0] === b[i][0] && p[1] === b[i][1]; });
  }
  // meta.synonyms, each member read as a query (expand.rs `member`).
  function synonymGroups(groups, analysis) {
    return (groups || []).map(function (g) {
      return g.map(function (w) {
        var terms = parseQuery(w + " ", null, analysis);
        return terms.length === 1 ? terms[0] : parseQuery('"' + w + '"', null, analysis).pop();
      }).filter(Boolean);
    });
  }
  // {terms: [{field, variants: [{primaries, alternates, exact, factor}]}], corrections}.
  function plan(terms, vocab, synonyms) {
    var out = { terms: [], corrections: [] };
    terms.forEach(function (t) {
      var base = { primaries: t.primaries.map(function (p) { return [p[0], p[1]]; }), alternates: t.alternates.slice(), phrases: [], exact: true, factor: 1 };
      var variants = [];
      if (!t.quoted) {
        var last = t.primaries.length - 1, words = t.prefix ? prefixed(t.primaries[last][1], vocab) : [];
        t.primaries.forEach(function (p, i) {
          var word = p[1];
          if ((i === last && words.length) || !correctable(word) || known(word, vocab)) return;
          // An English word is searched by its stem; the word as written is corrected.
          var typed = base.alternates.filter(function (a) { return stem(a) === word; })[0];
          if (typed !== undefined) {
            var fixed = correction(typed, vocab);
            if (!fixed) return;
            base.primaries[i][1] = stem(fixed) || fixed;
            base.alternates = base.alternates.map(function (a) { return a === typed ? fixed : a; });
            out.corrections.push([typed, fixed]);
            return;
          }
          var fix = correction(word, vocab);
          if (!fix) return;
          base.alternates = base.alternates.map(function (a) { return a.split(word).join(fix); });
          base.primaries[i][1] = fix;
          out.corrections.push([word, fix]);
        });
        words.forEach(function (w) {
          var primaries = base.primaries.map(function (p) { return [p[0], p[1]]; });
          primaries[last][1] = w;
          variants.push({ primaries: primaries, alternates: [], phrases: [], exact: false, factor: PREFIX_FACTOR });
        });
        // A word being typed grows rather than changes form (expand.rs).
        if (base.primaries.length === 1 && !words.length) {
          forms(base.primaries[0][1], vocab).forEach(function (w) {
            variants.push({ primaries: [[base.primaries[0][0], w]], alternates: [], phrases: [], exact: false, factor: FORM_FACTOR });
          });
        }
        if (t.parts.length) {
          variants.push({ primaries: [].concat.apply([], t.parts), alternates: [], phrases: t.parts, exact: false, factor: PARTS_FACTOR });
        }
        (synonyms || []).forEach(function (g) {
          if (!g.some(function (m) { return samePrimaries(m.primaries, base.primaries); })) return;
          g.forEach(function (m) {
            if (!samePrimaries(m.primaries, base.primaries)) {
              variants.push({ primaries: m.primaries, alternates: m.alternates, phrases: [], exact: false, factor: SYNONYM_FACTOR });
            }
          });
        });
      }
      variants.unshift(base);
      out.terms.push({ field: t.field, variants: variants });
    });
    return out;
  }
  // The query as searched, each corrected word replaced in what was typed.
  function correctedQuery(p, query) {
    if (!p.corrections.length) return null;
    var out = query;
    p.corrections.forEach(function (c) {
      var at = out.replace(/[A-Z]/g, function (m) { return m.toLowerCase(); }).indexOf(c[0]);
      if (at >= 0) out = out.slice(0, at) + c[1] + out.slice(at + c[0].length);
    });
    return out;
  }
  function highlightTokens(p) {
    var set = {};
    p.terms.forEach(function (t) {
      t.variants.forEach(function (v) {
        v.primaries.forEach(function (x) { set[x[1]] = true; });
        v.alternates.forEach(function (a) { set[a] = true; });
      });
    });
    return set;
  }

  // ranking (mirror of src/search/rank.rs)
  var TITLE = 1, COMMAND = 2, BODY = 4, GUI = 8, SHORT_TITLE = 16, PROCEDURE = 32, CHAPTER = 64, K1 = 1.2;
  var ALLOWED = { title: TITLE | SHORT_TITLE, cmd: COMMAND, gui: GUI, body: BODY, proc: PROCEDURE, chapter: CHAPTER };
  var WEIGHTS = [[TITLE, 3], [COMMAND, 2.5], [GUI, 1.5], [BODY, 1], [PROCEDURE, 0.5], [CHAPTER, 0.3]];
  function allowed(field) { return field ? ALLOWED[field] : 127; }
  function weight(mask) {
    var w = 0;
    WEIGHTS.forEach(function (x) { if (mask & x[0]) w += x[1]; });
    if (mask & SHORT_TITLE) w += 1;
    return w;
  }
  function idf(df, n) { return Math.log(1 + (n - df + 0.5) / (df + 0.5)); }
  function tokenScore(i, mask) { var w = weight(mask); return w === 0 ? 0 : i * w * (K1 + 1) / (w + K1); }
  // `p.idf(token)`, `p.mask(token, doc)`: what rank.rs's Postings trait gives.
  function variantScore(v, allow, doc, p) {
    var score = 0, i, m;
    for (i = 0; i < v.primaries.length; i++) {
      m = p.mask(v.primaries[i][1], doc) & allow;
      if (!m) return null;
      score += tokenScore(p.idf(v.primaries[i][1]), m);
    }
    for (i = 0; i < v.alternates.length; i++) {
      m = p.mask(v.alternates[i], doc) & allow;
      if (m) score += tokenScore(p.idf(v.alternates[i]), m);
    }
    return score * v.factor;
  }
  // [matched, exact, score]; `holds(i, j)` is true, false or null (not known yet: counted).
  function rankKey(pl, doc, p, holds) {
    var key = [0, 0, 0];
    pl.terms.forEach(function (t, i) {
      var allow = allowed(t.field), best = null;
      t.variants.forEach(function (v, j) {
        var s = variantScore(v, allow, doc, p);
        if (s === null || holds(i, j) === false) return;
        if (!best || (v.exact && !best[0]) || (v.exact === best[0] && s > best[1])) best = [v.exact, s];
      });
      if (best) { key[0]++; key[1] += best[0] ? 1 : 0; key[2] += best[1]; }
    });
    return key;
  }
  // Greater first; ties go to the earlier document.
  function byKey(a, b) {
    return b.key[0] - a.key[0] || b.key[1] - a.key[1] || (b.key[2] > a.key[2] ? 1 : b.key[2] < a.key[2] ? -1 : 0) || a.id - b.id;
  }
  function threshold(best, terms) { return Math.max(1, best - (terms >= 3 ? 1 : 0)); }

  // index files (decoders of src/search/pack.rs)
  function tokenHash(token) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; i++) {
      h ^= token.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }
  var LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", VALUE = [];
  for (var li = 0; li < 64; li++) VALUE[LETTERS.charCodeAt(li)] = li;
  // Varints: 5 bits a letter, least significant first, +32 while more follow.
  function varints(s) {
    var out = [], n = 0, mul = 1;
    for (var i = 0; i < s.length; i++) {
      var v = VALUE[s.charCodeAt(i)];
      n += (v & 31) * mul;
      if (v & 32) mul *= 32;
      else { out.push(n); n = 0; mul = 1; }
    }
    return out;
  }
  // An id list: Rice-coded gaps (see pack.rs); calls each(id) in increasing order.
  function ids(s, each) {
    if (!s) return;
    var k = VALUE[s.charCodeAt(0)], scale = Math.pow(2, k), pos = 1, cur = 0, left = 0, id = -1, b;
    function bit() {
      if (!left) {
        if (pos >= s.length) return -1;
        cur = VALUE[s.charCodeAt(pos++)];
        left = 6;
      }
      left--;
      return (cur >> left) & 1;
    }
    for (;;) {
      var q = 0;
      while ((b = bit()) === 1 && ++q < 32);
      if (b < 0) return;
      if (q === 32) {
        var zeros = 0, e = 1;
        while ((b = bit()) === 0) zeros++;
        if (b < 0) return;
        while (zeros--) e = e * 2 + bit();
        q = 32 + e - 1;
      }
      var r = 0;
      for (var j = 0; j < k; j++) r = r * 2 + bit();
      id += q * scale + r + 1;
      each(id);
    }
  }
  // LZ77 text over UTF-16 units, continuing `dict`: `~~` is "~", `~!` U+001F, `~*` U+001E,
  // `~` + two varints (length - 2, distance - 1) a copy of what is already decoded.
  function unlz(s, dict) {
    var out = dict, i = 0, n = s.length;
    while (i < n) {
      var j = s.indexOf("~", i);
      if (j < 0) j = n;
      out += s.slice(i, j);
      if (j >= n) break;
      var c = s.charAt(j + 1);
      i = j + 2;
      if (c === "~" || c === "!" || c === "*") { out += c === "~" ? "~" : c === "!" ? "\u001f" : "\u001e"; continue; }
      var nums = [0, 0];
      i = j + 1;
      for (var m = 0; m < 2; m++) {
        var mul = 1, v;
        do { v = VALUE[s.charCodeAt(i++)]; nums[m] += (v & 31) * mul; mul *= 32; } while (v & 32);
      }
      var len = nums[0] + 2, dist = nums[1] + 1;
      while (len > 0) {
        var take = Math.min(len, dist);
        out += out.substr(out.length - dist, take);
        len -= take;
      }
    }
    return out.slice(dict.length);
  }
  // The last index of the increasing `starts` whose value is at most x.
  function lastAtMost(starts, x) {
    var lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= x) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
  // Running sums of `sizes`, from 0.
  function starts(sizes) {
    var out = [0];
    sizes.forEach(function (n) { out.push(out[out.length - 1] + n); });
    return out;
  }

  // snippets (same window rule as src/search/snippet.rs)
  var WIDTH = 120;
  function matchRanges(text, wanted, analysis) {
    var hits = analyze(text, analysis).filter(function (t) { return wanted[t.text]; })
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
  // Where a window may start or end (src/search/snippet.rs `is_break`): punctuation is
  // told by its Unicode class, in any script; of ASCII only `,`, `;` and `)` close and `(`
  // opens (a `.`, `:` or `\` sits inside paths and versions); arrows close.
  var CLOSES = /[\p{Pe}\p{Pf}\p{Po}]/u, OPENS = /[\p{Ps}\p{Pi}]/u;
  function closes(c) {
    var ch = String.fromCodePoint(c);
    if (ch === "," || ch === ";" || ch === ")" || (c >= 0x2190 && c <= 0x21ff)) return true;
    return c > 0x7f && CLOSES.test(ch);
  }
  function opens(c) {
    var ch = String.fromCodePoint(c);
    return ch === "(" || (c > 0x7f && OPENS.test(ch));
  }
  function isBreak(prev, next) {
    var p = fold(prev), n = fold(next), pc = isCjk(p), nc = isCjk(n);
    return isSpace(String.fromCodePoint(prev)) || closes(prev) || opens(next) ||
      (pc !== nc && classOf(p) !== SEP && classOf(n) !== SEP);
  }
  // snippet.rs `Breaks::window`.
  function windowAt(breaks, hit, n) {
    var lead = Math.floor(WIDTH / 6), aim = Math.max(0, hit - lead), from = Math.max(0, hit - 2 * lead);
    var start = -1, i;
    for (i = aim; i >= from && start < 0; i--) if (breaks[i]) start = i;
    for (i = aim; i <= hit && start < 0; i++) if (breaks[i]) start = i;
    if (start < 0) start = hit;
    var limit = Math.min(start + WIDTH, n), end = limit;
    if (limit < n) {
      end = -1;
      for (i = limit; i >= Math.max(limit - lead, hit + 1) && end < 0; i--) if (breaks[i]) end = i;
      if (end < 0) end = limit;
    }
    return [start, end];
  }
  // {text, highlights: [[from, to]]} in UTF-16 offsets of `text`.
  function snippet(text, wanted, analysis) {
    var hits = matchRanges(text, wanted, analysis), bounds = [], cps = [], i = 0;
    while (i < text.length) { var cp = text.codePointAt(i); bounds.push(i); cps.push(cp); i += cp > 0xffff ? 2 : 1; }
    bounds.push(text.length);
    var n = bounds.length - 1, breaks = [true];
    for (i = 1; i < n; i++) breaks.push(isBreak(cps[i - 1], cps[i]));
    breaks.push(true);
    function charAt(off) { var c = 0; while (c < n && bounds[c] < off) c++; return c; }
    var best = [0, 0, Math.min(n, WIDTH)];
    hits.forEach(function (h) {
      var w = windowAt(breaks, charAt(h[0]), n), cnt = 0;
      hits.forEach(function (o) { if (o[0] >= bounds[w[0]] && o[1] <= bounds[w[1]]) cnt++; });
      if (cnt > best[0]) best = [cnt, w[0], w[1]];
    });
    var s = best[1], e = best[2], from = bounds[s], to = bounds[e];
    var prefix = s > 0 ? "…" : "", suffix = e < n ? "…" : "";
    return {
      text: prefix + text.slice(from, to).replace(/\n/g, " ") + suffix,
      highlights: hits.filter(function (h) { return h[0] >= from && h[1] <= to; })
        .map(function (h) { return [h[0] - from + prefix.length, h[1] - from + prefix.length]; })
    };
  }

  // the engine: index files in, ranked documents out
  // `load(path)`: a promise settled once the script at `path` (from the site root) has run;
  // `applies(cond)`: true, false or null (open). VERSION: offline.rs's.
  var VERSION = 6;
  // index.rs `covering`: an inner CJK bigram between two others is implied by them.
  function isBigram(s) { var a = Array.from(s); return a.length === 2 && isCjk(a[0].codePointAt(0)) && isCjk(a[1].codePointAt(0)); }
  function covering(primaries) {
    var kept = [];
    primaries.forEach(function (p, i) {
      var last = kept[kept.length - 1], next = primaries[i + 1];
      var implied = isBigram(p[1]) && last && last[0] + 1 === p[0] && isBigram(last[1]) &&
        next && next[0] === p[0] + 1 && isBigram(next[1]);
      if (!implied) kept.push(p);
    });
    return kept;
  }
  // Whether one line of text holds the phrase (any token at each position, as tantivy reads).
  function lineHolds(line, cover, analysis) {
    var at = [];
    analyze(line, analysis).forEach(function (t) { (at[t.position] = at[t.position] || {})[t.text] = true; });
    for (var p = 0; p < at.length; p++) {
      var ok = true;
      for (var k = 0; k < cover.length && ok; k++) ok = !!(at[p + cover[k][0]] && at[p + cover[k][0]][cover[k][1]]);
      if (ok) return true;
    }
    return false;
  }
  // Every phrase of a variant in the row: each in any field, line by line (as index.rs).
  function rowHolds(row, v, analysis) {
    var lines = [row[0], row[3], row[6]].concat(row[4].split("\n"));
    return (v.phrases.length ? v.phrases : [v.primaries]).every(function (phrase) {
      if (phrase.length < 2) return true;
      var cover = covering(phrase);
      return lines.some(function (line) { return lineHolds(line, cover, analysis); });
    });
  }
  function needsCheck(v) {
    return (v.phrases.length ? v.phrases : [v.primaries]).some(function (p) { return p.length > 1; });
  }
  function createEngine(load, applies) {
    var state = { meta: null, shards: {}, chunks: {}, blocks: {}, condLists: null, sliceCond: null };
    var KINDS = { p: "procedure", s: "section", t: "step" };
    var receivers = {
      meta: function (m) {
        if (m.v !== VERSION) { state.stale = "search index format " + m.v + ", this page reads " + VERSION; return; }
        state.meta = m;
        state.condClauses = m.condClauses.map(varints);
        state.analysis = analysisOf(m.analysis);
        state.synonyms = synonymGroups(m.synonyms, state.analysis);
        state.shardStart = starts(varints(m.shards)).map(function (s) { return s * 65536; });
        state.groupStart = starts(varints(m.groups));
        state.chunkStart = starts(varints(m.chunks));
        state.docGroup = new Int32Array(m.docs);
        for (var g = 0; g + 1 < state.groupStart.length; g++) {
          for (var d = state.groupStart[g]; d < state.groupStart[g + 1]; d++) state.docGroup[d] = g;
        }
      },
      shard: function (x) { state.shards[x.shard] = x; },
      // Vocabulary entries: shared length and bucket (a letter each), then the rest.
      words: function (x) {
        var prev = "";
        state.blocks[x.block] = x.words ? x.words.split(" ").map(function (e) {
          var w = prev.slice(0, VALUE[e.charCodeAt(0)]) + e.slice(2);
          prev = w;
          return [w, VALUE[e.charCodeAt(1)]];
        }) : [];
      },
      // Records (groups', then documents') → rows [title, location, link, procedure, text,
      // kind, chapter], and the slice of each line of the text (null: all the document's).
      docs: function (x) {
        var first = state.chunkStart[x.chunk], g0 = state.docGroup[first];
        var recs = unlz(x.docs, state.meta.dict).split("\u001e");
        var groups = recs.splice(0, state.docGroup[state.chunkStart[x.chunk + 1] - 1] - g0 + 1)
          .map(function (r) { return r.split("\u001f"); });
        state.chunks[x.chunk] = recs.map(function (rec, i) {
          var f = rec.split("\u001f"), grp = groups[state.docGroup[first + i] - g0];
          var link = grp[2] + ".html" + (f[2] ? "#" + f[2] : ""), lines = null;
          if (f[5]) {
            var runs = varints(f[5]);
            lines = [];
            for (var r = 0; r < runs.length; r += 2) for (var j = 0; j < runs[r + 1]; j++) lines.push(runs[r]);
          }
          return { row: [f[0], f[1], link, grp[0], f[6], KINDS[f[3]], grp[1]], cond: +f[4], lines: lines };
        });
      },
      conds: function (x) { state.condLists = x.conds; },
      // Slice k of the book (its documents' slices in order): its condition; a
      // document's first slice.
      slices: function (x) {
        var sl = varints(x.slices), d0 = 0;
        state.sliceCond = new Int32Array(sl.length / 2);
        state.firstSlice = new Map();
        for (var k = 0; 2 * k < sl.length; k++) {
          d0 += sl[2 * k];
          state.sliceCond[k] = sl[2 * k + 1];
          if (!state.firstSlice.has(d0)) state.firstSlice.set(d0, k);
        }
      }
    };
    function shardOf(token) { return lastAtMost(state.shardStart, tokenHash(token)); }
    // The blocks of the vocabulary that hold the words starting with `prefix`.
    function blocksOf(prefix) {
      var firsts = state.meta.words;
      function at(w) { var lo = 0, hi = firsts.length - 1; while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (cmp(firsts[mid], w) <= 0) lo = mid; else hi = mid - 1; } return lo; }
      var out = [];
      for (var b = at(prefix), e = at(prefix + "\u{10ffff}"); b <= e; b++) out.push(b);
      return out;
    }
    // The vocabulary as expand.rs reads it; a block not loaded yet is noted in `missing`.
    function vocabulary(missing) {
      return function (prefix) {
        var out = [];
        blocksOf(prefix).forEach(function (b) {
          if (!state.blocks[b]) { missing[b] = true; return; }
          state.blocks[b].forEach(function (w) { if (w[0].indexOf(prefix) === 0) out.push(w); });
        });
        return out;
      };
    }
    // The plan of `terms`, loading the vocabulary blocks it reads until it has them all.
    function planned(terms) {
      var missing = {}, p = plan(terms, vocabulary(missing), state.synonyms), need = Object.keys(missing);
      if (!need.length) return Promise.resolve(p);
      return Promise.all(need.map(function (b) { return load("search/words-" + b + ".js"); }))
        .then(function () { return planned(terms); });
    }
    // Id → mask of a posting string: id lists joined by ",", one per mask bit from `shift`,
    // each the documents' ids, then after a ";" the slices' less the document count.
    function decode(value, shift, each) {
      if (!value) return;
      var n = state.meta.docs;
      value.split(",").forEach(function (list, i) {
        var bit = 1 << (i + shift), parts = list.split(";");
        ids(parts[0], function (id) { each(id, bit); });
        if (parts.length > 1) ids(parts[1], function (id) { each(id + n, bit); });
      });
    }
    // What the environment rules out: `out`, documents (null: none); `slices`, slices of
    // the book (null: none; slices.js is loaded only when some slice's condition is).
    function ruling(out) {
      var conds = state.meta.conds.map(function (c) { return applies(c) === false; });
      if (!state.meta.sliceConds.some(function (c) { return conds[c]; })) return Promise.resolve({ out: out, slices: null });
      return (state.sliceCond ? Promise.resolve() : load("search/slices.js")).then(function () {
        var slices = new Uint8Array(state.sliceCond.length);
        for (var k = 0; k < slices.length; k++) if (conds[state.sliceCond[k]]) slices[k] = 1;
        return { out: out, slices: slices };
      });
    }
    // Slice t (from 1) of document d: its number in the book.
    function sliceOf(d, t) { return state.firstSlice.get(d) + t - 1; }
    // Whether slice t of document d lends its words: unless ruled out while d is inside.
    function counts(ctx, d, t) { return !ctx.slices || !ctx.slices[sliceOf(d, t)] || !!(ctx.out && ctx.out[d]); }
    // The row as the environment leaves it: a document inside it without the lines of the
    // slices it rules out (index.rs `Slices::keep_lines`).
    function shownRow(x, d, ctx) {
      if (!x.lines || !ctx.slices || (ctx.out && ctx.out[d])) return x.row;
      var kept = x.row[4].split("\n").filter(function (_, i) {
        var t = x.lines[i] || 0;
        return t === 0 || !ctx.slices[sliceOf(d, t)];
      });
      var row = x.row.slice();
      row[4] = kept.join("\n");
      return row;
    }
    // Per token of the plan: document → fields holding it (rank.rs masks) in the slices
    // that count, and its idf (documents holding it in any slice).
    function tokenPostings(pl, ctx) {
      var tokens = new Map(), n = state.meta.docs;
      pl.terms.forEach(function (t) {
        t.variants.forEach(function (v) {
          v.primaries.map(function (p) { return p[1]; }).concat(v.alternates).forEach(function (token) {
            if (tokens.has(token)) return;
            var shard = state.shards[shardOf(token)], masks = new Map(), holding = new Set(), has = Object.prototype.hasOwnProperty;
            function add(d, bit) { holding.add(d); masks.set(d, (masks.get(d) || 0) | bit); }
            // Slice t of document d is id t * n + d (offline.rs `doc_postings`).
            function addPosting(id, bit) {
              if (id < n) return add(id, bit);
              var t = Math.floor(id / n), d = id - t * n;
              holding.add(d);
              if (counts(ctx, d, t)) masks.set(d, (masks.get(d) || 0) | bit);
              if (ctx.matched) (ctx.matched.get(d) || ctx.matched.set(d, []).get(d)).push(sliceOf(d, t));
            }
            if (shard && has.call(shard.tokens, token)) decode(shard.tokens[token], 0, addPosting);
            if (shard && has.call(shard.groups, token)) {
              decode(shard.groups[token], 5, function (g, bit) {
                for (var d = state.groupStart[g]; d < state.groupStart[g + 1]; d++) add(d, bit);
              });
            }
            tokens.set(token, { idf: idf(holding.size, n), masks: masks });
          });
        });
      });
      return {
        tokens: tokens,
        idf: function (t) { var x = tokens.get(t); return x ? x.idf : idf(0, n); },
        mask: function (t, d) { var x = tokens.get(t); return (x && x.masks.get(d)) || 0; }
      };
    }
    // The documents holding every primary of some variant.
    function candidates(pl, p) {
      var out = new Set();
      pl.terms.forEach(function (t) {
        var allow = allowed(t.field);
        t.variants.forEach(function (v) {
          var rarest = null;
          v.primaries.forEach(function (x) { var m = p.tokens.get(x[1]).masks; if (!rarest || m.size < rarest.size) rarest = m; });
          rarest.forEach(function (_, d) {
            if (v.primaries.every(function (x) { return p.mask(x[1], d) & allow; })) out.add(d);
          });
        });
      });
      return out;
    }
    // Documents the environment rules out (null: none); conds.js only when some are.
    function excluded() {
      var out = [];
      // The documents' conditions only (the slices' follow them in meta.conds).
      state.meta.conds.slice(0, state.meta.docConds).forEach(function (c, i) { if (applies(c) === false) out.push(i); });
      if (!out.length) return Promise.resolve(null);
      return load("search/conds.js").then(function () {
        var set = new Uint8Array(state.meta.docs);
        out.forEach(function (i) { ids(state.condLists[i], function (d) { set[d] = 1; }); });
        return set;
      });
    }
    function doc(id) {
      var c = lastAtMost(state.chunkStart, id), rows = state.chunks[c];
      return rows ? rows[id - state.chunkStart[c]] : null;
    }
    function loadDocs(list) {
      var need = {};
      list.forEach(function (d) { if (!doc(d)) need[lastAtMost(state.chunkStart, d)] = true; });
      return Promise.all(Object.keys(need).map(function (c) { return load("search/docs-" + c + ".js"); }));
    }
    // A document's rank; `sure` false while a phrase is unchecked (an upper bound then).
    function keyed(pl, p, d, ctx) {
      var sure = true, key = rankKey(pl, d, p, function (i, j) {
        var v = pl.terms[i].variants[j];
        if (!needsCheck(v)) return true;
        var x = doc(d);
        if (x) return rowHolds(shownRow(x, d, ctx), v, state.analysis);
        sure = false;
        return null;
      });
      return { id: d, key: key, sure: sure, p: p, ctx: ctx };
    }
    // `pending` (sorted by upper key) checked a round at a time (text loaded) until the next
    // `limit` are sure; hits end below the threshold.
    function rank(pl, pending, limit) {
      var out = [], best = null;
      function step() {
        while (pending.length && out.length < limit) {
          var head = pending[0];
          if (!head.sure) break;
          if (best === null) best = head.key[0];
          if (head.key[0] < threshold(best, pl.terms.length)) { pending = []; break; }
          out.push(pending.shift());
        }
        if (!pending.length || out.length >= limit) return Promise.resolve({ hits: out, pending: pending, best: best });
        var batch = pending.filter(function (x) { return !x.sure; }).slice(0, Math.max(limit - out.length, 1));
        return loadDocs(batch.map(function (x) { return x.id; })).then(function () {
          batch.forEach(function (x) { var k = keyed(pl, x.p, x.id, x.ctx); x.key = k.key; x.sure = k.sure; });
          pending = pending.filter(function (x) { return x.key[0] > 0; }).sort(byKey);
          return step();
        });
      }
      return step();
    }
    // → {plan, total, exact, outside, partial, corrected, hits: [{id, key, row, condition,
    // cond, open, outside}]}: `total` in the environment (an upper bound unless `exact`:
    // phrases are checked only for what is shown), `outside` what it rules out;
    // `opts.everywhere` shows those too.
    function search(query, limit, opts) {
      // Whether anything is searchable does not depend on the analysis; the terms do, and
      // the index says which it was made with.
      var terms = parseQuery(query), everywhere = !!(opts && opts.everywhere), pl, p, ctx, whole;
      // The condition (an index into meta.conds) of the first slice of `d` the query's
      // words were found in that the environment rules out: why a step that applies is
      // outside.
      function ruledOutSlice(d) {
        var found = (whole.matched.get(d) || []).filter(function (k) { return ctx.slices[k]; });
        return found.length ? state.sliceCond[Math.min.apply(null, found)] : doc(d).cond;
      }
      var result = { plan: { terms: [], corrections: [] }, hits: [], total: 0, exact: true, outside: 0, partial: false, corrected: null, analysis: "ja" };
      if (!terms.length) return Promise.resolve(result);
      return load("search/meta.js").then(function () {
        if (!state.meta) throw new Error(state.stale || "search/meta.js did not register");
        result.analysis = state.analysis;
        result.problems = problemHits(query);
        return planned(parseQuery(query, null, state.analysis));
      }).then(function (x) {
        pl = result.plan = x;
        result.corrected = correctedQuery(pl, query);
        var need = {};
        pl.terms.forEach(function (t) {
          t.variants.forEach(function (v) {
            v.primaries.forEach(function (q) { need["search/shard-" + shardOf(q[1]) + ".js"] = true; });
            v.alternates.forEach(function (a) { need["search/shard-" + shardOf(a) + ".js"] = true; });
          });
        });
        return Promise.all(Object.keys(need).map(load));
      }).then(excluded).then(ruling).then(function (c) {
        ctx = c;
        var out = c.out;
        p = tokenPostings(pl, ctx);
        // Every slice lending its words (retrieve.rs `whole`): a step that applies but
        // matches only in what the environment rules out is counted outside, never dropped.
        whole = ctx.slices ? { out: out, slices: null, matched: new Map() } : null;
        var pw = whole ? tokenPostings(pl, whole) : p;
        var inside = [], outside = [], inPart = [];
        candidates(pl, pw).forEach(function (d) {
          var k = keyed(pl, p, d, ctx), isOut = !!(out && out[d]);
          if (k.key[0] > 0) (isOut ? outside : inside).push(k);
          else if (whole && !isOut) {
            var w = keyed(pl, pw, d, whole);
            if (w.key[0] > 0) { w.part = true; inPart.push(w); }
          }
        });
        outside = outside.concat(inPart);
        var n = pl.terms.length, universe = everywhere ? inside.concat(outside) : inside;
        return rank(pl, universe.sort(byKey), limit).then(function (r) {
          var keep = threshold(r.best || 0, n), counted = r.pending.filter(function (x) { return x.key[0] >= keep; });
          var hits = r.hits.concat(counted), allBest = r.best || 0;
          outside.forEach(function (x) { allBest = Math.max(allBest, x.key[0]); });
          var outs = everywhere ? hits.filter(function (x) { return x.part || (out && out[x.id]); })
            : outside.filter(function (x) { return x.key[0] >= threshold(allBest, n); });
          result.total = hits.length - (everywhere ? outs.length : 0);
          result.outside = outs.length;
          result.exact = hits.concat(outs).every(function (x) { return x.sure; });
          result.partial = r.best !== null && r.best < n;
          return loadDocs(r.hits.map(function (x) { return x.id; })).then(function () {
            result.hits = r.hits.map(function (x) {
              var row = doc(x.id), c = x.part ? ruledOutSlice(x.id) : row.cond, cond = state.meta.conds[c];
              return { id: x.id, key: x.key, row: shownRow(row, x.id, x.ctx), condition: cond, cond: c, open: applies(cond) === null, outside: !!(x.part || (out && out[x.id])) };
            });
            return result;
          });
        });
      });
    }
    // Known problems whose messages the query matches, best first: [{id, title, href,
    // message, score}] (message.rs `rank`), those the environment rules out left out.
    function problemHits(query) {
      var q = messageTokens(query), out = [];
      (state.meta.problems || []).forEach(function (p) {
        if (p.when && applies(p.when) === false) return;
        var best = null;
        p.messages.forEach(function (m) {
          var s = messageScore(q, messageTokens(m));
          if (!best || s > best.score) best = { score: s, message: m };
        });
        if (best && best.score >= MESSAGE_MATCH) out.push({ id: p.id, title: p.title, href: p.href, message: best.message, score: best.score });
      });
      return out.sort(function (a, b) { return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0); });
    }
    // The clauses of condition `cond` (an index into meta.conds): [{source, label}].
    function clauses(cond) {
      return (state.condClauses[cond] || []).map(function (i) {
        var c = state.meta.clauses[i];
        return { source: c[0], label: c[1] };
      });
    }
    function strings() { return (state.meta && state.meta.strings) || {}; }
    // `globals`: the names the index's scripts call, bound to this engine.
    var globals = {
      tejunSearchMeta: receivers.meta, tejunSearchShard: receivers.shard, tejunSearchWords: receivers.words,
      tejunSearchDocs: receivers.docs, tejunSearchConds: receivers.conds, tejunSearchSlices: receivers.slices
    };
    // `doc(id)`: a loaded document's {row, cond} (null when its chunk is not loaded).
    return { receivers: receivers, globals: globals, search: search, clauses: clauses, strings: strings, doc: doc };
  }

  // pasted messages (mirror of src/search/message.rs; tests/message-vectors.json)
  var WRAP = "()[]{}<>,;:.!?=";
  function trimWrap(w) {
    var a = 0, b = w.length;
    while (a < b && WRAP.indexOf(w[a]) >= 0) a++;
    while (b > a && WRAP.indexOf(w[b - 1]) >= 0) b--;
    return w.slice(a, b);
  }
  function quoteSplit(text) {
    var out = [], from = 0, i = 0;
    while (i < text.length) {
      var q = text[i];
      if ((q === "'" || q === "\"" || q === "`") && (i === 0 || !/[a-z0-9]/i.test(text[i - 1]))) {
        var end = text.indexOf(q, i + 1);
        if (end >= 0) {
          out.push([text.slice(from, i), false]);
          out.push([text.slice(i + 1, end), true]);
          i = end + 1;
          from = i;
          continue;
        }
      }
      i++;
    }
    out.push([text.slice(from), false]);
    return out;
  }
  function allDigits(s) { return s.length > 0 && /^[0-9]+$/.test(s); }
  function messageClass(w) {
    if (w.length >= 10 && /^[0-9]{4}-[0-9]{2}-/.test(w)) return "<time>";
    var parts = w.split(":");
    if (parts.length >= 2 && parts.every(function (p) { return /^[0-9.,]+$/.test(p); }) && parts[0].length <= 2) return "<time>";
    if (w.indexOf("/") >= 0 || w.indexOf("\\") >= 0) return "<path>";
    var host = w, port = false, colon = w.lastIndexOf(":");
    if (colon >= 0 && allDigits(w.slice(colon + 1))) { host = w.slice(0, colon); port = true; }
    var dots = host.split(".");
    if (dots.length === 4 && dots.every(function (p) { return allDigits(p) && p.length <= 3; })) return "<ip>";
    var body = w.indexOf("0x") === 0 ? w.slice(2) : w, hexish = /^[0-9a-f-]*$/.test(body);
    if ((w.indexOf("0x") === 0 && body.length && hexish) || (body.length >= 8 && hexish && /[0-9]/.test(body) && /[a-z]/.test(body))) return "<hex>";
    var label = function (l) { return /^[a-z0-9-]+$/.test(l); };
    if (dots.length >= 3 && dots.every(label) && dots.some(function (l) { return !allDigits(l); })) return "<host>";
    if (port && dots.every(label)) return "<host>";
    return null;
  }
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  function messagePieces(w, out) {
    var cur = "", digit = false;
    function flush() {
      if (!cur) return;
      out.classes.push(digit ? "<num>" : cur);
      out.raw.push(cur);
      cur = "";
    }
    Array.from(w).forEach(function (c) {
      if (!ALNUM.test(c)) { flush(); return; }
      var d = c >= "0" && c <= "9";
      if (cur && d !== digit) flush();
      digit = d;
      cur += c;
    });
    flush();
  }
  function messageTokens(text) {
    var out = { classes: [], raw: [] };
    quoteSplit(text.toLowerCase()).forEach(function (x) {
      if (x[1]) { out.classes.push("<q>"); out.raw.push(x[0]); return; }
      x[0].split(/\s+/).forEach(function (word) {
        var w = trimWrap(word);
        if (!w) return;
        var c = messageClass(w);
        if (c) { out.classes.push(c); out.raw.push(w); } else messagePieces(w, out);
      });
    });
    return out;
  }
  function common(a, b) {
    var left = b.slice(), n = 0;
    a.forEach(function (t) { var i = left.indexOf(t); if (i >= 0) { left.splice(i, 1); n++; } });
    return n;
  }
  var MESSAGE_MATCH = 0.5;
  function messageScore(q, m) {
    if (!m.classes.length || !q.classes.length) return 0;
    var matched = common(m.classes, q.classes);
    var exact = common(m.raw, q.raw) / Math.max(m.raw.length, 1);
    return 0.8 * matched / m.classes.length + 0.2 * matched / q.classes.length + 0.1 * exact;
  }

  // the keyboard: what each key means, IME composition respected
  // While an input method composes, keys are its own (Enter commits, arrows pick): nothing
  // is searched on half-typed kana and no key navigates; the committed text is searched.
  // Safari's Enter right after compositionend has isComposing false but keyCode 229.
  // `act` gets "search" (debounced), "cancel", "next", "prev", "open" or "clear".
  function createKeys(act) {
    var composing = false;
    function busy(e) { return composing || !!(e && (e.isComposing || e.keyCode === 229)); }
    return {
      compositionstart: function () { composing = true; act("cancel"); },
      compositionend: function () { composing = false; act("search"); },
      input: function (e) { act(busy(e) ? "cancel" : "search"); },
      // Returns whether the page should not also handle the key.
      keydown: function (e) {
        if (busy(e)) return false;
        var a = { ArrowDown: "next", ArrowUp: "prev", Enter: "open", Escape: "clear" }[e.key];
        if (a) act(a);
        return !!a;
      }
    };
  }

  var api = {
    analyze: analyze, describe: describe, stem: stem, pieces: pieces, parseQuery: parseQuery, plan: plan,
    synonymGroups: synonymGroups, distance: distance,
    tokenHash: tokenHash, snippet: snippet, highlightTokens: highlightTokens, createEngine: createEngine,
    createKeys: createKeys, messageTokens: messageTokens, messageScore: messageScore,
    MESSAGE_MATCH: MESSAGE_MATCH
  };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof window === "undefined" || typeof document === "undefined") return;
  window.tejunSearch = api;

  // in the page: scripts injected on demand, the picker's environment
  var CONFIG = window.TEJUN || {};
  var ROOT = CONFIG.root || "";
  var STRINGS = CONFIG.strings || {};
  // The book's words (book.toml's language, the theme's lang/*.toml): none live here.
  function t(key) { return STRINGS[key] || ""; }
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
  // Titles that show facet values, as written, by the address of what they name
  // (meta.titles: `page.html#anchor`).
  var TITLES = {};
  window.tejunSearchMeta = function (m) {
    TITLES = (m && m.titles) || {};
    engine.receivers.meta(m);
  };
  // The title `text` of what `address` names, with the reader's facet values (picker.js
  // fills them as it fills the page).
  function shownTitle(text, address) {
    var written = Object.prototype.hasOwnProperty.call(TITLES, address) ? TITLES[address] : null;
    var fill = window.tejunEnv && window.tejunEnv.fill;
    return written && fill ? fill(written, env) : text;
  }
  // The address of a hit's procedure page.
  function pageOf(link) { return link.split("#")[0]; }
  Object.keys(engine.globals).forEach(function (name) {
    if (name !== "tejunSearchMeta") window[name] = engine.globals[name];
  });
  var LIMIT = 20;

  // the search box
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
    // Marking the arrival is a nicety: whatever goes wrong there, the search box still works.
    try { highlightArrival(); } catch (e) { /* the page shows unmarked */ }
    if (!input || !box) return;
    if (!input.placeholder) input.placeholder = t("searchPlaceholder");
    input.setAttribute("autocomplete", "off");
    // ARIA combobox: the options are the hits' links (a link in an option nests controls);
    // the count and notes stand beside the list as a polite status.
    var label = document.querySelector("label[for=search-input]");
    var status = el("div", "search-status"), list = el("ul", "search-list");
    status.setAttribute("role", "status");
    list.id = "search-listbox";
    list.setAttribute("role", "listbox");
    if (label) list.setAttribute("aria-label", label.textContent);
    box.removeAttribute("aria-live");
    box.removeAttribute("role");
    box.textContent = "";
    box.appendChild(status);
    box.appendChild(list);
    box.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var seq = 0, selected = -1, timer = null;

    function select(i) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      selected = (i + items.length) % items.length;
      for (var k = 0; k < items.length; k++) items[k].setAttribute("aria-selected", k === selected ? "true" : "false");
      items[selected].scrollIntoView({ block: "nearest" });
      input.setAttribute("aria-activedescendant", items[selected].id);
    }
    // Whether hits outside the environment are shown (the reader asked, for this query).
    var everywhere = false;
    function words(key, n) {
      var w = engine.strings()[key] || "";
      return n === undefined ? w : w.replace("{}", n);
    }
    // The condition's clauses a reader still needs: those the environment leaves open, and
    // for a hit outside it, those it rules out.
    function when(h) {
      var span = el("span", "search-when");
      engine.clauses(h.cond).forEach(function (c) {
        var v = applies(c.source);
        if (v === true) return;
        span.appendChild(el("span", v === false ? "search-clause search-clause-out" : "search-clause", c.label));
      });
      if (h.outside) span.insertBefore(el("span", "search-outside-mark", words("outsideMark")), span.firstChild);
      return span.firstChild ? span : null;
    }
    function summary(res) {
      var p = el("p", "search-count", res.total === 1 && res.exact ? words("result")
        : words(res.exact ? "results" : "resultsAbout", res.total));
      if (res.outside) {
        if (!everywhere) p.appendChild(document.createTextNode(" " + words("outside", res.outside) + " "));
        var more = el("button", "search-more", words(everywhere ? "hideOutside" : "showOutside"));
        more.type = "button";
        more.addEventListener("click", function () { everywhere = !everywhere; run(); input.focus(); });
        p.appendChild(more);
      }
      return p;
    }
    function show(query, res) {
      status.textContent = "";
      list.textContent = "";
      selected = -1;
      input.removeAttribute("aria-activedescendant");
      if (!query.trim()) { box.hidden = true; input.setAttribute("aria-expanded", "false"); return; }
      box.hidden = false;
      input.setAttribute("aria-expanded", res.hits.length ? "true" : "false");
      if (res.total !== undefined) status.appendChild(summary(res));
      if (res.corrected) status.appendChild(el("p", "search-note", words("showingFor", res.corrected)));
      if (res.partial && res.hits.length) status.appendChild(el("p", "search-note", words("partial")));
      if (!res.hits.length && !(res.problems || []).length) status.appendChild(el("p", "search-empty", words("noResults")));
      var probs = res.problems || [];
      list.hidden = !res.hits.length && !probs.length;
      if (probs.length) input.setAttribute("aria-expanded", "true");
      probs.forEach(function (p, i) {
        var li = el("li", "search-hit search-problem"), a = el("a");
        li.setAttribute("role", "none");
        a.id = "search-problem-" + i;
        a.setAttribute("role", "option");
        a.setAttribute("aria-selected", "false");
        a.tabIndex = -1;
        a.href = ROOT + p.href;
        a.setAttribute("data-problem", p.id);
        var head = el("span", "search-head");
        head.appendChild(el("span", "search-loc", words("knownProblem")));
        head.appendChild(el("span", "search-title", shownTitle(p.title, p.href)));
        a.appendChild(head);
        a.appendChild(el("span", "search-snippet", p.message));
        li.appendChild(a);
        list.appendChild(li);
      });
      var wanted = highlightTokens(res.plan);
      grouped(res.hits).forEach(function (g, i) {
        var h = g.hit, row = h.row, li = el("li", "search-hit"), a = el("a");
        li.setAttribute("role", "none");
        a.id = "search-hit-" + i;
        a.setAttribute("role", "option");
        a.setAttribute("aria-selected", "false");
        a.tabIndex = -1;
        a.href = hrefFor(row, query);
        var head = el("span", "search-head"), title = el("span", "search-title");
        head.appendChild(el("span", "search-loc", row[1]));
        var shown = shownTitle(row[0], row[2]);
        title.appendChild(marked({ text: shown, highlights: matchRanges(shown, wanted, res.analysis) }));
        head.appendChild(title);
        a.appendChild(head);
        if (row[3] && row[3] !== row[0]) a.appendChild(el("span", "search-proc", shownTitle(row[3], pageOf(row[2]))));
        var sn = el("span", "search-snippet");
        sn.appendChild(marked(snippet(row[4] || row[0], wanted, res.analysis)));
        a.appendChild(sn);
        var w = when(h);
        if (w) a.appendChild(w);
        if (g.also.length) {
          a.appendChild(el("span", "search-also", words("alsoIn", g.also.length) + ": " +
            g.also.map(function (x) { return x.row[1] + " " + shownTitle(x.row[3], pageOf(x.row[2])); }).join(" · ")));
        }
        li.appendChild(a);
        list.appendChild(li);
      });
    }
    // One row per reused step (same title and text), naming its other places.
    function grouped(hits) {
      var out = [], at = {};
      hits.forEach(function (h) {
        var key = h.row[0] + "\u0000" + h.row[4];
        if (Object.prototype.hasOwnProperty.call(at, key)) out[at[key]].also.push(h);
        else { at[key] = out.length; out.push({ hit: h, also: [] }); }
      });
      return out;
    }
    var last = "";
    function run() {
      var query = input.value, mine = ++seq;
      if (query !== last) { everywhere = false; last = query; }
      if (!query.trim()) { show("", { hits: [] }); return; }
      engine.search(query, LIMIT, { everywhere: everywhere }).then(function (res) { if (mine === seq) show(query, res); }, function (err) {
        if (mine !== seq) return;
        show(query, { hits: [] });
        status.textContent = "";
        status.appendChild(el("p", "search-empty", t("searchUnavailable") + err.message));
      });
    }
    var keys = createKeys(function (a) {
      if (a === "search") { clearTimeout(timer); timer = setTimeout(run, 60); }
      else if (a === "cancel") clearTimeout(timer);
      else if (a === "next") select(selected + 1);
      else if (a === "prev") select(selected - 1);
      else if (a === "open") {
        var items = list.querySelectorAll("[role=option]");
        if (items.length) location.href = items[Math.max(selected, 0)].href;
      } else if (a === "clear") { clearTimeout(timer); input.value = ""; show("", { hits: [] }); input.blur(); }
    });
    ["compositionstart", "compositionend", "input"].forEach(function (type) {
      input.addEventListener(type, keys[type]);
    });
    input.addEventListener("keydown", function (e) { if (keys.keydown(e)) e.preventDefault(); });
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

  // A URL part as text; one that is not valid percent-encoding (`#%E0%A4%A`, typed or cut
  // short) stays as it is rather than throwing and taking the search box down with it.
  function decoded(part) {
    try { return decodeURIComponent(part); } catch (e) { return part; }
  }

  // Arriving from a result (`page.html?hl=query#anchor`): mark the query in the target.
  function highlightArrival() {
    var q = new URLSearchParams(location.search).get("hl");
    if (!q || !location.hash) return;
    var anchor = document.getElementById(decoded(location.hash.slice(1)));
    if (!anchor) return;
    // A step's or section's anchor is on its heading; the words are marked in all of it.
    var target = anchor.closest("li.step, .section") || anchor;
    // The page's language is its book's, whose analysis its index was made with.
    var analysis = analysisOf(document.documentElement.lang);
    var wanted = highlightTokens(plan(parseQuery(q, null, analysis), function () { return []; })), walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT), nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var parent = node.parentNode;
      if (!parent || /^(SCRIPT|STYLE|MARK)$/.test(parent.nodeName)) return;
      var ranges = matchRanges(node.nodeValue, wanted, analysis);
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

  // Defaults a theme overrides (`:where`: no specificity), in the theme's colour variables
  // so dark mode reads; here, as runbooks inline style.css. One rule weighs: on a phone the
  // panel spans the viewport (anchored to the box, its left was off-screen).
  var style = document.createElement("style");
  style.textContent =
    ":where(#search-results){position:absolute;z-index:20;max-height:70vh;overflow:auto;background:var(--bg,#fff);color:var(--fg,#1f2328);border:1px solid var(--border,#ccc);max-width:40rem}" +
    ":where(.search-list){list-style:none;margin:0;padding:0}" +
    ":where(.search-hit a){display:block;padding:.4rem .6rem;color:inherit;text-decoration:none}" +
    ":where(.search-hit a[aria-selected=true],.search-hit a:hover){background:var(--accent-soft,#e3eefc)}" +
    ":where(.search-loc){margin-right:.5em;color:var(--fg-soft,#57606a)}:where(.search-title){font-weight:bold}" +
    ":where(.search-proc,.search-also){display:block;font-size:.85em;color:var(--fg-soft,#57606a)}" +
    ":where(#search-results mark){background:#fde68a;color:#1f2328;border-radius:2px}" +
    ":where(.search-snippet){display:block;font-size:.9em}:where(.search-empty){margin:.5rem .6rem}" +
    ":where(.search-count,.search-note){margin:.45rem .6rem .2rem;font-size:.85rem;color:var(--fg-soft,#57606a)}" +
    ":where(.search-more){font:inherit;font-size:.85rem;color:var(--accent,#0b63c5);background:var(--bg,#fff);border:1px solid var(--border,#ccc);border-radius:5px;padding:0 .5rem;cursor:pointer}" +
    ":where(.search-when){display:flex;flex-wrap:wrap;gap:.25rem;margin-top:.25rem}" +
    ":where(.search-clause,.search-outside-mark){padding:0 .45rem;border-radius:999px;font-size:.75rem;line-height:1.6;background:var(--badge-bg,#eef1f5);color:var(--badge-fg,#3d4752);border:1px solid var(--border,#ccc)}" +
    ":where(.search-clause-out,.search-outside-mark){background:var(--caution-bg,#fff5e6);color:var(--caution,#b35900);border-color:var(--caution,#b35900)}" +
    "@media (max-width:40rem){.search #search-results{position:fixed;left:.5rem;right:.5rem;top:calc(var(--topbar-h,3.25rem) + .25rem);width:auto;max-height:calc(100vh - var(--topbar-h,3.25rem) - 1rem)}}";
  document.head.appendChild(style);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
