// Remedies: small progressive enhancements. Every page works without this file.
(() => {
  "use strict";
  // The "/" and Ctrl-K shortcuts belong to the search palette: see palette.js.
})();
