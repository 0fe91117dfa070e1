// Starts Swagger UI on /docs (app/web/routes/docs.py). A static file because the CSP allows no
// inline script; the description's address comes from the page, and the validator is off so the
// page makes no request outside this server.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    deepLinking: false,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    syntaxHighlight: false,
  });
  // Swagger UI leaves its parameter selects unnamed and its scrolling examples out of reach of the
  // keyboard; name and reach them as it renders them.
  const mend = () => {
    root.querySelectorAll("tr[data-param-name] select:not([aria-label]), tr[data-param-name] input:not([aria-label])")
      .forEach((el) => el.setAttribute("aria-label", el.closest("tr").dataset.paramName));
    root.querySelectorAll("pre:not([tabindex])").forEach((pre) => { pre.tabIndex = 0; });
  };
  new MutationObserver(mend).observe(root, { childList: true, subtree: true });
});
