// What the reader's environment leaves out, said rather than silently dropped. After
// picker.js has applied an environment (its `tejun:env` event), this script:
// - shows the banner of a page the environment rules out (env_banner.html): the clauses it
//   breaks, and the pages that apply instead, taken from the sidebar (toc.js);
// - marks the sidebar's entries that do not apply (kept, so "you are here" stays) and
//   points previous/next at the nearest pages that do apply, in the sidebar's order, which
//   is the book's reading order;
// - says in each section how many steps the environment hides, with a button that shows
//   them greyed, each with the condition it needs in words (the badges' own labels);
// - gives each step whose number filtering changed its number in the whole book;
// - opens a hidden step a link points at, with a note saying why it was hidden.
// Words come from `window.TEJUN.strings`; nothing is fetched (the site works from file://).
(function () {
  "use strict";
  var S = (window.TEJUN && window.TEJUN.strings) || {};
  var GONE = ".env-hidden, .env-empty";

  function fill(pattern, value) { return (pattern || "{}").replace("{}", value); }
  function gone(el) { return !!el.closest(GONE); }
  function text(el) { return el.textContent.replace(/\s+/g, " ").trim(); }
  function holds(src, env) {
    var c = window.tejunCondition;
    return c.evaluate(c.parse(src), env);
  }
  function uniq(list) {
    return list.filter(function (x, i) { return x && list.indexOf(x) === i; });
  }

  // ---- the page's banner ------------------------------------------------------------------
  // The sidebar's page links, in reading order (the print page's link is not a page of it).
  function sidebarLinks() {
    var links = document.querySelectorAll("#sidebar-toc a[href]"), out = [];
    for (var i = 0; i < links.length; i++) {
      if (links[i].getAttribute("href").split(/[?#]/)[0] !== "print.html") out.push(links[i]);
    }
    return out;
  }
  // The procedures that apply, nearest first: the current page's group's, else its
  // chapter's, else every one in the book.
  function instead(current) {
    var procs = function (root) {
      var items = root ? root.querySelectorAll("[data-env-item] > a[href]") : [], out = [];
      for (var i = 0; i < items.length; i++) if (!gone(items[i]) && items[i] !== current) out.push(items[i]);
      return out;
    };
    var near = current && current.closest(".toc-group"), chapter = current && current.closest(".toc-chapter");
    var found = procs(near);
    if (!found.length) found = procs(chapter);
    if (!found.length) found = procs(document.getElementById("sidebar-toc"));
    return found;
  }
  function banner(env, current) {
    var box = document.querySelector("[data-env-banner]");
    if (!box) return;
    var off = holds(box.getAttribute("data-page-when"), env) === false;
    box.hidden = !off;
    if (!off) return;
    var reasons = box.querySelectorAll("[data-reason-when]"), shown = 0, k;
    for (k = 0; k < reasons.length; k++) {
      reasons[k].hidden = holds(reasons[k].getAttribute("data-reason-when"), env) !== false;
      if (!reasons[k].hidden) shown++;
    }
    // A clause only the whole condition breaks (`a or b` split over facets): name them all.
    if (!shown) for (k = 0; k < reasons.length; k++) reasons[k].hidden = false;
    var list = box.querySelector("[data-env-instead-list]"), wrap = box.querySelector("[data-env-instead]");
    var links = instead(current);
    list.textContent = "";
    links.forEach(function (a) {
      var li = document.createElement("li"), copy = a.cloneNode(true);
      copy.removeAttribute("aria-current");
      li.appendChild(copy);
      list.appendChild(li);
    });
    wrap.hidden = links.length === 0;
  }

  // ---- sidebar marks and previous/next ------------------------------------------------------
  function markSidebar() {
    var items = document.querySelectorAll("#sidebar-toc li");
    for (var i = 0; i < items.length; i++) {
      var li = items[i], a = li.querySelector(":scope > a"), off = gone(li);
      li.classList.toggle("env-off", off);
      var note = a && a.querySelector(":scope > .env-off-note");
      if (a && off && !note) {
        note = document.createElement("span");
        note.className = "visually-hidden env-off-note";
        note.textContent = " " + (S.offEnv || "");
        a.appendChild(note);
      } else if (note && !off) {
        note.remove();
      }
    }
  }
  // Points the pager's link `sel` at `a` (a sidebar link), or leaves it as built.
  function retarget(sel, a) {
    var link = document.querySelector(sel);
    if (!link || !a) return;
    link.setAttribute("href", a.getAttribute("href"));
    var title = link.querySelector(".pager-title");
    if (!title) return;
    title.textContent = "";
    a.childNodes.forEach(function (n) {
      if (!(n instanceof Element && n.classList.contains("env-off-note"))) title.appendChild(n.cloneNode(true));
    });
  }
  function pager(links, current) {
    var at = links.indexOf(current);
    if (at < 0) return;
    var i;
    for (i = at - 1; i >= 0 && gone(links[i]); i--) { /* the nearest earlier page that applies */ }
    retarget(".pager-prev", links[i]);
    for (i = at + 1; i < links.length && gone(links[i]); i++) { /* the nearest later one */ }
    retarget(".pager-next", links[i]);
  }

  // ---- hidden steps: counted, shown on demand, each saying why -------------------------------
  // The clauses of `step` (and the branch and section around it) that the environment
  // breaks, in the words of their badges.
  function reasons(step) {
    var out = [], holders = [step, step.closest(".branch"), step.closest(".section")];
    holders.forEach(function (h) {
      if (!h || !h.matches(GONE)) return;
      var head = h.querySelector(":scope > .step-title, :scope > .branch-label, :scope > h2");
      var badges = head ? head.querySelectorAll(".badge.env-hidden") : [];
      for (var i = 0; i < badges.length; i++) out.push(text(badges[i]));
    });
    if (step.classList.contains("env-empty")) {
      var labels = step.querySelectorAll(":scope > .step-body > .variant > .variant-label"), names = [];
      for (var j = 0; j < labels.length; j++) {
        var copy = labels[j].cloneNode(true), b = copy.querySelector(".badges");
        if (b) b.remove();
        names.push(text(copy));
      }
      out.push(fill(S.noVariant, uniq(names).join(" / ")));
    }
    return uniq(out).join(S.reasonSep || ", ");
  }
  function note(step, cls, pattern) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = fill(pattern, reasons(step));
    var title = step.querySelector(":scope > .step-title");
    step.insertBefore(p, title ? title.nextSibling : step.firstChild);
    return p;
  }
  function setReveal(section, open) {
    section.classList.toggle("env-reveal", open);
    var button = section.querySelector(":scope > .env-trace button");
    if (button) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? S.hideHidden : S.showHidden;
    }
  }
  function traces() {
    var old = document.querySelectorAll("#main .env-trace, #main .env-why");
    for (var o = 0; o < old.length; o++) old[o].remove();
    var sections = document.querySelectorAll("#main .section");
    for (var i = 0; i < sections.length; i++) {
      var section = sections[i], steps = section.querySelectorAll("[data-step]"), hidden = 0;
      for (var k = 0; k < steps.length; k++) {
        if (!gone(steps[k])) continue;
        hidden++;
        note(steps[k], "env-why", S.hiddenBecause);
      }
      if (!hidden) { setReveal(section, false); continue; }
      var p = document.createElement("p"), words = document.createElement("span"), button = document.createElement("button");
      p.className = "env-trace";
      words.textContent = hidden === 1 ? S.hiddenOne : fill(S.hiddenMany, hidden);
      button.type = "button";
      var heading = section.querySelector(":scope > h2");
      // The section's anchor is its heading's; what the button controls is the section,
      // named here with a `:`, which no anchor of a book holds.
      if (heading && heading.id) {
        section.id = heading.id + ":steps";
        button.setAttribute("aria-controls", section.id);
      }
      p.appendChild(words);
      p.appendChild(document.createTextNode(" "));
      p.appendChild(button);
      section.insertBefore(p, heading ? heading.nextSibling : section.firstChild);
      setReveal(section, section.classList.contains("env-reveal"));
    }
  }
  // Each step shown gets its number in the whole book when filtering changed it: the
  // number search results, runbooks and other readers use.
  function bookNumbers() {
    var steps = document.querySelectorAll("#main [data-step][data-number]");
    for (var i = 0; i < steps.length; i++) {
      var st = steps[i], num = st.querySelector(":scope > .step-title .step-num");
      var mark = st.querySelector(":scope > .step-title > .step-book-num");
      var book = st.getAttribute("data-number"), changed = !gone(st) && num && text(num) !== book + ".";
      // A hidden step shown on demand goes by its book number (picker.js numbers only
      // the steps that apply).
      if (gone(st) && num) num.textContent = book + ".";
      if (changed && !mark) {
        mark = document.createElement("span");
        mark.className = "step-book-num";
        mark.title = S.bookNumberHint || "";
        var anchor = st.querySelector(":scope > .step-title > a");
        st.querySelector(":scope > .step-title").insertBefore(mark, anchor ? anchor.nextSibling : null);
      }
      if (mark && !changed) mark.remove();
      else if (mark) mark.textContent = fill(S.bookNumber, book);
    }
  }

  // ---- a link to a hidden step --------------------------------------------------------------
  // The element the address names: a step's or a section's heading (or a reference), whose
  // step and section are found from it.
  function target() {
    if (!location.hash) return null;
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return null; }
    var el = document.getElementById(id), main = document.getElementById("main");
    return el && main && main.contains(el) ? el : null;
  }
  function reveal() {
    var old = document.querySelector("#main .env-linked");
    if (old) old.remove();
    var el = target();
    if (!el || !gone(el)) return;
    var section = el.closest(".section");
    if (section) setReveal(section, true);
    var step = el.closest("[data-step]");
    if (step) {
      var p = note(step, "env-linked", S.linkedHidden);
      p.setAttribute("role", "note");
    }
    el.scrollIntoView({ block: "start" });
  }

  document.addEventListener("tejun:env", function (ev) {
    var env = ev.detail || {}, links = sidebarLinks();
    var current = document.querySelector('#sidebar-toc a[aria-current="page"]');
    markSidebar();
    pager(links, current);
    banner(env, current);
    traces();
    bookNumbers();
    reveal();
  });
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    var button = t instanceof Element && t.closest("#main .env-trace button");
    if (!button) return;
    var section = button.closest(".section");
    setReveal(section, !section.classList.contains("env-reveal"));
  });
  window.addEventListener("hashchange", reveal);
})();
