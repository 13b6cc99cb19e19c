// Remedies: small progressive enhancements. Every page works without this file.
(() => {
  "use strict";
  // The "/" and Ctrl-K shortcuts belong to the search palette: see palette.js.

  // A vote sent by htmx swaps in a new vote box, which would take the focus
  // with it to the top of the page: put it back on the same button (or, when
  // that button is gone, as after withdrawing, on the first vote button).
  let voted = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    const box = event.target.closest && event.target.closest("#vote-box");
    if (!box) return;
    const here = document.activeElement;
    voted = here && box.contains(here) && here.name === "vote" ? here.value : "";
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (voted === null) return;
    const value = voted;
    voted = null;
    const box = document.getElementById("vote-box");
    if (!box || box.contains(document.activeElement)) return;
    const same = value && box.querySelector(`button[name="vote"][value="${CSS.escape(value)}"]`);
    const next = same || box.querySelector("button, a[href]");
    if (next) next.focus();
  });

  // htmx focuses an element swapped in with `autofocus`; once it has, the
  // attribute has done its work. Left in place, the next swap's would make two
  // in one document, which HTML allows only once.
  document.addEventListener("htmx:afterSettle", () => {
    document.querySelectorAll("[autofocus]").forEach((el) => el.removeAttribute("autofocus"));
  });

  // While the database is briefly unreachable an htmx request is answered 503
  // with a short notice (templates/503.html, partial "notice"): show it above
  // the part of the page that asked, in place of an earlier one.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const detail = event.detail;
    if (detail.xhr.status !== 503) return;
    const earlier = document.getElementById("service-notice");
    detail.shouldSwap = true;
    detail.isError = false;
    detail.target = earlier || detail.target;
    detail.swapOverride = earlier ? "outerHTML" : "beforebegin";
  });
})();
