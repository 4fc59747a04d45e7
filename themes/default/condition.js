// Conditions and versions as src/condition.rs and src/version.rs read them, for the
// picker (and any script of a theme). tests/condition-vectors.json holds the cases both
// must agree on; tests run this file under node against them. Loaded by a <script> in the
// browser (window.tejunCondition) and by require() in node.
(function (root) {
  "use strict";

  // ---- versions: 12.4 < 12.4.1 < 12.4.x < 12.5; v1.29.3 < v1.30; the prefix is cosmetic --
  // A list of numbers, Infinity for a final `x`; null when `s` is not a version.
  function parseVersion(s) {
    var m = /^[A-Za-z]{0,3}(\d+(?:\.\d+)*)(\.x)?$/.exec(s);
    if (!m) return null;
    var out = m[1].split(".").map(function (c) { return parseInt(c, 10); });
    if (out.some(function (n) { return n > 4294967295; })) return null;
    if (m[2]) out.push(Infinity);
    return out;
  }
  function cmpVersion(a, b) {
    var n = Math.max(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = i < a.length ? a[i] : 0, y = i < b.length ? b[i] : 0;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }
  // `want` as the right-hand side of `=`: a line (`16.x`) holds every release of it.
  function versionMatches(want, actual) {
    if (want[want.length - 1] === Infinity) {
      var start = want.slice(0, -1);
      return cmpVersion(start, actual) <= 0 && cmpVersion(actual, want) <= 0;
    }
    return cmpVersion(want, actual) === 0;
  }

  // The version cut to its first `n` components, prefix kept (`v1.29.3`, 2 → `v1.29`), as
  // src/version.rs's Version::leading; null when the version does not give them.
  function versionPart(s, n) {
    var m = /^([A-Za-z]{0,3})(\d+(?:\.\d+)*)(\.x)?$/.exec(s);
    if (!m) return null;
    var parts = m[2].split(".");
    return parts.length < n ? null : m[1] + parts.slice(0, n).join(".");
  }

  // ---- conditions: the canonical syntax tejun writes into data-when -----------------------
  function lex(src) {
    var re = /\s*(<=|>=|!=|==|=|<|>|\(|\)|\[|\]|,|[^\s()\[\],=!<>]+)/g, out = [], m;
    while ((m = re.exec(src)) !== null) { if (m[1]) out.push(m[1]); }
    return out;
  }
  function parse(src) {
    var t = lex(src), i = 0;
    function peek() { return t[i]; }
    function or() {
      var items = [and()];
      while (peek() === "or") { i++; items.push(and()); }
      return items.length === 1 ? items[0] : { or: items };
    }
    function and() {
      var items = [unary()];
      while (peek() === "and") { i++; items.push(unary()); }
      return items.length === 1 ? items[0] : { and: items };
    }
    function unary() {
      if (peek() === "not") { i++; return { not: unary() }; }
      if (peek() === "(") { i++; var e = or(); i++; return e; }
      var left = t[i++];
      if (peek() === "in") {
        i += 2; var vals = [t[i++]];
        while (peek() === ",") { i++; vals.push(t[i++]); }
        i++;
        return { facet: left, op: "in", values: vals };
      }
      var op = t[i++], right = t[i++];
      return { facet: left, op: op === "==" ? "=" : op, value: right };
    }
    if (!t.length) return { and: [] };
    return or();
  }
  // The book's facet ids (`api.facets`, set by the page): a test whose right side names
  // one compares the two facets (`to >= from`).
  function isFacet(name, facets) {
    return !!facets && Object.prototype.hasOwnProperty.call(facets, name);
  }
  // `facet = value` for one value: a version compared as a version, else as text.
  function equals(actual, want) {
    var a = parseVersion(actual), w = parseVersion(want);
    return a && w ? versionMatches(w, a) : actual === want;
  }
  // true / false, or null when the environment leaves a facet open. `facets`: the book's
  // facet ids as an object's keys (default `api.facets`).
  function evaluate(c, env, facets) {
    var open = false, k, r;
    if (facets === undefined) facets = api.facets;
    if (c.and) {
      for (k = 0; k < c.and.length; k++) { r = evaluate(c.and[k], env, facets); if (r === false) return false; if (r === null) open = true; }
      return open ? null : true;
    }
    if (c.or) {
      for (k = 0; k < c.or.length; k++) { r = evaluate(c.or[k], env, facets); if (r === true) return true; if (r === null) open = true; }
      return open ? null : false;
    }
    if (c.not) { r = evaluate(c.not, env, facets); return r === null ? null : !r; }
    var v = env[c.facet];
    if (v === undefined || v === "") return null;
    if (c.op !== "in" && isFacet(c.value, facets)) {
      var w = env[c.value];
      if (w === undefined || w === "") return null;
      var x = parseVersion(v), y = parseVersion(w);
      if (!x || !y) return false;
      var o = cmpVersion(x, y);
      return { "=": o === 0, "!=": o !== 0, "<": o < 0, "<=": o <= 0, ">": o > 0, ">=": o >= 0 }[c.op];
    }
    if (c.op === "in") return c.values.some(function (w) { return equals(v, w); });
    if (c.op === "=") return equals(v, c.value);
    if (c.op === "!=") return !equals(v, c.value);
    var a = parseVersion(v), b = parseVersion(c.value);
    if (!a || !b) return false;
    var d = cmpVersion(a, b);
    return { "<": d < 0, "<=": d <= 0, ">": d > 0, ">=": d >= 0 }[c.op];
  }

  var api = { parse: parse, evaluate: evaluate, parseVersion: parseVersion, cmpVersion: cmpVersion, versionPart: versionPart, facets: null };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.tejunCondition = api;
})(this);
