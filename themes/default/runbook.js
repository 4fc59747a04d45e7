// tejun runbook: a checkbox per step whose tick (and the time it was ticked) survives
// reloads in localStorage, keyed by the runbook's id and environment; a progress bar; and
// an export of the log as JSON or CSV for the change ticket. Inlined into the runbook
// file: no network, no libraries, works from file://.
(function () {
  "use strict";
  var RB = window.TEJUN_RUNBOOK || { book: "book", id: "runbook", env: "", strings: {} };
  var S = RB.strings || {};
  var KEY = "tejun-runbook:" + RB.book + ":" + RB.id + ":" + RB.env;

  // { "<step anchor>": { "at": ISO time, "hash": content hash when ticked } }
  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  var state = load();
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* storage refused: ticks last this visit */ }
  }

  function steps() { return Array.prototype.slice.call(document.querySelectorAll("li[data-seq]")); }

  function localTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    function p(n) { return (n < 10 ? "0" : "") + n; }
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
  }

  function show(li) {
    var entry = state[li.id], box = li.querySelector(".step-check"), time = li.querySelector(".ticked-at");
    if (box) box.checked = !!entry;
    li.classList.toggle("step-done", !!entry);
    // Ticked against an older version of this step: say so instead of trusting the tick.
    var changed = !!(entry && entry.hash && entry.hash !== (li.getAttribute("data-hash") || ""));
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
    if (time) {
      if (entry) {
        time.hidden = false;
        time.setAttribute("datetime", entry.at);
        time.textContent = (S.tickedAt ? S.tickedAt + " " : "") + localTime(entry.at);
      } else {
        time.hidden = true;
        time.removeAttribute("datetime");
        time.textContent = "";
      }
    }
  }

  function progress() {
    var all = steps(), done = all.filter(function (li) { return !!state[li.id]; }).length;
    var total = all.length, pct = total ? Math.round((done / total) * 100) : 0;
    var text = document.querySelector("[data-progress-text]"), bar = document.querySelector("[data-progress-bar]");
    var box = document.querySelector("[data-progress]");
    if (text) text.textContent = done + " / " + total;
    if (bar) bar.style.width = pct + "%";
    if (box) { box.setAttribute("aria-valuenow", String(done)); box.classList.toggle("complete", total > 0 && done === total); }
  }

  function refresh() { steps().forEach(show); progress(); }

  // ---- the log ---------------------------------------------------------------------------
  function rows() {
    return steps().map(function (li) {
      var section = li.closest("section.section"), num = section && section.querySelector(".num");
      var title = li.querySelector(".step-title .anchor");
      var text = title ? title.textContent.replace(/^\s*\d+\.\s*/, "").trim() : "";
      var entry = state[li.id];
      return {
        seq: parseInt(li.getAttribute("data-seq"), 10),
        section: num ? num.textContent.trim() : "",
        step: parseInt(li.getAttribute("value"), 10),
        id: li.id,
        title: text,
        tickedAt: entry ? entry.at : null,
        hash: li.getAttribute("data-hash") || ""
      };
    });
  }
  function csvCell(v) {
    var s = v === null || v === undefined ? "" : String(v);
    // A spreadsheet takes text starting with = + - @ (or a tab or CR before one) for a
    // formula: a step title must open as text, never run.
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function exportLog(kind) {
    var list = rows(), body, type;
    if (kind === "csv") {
      var lines = [["seq", "section", "step", "title", "ticked_at", "hash"].join(",")];
      list.forEach(function (r) {
        lines.push([r.seq, r.section, r.step, r.title, r.tickedAt, r.hash].map(csvCell).join(","));
      });
      body = "\ufeff" + lines.join("\r\n") + "\r\n"; // BOM: spreadsheet programs read UTF-8
      type = "text/csv;charset=utf-8";
    } else {
      body = JSON.stringify({
        runbook: RB.id, book: RB.book, title: RB.title, environment: RB.env, built: RB.built,
        exportedAt: new Date().toISOString(),
        done: list.filter(function (r) { return r.tickedAt; }).length, total: list.length,
        steps: list
      }, null, 2);
      type = "application/json";
    }
    var name = "runbook-" + RB.id + "-" + new Date().toISOString().slice(0, 19).replace(/[:T]/g, "") + "." + kind;
    var url = URL.createObjectURL(new Blob([body], { type: type }));
    var a = document.createElement("a");
    a.href = url; a.download = name; a.style.display = "none";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
    return body;
  }

  document.addEventListener("change", function (ev) {
    var box = ev.target;
    if (!(box instanceof HTMLInputElement) || !box.classList.contains("step-check")) return;
    var li = box.closest("li[data-seq]");
    if (!li) return;
    if (box.checked) state[li.id] = { at: new Date().toISOString(), hash: li.getAttribute("data-hash") || "" };
    else delete state[li.id];
    save();
    show(li);
    progress();
  });
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var exp = t.closest("[data-export]");
    if (exp) { exportLog(exp.getAttribute("data-export")); return; }
    if (t.closest("[data-clear]") && window.confirm(S.clearConfirm || "Clear?")) {
      state = {};
      save();
      refresh();
    }
    var copy = t.closest("button.copy");
    if (copy) copyCommand(copy);
  });
  // Another tab of the same runbook ticked something.
  window.addEventListener("storage", function (ev) {
    if (ev.key === KEY) { state = load(); refresh(); }
  });

  // Copy buttons, as on the site (runbooks do not load tejun.js).
  function copyCommand(button) {
    var block = button.closest(".cmd");
    if (!block) return;
    var lines = block.querySelectorAll(".cmd-text"), out = [];
    for (var i = 0; i < lines.length; i++) out.push(lines[i].textContent);
    var area = document.createElement("textarea");
    area.value = out.join("\n");
    area.style.position = "fixed"; area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing to do */ }
    area.remove();
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied") || label;
    setTimeout(function () { button.textContent = label; }, 1500);
  }

  window.tejunRunbook = { key: KEY, rows: rows, exportLog: exportLog, refresh: refresh };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
})();
