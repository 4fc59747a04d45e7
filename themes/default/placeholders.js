// Placeholders the reader fills in once: a panel of inputs (validated live against each
// placeholder's pattern), values kept in localStorage per book, and every `.ph` element on
// the page (commands, GUI paths, prose) showing the filled value. Works from file://.
(function () {
  "use strict";
  var CONFIG = window.TEJUN || {};
  var list = CONFIG.placeholders || [];
  var KEY = "tejun-values:" + (CONFIG.book || "book");
  // The book's words (the theme's lang/*.toml through window.TEJUN.strings).
  var S = CONFIG.strings || {};

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function save(values) {
    try { localStorage.setItem(KEY, JSON.stringify(values)); } catch (e) { /* private mode */ }
  }
  function byId(id) {
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i];
    return null;
  }
  // The same test as Rust's Placeholder::accepts (tests/placeholder-vectors.json): a value
  // is one line, and matches the whole pattern read with the `u` flag (code points,
  // `\p{…}`), which `tejun check` keeps to the syntax both engines read alike.
  function valid(p, v) {
    if (/[\n\r\u2028\u2029]/.test(v)) return false;
    if (!p.pattern) return true;
    // A browser without `u`-flag property escapes cannot check: the value stands.
    try { return new RegExp("^(?:" + p.pattern + ")$", "u").test(v); } catch (e) { return true; }
  }
  // Preset values (a runbook built with --set) win over nothing, not over the reader's.
  function current() {
    var values = load(), preset = CONFIG.values || {};
    Object.keys(preset).forEach(function (k) { if (!values[k]) values[k] = preset[k]; });
    return values;
  }

  function apply(values) {
    var els = document.querySelectorAll(".ph[data-ph]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i], p = byId(el.getAttribute("data-ph")), v = values[el.getAttribute("data-ph")];
      var ok = v && p && valid(p, v);
      el.textContent = ok ? v : (p ? p.unfilled : el.textContent);
      el.classList.toggle("ph-filled", !!ok);
    }
  }

  function buildForm(root, values) {
    list.forEach(function (p) {
      var row = document.createElement("div"), id = "ph-" + p.id;
      row.className = "values-field";
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = p.label;
      var input = document.createElement("input");
      input.id = id;
      input.type = "text";
      input.name = p.id;
      input.spellcheck = false;
      input.autocomplete = "off";
      if (p.example) input.placeholder = (S.example || "{}").replace("{}", p.example);
      input.value = values[p.id] || "";
      var note = document.createElement("span");
      note.className = "values-note";
      note.textContent = p.description || "";
      function check() {
        var v = input.value.trim(), bad = v !== "" && !valid(p, v);
        input.setAttribute("aria-invalid", bad ? "true" : "false");
        note.textContent = bad ? (S.invalidValue || "") + (p.example ? " (" + p.example + ")" : "") : (p.description || "");
        row.classList.toggle("invalid", bad);
        return !bad;
      }
      input.addEventListener("input", function () {
        var all = load();
        if (input.value.trim() && check()) all[p.id] = input.value.trim(); else { check(); delete all[p.id]; }
        save(all);
        apply(current());
      });
      check();
      row.appendChild(label);
      row.appendChild(input);
      row.appendChild(note);
      root.appendChild(row);
    });
  }

  function start() {
    if (!list.length) return;
    var values = current();
    var panel = document.querySelector("[data-values-panel]");
    var used = document.querySelector(".ph[data-ph]");
    if (panel && used) {
      panel.hidden = false;
      buildForm(panel.querySelector("[data-values-form]"), values);
    }
    apply(values);
    window.addEventListener("storage", function (e) { if (e.key === KEY) apply(current()); });
  }
  window.tejunPlaceholders = {
    apply: function () { apply(current()); },
    // For tests/placeholder-vectors.json in a browser: `pattern` as the site hands it over.
    valid: function (pattern, value) { return valid({ pattern: pattern }, value); }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
