(function () {
  "use strict";
  var d = document, steps = [].slice.call(d.querySelectorAll(".step")), timer = null, lock = null;
  d.documentElement.className += " js";
  function show() {
    var id = location.hash.slice(1), i = 0;
    steps.forEach(function (s, k) { if (s.id === id) i = k; });
    steps.forEach(function (s, k) { s.classList.toggle("on", k === i); });
    stop();
    var h = steps[i].querySelector("h2");
    if (h && id) { h.tabIndex = -1; h.focus(); }
  }
  function fmt(n) { return Math.floor(n / 60) + ":" + ("0" + n % 60).slice(-2); }
  function stop() {
    if (timer) { clearInterval(timer.id); timer.btn.textContent = timer.btn.dataset.start; timer = null; }
  }
  steps.forEach(function (s) {
    var p = s.querySelector(".timer");
    if (!p) return;
    p.hidden = false;
    var b = p.querySelector("button"), out = p.querySelector("output"), total = +p.dataset.seconds, left = total;
    b.addEventListener("click", function () {
      if (timer && timer.btn === b) { stop(); return; }
      stop();
      if (left <= 0) left = total;
      b.textContent = b.dataset.pause;
      timer = { btn: b, id: setInterval(function () {
        left -= 1; out.textContent = fmt(left);
        if (left <= 0) {
          stop(); s.querySelector(".done").hidden = false;
          if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
        }
      }, 1000) };
    });
  });
  if (navigator.wakeLock) { navigator.wakeLock.request("screen").then(function (l) { lock = l; }, function () {}); }
  window.addEventListener("hashchange", show);
  show();
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {}); }
}());
