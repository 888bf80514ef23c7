/* Small enhancements shared by the pages; everything works without it. */
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    // Installing the worker on any page makes /now, /learn and the diary form available offline.
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }
  var flash = document.getElementById("flash") || document.getElementById("form-errors");
  if (flash) { flash.tabIndex = -1; flash.focus(); }
  // A finished interview: the answers kept for a reload are no longer needed in this tab.
  // Also when the browser shows the result again from its memory (Forward after Back), without running this.
  window.addEventListener("pageshow", function () {
    if (document.getElementById("urgency")) {
      try { sessionStorage.removeItem("crampcare-interview"); } catch (e) { /* storage unavailable */ }
    }
  });
  // The log-in and sign-up forms tell the server this device's time zone: a FHIR export then writes each
  // cramp's clock time with the offset of where it was lived, whatever zone the server runs in.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    [].forEach.call(document.querySelectorAll("input[name=time_zone]"), function (i) { i.value = zone; });
  } catch (e) { /* no Intl: the server's zone is used */ }
  // Print everything, including what is folded away on screen.
  window.addEventListener("beforeprint", function () {
    [].forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
}());
