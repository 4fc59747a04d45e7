// tejun: copy buttons on commands, the colour scheme switch, and blocks that scroll
// sideways reachable by keyboard. No network, no libraries: the site must work opened
// straight from disk (file://). Moving around (drawer, keys, section list) is nav.js.
(function () {
  "use strict";

  function commandText(block) {
    var lines = block.querySelectorAll(".cmd-text");
    var out = [];
    for (var i = 0; i < lines.length; i++) out.push(lines[i].textContent);
    return out.join("\n");
  }

  // execCommand works from file:// where the clipboard API may be refused.
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  // What a copy button says once it has copied: the page's words, on its body (a theme's
  // button may carry its own).
  function said(button, name) {
    return button.getAttribute(name) || document.body.getAttribute(name);
  }

  function flash(button) {
    // The resting label is kept once: a second click while "copied" shows must not take
    // "copied" for the label, and only the newest click's timer may put the label back.
    if (!button.hasAttribute("data-label")) button.setAttribute("data-label", button.textContent);
    var label = button.getAttribute("data-label");
    clearTimeout(button.tejunFlash);
    // A command with a value the reader has not filled in yet is copied, with a warning.
    var block = button.closest(".cmd");
    var unfilled = block && block.querySelector(".ph:not(.ph-filled), .fv:not(.fv-filled)");
    button.classList.toggle("warn", !!unfilled);
    button.textContent = (unfilled && said(button, "data-unfilled")) || said(button, "data-copied") || label;
    button.classList.add("done");
    button.tejunFlash = setTimeout(function () { button.textContent = label; button.classList.remove("done", "warn"); }, unfilled ? 3000 : 1500);
  }

  function copy(button) {
    var block = button.closest(".cmd");
    if (!block) return;
    var text = commandText(block);
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { flash(button); }, function () {
        if (fallbackCopy(text)) flash(button);
      });
    } else if (fallbackCopy(text)) {
      flash(button);
    }
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof Element)) return;
    var button = target.closest("button.copy");
    if (button) copy(button);
  });

  // The colour scheme the reader chose over the system's (layout.html applies the stored
  // one before the first paint; "" follows the system). Kept for every page and tab.
  var SCHEME = "tejun-scheme";
  function setScheme(value) {
    if (value === "light" || value === "dark") document.documentElement.setAttribute("data-scheme", value);
    else document.documentElement.removeAttribute("data-scheme");
  }
  function schemeSwitch() {
    var select = document.querySelector("[data-scheme-select]");
    if (!select) return;
    select.value = document.documentElement.getAttribute("data-scheme") || "";
    select.hidden = false;
    select.addEventListener("change", function () {
      setScheme(select.value);
      try {
        if (select.value) localStorage.setItem(SCHEME, select.value);
        else localStorage.removeItem(SCHEME);
      } catch (e) { /* storage refused: this page keeps the choice */ }
    });
    window.addEventListener("storage", function (ev) {
      if (ev.key !== SCHEME) return;
      setScheme(ev.newValue);
      select.value = document.documentElement.getAttribute("data-scheme") || "";
    });
  }
  document.addEventListener("DOMContentLoaded", schemeSwitch);

  // A block that scrolls sideways (a long command line, a wide table) must take the
  // keyboard's focus to be scrolled without a mouse (WCAG 2.1.1; axe's
  // scrollable-region-focusable). Only those that overflow get a tab stop, judged again
  // whenever their size changes: a phone turned, hidden steps shown, a value filled in.
  var SCROLLERS = "main pre, main table";
  function judge(el) {
    var scrolls = el.scrollWidth > el.clientWidth + 1;
    if (scrolls && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      el.setAttribute("data-scroll-focus", "");
    } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
      el.removeAttribute("tabindex");
      el.removeAttribute("data-scroll-focus");
    }
  }
  function watchScrollers() {
    var blocks = document.querySelectorAll(SCROLLERS), i;
    if (!window.ResizeObserver) {
      for (i = 0; i < blocks.length; i++) judge(blocks[i]);
      return;
    }
    var seen = new ResizeObserver(function (entries) {
      entries.forEach(function (e) { judge(e.target); });
    });
    for (i = 0; i < blocks.length; i++) seen.observe(blocks[i]);
    // A filled-in value widens a command without resizing its block.
    document.addEventListener("input", function (ev) {
      if (!(ev.target instanceof Element) || !ev.target.closest("[data-values-panel]")) return;
      var all = document.querySelectorAll(SCROLLERS);
      for (var k = 0; k < all.length; k++) judge(all[k]);
    });
  }
  document.addEventListener("DOMContentLoaded", watchScrollers);

  // Keep the current page visible in a long sidebar.
  document.addEventListener("DOMContentLoaded", function () {
    var sidebar = document.querySelector(".sidebar");
    var current = document.querySelector('.sidebar [aria-current="page"]');
    if (sidebar && current) sidebar.scrollTop = current.offsetTop - sidebar.clientHeight / 2;
  });
})();
