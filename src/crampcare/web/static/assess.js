/* Re-evaluates each question's show_if as you answer: the same condition language as the
   engine (crampcare.knowledge.conditions), leaves {fact, op, value}, all / any / not. */
(function () {
  "use strict";
  var form = document.getElementById("interview");
  if (!form) return;
  var sets = [].slice.call(form.querySelectorAll("fieldset[data-q]"));
  function read(fs) {
    var type = fs.dataset.type, inputs = [].slice.call(fs.querySelectorAll("input"));
    if (type === "number") {
      var raw = inputs[0].value.trim().replace(",", ".");
      return raw === "" || isNaN(+raw) ? undefined : +raw;
    }
    var checked = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    if (type === "multiple") return checked.length ? checked : undefined;
    if (!checked.length) return undefined;
    return type === "yes_no" ? checked[0] === "yes" : checked[0];
  }
  function cmp(op, a, v) {
    if (op === "answered") return a !== undefined;
    if (op === "unanswered") return a === undefined;
    if (a === undefined) return false;
    switch (op) {
      case "eq": return a === v;
      case "ne": return a !== v;
      case "lt": return a < v;
      case "le": return a <= v;
      case "gt": return a > v;
      case "ge": return a >= v;
      case "in": return v.indexOf(a) >= 0;
      case "contains": return Array.isArray(a) && a.indexOf(v) >= 0;
      case "intersects": return Array.isArray(a) && v.some(function (x) { return a.indexOf(x) >= 0; });
    }
    return false;
  }
  function evaluate(c, facts) {
    if (c.all) return c.all.every(function (x) { return evaluate(x, facts); });
    if (c.any) return c.any.some(function (x) { return evaluate(x, facts); });
    if (c.not) return !evaluate(c.not, facts);
    return cmp(c.op, facts[c.fact], c.value);
  }
  function update() {
    var facts = {}, shown = {};
    sets.forEach(function (fs) { facts[fs.dataset.q] = read(fs); shown[fs.dataset.q] = true; });
    // Like drop_hidden: answers to hidden questions do not count; repeat until nothing changes.
    for (var round = 0; round < 10; round++) {
      var changed = false;
      sets.forEach(function (fs) {
        var cond = fs.dataset.showIf, q = fs.dataset.q;
        var vis = !cond || evaluate(JSON.parse(cond), facts);
        if (vis !== shown[q]) { shown[q] = vis; changed = true; }
        if (!vis) facts[q] = undefined;
      });
      if (!changed) break;
    }
    sets.forEach(function (fs) { var vis = shown[fs.dataset.q]; fs.hidden = !vis; fs.disabled = !vis; });
  }
  [].forEach.call(form.querySelectorAll("[data-nojs]"), function (b) { b.hidden = true; });
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
}());
