/* /now: one step at a time, a timer per step, the screen kept awake. Works without it too. */
(function () {
  "use strict";
  var d = document, steps = [].slice.call(d.querySelectorAll(".step")), timer = null, lock = null;
  var announce = d.getElementById("announce");
  d.documentElement.className += " js";
  // Screen readers hear the timer start and end, never each second.
  function say(text) { if (announce) { announce.textContent = ""; setTimeout(function () { announce.textContent = text; }, 50); } }
  function awake() {
    if (!navigator.wakeLock || lock || d.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (l) {
      lock = l; l.addEventListener("release", function () { lock = null; });
    }, function () {});
  }
  function show() {
    var id = location.hash.slice(1), i = 0;
    steps.forEach(function (s, k) { if (s.id === id) i = k; });
    steps.forEach(function (s, k) { s.classList.toggle("on", k === i); });
    stop();
    var h = steps[i].querySelector("h2");
    if (h && id) { h.tabIndex = -1; h.focus(); }
    window.scrollTo(0, 0);
  }
  function fmt(n) { return Math.floor(n / 60) + ":" + ("0" + n % 60).slice(-2); }
  function stop() {
    if (timer) { clearInterval(timer.id); timer.btn.textContent = timer.btn.dataset.start; timer = null; }
  }
  steps.forEach(function (s) {
    var p = s.querySelector(".timer");
    if (!p) return;
    p.hidden = false;
    var b = p.querySelector("button"), out = p.querySelector("output"), done = s.querySelector(".done");
    var total = +p.dataset.seconds, left = total;
    b.addEventListener("click", function () {
      if (timer && timer.btn === b) { stop(); return; }
      stop();
      awake();
      if (left <= 0) { left = total; out.textContent = fmt(left); }
      done.hidden = true;
      b.textContent = b.dataset.pause;
      say(b.dataset.started + ": " + fmt(left));
      timer = { btn: b, id: setInterval(function () {
        left -= 1; out.textContent = fmt(left);
        if (left <= 0) {
          stop(); done.hidden = false;
          say(done.lastChild.textContent);
          if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
        }
      }, 1000) };
    });
  });
  awake();
  d.addEventListener("visibilitychange", awake);  // the lock is dropped when the page is hidden
  window.addEventListener("hashchange", show);
  show();
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {}); }
}());
