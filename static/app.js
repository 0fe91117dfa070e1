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
      navigator.clipboard.writeText(text).then(function () { copied(btn); });
    });
  });
  // Citations in other formats, and the reader's per-sentence Cite menu: fetched from the JSON
  // endpoint when asked for, so a page carries no citation it is not asked to show.
  var FORMATS = [["text", "Plain text"], ["bibtex", "BibTeX"], ["csl_json", "CSL-JSON"]], cited = {};
  function citation(id) {
    if (!cited[id]) {
      cited[id] = fetch("/api/passages/" + encodeURIComponent(id) + "/cite").then(function (r) {
        if (!r.ok) throw new Error("no citation");
        return r.json();
      });
      cited[id].catch(function () { delete cited[id]; });
    }
    return cited[id];
  }
  // One "Copied" at a time: a second copy from the same result says which one it was.
  function restore(b) { if (b.dataset.label) { b.textContent = b.dataset.label; delete b.dataset.label; } }
  function copied(btn) {
    var group = btn.closest(".cite-actions") || btn.parentNode;
    group.querySelectorAll("button").forEach(function (b) { if (b !== btn) restore(b); });
    if (!btn.dataset.label) btn.dataset.label = btn.textContent;
    btn.textContent = "Copied"; btn.setAttribute("aria-live", "polite");
    clearTimeout(btn.copiedTimer);
    btn.copiedTimer = setTimeout(function () { restore(btn); }, 1500);
  }
  function formatMenu(id, pre, label) {
    var sel = document.createElement("select"), lab = document.createElement("label");
    sel.className = "cite-format";
    FORMATS.forEach(function (f) { sel.add(new Option(f[1], f[0])); });
    lab.className = "cite-format-label"; lab.append(label || "Format ", sel);
    sel.addEventListener("change", function () {
      citation(id).then(function (c) { pre.textContent = c[sel.value]; pre.classList.toggle("code", sel.value !== "text"); }, function () {
        pre.textContent = "This citation could not be loaded; the sentence's page has every format.";
      });
    });
    return lab;
  }
  document.querySelectorAll(".cite-actions[data-cite] .cite-more").forEach(function (d) {
    var id = d.parentNode.getAttribute("data-cite"), pre = d.querySelector(".cite-text");
    if (pre) d.insertBefore(formatMenu(id, pre), pre);
  });
  // The reader: a sentence's ¶ opens one shared Cite panel (a modified click still follows the
  // permalink, and the panel links to it), so the page carries no per-sentence controls.
  var reader = document.querySelector("article.reader"), panel = null, panelFor = null;
  function buildPanel() {
    panel = document.createElement("div");
    panel.className = "cite-panel"; panel.setAttribute("role", "group"); panel.setAttribute("aria-label", "Cite this sentence");
    panel.innerHTML = '<p class="cite-ref"></p><div class="cite-actions"><button type="button" class="copy cite-copy">Copy citation</button>' +
      ' <button type="button" class="copy quiet cite-link">Copy link</button> <span class="cite-format-label"></span>' +
      ' <a class="cite-page">Sentence page</a> <button type="button" class="quiet cite-close">Close</button></div>' +
      '<pre class="cite-text" tabindex="0"></pre>';
    var pre = panel.querySelector(".cite-text");
    panel.querySelector(".cite-copy").addEventListener("click", function (e) {
      var btn = e.currentTarget;
      navigator.clipboard.writeText(pre.textContent.trim()).then(function () { copied(btn); });
    });
    panel.querySelector(".cite-link").addEventListener("click", function (e) {
      var btn = e.currentTarget;
      citation(panelFor).then(function (c) { return navigator.clipboard.writeText(c.link); }).then(function () { copied(btn); });
    });
    panel.querySelector(".cite-close").addEventListener("click", function () { closePanel(true); });
  }
  function closePanel(refocus) {
    if (!panel || !panel.parentNode) return;
    var opener = reader.querySelector('a.pid[aria-expanded="true"]');
    panel.remove();
    if (opener) { opener.setAttribute("aria-expanded", "false"); if (refocus) opener.focus(); }
    panelFor = null;
  }
  function openPanel(btn, id) {
    if (!panel) buildPanel();
    var same = panelFor === id;
    closePanel(false);
    if (same) return;
    panelFor = id;
    var pre = panel.querySelector(".cite-text"), old = panel.querySelector(".cite-format-label");
    old.parentNode.replaceChild(formatMenu(id, pre), old);
    pre.textContent = "Loading the citation…";
    panel.querySelector(".cite-page").href = btn.href.replace(/#.*$/, "");
    panel.querySelector(".cite-ref").textContent = "";
    var block = btn.closest(".para") || btn.closest("section") || reader;
    block.appendChild(panel);
    btn.setAttribute("aria-expanded", "true");
    citation(id).then(function (c) {
      if (panelFor !== id) return;
      pre.textContent = c.text;
      panel.querySelector(".cite-ref").textContent = c.reference;
    }, function () { pre.textContent = "This citation could not be loaded; the sentence's page (¶) has it."; });
  }
  if (reader && navigator.clipboard) {
    reader.querySelectorAll(".passage[id] > a.pid").forEach(function (a) { a.setAttribute("aria-expanded", "false"); });
    reader.addEventListener("click", function (e) {
      var a = e.target.closest(".passage[id] > a.pid");
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      openPanel(a, a.parentNode.id);
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") closePanel(true); });
  }
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
  // Compare view: the label and link filters without a page load (the links work as plain GETs
  // without this). The status sentence is worded as app/web/routes/compare.py words it.
  var grid = document.getElementById("cmp-grid"), filters = document.querySelectorAll("nav[data-filter]");
  if (grid && filters.length) {
    var state = {};
    filters.forEach(function (nav) {
      var dim = nav.getAttribute("data-filter"), cur = nav.querySelector("a[aria-current]");
      state[dim] = cur ? cur.getAttribute("data-" + dim) : "";
    });
    var hrefFor = function (change) {
      var q = new URLSearchParams();
      ["claim", "relation"].forEach(function (k) {
        var v = k in change ? change[k] : state[k];
        if (v) q.set(k, v);
      });
      var qs = q.toString();
      return location.pathname + (qs ? "?" + qs : "");
    };
    var apply = function () {
      var shown = 0, total = 0;
      grid.querySelectorAll(".cmp-row:not(.cmp-head)").forEach(function (row) {
        var any = false;
        row.querySelectorAll(".cmp-c .cmp-unit").forEach(function (u) {
          var rel = (u.getAttribute("data-relations") || "").split(" ");
          var ok = (!state.claim || u.getAttribute("data-claim") === state.claim) &&
                   (!state.relation || rel.indexOf(state.relation) >= 0);
          u.hidden = !ok; any = any || ok; total += 1; if (ok) shown += 1;
        });
        row.hidden = (state.claim || state.relation) ? !any : false;
      });
      filters.forEach(function (nav) {
        var dim = nav.getAttribute("data-filter");
        nav.querySelectorAll("a").forEach(function (x) {
          var v = x.getAttribute("data-" + dim), change = {};
          change[dim] = v;
          x.href = hrefFor(change);
          if (v === state[dim]) x.setAttribute("aria-current", "true"); else x.removeAttribute("aria-current");
        });
      });
      var what = (state.claim ? " labelled \u201c" + state.claim + "\u201d" : "") +
                 (state.relation ? " with a \u201c" + state.relation + "\u201d link" : "");
      document.getElementById("cmp-status").textContent = what
        ? "Showing the " + shown + " commentary sentences" + what + " of " + total + ", beside the official sentences they report."
        : "Showing all " + total + " commentary sentences beside the official text.";
      history.replaceState(null, "", hrefFor({}));
    };
    filters.forEach(function (nav) {
      var dim = nav.getAttribute("data-filter");
      nav.addEventListener("click", function (e) {
        var a = e.target.closest("a[data-" + dim + "]");
        if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
        e.preventDefault();
        state[dim] = a.getAttribute("data-" + dim);
        apply();
      });
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
  // Boxes folded for phones (the reader's metadata) open on wide screens; the reader can still fold them.
  if (window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (d) { d.open = true; });
  }
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
      document.getElementById("par-status").textContent = "Showing: " + a.textContent + ".";
      history.replaceState(null, "", a.href);
    });
  }
})();
