// Conveniences only: every feature works without this file.
(function () {
  "use strict";
  // "/" focuses the search box, unless the reader is typing somewhere.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("site-q");
    if (box) { e.preventDefault(); box.focus(); box.select(); }
  });
  // Copy buttons for citations; shown only when the clipboard is usable.
  document.querySelectorAll("button.copy").forEach(function (btn) {
    if (!navigator.clipboard) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var src = document.getElementById(btn.getAttribute("data-copy"));
      navigator.clipboard.writeText(src.textContent).then(function () {
        var old = btn.textContent; btn.textContent = "Copied"; btn.setAttribute("aria-live", "polite");
        setTimeout(function () { btn.textContent = old; }, 1500);
      });
    });
  });
  // Hovering or focusing a passage highlights its linked counterparts (compare view, reader).
  function toggle(el, on) {
    (el.getAttribute("data-links") || "").split(" ").forEach(function (id) {
      if (!id) return;
      document.querySelectorAll('[data-pid="' + id + '"], #' + CSS.escape(id)).forEach(function (n) {
        n.classList.toggle("highlight", on);
      });
    });
  }
  document.querySelectorAll("[data-links]").forEach(function (el) {
    ["mouseenter", "focusin"].forEach(function (ev) { el.addEventListener(ev, function () { toggle(el, true); }); });
    ["mouseleave", "focusout"].forEach(function (ev) { el.addEventListener(ev, function () { toggle(el, false); }); });
  });
})();
