// tejun serve: reloads this page when it (or the book's shared assets) changed, keeping the
// scroll position; shows the build's errors over the page; reconnects by itself after the
// server restarts. Injected by the dev server only; never part of a built site.
(function () {
  "use strict";
  var me = window.__tejun || {};
  var key = "tejun-scroll:" + me.page;
  var delay = 500;

  try {
    var y = sessionStorage.getItem(key);
    if (y !== null) {
      sessionStorage.removeItem(key);
      var restore = function () { window.scrollTo(0, Number(y) || 0); };
      restore();
      window.addEventListener("load", restore);
    }
  } catch (e) { /* storage refused: reload at the top */ }

  function reload() {
    try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) { /* ignore */ }
    window.location.reload();
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = text; // never innerHTML
    return n;
  }

  // Same markup as the server's (serve/inject.rs), built with textContent only.
  function showErrors(errors) {
    var old = document.getElementById("tejun-overlay");
    if (old) old.parentNode.removeChild(old);
    if (!errors || !errors.length) return;
    var box = el("div", "tejun-overlay");
    box.id = "tejun-overlay";
    box.setAttribute("role", "alert");
    var head = el("div", "tejun-overlay-head",
      "tejun: " + errors.length + (errors.length === 1 ? " error" : " errors") +
      " (the last good build is shown)");
    var close = el("button", "tejun-overlay-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "close");
    close.onclick = function () { box.parentNode.removeChild(box); };
    head.appendChild(close);
    box.appendChild(head);
    var list = el("ol", "tejun-overlay-list");
    for (var i = 0; i < errors.length; i++) {
      var e = errors[i];
      var li = el("li");
      if (e.location) li.appendChild(el("code", "tejun-overlay-loc", e.location));
      li.appendChild(el("div", "tejun-overlay-msg", e.message));
      if (e.source_line !== null && e.source_line !== undefined) {
        li.appendChild(el("pre", "tejun-overlay-src", e.source_line));
      }
      if (e.hint) li.appendChild(el("div", "tejun-overlay-hint", "hint: " + e.hint));
      list.appendChild(li);
    }
    box.appendChild(list);
    document.body.appendChild(box);
  }

  function touches(changed) {
    for (var i = 0; i < changed.length; i++) {
      if (changed[i] === me.page || changed[i].indexOf("assets/") === 0) return true;
    }
    return false;
  }

  function connect() {
    if (!window.EventSource) return;
    var es = new EventSource("/__tejun/events?page=" + encodeURIComponent(me.page || ""));
    es.addEventListener("hello", function (ev) {
      delay = 500;
      var m = JSON.parse(ev.data);
      // A restarted server, or a change missed while disconnected.
      if (m.boot !== me.boot || m.page !== me.v || m.assets !== me.a) return reload();
      showErrors(m.errors);
    });
    es.addEventListener("update", function (ev) {
      var m = JSON.parse(ev.data);
      showErrors(m.errors);
      if (touches(m.changed || [])) reload();
    });
    es.onerror = function () {
      if (es.readyState === 2) { // CLOSED: the browser gave up; try again ourselves.
        es.close();
        setTimeout(connect, delay);
        delay = Math.min(delay * 2, 5000);
      }
    };
  }
  connect();
})();
