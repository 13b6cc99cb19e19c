// Remedies: small progressive enhancements. Every page works without this file.
(() => {
  "use strict";
  // "/" focuses the search box, unless the visitor is typing somewhere already.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const box = document.getElementById("header-q");
    if (box) {
      event.preventDefault();
      box.focus();
    }
  });
})();
