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
      var text = btn.getAttribute("data-copy-text") || (src.value || src.textContent).trim();
      navigator.clipboard.writeText(text).then(function () {
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
  // Compare view: the claim filter without a page load (the links work as plain GETs without this).
  var grid = document.getElementById("cmp-grid"), filter = document.querySelector(".claim-filter");
  if (grid && filter) {
    filter.addEventListener("click", function (e) {
      var a = e.target.closest("a[data-claim]");
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      var claim = a.getAttribute("data-claim");
      grid.querySelectorAll(".cmp-row:not(.cmp-head)").forEach(function (row) {
        var any = false;
        row.querySelectorAll(".cmp-c .cmp-unit").forEach(function (u) {
          var ok = !claim || u.getAttribute("data-claim") === claim;
          u.hidden = !ok; any = any || ok;
        });
        row.hidden = claim ? !any : false;
      });
      filter.querySelectorAll("a").forEach(function (x) {
        if (x === a) x.setAttribute("aria-current", "true"); else x.removeAttribute("aria-current");
      });
      var n = function (x) { return x.querySelector(".n").textContent; };
      var total = n(filter.querySelector('a[data-claim=""]'));
      document.getElementById("cmp-status").textContent = claim
        ? "Showing the " + n(a) + " commentary sentences labelled \u201c" + claim + "\u201d of " + total + ", beside the official sentences they report."
        : "Showing all " + total + " commentary sentences beside the official text.";
      history.replaceState(null, "", a.href);
    });
  }
  // Reader: a #fragment naming no sentence on the page may be an older id. If the archive knows it
  // (its JSON twin answers, following a correction), let the server resolve it, notice included.
  function land() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id || document.getElementById(id) || !document.querySelector("article.reader")) return;
    if (/[?&]at=/.test(location.search)) return;
    fetch("/api/passages/" + encodeURIComponent(id)).then(function (r) {
      if (r.ok || r.status === 410) {
        location.replace(location.pathname + "?at=" + encodeURIComponent(id) + "#" + encodeURIComponent(id));
      }
    }).catch(function () {});
  }
  land();
  window.addEventListener("hashchange", land);
  // The landing notice can be dismissed in place (its link reloads the page without it otherwise).
  document.querySelectorAll(".landing-notice .dismiss").forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); a.closest(".landing-notice").hidden = true; });
  });
  // Parallel reader: the view toggle without a page load (the links work as plain GETs without this).
  var par = document.getElementById("par-grid"), views = document.querySelector(".par-views");
  if (par && views) {
    views.addEventListener("click", function (e) {
      var a = e.target.closest("a[data-view]");
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
      e.preventDefault();
      par.className = par.className.replace(/\bpar-show-\w+/, "par-show-" + a.getAttribute("data-view"));
      views.querySelectorAll("a").forEach(function (x) {
        if (x === a) x.setAttribute("aria-current", "true"); else x.removeAttribute("aria-current");
      });
      document.getElementById("par-status").textContent = a.textContent + ".";
      history.replaceState(null, "", a.href);
    });
  }
})();
