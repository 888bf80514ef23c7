/* Nights logged without a connection: kept in IndexedDB, shown as "waiting to sync", and sent
   once when crampcare answers again. Each entry carries its own idempotency key (the form's
   idempotency_key field), so a request that reached the server before the connection dropped
   is not stored twice. */
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch) return;
  var d = document, STORE = "nights";
  function open() {
    return new Promise(function (ok, fail) {
      var req = indexedDB.open("crampcare-offline", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { ok(req.result); };
      req.onerror = function () { fail(req.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction(STORE, mode), result = work(t.objectStore(STORE));
        t.oncomplete = function () { ok(result && result.result !== undefined ? result.result : undefined); };
        t.onerror = function () { fail(t.error); };
      });
    });
  }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function csrf() { var i = d.querySelector("input[name=csrf_token]"); return i ? i.value : ""; }
  // The words of the list, in the page's language (data attributes of #pending, _pending.html).
  function says(box, name) { return box.getAttribute("data-" + name) || ""; }
  function describe(box, entry) {
    var f = entry.fields, words = JSON.parse(says(box, "words") || "{}");
    var text = says(box, "night-of").replace("{date}", f.date || "?");
    function word(v) { return words[v] || v; }
    if (entry.action === "/diary/quiet") return text + ": " + says(box, "quiet");
    return text + ": " + [f.start, word(f.leg), (f.muscles || []).map(word).join("+"), f.severity ? f.severity + "/10" : ""]
      .filter(Boolean).join(" ");
  }
  function show() {
    var box = d.getElementById("pending"), list = d.getElementById("pending-list");
    if (!box || !list) return Promise.resolve();
    return all().then(function (entries) {
      list.textContent = "";
      entries.forEach(function (entry) {
        var li = d.createElement("li");
        li.textContent = describe(box, entry) + (entry.refused ? " (" + says(box, "refused") + ")" : "");
        list.appendChild(li);
      });
      box.hidden = !entries.length;
    });
  }
  function body(fields, token) {
    var data = new URLSearchParams();
    Object.keys(fields).forEach(function (k) {
      [].concat(fields[k]).forEach(function (v) { data.append(k, v); });
    });
    if (token) data.append("csrf_token", token);
    return data;
  }
  function send(entry) {
    // keepalive: a request under way survives leaving the page (the key makes a resend harmless).
    return fetch(entry.action, {
      method: "POST", body: body(entry.fields, csrf()), credentials: "same-origin", keepalive: true
    });
  }
  var syncing = false;
  function sync() {
    if (syncing) return Promise.resolve();
    syncing = true;
    return all().then(function (entries) {
      return entries.filter(function (e) { return !e.refused; }).reduce(function (chain, entry) {
        return chain.then(function () {
          return send(entry).then(function (res) {
            if (res.ok) return tx("readwrite", function (s) { s.delete(entry.key); });
            if (res.status >= 400 && res.status < 500 && res.status !== 401 && res.status !== 403) {
              entry.refused = true;  // the server read it and said no: keep it visible
              return tx("readwrite", function (s) { s.put(entry); });
            }
          });
        });
      }, Promise.resolve());
    }).catch(function () { /* still offline: try again later */ }).then(function () {
      syncing = false; return show();
    }).then(function () { d.documentElement.setAttribute("data-offline-sync", "done"); });
  }
  function fields(form) {
    var out = {};
    new FormData(form).forEach(function (v, k) {
      if (k === "csrf_token" || typeof v !== "string") return;
      if (out[k] === undefined) out[k] = v; else out[k] = [].concat(out[k], v);
    });
    ["muscles", "helped"].forEach(function (k) { if (out[k] !== undefined) out[k] = [].concat(out[k]); });
    return out;
  }
  [].forEach.call(d.querySelectorAll("form[data-offline-queue]"), function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var entry = { key: uuid(), action: form.getAttribute("action"), fields: fields(form), at: Date.now() };
      entry.fields.idempotency_key = entry.key;  // a cached form's key would be shared by every entry
      send(entry).then(function (res) {
        if (res.ok) { location.assign(res.url); return; }
        // Refused (a wrong field): the page with the reasons comes from an ordinary submit.
        form.submit();
      }, function () {
        tx("readwrite", function (s) { s.put(entry); }).then(show).then(function () {
          var pending = d.getElementById("pending");
          if (pending) { pending.tabIndex = -1; pending.focus(); }
          form.reset();
        });
      });
    });
  });
  // The offline form may come from the cache: today's night and the time now, not the cached ones.
  if (location.pathname === "/diary/offline") {
    var now = new Date(), night = new Date(now.getTime());
    if (now.getHours() < 12) night.setDate(night.getDate() - 1);
    var iso = night.getFullYear() + "-" + ("0" + (night.getMonth() + 1)).slice(-2) + "-" + ("0" + night.getDate()).slice(-2);
    [].forEach.call(d.querySelectorAll("input[name=date]"), function (i) { i.value = iso; });
    var start = d.querySelector("#night-form input[name=start]");
    if (start && !start.value) start.value = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }
  window.addEventListener("online", sync);
  sync();
}());
