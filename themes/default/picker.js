// The environment picker: the reader states their environment, and every page hides what
// does not apply and renumbers the steps that remain. Conditions come from `data-when`
// attributes written by tejun in its canonical syntax (`os = linux and from >= 2.4`),
// evaluated by condition.js exactly as src/condition.rs does. Works from file:// (no fetch).
(function () {
  "use strict";
  var CONFIG = window.TEJUN || { facets: [], book: "book" };
  var KEY = "tejun-env:" + CONFIG.book;

  // Conditions are read by condition.js, loaded before this file.
  var parse = window.tejunCondition.parse, evaluate = window.tejunCondition.evaluate;
  // A test whose right side names a facet compares the two (`to >= from`).
  var ids = {};
  CONFIG.facets.forEach(function (f) { ids[f.id] = true; });
  window.tejunCondition.facets = ids;
  var RULES = (CONFIG.rules || []).map(function (r) { return { when: parse(r.when), label: r.label }; });
  var WHEN = {};
  CONFIG.facets.forEach(function (f) { if (f.when) WHEN[f.id] = parse(f.when); });

  // ---- possible environments: facets that apply, values no rule forbids ------------------
  // Whether facet `f` means something in `env` (its `when` does not fail).
  function applies(f, env) { return !WHEN[f.id] || evaluate(WHEN[f.id], env) !== false; }
  // The rule `env` breaks, if any.
  function broken(env) {
    for (var i = 0; i < RULES.length; i++) if (evaluate(RULES[i].when, env) === false) return RULES[i];
    return null;
  }
  // `env` without the facets that do not apply in it (a platform left over from MSCS).
  function possible(env) {
    var out = {}, changed = true;
    Object.keys(env).forEach(function (k) { out[k] = env[k]; });
    while (changed) {
      changed = false;
      CONFIG.facets.forEach(function (f) {
        if (out[f.id] && !applies(f, out)) { delete out[f.id]; changed = true; }
      });
    }
    return out;
  }
  var cache = {};
  function decide(src, env) {
    if (!(src in cache)) cache[src] = parse(src);
    return evaluate(cache[src], env);
  }

  // ---- the environment: URL first (shareable), then localStorage ------------------------
  function readEnv() {
    var env = {}, facets = CONFIG.facets, q = new URLSearchParams(location.search), fromUrl = false;
    facets.forEach(function (f) { if (q.has(f.id)) { env[f.id] = q.get(f.id); fromUrl = true; } });
    if (!fromUrl) {
      try { env = JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { env = {}; }
    } else { saveEnv(env); }
    return env;
  }
  function saveEnv(env) {
    try { localStorage.setItem(KEY, JSON.stringify(env)); } catch (e) { /* private mode: keep it per page */ }
  }
  function envQuery(env) {
    var q = new URLSearchParams();
    Object.keys(env).forEach(function (k) { if (env[k]) q.set(k, env[k]); });
    return q.toString();
  }

  // ---- applying: hide what fails, mark what is open, renumber steps ---------------------
  function gone(el) { return !!el.closest(".env-hidden, .env-empty"); }
  // Whether the page itself applies (a chapter's or procedure's `data-page-when`).
  function pageApplies(env) {
    var page = document.querySelector("[data-page-when]");
    return !page || decide(page.getAttribute("data-page-when"), env) !== false;
  }
  function apply(env) {
    var els = document.querySelectorAll("[data-when]");
    // A page the environment rules out is shown whole under its banner (applies.js): its
    // steps filtered for an environment they are not for would look like a procedure.
    var main = document.getElementById("main"), whole = !pageApplies(env);
    for (var k = 0; k < els.length; k++) {
      var el = els[k], r = decide(el.getAttribute("data-when"), whole && main && main.contains(el) ? {} : env);
      el.classList.toggle("env-hidden", r === false);
      el.classList.toggle("env-open", r === null);
      el.classList.toggle("env-holds", r === true);
    }
    // "本手順は必要ありません": a step whose every variant is ruled out is not a step here.
    var stepEls = document.querySelectorAll("[data-step]");
    for (var v = 0; v < stepEls.length; v++) {
      var variants = stepEls[v].querySelectorAll(":scope > .step-body > .variant"), left = 0;
      for (var w = 0; w < variants.length; w++) if (!variants[w].classList.contains("env-hidden")) left++;
      stepEls[v].classList.toggle("env-empty", variants.length > 0 && left === 0);
    }
    // A chapter or group whose procedures all left goes too (deepest first).
    var parents = document.querySelectorAll("[data-env-parent]");
    for (var p = parents.length - 1; p >= 0; p--) {
      parents[p].classList.remove("env-empty");
      var kids = parents[p].querySelectorAll("[data-env-item]"), shown = 0;
      for (var c = 0; c < kids.length; c++) if (!gone(kids[c])) shown++;
      parents[p].classList.toggle("env-empty", kids.length > 0 && shown === 0);
    }
    var lists = document.querySelectorAll("[data-steps]");
    for (var j = 0; j < lists.length; j++) {
      var n = 0, items = lists[j].children;
      for (var s = 0; s < items.length; s++) {
        if (!items[s].hasAttribute("data-step")) continue;
        if (items[s].classList.contains("env-hidden") || items[s].classList.contains("env-empty")) continue;
        n++;
        var num = items[s].querySelector(".step-num");
        if (num) num.textContent = n + ".";
        items[s].value = n;
      }
    }
    var active = Object.keys(env).filter(function (k) { return env[k]; }).length > 0;
    document.documentElement.classList.toggle("env-active", active);
    var summary = document.querySelectorAll("[data-env-summary]");
    for (var m = 0; m < summary.length; m++) summary[m].textContent = describe(env);
    var bars = document.querySelectorAll("[data-env-bar]");
    for (var b = 0; b < bars.length; b++) { bars[b].hidden = false; bars[b].classList.toggle("env-bar-active", active); }
    // The procedures that apply, on the index page.
    var procs = document.querySelector("[data-env-procs]");
    if (procs) {
      var entries = procs.querySelectorAll("[data-env-item]"), count = 0;
      for (var e = 0; e < entries.length; e++) if (!gone(entries[e])) count++;
      procs.hidden = !active;
      var countEl = procs.querySelector("[data-env-count]"), none = procs.querySelector("[data-env-none]");
      if (countEl) countEl.textContent = ((CONFIG.strings && CONFIG.strings.count) || "{}").replace("{}", count);
      if (none) none.hidden = count > 0;
    }
    // Carry the environment along in-site links, so a shared URL keeps working page to page.
    var q = envQuery(env), links = document.querySelectorAll("a[href$='.html'], a[href*='.html?'], a[href*='.html#']");
    for (var l = 0; l < links.length; l++) {
      var a = links[l], href = a.getAttribute("href");
      if (/^[a-z]+:/i.test(href) || a.hasAttribute("data-no-env")) continue;
      var base = href.split("#")[0].split("?")[0], hash = href.indexOf("#") >= 0 ? href.slice(href.indexOf("#")) : "";
      a.setAttribute("href", base + (q ? "?" + q : "") + hash);
    }
    offerRunbook(env, active);
    showValues(env);
    document.dispatchEvent(new CustomEvent("tejun:env", { detail: env }));
  }
  // ---- facet values in text (`[[to.minor]]`): the chosen value, or the facet's label ----
  var PARTS = { major: 1, minor: 2, patch: 3 };
  function facetById(id) {
    for (var i = 0; i < CONFIG.facets.length; i++) if (CONFIG.facets[i].id === id) return CONFIG.facets[i];
    return null;
  }
  // How `part` of the chosen value reads (as src/facet.rs's Facet::show); null when the
  // environment leaves it open or the value does not give that part.
  function valueText(id, part, env) {
    var f = facetById(id), v = env[id];
    if (!f || !v) return null;
    if (!part) return v;
    if (part === "label") {
      var values = f.values || [];
      for (var i = 0; i < values.length; i++) if (values[i].id === v) return values[i].label;
      return v;
    }
    return PARTS[part] ? window.tejunCondition.versionPart(v, PARTS[part]) : null;
  }
  // `text` as written (`Upgrade to [[to.minor]]`) with each facet value as `env` shows it:
  // the value, else the facet's label, as src/config.rs's Config::facet_text reads it.
  function fillValues(text, env) {
    return text.replace(/\[\[([a-z0-9_-]+)(?:\.([a-z]+))?\]\]/g, function (all, id, part) {
      var f = facetById(id);
      if (!f) return all;
      var v = valueText(id, part || null, env);
      return v !== null ? v : (CONFIG.openValue || "[{}]").replace("{}", f.label);
    });
  }
  function showValues(env) {
    // The document's title, which no markup can mark: filled from its written form.
    var title = document.querySelector("title[data-fv-title]");
    if (title) document.title = fillValues(title.getAttribute("data-fv-title"), env);
    var els = document.querySelectorAll(".fv[data-fv]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      // A runbook's values are written in; only open ones follow the picker.
      if (!el.hasAttribute("data-fv-open")) {
        if (el.classList.contains("fv-filled")) continue;
        el.setAttribute("data-fv-open", el.textContent);
      }
      var text = valueText(el.getAttribute("data-fv"), el.getAttribute("data-fv-part"), env);
      el.textContent = text === null ? el.getAttribute("data-fv-open") : text;
      el.classList.toggle("fv-filled", text !== null);
    }
    var links = document.querySelectorAll("a[data-fv-href]");
    for (var l = 0; l < links.length; l++) {
      var a = links[l];
      if (!a.getAttribute("data-fv-href")) a.setAttribute("data-fv-href", a.getAttribute("href"));
      a.setAttribute("href", address(a.getAttribute("data-fv-href"), env));
    }
    // An image's address shows values as a link's does; its written form is kept aside.
    var imgs = document.querySelectorAll("img[src*='%5B%5B'], img[data-fv-src]");
    for (var g = 0; g < imgs.length; g++) {
      var img = imgs[g];
      if (!img.hasAttribute("data-fv-src")) img.setAttribute("data-fv-src", img.getAttribute("src"));
      img.setAttribute("src", address(img.getAttribute("data-fv-src"), env));
    }
  }
  // An address with its open values (`%5B%5Bto.minor%5D%5D`) as `env` gives them.
  function address(written, env) {
    return written.replace(/%5B%5B([a-z0-9._-]+)%5D%5D/g, function (all, use) {
      var dot = use.indexOf("."), text = dot < 0 ? valueText(use, null, env) : valueText(use.slice(0, dot), use.slice(dot + 1), env);
      return text === null ? all : encodeURIComponent(text);
    });
  }

  // The profile whose environment is exactly the chosen one, if any.
  function profileOf(env) {
    var list = CONFIG.profiles || [];
    for (var i = 0; i < list.length; i++) {
      var p = list[i], keys = Object.keys(p.env), same = true;
      for (var k = 0; k < keys.length && same; k++) same = env[keys[k]] === p.env[keys[k]];
      for (var e in env) if (env[e] && !Object.prototype.hasOwnProperty.call(p.env, e)) same = false;
      if (same) return p;
    }
    return null;
  }
  // The bar offers the chosen environment's runbook (and PDF) when it is a profile's,
  // else the print page filtered to it: a printable runbook of exactly these steps.
  function offerRunbook(env, active) {
    var slots = document.querySelectorAll("[data-env-runbook]"), s = CONFIG.strings || {};
    var p = active ? profileOf(env) : null;
    for (var i = 0; i < slots.length; i++) {
      var slot = slots[i];
      slot.textContent = "";
      // The print page is that printable page already.
      slot.hidden = !active || (!p && document.body.classList.contains("page-print"));
      if (slot.hidden) continue;
      var a = document.createElement("a");
      a.setAttribute("data-no-env", "");
      if (p) {
        a.href = (CONFIG.root || "") + p.href;
        a.textContent = (s.envRunbook || "{}").replace("{}", p.label);
        slot.appendChild(a);
        if (p.pdf) {
          var pdf = document.createElement("a");
          pdf.setAttribute("data-no-env", "");
          pdf.href = (CONFIG.root || "") + p.pdf;
          pdf.textContent = "PDF";
          slot.appendChild(document.createTextNode(" "));
          slot.appendChild(pdf);
        }
      } else {
        a.href = (CONFIG.root || "") + "print.html?" + envQuery(env);
        a.textContent = s.printEnv || "";
        slot.appendChild(a);
      }
    }
  }
  function label(f, v) {
    for (var i = 0; f.values && i < f.values.length; i++) if (f.values[i].id === v) return f.values[i].label;
    return v;
  }
  function describe(env) {
    var parts = CONFIG.facets.filter(function (f) { return env[f.id]; })
      .map(function (f) { return f.label + ": " + label(f, env[f.id]); });
    return parts.length ? parts.join(" / ") : (CONFIG.strings && CONFIG.strings.noEnv) || "";
  }

  // ---- the picker form (index page) -----------------------------------------------------
  function buildPicker(root, env) {
    var s = CONFIG.strings || {};
    var form = document.createElement("form");
    form.className = "env-form";
    form.setAttribute("aria-label", s.pickerTitle || "Environment");
    CONFIG.facets.forEach(function (f) {
      var id = "env-" + f.id, wrap = document.createElement("div"), lab = document.createElement("label");
      wrap.className = "env-field";
      lab.htmlFor = id; lab.textContent = f.label;
      var sel = document.createElement("select");
      sel.id = id; sel.name = f.id;
      var any = document.createElement("option");
      any.value = ""; any.textContent = s.any || "—";
      sel.appendChild(any);
      var values = f.values || [];
      values.forEach(function (v) {
        var o = document.createElement("option");
        o.value = v.id; o.textContent = v.label;
        sel.appendChild(o);
      });
      if (env[f.id] && !values.some(function (v) { return v.id === env[f.id]; })) {
        var extra = document.createElement("option");
        extra.value = env[f.id]; extra.textContent = env[f.id];
        sel.appendChild(extra);
      }
      sel.value = env[f.id] || "";
      wrap.setAttribute("data-env-facet", f.id);
      wrap.appendChild(lab); wrap.appendChild(sel);
      form.appendChild(wrap);
    });
    var reset = document.createElement("button");
    reset.type = "button"; reset.className = "env-reset"; reset.textContent = s.reset || "Reset";
    form.appendChild(reset);
    var share = document.createElement("a");
    share.className = "env-share"; share.textContent = s.share || "Link";
    form.appendChild(share);
    function update() {
      var e = {};
      CONFIG.facets.forEach(function (f) {
        var v = form.querySelector("#env-" + f.id).value;
        if (v) e[f.id] = v;
      });
      setEnv(possible(e));
    }
    form.addEventListener("change", update);
    reset.addEventListener("click", function () { resetEnv(); });
    root.insertBefore(form, root.querySelector("[data-env-procs]"));
    share.href = "?" + envQuery(env);
    picker = { form: form, share: share };
    restrict(form, env);
  }

  var picker = null;
  // The environment changed: store it, show it in the address bar, apply it.
  // Shows only the facets that apply, and disables each value a rule forbids with the
  // others chosen (its title says which rule).
  function restrict(form, env) {
    CONFIG.facets.forEach(function (f) {
      var wrap = form.querySelector("[data-env-facet='" + f.id + "']");
      if (wrap) wrap.hidden = !applies(f, env);
      var sel = form.querySelector("#env-" + f.id);
      if (!sel) return;
      for (var i = 0; i < sel.options.length; i++) {
        var o = sel.options[i];
        if (!o.value) continue;
        var trial = {};
        Object.keys(env).forEach(function (k) { trial[k] = env[k]; });
        trial[f.id] = o.value;
        var rule = broken(trial);
        o.disabled = !!rule && o.value !== env[f.id];
        if (rule) o.title = rule.label; else o.removeAttribute("title");
      }
    });
  }
  function setEnv(e) {
    e = possible(e);
    saveEnv(e);
    var q = envQuery(e);
    try { history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash); } catch (err) { /* some file:// setups refuse */ }
    if (picker) {
      CONFIG.facets.forEach(function (f) {
        var sel = picker.form.querySelector("#env-" + f.id);
        if (sel) sel.value = e[f.id] || "";
      });
      picker.share.href = "?" + q;
      restrict(picker.form, e);
    }
    apply(e);
  }
  function resetEnv() { setEnv({}); }

  window.tejunEnv = { read: readEnv, set: setEnv, reset: resetEnv, apply: apply, fill: fillValues };
  function start() {
    var env = possible(readEnv()), root = document.getElementById("env-picker");
    if (root && CONFIG.facets.length) buildPicker(root, env);
    document.addEventListener("click", function (ev) {
      var t = ev.target;
      if (t instanceof Element && t.closest("[data-env-reset]")) resetEnv();
    });
    apply(env);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
