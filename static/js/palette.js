// Remedies: the search palette (templates/search/_palette.html).
//
// It opens from the header's search button, "/" or Ctrl-K (Cmd-K on a Mac) on
// every page. The server renders everything in it: htmx fetches suggestions as
// you type (search:suggest) and, before anything is typed, the visitor's recent
// searches and what is trending (search:recent_searches). This file only opens
// and closes the dialog and moves through the options, following the ARIA
// combobox pattern: focus stays in the input, aria-activedescendant names the
// chosen option. Every option is a link, so a click needs nothing from here.
// Without JavaScript (or without htmx) the header's plain search form is used.
(() => {
  "use strict";
  const dialog = document.getElementById("search-palette");
  if (!dialog || typeof dialog.showModal !== "function" || !window.htmx) return;
  const input = document.getElementById("palette-q");
  const results = document.getElementById("palette-results");
  const status = document.getElementById("palette-status");
  let returnTo = null;
  let active = -1;

  // CSS swaps the header's plain form for the palette button.
  document.documentElement.classList.add("has-palette");

  const options = () => Array.from(results.querySelectorAll('[role="option"]'));

  function setActive(index) {
    const all = options();
    all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index >= 0 && index < all.length ? index : -1;
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  // After htmx swaps in new options: nothing chosen, tell screen readers what came.
  function refresh() {
    const list = document.getElementById("palette-listbox");
    const notice = results.querySelector(".palette__notice");
    input.setAttribute("aria-expanded", String(dialog.open && options().length > 0));
    setActive(-1);
    const parts = [notice ? notice.textContent : "", list ? list.dataset.status || "" : ""];
    status.textContent = parts.filter(Boolean).join(" ");
    // A swap can remove the focused element (the "Clear" button): come back to the input.
    if (dialog.open && !dialog.contains(document.activeElement)) input.focus();
  }

  // Before anything is typed: recent searches and trending, per visitor.
  function showHome() {
    window.htmx.trigger(results, "palette:home");
  }

  function open() {
    if (dialog.open) return;
    returnTo = document.activeElement;
    input.value = "";
    // Nothing left over from last time while the visitor's own list loads.
    const list = document.getElementById("palette-listbox");
    results.replaceChildren(...(list ? [list] : []));
    if (list) list.replaceChildren();
    dialog.showModal();
    input.focus();
    showHome();
  }

  function close() {
    if (dialog.open) dialog.close();
  }

  dialog.addEventListener("close", () => {
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
    const back = returnTo;
    returnTo = null;
    if (back && back !== document.body && document.contains(back)) back.focus();
  });

  // What Tab may reach inside the palette (options are chosen with the arrows).
  const tabbable = () =>
    Array.from(
      dialog.querySelectorAll(
        'input:not([disabled]), button:not([disabled]), a[href]:not([tabindex="-1"]), [tabindex]:not([tabindex="-1"])',
      ),
    ).filter((el) => el.getClientRects().length > 0);

  dialog.addEventListener("keydown", (event) => {
    // Esc closes from anywhere in the palette (a search input would first clear itself).
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    // Tab and Shift+Tab go round inside the palette while it is open; they
    // never leave it for the page behind or the browser's own controls.
    if (event.key !== "Tab") return;
    const items = tabbable();
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const here = document.activeElement;
    if (event.shiftKey && (here === first || !dialog.contains(here))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (here === last || !dialog.contains(here))) {
      event.preventDefault();
      first.focus();
    }
  });

  // A click on the backdrop (the dialog itself, outside its content) closes it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog || event.target.closest("[data-palette-close]")) close();
  });

  input.addEventListener("keydown", (event) => {
    const all = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      let next = active + step;
      if (active < 0 && step < 0) next = all.length - 1;
      setActive((next + all.length) % all.length);
    } else if (event.key === "Enter" && active >= 0) {
      // With nothing chosen, Enter submits the form: the full results page.
      event.preventDefault();
      window.location.assign(all[active].href);
    }
  });

  // Whatever is typed makes the chosen option stale.
  input.addEventListener("input", () => setActive(-1));

  // An emptied box shows recent and trending again instead of asking for suggestions.
  input.addEventListener("htmx:beforeRequest", (event) => {
    if (!input.value.trim()) {
      event.preventDefault();
      showHome();
    }
  });

  // On the swap itself, not after htmx's settle delay: an arrow pressed in
  // between would otherwise be undone.
  dialog.addEventListener("htmx:afterSwap", refresh);

  document.querySelectorAll(".palette-open").forEach((button) => {
    button.addEventListener("click", open);
  });

  document.addEventListener("keydown", (event) => {
    if (dialog.open || event.altKey || event.defaultPrevented) return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
      event.preventDefault();
      open();
      return;
    }
    if (event.key !== "/" || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    open();
  });

  // Coming back with the Back button: start closed.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) close();
  });
})();
