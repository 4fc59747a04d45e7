// Moving around the site without losing one's place:
// - the phone's menu drawer: a backdrop behind it, closed by a tap outside, by Escape or by
//   its button, focus kept inside it while open (the page behind is inert) and given back
//   to the button when it closes;
// - ← and → open the previous and next page: the pager's links, which applies.js points
//   at the nearest pages the reader's environment keeps, so the keys follow the same
//   reading order; never while the reader types, composes, or holds a modifier, and never
//   where the arrows already mean something (a list box, a block scrolled sideways);
// - a procedure page's list of its sections (page_toc.html): open beside the text on wide
//   screens, a box to open on narrow ones, the section being read marked, the sections
//   the environment hides marked as such;
// - a link back to the top once the reader has scrolled a screen down;
// - the language switch keeps the page, the environment (the picker writes it into the
//   address) and the step or section being read (the address's fragment).
// Words come from the templates and `window.TEJUN.strings`; nothing is fetched.
(function () {
  "use strict";
  var S = (window.TEJUN && window.TEJUN.strings) || {};
  // The widths style.css lays out for: the drawer below the first, the section list
  // beside the text from the second.
  var NARROW = "(max-width: 60rem)", WIDE = "(min-width: 80rem)";
  var GONE = ".env-hidden, .env-empty";
  // A change of `query`'s match (older Safari has only addListener).
  function onMedia(query, fn) {
    var mq = window.matchMedia(query);
    if (mq.addEventListener) mq.addEventListener("change", fn);
    else if (mq.addListener) mq.addListener(fn);
    return mq;
  }

  // ---- the menu drawer ----------------------------------------------------------------------
  var inerted = [];
  // Makes everything but `keep` (and what holds them) inert, or undoes it.
  function isolate(keep, on) {
    inerted.forEach(function (el) { el.inert = false; });
    inerted = [];
    if (!on) return;
    keep.forEach(function (node) {
      for (; node && node !== document.body; node = node.parentElement) {
        var kids = node.parentElement ? node.parentElement.children : [];
        for (var i = 0; i < kids.length; i++) {
          var k = kids[i];
          if (k === node || k.tagName === "SCRIPT" || k.inert) continue;
          if (keep.some(function (n) { return k.contains(n); })) continue;
          k.inert = true;
          inerted.push(k);
        }
      }
    });
  }
  function drawer() {
    return {
      toggle: document.querySelector(".nav-toggle"),
      sidebar: document.getElementById("sidebar"),
      backdrop: document.querySelector("[data-nav-backdrop]")
    };
  }
  function isOpen() { return document.body.classList.contains("nav-open"); }
  function setDrawer(open, refocus) {
    var d = drawer();
    if (!d.toggle || !d.sidebar) return;
    document.body.classList.toggle("nav-open", open);
    d.toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (d.backdrop) d.backdrop.hidden = !open;
    isolate([d.toggle, d.sidebar], open);
    if (open) {
      var current = d.sidebar.querySelector('[aria-current="page"]') || d.sidebar.querySelector("a");
      if (current) current.focus();
    } else if (refocus) {
      d.toggle.focus();
    }
  }
  // What Tab may reach while the drawer is open: its button, then the drawer's links.
  function trapped() {
    var d = drawer(), out = [d.toggle];
    var links = d.sidebar.querySelectorAll("a[href], button, input, select");
    for (var i = 0; i < links.length; i++) if (links[i].getClientRects().length) out.push(links[i]);
    return out;
  }
  function trapTab(ev) {
    var list = trapped(), first = list[0], last = list[list.length - 1];
    var at = list.indexOf(document.activeElement);
    if (ev.shiftKey && (at <= 0)) { ev.preventDefault(); last.focus(); }
    else if (!ev.shiftKey && (at < 0 || document.activeElement === last)) { ev.preventDefault(); first.focus(); }
  }

  document.addEventListener("click", function (ev) {
    var t = ev.target instanceof Element ? ev.target : null, d = drawer();
    if (t && t.closest(".nav-toggle")) { setDrawer(!isOpen(), false); return; }
    // A tap outside the open drawer (on its backdrop, or the bar above) closes it.
    if (isOpen() && d.sidebar && !(t && d.sidebar.contains(t))) {
      ev.preventDefault();
      setDrawer(false, true);
    }
  });
  onMedia(NARROW, function (mq) {
    if (!mq.matches && isOpen()) setDrawer(false, false);
  });

  // ---- keys ---------------------------------------------------------------------------------
  function typing(el) {
    return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  // Where ← and → already do something of their own.
  var OWN_ARROWS = "[data-scroll-focus], [role=listbox], [role=combobox], [role=slider], [role=tablist], [role=menu], [role=menubar], [role=radiogroup], [role=grid], [role=tree]";
  function pageKey(ev) {
    if (ev.key !== "ArrowLeft" && ev.key !== "ArrowRight") return;
    if (ev.defaultPrevented || ev.isComposing || ev.keyCode === 229) return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    var a = document.activeElement;
    if (typing(a) || (a && a.closest && a.closest(OWN_ARROWS)) || isOpen()) return;
    var link = document.querySelector(ev.key === "ArrowLeft" ? ".pager-prev" : ".pager-next");
    if (!link) return;
    ev.preventDefault();
    location.href = link.href;
  }
  document.addEventListener("keydown", function (ev) {
    if (isOpen() && ev.key === "Escape") { ev.preventDefault(); setDrawer(false, true); return; }
    if (isOpen() && ev.key === "Tab") { trapTab(ev); return; }
    pageKey(ev);
  });

  // ---- the section list ---------------------------------------------------------------------
  // The link names the section's heading; the section is around it.
  function sectionOf(link) {
    var heading = document.getElementById(link.getAttribute("href").slice(1));
    return heading && heading.closest(".section");
  }
  // A section is hidden when the environment rules it out, or every step of it.
  function hidden(section) {
    if (!section) return false;
    if (section.matches(GONE)) return true;
    var steps = section.querySelectorAll("[data-step]");
    for (var i = 0; i < steps.length; i++) if (!steps[i].closest(GONE)) return false;
    return steps.length > 0;
  }
  function markHidden(box) {
    var links = box.querySelectorAll("a[href^='#']");
    for (var i = 0; i < links.length; i++) {
      var a = links[i], off = hidden(sectionOf(a));
      a.parentElement.classList.toggle("env-off", off);
      var note = a.querySelector(".env-off-note");
      if (off && !note) {
        note = document.createElement("span");
        note.className = "visually-hidden env-off-note";
        note.textContent = " " + (S.offEnv || "");
        a.appendChild(note);
      } else if (!off && note) {
        note.remove();
      }
    }
  }
  // The section being read: the last whose heading has passed the top fifth of the screen.
  function markCurrent(box) {
    var links = box.querySelectorAll("a[href^='#']"), line = window.innerHeight / 5, current = null;
    for (var i = 0; i < links.length; i++) {
      var s = sectionOf(links[i]);
      if (s && s.getClientRects().length && s.getBoundingClientRect().top <= line) current = links[i];
    }
    for (var k = 0; k < links.length; k++) {
      if (links[k] === current) links[k].setAttribute("aria-current", "location");
      else links[k].removeAttribute("aria-current");
    }
  }
  function sectionList() {
    var box = document.querySelector("[data-page-toc]");
    if (!box) return;
    box.open = onMedia(WIDE, function (mq) { box.open = mq.matches; }).matches;
    document.addEventListener("tejun:env", function () { markHidden(box); });
    markHidden(box);
    markCurrent(box);
    var queued = false;
    window.addEventListener("scroll", function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; markCurrent(box); });
    }, { passive: true });
  }

  // ---- back to the top ----------------------------------------------------------------------
  function toTop() {
    var link = document.querySelector("[data-to-top]");
    if (!link) return;
    var update = function () { link.classList.toggle("to-top-shown", window.scrollY > window.innerHeight); };
    window.addEventListener("scroll", update, { passive: true });
    update();
  }

  // ---- the language switch -----------------------------------------------------------------
  // The address is read at the click, not at load: the picker and deep links change it.
  function languageSwitch() {
    document.querySelectorAll("[data-lang-link]").forEach(function (a) {
      // The picker may have given the link the environment already: take the page alone.
      var follow = function () {
        var page = a.getAttribute("href").split(/[?#]/)[0];
        a.setAttribute("href", page + location.search + location.hash);
      };
      a.addEventListener("click", follow);
      a.addEventListener("focus", follow);
      a.addEventListener("mouseenter", follow);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    sectionList();
    toTop();
    languageSwitch();
  });
})();
