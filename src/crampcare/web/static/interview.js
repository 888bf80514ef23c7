/* Keeps the interview's answers in this tab (sessionStorage) so a reload loses nothing.
   It never decides which questions show: the server does, step by step. */
(function () {
  "use strict";
  var form = document.getElementById("interview"), KEY = "crampcare-interview";
  if (!form) return;
  // The copy is for a reload or Back of this very page, which the browser shows as the server first
  // sent it, and for the page the language or region switch sends back to. A page reached by a link
  // ("Start again", the menu) or by the interview's own form starts from what the server sent: a new
  // interview starts with nothing answered, never with an earlier one's "no".
  var KEEP = KEY + "-keep", how = "", stored = {}, keep = false;
  try { how = performance.getEntriesByType("navigation")[0].type; } catch (e) { how = ""; }
  try { keep = sessionStorage.getItem(KEEP) === "1"; sessionStorage.removeItem(KEEP); } catch (e) { keep = false; }
  if (how !== "navigate" || keep) {
    try { stored = JSON.parse(sessionStorage.getItem(KEY) || "{}") || {}; } catch (e) { stored = {}; }
  }
  [].forEach.call(document.querySelectorAll(".language-switch, .region-switch"), function (f) {
    f.addEventListener("submit", function () { try { sessionStorage.setItem(KEEP, "1"); } catch (e) { /* nothing kept */ } });
  });
  // Answers the server forgot because another answer hid their question (age 70: a child's fever):
  // forgotten here too, or a later empty step would send them back once the question shows again.
  (form.dataset.dropped || "").split(" ").forEach(function (q) { if (q) delete stored[q]; });
  function snapshot() {
    var now = {};
    [].forEach.call(form.querySelectorAll("fieldset[data-q]"), function (fs) {
      var q = fs.dataset.q, vals = [];
      [].forEach.call(fs.querySelectorAll("input"), function (i) {
        if ((i.type === "radio" || i.type === "checkbox") ? i.checked : i.value.trim() !== "") vals.push(i.value);
      });
      now[q] = vals;
    });
    [].forEach.call(form.querySelectorAll("input[type=hidden]"), function (i) {
      if (i.name === "step" || i.name === "shown" || i.name === "csrf_token") return;
      if (!now[i.name]) now[i.name] = [];
      now[i.name].push(i.value);
    });
    return now;
  }
  function save() {
    var now = snapshot();
    Object.keys(now).forEach(function (q) { stored[q] = now[q]; });
    try { sessionStorage.setItem(KEY, JSON.stringify(stored)); } catch (e) { /* private mode: nothing kept */ }
  }
  // After a reload (or Back) the step comes back as the server first sent it, its questions empty:
  // put the stored answers back. Only the questions on screen decide (a later step also carries the
  // earlier answers as hidden fields), and a carried answer is never added twice.
  var present = snapshot(), empty = [].every.call(form.querySelectorAll("fieldset[data-q]"), function (fs) {
    return !present[fs.dataset.q].length;
  });
  if (empty) {
    Object.keys(stored).forEach(function (q) {
      var vals = stored[q] || [], fs = form.querySelector('fieldset[data-q="' + q + '"]');
      if (fs) {
        [].forEach.call(fs.querySelectorAll("input"), function (i) {
          if (i.type === "radio" || i.type === "checkbox") i.checked = vals.indexOf(i.value) >= 0;
          else if (vals.length) i.value = vals[0];
        });
      } else if (!present[q]) {
        vals.forEach(function (v) {
          var h = document.createElement("input");
          h.type = "hidden"; h.name = q; h.value = v; form.appendChild(h);
        });
      }
    });
  }
  form.addEventListener("change", save);
  form.addEventListener("input", save);
  save();
  var heading = document.getElementById("step-h");
  if (heading && document.referrer.indexOf("/assess") >= 0 && !document.getElementById("form-errors")) heading.focus();
}());
