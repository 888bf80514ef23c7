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
  function show(moved) {  // moved: a hashchange (Next, Back, the browser's Back), not the first load
    var id = location.hash.slice(1), i = 0;
    steps.forEach(function (s, k) { if (s.id === id) i = k; });
    steps.forEach(function (s, k) { s.classList.toggle("on", k === i); });
    stop();
    var h = steps[i].querySelector("h2");
    // Focus follows the step, back to the first one too (whose address has no #step).
    if (h && (id || moved)) { h.tabIndex = -1; h.focus({ preventScroll: true }); }
    // A step chosen by Next or Back starts at the top of the screen, so its timer is not pushed
    // under the sticky buttons by the page's heading; the first visit shows the heading.
    window.scrollTo(0, id ? steps[i].getBoundingClientRect().top + window.pageYOffset : 0);
  }
  function fmt(n) { return Math.floor(n / 60) + ":" + ("0" + n % 60).slice(-2); }
  // A running timer is remembered for this tab, so a reload (a pull-down on a phone) resumes it.
  var KEPT = "crampcare-now-timer", starters = {};
  function remember(value) {
    try { if (value) sessionStorage.setItem(KEPT, JSON.stringify(value)); else sessionStorage.removeItem(KEPT); } catch (e) {}
  }
  function stop() {
    if (timer) { clearInterval(timer.id); timer.pause(); timer.btn.textContent = timer.btn.dataset.start; timer = null; remember(null); }
  }
  steps.forEach(function (s) {
    var p = s.querySelector(".timer");
    if (!p) return;
    p.hidden = false;
    var b = p.querySelector("button"), out = p.querySelector("output"), done = s.querySelector(".done");
    var total = +p.dataset.seconds, left = total, end = 0;
    // The time left is read from the clock, not counted in ticks: a phone that locks its screen or
    // a tab in the background runs no ticks, and the stretch goes on all the same.
    function remaining() { return Math.max(0, Math.ceil((end - Date.now()) / 1000)); }
    function tick() {
      left = remaining();
      if (out.textContent !== fmt(left)) out.textContent = fmt(left);  // a change a second, not four
      if (left <= 0) {
        stop(); done.hidden = false;
        say(done.lastChild.textContent);
        if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
      }
    }
    function run(until) {
      stop();
      awake();
      end = until;
      done.hidden = true;
      b.textContent = b.dataset.pause;
      timer = { btn: b, tick: tick, pause: function () { left = remaining(); }, id: setInterval(tick, 250) };
      remember({ step: s.id, end: end });
      tick();
    }
    starters[s.id] = run;
    b.addEventListener("click", function () {
      if (timer && timer.btn === b) { stop(); return; }
      if (left <= 0) left = total;
      say(b.dataset.started + ": " + fmt(left));
      run(Date.now() + left * 1000);
    });
  });
  function resume() {
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(KEPT) || "null"); } catch (e) {}
    var on = d.querySelector(".step.on");
    if (kept && on && kept.step === on.id && starters[on.id] && kept.end > Date.now()) starters[on.id](kept.end);
    else remember(null);
  }
  // Back on screen: the clock shows the time left at once, not after the next tick.
  d.addEventListener("visibilitychange", function () { if (timer && d.visibilityState === "visible") timer.tick(); });
  awake();
  d.addEventListener("visibilitychange", awake);  // the lock is dropped when the page is hidden
  window.addEventListener("hashchange", show);
  show();
  resume();
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {}); }
}());
