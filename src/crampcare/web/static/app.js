/* Small enhancements shared by the pages; everything works without it. */
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    // Installing the worker on any page makes /now available offline from then on.
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
  var flash = document.getElementById("flash") || document.getElementById("form-errors");
  if (flash) { flash.tabIndex = -1; flash.focus(); }
}());
