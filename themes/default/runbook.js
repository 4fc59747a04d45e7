// tejun runbook: the work of one maintenance night in one file. A checkbox per step whose
// tick (its time, who ticked, the values it was done with) and the operator's note survive
// reloads in localStorage, keyed by the runbook's id and environment; progress that stays
// on screen; a button and a key to the next unticked step; the page reopens where the
// operator was; the log as JSON or CSV (local time with its UTC offset), and another
// copy's JSON log merged in. Inlined into the runbook file: no network, no libraries,
// works from file://.
(function () {
  "use strict";
  var RB = window.TEJUN_RUNBOOK || { book: "book", id: "runbook", env: "", strings: {} };
  var S = RB.strings || {};
  var KEY = "tejun-runbook:" + RB.book + ":" + RB.id + ":" + RB.env;
  // Where the operator was: the step at the top of the screen, and how far past it.
  var PLACE = KEY + ":place";
  // A person, not a runbook: asked once for every runbook this browser opens.
  var OPERATOR = "tejun-operator";

  // ---- storage -----------------------------------------------------------------------------
  // { "<step anchor>": { at: local ISO time of the tick, by: operator, hash: the step's
  //   content hash when ticked, values: { placeholder id: value }, changed: when the tick
  //   was last given or taken away, note: text, noteAt: when the note last changed } }
  function read(key, fallback) {
    try { return JSON.parse(localStorage.getItem(key) || "null") || fallback; } catch (e) { return fallback; }
  }
  function write(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* storage refused: this visit only */ }
  }
  var state = read(KEY, {});
  function save() { write(KEY, state); }
  function ticked(entry) { return !!(entry && entry.at); }
  // A step is kept under its anchor, which is on its title (step.html).
  function idOf(li) { var h = li.querySelector(":scope > .step-title"); return h ? h.id : ""; }
  function stepById(id) {
    var h = id && document.getElementById(id), li = h && h.closest("li[data-seq]");
    return li && idOf(li) === id ? li : null;
  }
  function entryOf(li) { var id = idOf(li); return state[id] || (state[id] = {}); }

  function operator() { return read(OPERATOR, ""); }

  function steps() { return Array.prototype.slice.call(document.querySelectorAll("li[data-seq]")); }
  function live(text) { var el = document.querySelector("[data-live]"); if (el) el.textContent = text; }

  // ---- time --------------------------------------------------------------------------------
  function p2(n) { return (n < 10 ? "0" : "") + n; }
  // ISO 8601 in the browser's time zone with its offset (2024-05-01T23:15:02+09:00): what
  // the operator's clock said, and still one instant for anyone reading the log.
  // `ms`: with milliseconds, for the times merges compare (two copies may change the same
  // step within a second); people read whole seconds.
  function isoLocal(d, ms) {
    var off = -d.getTimezoneOffset(), sign = off < 0 ? "-" : "+";
    off = Math.abs(off);
    var frac = ms ? "." + String(1000 + d.getMilliseconds()).slice(1) : "";
    return d.getFullYear() + "-" + p2(d.getMonth() + 1) + "-" + p2(d.getDate()) + "T" +
      p2(d.getHours()) + ":" + p2(d.getMinutes()) + ":" + p2(d.getSeconds()) + frac +
      sign + p2(Math.floor(off / 60)) + ":" + p2(off % 60);
  }
  function asLocal(iso, ms) {
    var d = new Date(iso);
    return isNaN(d.getTime()) ? iso : isoLocal(d, ms);
  }
  function instant(iso) {
    var t = iso ? Date.parse(iso) : NaN;
    return isNaN(t) ? 0 : t;
  }
  function now() { return isoLocal(new Date(), true); }

  // ---- values ------------------------------------------------------------------------------
  function placeholderLabel(id) {
    var list = (window.TEJUN && window.TEJUN.placeholders) || [];
    for (var i = 0; i < list.length; i++) if (list[i].id === id) return list[i].label;
    return id;
  }
  // The filled values of the placeholders `li` uses, as placeholders.js shows them.
  function valuesIn(li) {
    var out = {}, els = li.querySelectorAll(".ph.ph-filled[data-ph]");
    for (var i = 0; i < els.length; i++) out[els[i].getAttribute("data-ph")] = els[i].textContent;
    return out;
  }
  function valuesText(values) {
    return Object.keys(values || {}).map(function (id) { return placeholderLabel(id) + " = " + values[id]; }).join(", ");
  }

  // ---- one step ----------------------------------------------------------------------------
  function titleOf(li) {
    var a = li.querySelector(".step-title .anchor"), num = a && a.querySelector(".step-num");
    if (!a) return "";
    return a.textContent.slice(num ? num.textContent.length : 0).trim();
  }
  function tools(li) {
    var t = li.querySelector(":scope > .step-tools");
    if (t) return t;
    var tpl = document.getElementById("runbook-step-tools");
    if (!tpl) return null;
    t = tpl.content.firstElementChild.cloneNode(true);
    var input = t.querySelector(".step-note-input");
    input.id = "note-" + idOf(li);
    input.setAttribute("aria-label", (S.note || "") + ": " + li.getAttribute("data-number") + ". " + titleOf(li));
    li.appendChild(t);
    return t;
  }

  function showChanged(li, entry) {
    // Ticked against another version of this step: say so instead of trusting the tick.
    var changed = !!(ticked(entry) && entry.hash && entry.hash !== (li.getAttribute("data-hash") || ""));
    li.classList.toggle("step-changed", changed);
    var flag = li.querySelector(".step-changed-note");
    if (changed && !flag) {
      flag = document.createElement("p");
      flag.className = "step-changed-note";
      flag.setAttribute("role", "status");
      flag.textContent = S.changed || "";
      var head = li.querySelector(".step-title") || li.firstElementChild;
      if (head && head.parentNode === li) head.insertAdjacentElement("afterend", flag);
      else li.insertBefore(flag, li.firstChild);
    } else if (!changed && flag) {
      flag.remove();
    }
  }

  function showTime(li, entry) {
    var time = li.querySelector(".ticked-at");
    if (!time) return;
    time.hidden = !ticked(entry);
    if (ticked(entry)) {
      var local = asLocal(entry.at);
      time.setAttribute("datetime", local);
      time.textContent = (S.tickedAt ? S.tickedAt + " " : "") + local.replace("T", " ").replace(/([+-]\d\d:\d\d|Z)$/, " $1");
    } else {
      time.removeAttribute("datetime");
      time.textContent = "";
    }
  }

  function showRecord(li, entry, box) {
    var record = box.querySelector(".step-record"), parts = [];
    if (ticked(entry) && entry.by) parts.push((S.operator || "") + ": " + entry.by);
    if (ticked(entry) && entry.values && Object.keys(entry.values).length) parts.push((S.valuesUsed || "") + ": " + valuesText(entry.values));
    record.textContent = parts.join(" · ");
    record.hidden = !parts.length;
  }

  function showNote(li, entry, box) {
    var note = (entry && entry.note) || "", input = box.querySelector(".step-note-input");
    // Never rewrite what the operator is typing (another tab's save arrives meanwhile).
    if (input !== document.activeElement && input.value !== note) input.value = note;
    if (note) box.querySelector(".step-note").open = true;
    var print = box.querySelector(".step-note-print");
    print.textContent = note ? (S.note || "") + ": " + note : "";
    print.hidden = !note;
  }

  function show(li) {
    var entry = state[idOf(li)], check = li.querySelector(".step-check");
    if (check) check.checked = ticked(entry);
    li.classList.toggle("step-done", ticked(entry));
    showChanged(li, entry);
    showTime(li, entry);
    var box = tools(li);
    if (box) { showRecord(li, entry, box); showNote(li, entry, box); }
    showProblems(li, entry);
  }

  // Known problems the operator marked as hit on this step.
  function showProblems(li, entry) {
    var hit = (entry && entry.problems) || [], boxes = li.querySelectorAll(".problem-hit");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].closest("li[data-seq]") !== li) continue;
      boxes[i].checked = hit.indexOf(boxes[i].getAttribute("data-problem")) >= 0;
      if (boxes[i].checked) boxes[i].closest("details").open = true;
    }
  }

  function progress() {
    var all = steps(), done = all.filter(function (li) { return ticked(state[idOf(li)]); }).length;
    var total = all.length, pct = total ? Math.round((done / total) * 100) : 0;
    var text = document.querySelector("[data-progress-text]"), bar = document.querySelector("[data-progress-bar]");
    var box = document.querySelector("[data-progress]");
    if (text) text.textContent = done + " / " + total;
    if (bar) bar.style.width = pct + "%";
    if (box) { box.setAttribute("aria-valuenow", String(done)); box.classList.toggle("complete", total > 0 && done === total); }
  }

  function showOperator() {
    var el = document.querySelector("[data-operator-name]");
    if (el) el.textContent = operator() || S.operatorNone || "";
  }

  function refresh() { steps().forEach(show); progress(); showOperator(); }

  // A command wider than the screen scrolls sideways; keyboard users must be able to
  // reach it to scroll it. Only those: every command a Tab stop would slow the night down.
  function scrollables() {
    var pres = document.querySelectorAll("main pre");
    for (var i = 0; i < pres.length; i++) {
      var wide = pres[i].scrollWidth > pres[i].clientWidth;
      if (wide) pres[i].setAttribute("tabindex", "0");
      else if (pres[i].getAttribute("tabindex") === "0") pres[i].removeAttribute("tabindex");
    }
  }

  // ---- ticking -----------------------------------------------------------------------------
  var askedThisVisit = false;
  function tick(li, on) {
    var entry = entryOf(li), at = now();
    entry.changed = at;
    if (on) {
      entry.at = at;
      entry.by = operator();
      entry.hash = li.getAttribute("data-hash") || "";
      entry.values = valuesIn(li);
    } else {
      delete entry.at; delete entry.by; delete entry.hash; delete entry.values;
    }
    save();
    show(li);
    progress();
    if (on && !operator() && !askedThisVisit) askOperator(li);
  }

  // The name is asked at the first tick, when it starts to matter, and given to that tick.
  function askOperator(li) {
    var dialog = document.querySelector("[data-operator-dialog]");
    if (!dialog || typeof dialog.showModal !== "function" || dialog.open) return;
    askedThisVisit = true;
    var input = dialog.querySelector("input");
    input.value = operator();
    var back = document.activeElement;
    dialog.tejunFor = li || null;
    dialog.showModal();
    input.focus();
    dialog.tejunBack = back;
  }
  function operatorChosen(dialog, name) {
    name = (name || "").trim();
    if (name) {
      write(OPERATOR, name);
      var li = dialog.tejunFor, entry = li && state[idOf(li)];
      if (ticked(entry) && !entry.by) { entry.by = name; save(); }
    }
    refresh();
  }

  // ---- where the operator is ---------------------------------------------------------------
  function barHeight() {
    var bar = document.querySelector("[data-status]");
    return bar ? bar.getBoundingClientRect().height : 0;
  }
  // The step at the top of the screen, just under the progress bar.
  function stepAtTop() {
    var edge = barHeight() + 1, all = steps();
    for (var i = 0; i < all.length; i++) if (all[i].getBoundingClientRect().bottom > edge) return all[i];
    return null;
  }
  function savePlace() {
    var li = window.scrollY > 0 ? stepAtTop() : null;
    if (!li) { try { localStorage.removeItem(PLACE); } catch (e) { /* nothing kept */ } return; }
    write(PLACE, { step: idOf(li), offset: Math.round(li.getBoundingClientRect().top - barHeight()) });
  }
  // Puts `li` at `offset` pixels below the progress bar (0: right under it).
  function scrollToStep(li, offset) {
    window.scrollTo(0, window.scrollY + li.getBoundingClientRect().top - barHeight() - (offset || 0));
  }
  function restorePlace() {
    if (location.hash.length > 1) return; // a link to a step wins over the last visit
    var place = read(PLACE, null), li = place && stepById(place.step);
    if (!li) return;
    scrollToStep(li, Math.min(place.offset || 0, 0));
    var check = li.querySelector(".step-check");
    if (check) check.focus({ preventScroll: true });
  }
  var placeTimer = 0;
  function placeLater() {
    clearTimeout(placeTimer);
    placeTimer = setTimeout(savePlace, 200);
  }

  // ---- the next unticked step --------------------------------------------------------------
  function nextUnticked() {
    var all = steps(), n = all.length;
    if (!n) return null;
    var inStep = document.activeElement && document.activeElement.closest && document.activeElement.closest("li[data-seq]");
    // After the step the operator is on; from the one at the top of the screen otherwise.
    var from = inStep ? all.indexOf(inStep) + 1 : Math.max(all.indexOf(stepAtTop()), 0);
    for (var i = 0; i < n; i++) {
      var li = all[(from + i) % n];
      if (!ticked(state[idOf(li)])) return li;
    }
    return null;
  }
  function goNext() {
    var li = nextUnticked();
    if (!li) { live(S.allTicked || ""); return; }
    live("");
    scrollToStep(li, 8);
    var check = li.querySelector(".step-check");
    if (check) check.focus({ preventScroll: true });
  }
  // Keys act on the page, never on what the operator is typing.
  function typing(el) {
    if (!(el instanceof Element)) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    return el.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset|range|color|file)$/i.test(el.type);
  }

  // ---- the log -----------------------------------------------------------------------------
  function sectionOf(li) {
    var section = li.closest("section.section"), a = section && section.querySelector("h2 .anchor");
    var num = a && a.querySelector(".num");
    return {
      number: num ? num.textContent.trim() : "",
      title: a ? a.textContent.slice(num ? num.textContent.length : 0).trim() : ""
    };
  }
  function rows() {
    return steps().map(function (li) {
      var entry = state[idOf(li)] || {}, section = sectionOf(li), on = ticked(entry);
      return {
        seq: parseInt(li.getAttribute("data-seq"), 10),
        section: section.number,
        sectionTitle: section.title,
        step: parseInt(li.getAttribute("value"), 10),
        id: idOf(li),
        title: titleOf(li),
        tickedAt: on ? asLocal(entry.at) : null,
        tickedBy: on ? entry.by || "" : null,
        values: on ? entry.values || {} : {},
        note: entry.note || "",
        problems: (entry.problems || []).join(" "),
        noteAt: entry.noteAt ? asLocal(entry.noteAt, true) : null,
        updatedAt: entry.changed ? asLocal(entry.changed, true) : null,
        // The version the tick was given to, so a merge can flag what changed since.
        hash: on && entry.hash ? entry.hash : li.getAttribute("data-hash") || ""
      };
    });
  }
  function csvCell(v) {
    var s = v === null || v === undefined ? "" : String(v);
    // A spreadsheet takes text starting with = + - @ (or a tab or CR before one) for a
    // formula: a title, a note or a value must open as text, never run.
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  var CSV = ["seq", "section", "section_title", "step", "title", "ticked_at", "ticked_by", "values", "note", "problems", "hash"];
  function csv(list) {
    var lines = [CSV.join(",")];
    list.forEach(function (r) {
      lines.push([r.seq, r.section, r.sectionTitle, r.step, r.title, r.tickedAt, r.tickedBy, valuesText(r.values), r.note, r.problems, r.hash].map(csvCell).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n"; // BOM: spreadsheet programs read UTF-8
  }
  function json(list) {
    return JSON.stringify({
      runbook: RB.id, book: RB.book, title: RB.title, environment: RB.env, built: RB.built,
      exportedAt: asLocal(now()), operator: operator(),
      done: list.filter(function (r) { return r.tickedAt; }).length, total: list.length,
      steps: list
    }, null, 2);
  }
  function exportLog(kind) {
    var list = rows(), body = kind === "csv" ? csv(list) : json(list);
    var type = kind === "csv" ? "text/csv;charset=utf-8" : "application/json";
    var name = "runbook-" + RB.id + "-" + asLocal(now()).slice(0, 19).replace(/[-:]/g, "").replace("T", "-") + "." + kind;
    var url = URL.createObjectURL(new Blob([body], { type: type }));
    var a = document.createElement("a");
    a.href = url; a.download = name; a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
    return body;
  }

  // ---- merging another copy's log ----------------------------------------------------------
  function str(v) { return typeof v === "string" ? v : ""; }
  function cleanValues(v) {
    var out = {};
    if (v && typeof v === "object") Object.keys(v).forEach(function (k) { if (typeof v[k] === "string") out[k] = v[k]; });
    return out;
  }
  // Each step's tick and note go to whichever copy changed it last; a tick given to
  // another version of the step keeps that version's hash, so it is flagged as changed.
  function mergeStep(entry, theirs) {
    var merged = false;
    var when = str(theirs.updatedAt) || str(theirs.tickedAt);
    if (instant(when) > instant(entry.changed || entry.at)) {
      entry.changed = when;
      if (str(theirs.tickedAt)) {
        entry.at = theirs.tickedAt;
        entry.by = str(theirs.tickedBy);
        entry.hash = str(theirs.hash);
        entry.values = cleanValues(theirs.values);
      } else {
        delete entry.at; delete entry.by; delete entry.hash; delete entry.values;
      }
      merged = true;
    }
    if (instant(str(theirs.noteAt)) > instant(entry.noteAt)) {
      entry.note = str(theirs.note);
      entry.noteAt = theirs.noteAt;
      merged = true;
    }
    return merged;
  }
  // Returns the message to show: how many steps changed, or why nothing did.
  function importLog(text) {
    var log;
    try { log = JSON.parse(text); } catch (e) { log = null; }
    if (!log || !Array.isArray(log.steps)) return S.importBad || "";
    if (log.book !== RB.book || log.runbook !== RB.id || log.environment !== RB.env) {
      return (S.importOther || "").replace("{}", str(log.title) || str(log.runbook));
    }
    var count = 0;
    log.steps.forEach(function (theirs) {
      var li = theirs && typeof theirs.id === "string" && stepById(theirs.id);
      if (!li) return;
      var entry = Object.assign({}, state[theirs.id] || {});
      if (mergeStep(entry, theirs)) { state[theirs.id] = entry; count++; }
    });
    save();
    refresh();
    return (S.imported || "").replace("{}", String(count));
  }
  function importFile(input) {
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () { live(importLog(String(reader.result))); input.value = ""; };
    reader.onerror = function () { live(S.importBad || ""); input.value = ""; };
    reader.readAsText(file);
  }

  // ---- copy buttons, as on the site (runbooks do not load tejun.js) ------------------------
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed"; area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  }
  // What a copy button says once it has copied: the page's words, on its body (a theme's
  // button may carry its own).
  function said(button, name) {
    return button.getAttribute(name) || document.body.getAttribute(name);
  }

  function flash(button) {
    // The resting label is kept once, so a second click while "copied" shows never takes
    // "copied" for the label; only the newest click's timer puts the label back.
    if (!button.hasAttribute("data-label")) button.setAttribute("data-label", button.textContent);
    var label = button.getAttribute("data-label");
    clearTimeout(button.tejunFlash);
    // A command with a value not filled in yet is copied, with a warning.
    var unfilled = button.closest(".cmd").querySelector(".ph:not(.ph-filled)");
    button.classList.toggle("warn", !!unfilled);
    button.classList.add("done");
    button.textContent = (unfilled && said(button, "data-unfilled")) || said(button, "data-copied") || label;
    button.tejunFlash = setTimeout(function () { button.textContent = label; button.classList.remove("done", "warn"); }, unfilled ? 3000 : 1500);
  }
  function copyCommand(button) {
    var block = button.closest(".cmd");
    if (!block) return;
    var lines = block.querySelectorAll(".cmd-text"), out = [];
    for (var i = 0; i < lines.length; i++) out.push(lines[i].textContent);
    var text = out.join("\n");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { flash(button); }, function () {
        if (fallbackCopy(text)) flash(button);
      });
    } else if (fallbackCopy(text)) {
      flash(button);
    }
  }

  // ---- events ------------------------------------------------------------------------------
  document.addEventListener("change", function (ev) {
    var t = ev.target;
    if (!(t instanceof HTMLInputElement)) return;
    if (t.hasAttribute("data-import-file")) { importFile(t); return; }
    if (t.classList.contains("problem-hit")) {
      var step = t.closest("li[data-seq]");
      if (!step) return;
      var entry = entryOf(step), hit = [], boxes = step.querySelectorAll(".problem-hit");
      for (var i = 0; i < boxes.length; i++) {
        if (boxes[i].checked && boxes[i].closest("li[data-seq]") === step) hit.push(boxes[i].getAttribute("data-problem"));
      }
      entry.problems = hit;
      entry.problemsAt = now();
      save();
      show(step);
      return;
    }
    if (!t.classList.contains("step-check")) return;
    var li = t.closest("li[data-seq]");
    if (li) tick(li, t.checked);
  });
  document.addEventListener("input", function (ev) {
    var t = ev.target;
    // A value typed in (placeholders.js has shown it by now) can make a command wider.
    if (t instanceof Element && t.closest("[data-values-form]")) { scrollables(); return; }
    if (!(t instanceof HTMLTextAreaElement) || !t.classList.contains("step-note-input")) return;
    var li = t.closest("li[data-seq]");
    if (!li) return;
    var entry = entryOf(li);
    entry.note = t.value;
    entry.noteAt = now();
    save();
    show(li);
  });
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var exp = t.closest("[data-export]");
    if (exp) { exportLog(exp.getAttribute("data-export")); return; }
    if (t.closest("[data-next]")) { goNext(); return; }
    if (t.closest("[data-import]")) { var file = document.querySelector("[data-import-file]"); if (file) file.click(); return; }
    if (t.closest("[data-operator-change]")) { askOperator(null); return; }
    var choice = t.closest("[data-operator]");
    if (choice) { answer(choice.closest("dialog"), choice.getAttribute("data-operator") === "save"); return; }
    if (t.closest("[data-clear]") && window.confirm(S.clearConfirm || "")) {
      state = {};
      save();
      refresh();
      return;
    }
    var copy = t.closest("button.copy");
    if (copy) copyCommand(copy);
  });
  function answer(dialog, keep) {
    operatorChosen(dialog, keep ? dialog.querySelector("input").value : "");
    dialog.close();
  }
  document.addEventListener("close", function (ev) {
    var dialog = ev.target;
    if (!(dialog instanceof Element) || !dialog.hasAttribute("data-operator-dialog")) return;
    var back = dialog.tejunBack;
    if (back && back.focus && document.contains(back)) back.focus();
  }, true);
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && ev.target instanceof Element && ev.target.id === "operator-name" && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      answer(ev.target.closest("dialog"), true);
      return;
    }
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || ev.isComposing) return;
    if (typing(ev.target) || document.querySelector("dialog[open]")) return;
    var next = document.querySelector("[data-next]");
    if (next && (ev.key || "").toLowerCase() === next.getAttribute("data-key")) { ev.preventDefault(); goNext(); }
  });
  window.addEventListener("scroll", placeLater, { passive: true });
  window.addEventListener("pagehide", savePlace);
  window.addEventListener("resize", function () { clearTimeout(scrollables.timer); scrollables.timer = setTimeout(scrollables, 200); });
  // Another tab of the same runbook ticked something, or merged a log.
  window.addEventListener("storage", function (ev) {
    if (ev.key === KEY) { state = read(KEY, {}); refresh(); }
    if (ev.key === OPERATOR) showOperator();
  });

  // The browser's own scroll restoration would fight the step-based one.
  if ("scrollRestoration" in history) history.scrollRestoration = "manual";
  window.tejunRunbook = { key: KEY, rows: rows, exportLog: exportLog, importLog: importLog, refresh: refresh, next: goNext };
  function start() { refresh(); scrollables(); restorePlace(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
