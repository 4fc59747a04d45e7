// tejun: copy buttons on commands and the phone sidebar toggle. No network, no libraries:
// the site must work opened straight from disk (file://).
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

  function flash(button) {
    // The resting label is kept once: a second click while "copied" shows must not take
    // "copied" for the label, and only the newest click's timer may put the label back.
    if (!button.hasAttribute("data-label")) button.setAttribute("data-label", button.textContent);
    var label = button.getAttribute("data-label");
    clearTimeout(button.tejunFlash);
    // A command with a value the reader has not filled in yet is copied, with a warning.
    var block = button.closest(".cmd");
    var unfilled = block && block.querySelector(".ph:not(.ph-filled)");
    button.classList.toggle("warn", !!unfilled);
    button.textContent = (unfilled && button.getAttribute("data-unfilled")) || button.getAttribute("data-copied") || label;
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
    if (button) { copy(button); return; }
    var toggle = target.closest(".nav-toggle");
    if (toggle) {
      var open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var current = document.querySelector('.sidebar [aria-current="page"]') || document.querySelector(".sidebar a");
        if (current) current.focus();
      }
    }
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && document.body.classList.contains("nav-open")) {
      document.body.classList.remove("nav-open");
      var toggle = document.querySelector(".nav-toggle");
      if (toggle) { toggle.setAttribute("aria-expanded", "false"); toggle.focus(); }
    }
  });

  // Keep the current page visible in a long sidebar.
  document.addEventListener("DOMContentLoaded", function () {
    var sidebar = document.querySelector(".sidebar");
    var current = document.querySelector('.sidebar [aria-current="page"]');
    if (sidebar && current) sidebar.scrollTop = current.offsetTop - sidebar.clientHeight / 2;
  });
})();
