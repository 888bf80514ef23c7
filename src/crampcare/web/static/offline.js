/* Nights logged without a connection: kept in IndexedDB, shown as "waiting to sync", and sent
   once when crampcare answers again. Each entry carries its own idempotency key (the form's
   idempotency_key field), so a request that reached the server before the connection dropped
   is not stored twice.
   Server mode (<html data-server>; a phone may be shared): an entry belongs to the account that
   logged it, and is sent only while that account is signed in, with the session's current CSRF
   token (asked for at each sync). A page says whom it is shown to (data-account, "" for nobody);
   a page kept for offline use is a visitor's copy that does not say, and then the account last
   seen signed in on this device is the one logging (remembered in localStorage, forgotten when a
   page is shown to nobody, e.g. after log-out). With nobody signed in a night is not kept: in
   server mode a night needs an account, and a visitor's would otherwise reach the next one.
   Only the signed-in account's own entries are listed; after a log-out they stay on the device,
   bound to their account, and are sent when it signs in here again (the box says so, and a
   signed-out page says only that nights wait for their account, never whose or what).
   Nothing is deleted until the server has stored it, except a night the server refused (it will
   never be sent): listed with the server's reason and a button that removes it, once the person
   has logged it again or no longer wants it. */
(function () {
  "use strict";
  if (!window.indexedDB || !window.fetch) return;
  var d = document, STORE = "nights", root = d.documentElement, SLOW_SAVE = 8000;
  var serverMode = root.hasAttribute("data-server");
  var pageAccount = root.hasAttribute("data-account") ? root.getAttribute("data-account") : null;
  var WHO = "crampcare-account";
  var waiting = {};  // entry key -> why it was not sent on this sync ("signin")
  function remember(email) {
    try { if (email) localStorage.setItem(WHO, email); else localStorage.removeItem(WHO); } catch (e) { /* private mode */ }
  }
  function remembered() {
    try { return localStorage.getItem(WHO) || ""; } catch (e) { return ""; }
  }
  if (serverMode && pageAccount !== null) remember(pageAccount);
  // Whom this page is shown to now ("" for nobody; local mode: the one diary of this computer).
  var viewer = serverMode ? (pageAccount !== null ? pageAccount : remembered()) : "";
  function mine(entry) { return !serverMode || (!!entry.account && entry.account === viewer); }
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
  function csrf() { var i = d.querySelector("form[data-offline-queue] input[name=csrf_token]"); return i ? i.value : ""; }
  function words(name, fallback) {
    var box = d.getElementById("pending");
    return (box && box.getAttribute("data-" + name)) || fallback;
  }
  function cramp(c) {
    var names = JSON.parse(words("words", "{}"));  // legs and muscles in the page's language
    function named(v) { return names[v] || v; }
    // "right leg: foot, calf", as the diary lists a cramp (data-place: the page's wording of it).
    var place = words("place", "{leg}: {muscles}").replace("{leg}", named(c.leg || "?"))
      .replace("{muscles}", (c.muscles || []).map(named).join(", "));
    return [(c.start || "").slice(0, 5), place, c.severity !== undefined && c.severity !== "" ? c.severity + "/10" : ""]
      .filter(Boolean).join(" ");
  }
  function describe(entry) {
    var f = entry.fields, text = words("night", "Night of") + " " + (f.date || "?");
    if (entry.action === "/diary/quiet") return text + ": " + words("quiet", "quiet night");
    return text + ": " + cramp(f);
  }
  // What a sync sent, told once: each night as the diary has it now (another device may have changed it).
  var SENT = "crampcare-synced";
  function told(dates) {
    var box = d.getElementById("synced"), list = d.getElementById("synced-list");
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(SENT) || "null"); } catch (e) { kept = null; }
    // Only to the account they were sent for (a shared phone: another may have signed in since).
    if (kept && kept.who === viewer) dates = dates.concat(kept.dates.filter(function (x) { return dates.indexOf(x) < 0; }));
    if (!dates.length) return Promise.resolve();
    // No box on this page (the interview, insights): told on the next page that has one.
    if (!box || !list) {
      try { sessionStorage.setItem(SENT, JSON.stringify({ who: viewer, dates: dates })); } catch (e) { /* private mode */ }
      return Promise.resolve();
    }
    return Promise.all(dates.map(function (date) {
      return fetch("/api/v1/nights/" + encodeURIComponent(date), { credentials: "same-origin", cache: "no-store" })
        .then(function (res) { return res.ok ? res.json() : null; }, function () { return null; });
    })).then(function (nights) {
      list.textContent = "";
      nights.forEach(function (night, i) {
        var li = d.createElement("li"), a = d.createElement("a");
        li.textContent = words("night", "Night of") + " " + dates[i] + ": " + (night ? (night.cramps.length
          ? night.cramps.map(cramp).join("; ") : words("quiet", "quiet night")) : "?") + " ";
        a.href = "/diary/night/" + encodeURIComponent(dates[i]);
        a.textContent = box.getAttribute("data-edit") || "Edit night";
        li.appendChild(a);
        list.appendChild(li);
      });
      box.hidden = false;
      try { sessionStorage.removeItem(SENT); } catch (e) { /* private mode */ }
    });
  }
  function show() {
    var box = d.getElementById("pending"), list = d.getElementById("pending-list");
    if (!box || !list) return Promise.resolve();
    return all().then(function (entries) {
      list.textContent = "";
      var own = entries.filter(mine);
      // Signed out: nights of some account wait here; whose and what is not shown to whoever is here now.
      var signIn = serverMode && !viewer && entries.some(function (e) { return !!e.account; });
      own.forEach(function (entry) {
        var li = d.createElement("li");
        li.textContent = describe(entry) + (entry.refused ? " (" + (entry.reason || words("refused", "not accepted, please log it again")) + ") " : "");
        if (entry.refused) li.appendChild(removeButton(entry));
        signIn = signIn || waiting[entry.key] === "signin";
        list.appendChild(li);
      });
      var refused = d.getElementById("pending-refused");
      if (refused) refused.hidden = !own.some(function (entry) { return entry.refused; });
      var note = d.getElementById("pending-signin");
      if (note) note.hidden = !signIn;
      var stay = d.getElementById("pending-logout");
      if (stay) stay.hidden = !(serverMode && own.length);
      box.hidden = !(own.length || signIn);
    });
  }
  function removeButton(entry) {
    var button = d.createElement("button");
    button.type = "button";
    button.className = "secondary";
    button.textContent = words("remove", "Remove");
    button.setAttribute("aria-label", words("remove", "Remove") + ": " + describe(entry));
    button.addEventListener("click", function () {
      tx("readwrite", function (s) { s.delete(entry.key); }).then(show).then(function () {
        // Focus stays in the box (the next refused night's button), or on the heading of the page's form.
        var next = d.querySelector("#pending-list button"), box = d.getElementById("pending");
        var target = next || (box && !box.hidden ? box : d.querySelector("main h1"));
        if (target) { if (!next) target.tabIndex = -1; target.focus(); }
      });
    });
    return button;
  }
  function body(fields, token) {
    var data = new URLSearchParams();
    Object.keys(fields).forEach(function (k) {
      [].concat(fields[k]).forEach(function (v) { data.append(k, v); });
    });
    if (token) data.append("csrf_token", token);
    return data;
  }
  function send(entry, token, limit) {
    // keepalive: a request under way survives leaving the page (the key makes a resend harmless).
    // limit: a sync gives up on an answer that does not come (and tries again later), so one request
    // stuck on a weak signal does not hold every later sync of this page.
    var stop = limit && window.AbortController ? new AbortController() : null;
    if (stop) setTimeout(function () { stop.abort(); }, limit);
    return fetch(entry.action, {
      method: "POST", body: body(entry.fields, token), credentials: "same-origin", keepalive: true,
      signal: stop ? stop.signal : undefined
    });
  }
  function signedOut(res) {
    // Server mode answers a write without a session by sending the browser to the log-in page.
    return res.status === 401 || res.status === 403 || (res.redirected && new URL(res.url).pathname === "/login");
  }
  function reason(text) {
    // The server's own sentence: a fetch asks for no HTML, so a refusal comes as the API's JSON error.
    try { return JSON.parse(text).error.message || ""; } catch (e) { return ""; }
  }
  function whoIsSignedIn() {
    // Local mode has no accounts: the page's (empty) token. Server mode: the session's account and token now.
    if (!serverMode) return Promise.resolve({ token: csrf() });
    return fetch("/api/v1/account", { credentials: "same-origin", cache: "no-store" }).then(function (res) {
      if (res.status === 401) return { signedOut: true };
      if (!res.ok) throw new Error("crampcare answered " + res.status);
      return res.json().then(function (me) { return { email: me.email, token: me.csrf_token }; });
    });
  }
  var syncing = false;
  function sync() {
    if (syncing) return Promise.resolve();
    syncing = true;
    waiting = {};
    var sent = [];
    return all().then(function (entries) {
      entries = entries.filter(function (e) { return !e.refused; });
      if (!entries.length) return;
      return whoIsSignedIn().then(function (me) {
        if (serverMode) { viewer = me.signedOut ? "" : me.email; remember(viewer); }
        return entries.reduce(function (chain, entry) {
          return chain.then(function () {
            if (!mine(entry)) return;  // another account's (or nobody's): never sent into this one
            if (me.signedOut) { waiting[entry.key] = "signin"; return; }
            return send(entry, me.token, 2 * SLOW_SAVE).then(function (res) {
              if (signedOut(res)) {
                if (serverMode) waiting[entry.key] = "signin";
                return;
              }
              if (res.ok) {
                if (sent.indexOf(entry.fields.date) < 0) sent.push(entry.fields.date);
                return tx("readwrite", function (s) { s.delete(entry.key); });
              }
              // "Too many requests" and "timed out" (a proxy in front of a clinic's server) say "not now", not "no".
              if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) {
                entry.refused = true;  // the server read it and said no: keep it visible, with its reason
                return res.text().then(function (text) {
                  entry.reason = reason(text);
                }, function () {}).then(function () { return tx("readwrite", function (s) { s.put(entry); }); });
              }
            });
          });
        }, Promise.resolve());
      });
    }).catch(function () { /* still offline: try again later */ }).then(function () {
      syncing = false; return show();
    }).then(function () { return told(sent); }).catch(function () { /* told on a later page */ })
      .then(function () { root.setAttribute("data-offline-sync", "done"); });
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
      // A double tap sends once: each submit gets a fresh key (below), so the second is ignored here.
      if (form.hasAttribute("data-sending")) return;
      form.setAttribute("data-sending", "");
      var entry = { key: uuid(), action: form.getAttribute("action"), fields: fields(form), at: Date.now() };
      if (serverMode) entry.account = viewer;
      entry.fields.idempotency_key = entry.key;  // a cached form's key would be shared by every entry
      function keep() {
        if (serverMode && !entry.account) {
          // Nobody is signed in on this device: nothing is kept (it would reach the next account).
          var nobody = d.getElementById("pending-nobody");
          if (nobody) { nobody.hidden = false; nobody.tabIndex = -1; nobody.focus(); }
          form.removeAttribute("data-sending");
          return Promise.resolve();
        }
        // Listed as soon as it is kept; the sync that sends it may take its time.
        return tx("readwrite", function (s) { s.put(entry); }).then(show).then(function () {
          var pending = d.getElementById("pending");
          if (pending) { pending.tabIndex = -1; pending.focus(); }
          form.reset();
          form.removeAttribute("data-sending");
          return sync();
        });
      }
      // A network that takes its time (a weak signal at night): after SLOW_SAVE ms the night is kept
      // here and listed as waiting, rather than lost if the page is closed while the answer is on its
      // way; the answer, if it comes, is the same save (the entry's key makes the two one).
      var settled = false, slow = setTimeout(function () { if (!settled) { settled = true; keep(); } }, SLOW_SAVE);
      function first() { if (settled) return false; settled = true; clearTimeout(slow); return true; }
      send(entry, csrf()).then(function (res) {
        if (!first()) return;
        // The session ended (or its token changed) while the page was open: kept, never lost.
        if (signedOut(res)) return keep();
        if (res.ok) { location.assign(res.url); return; }
        // Refused (a wrong field): the page with the reasons comes from an ordinary submit.
        form.submit();
      }, function () { if (first()) keep(); });
    });
  });
  // The offline form may come from the cache (also when it stands in for /diary): today's night and
  // the time now, not the cached ones.
  if (d.getElementById("offline-note")) {
    var now = new Date(), night = new Date(now.getTime());
    if (now.getHours() < 12) night.setDate(night.getDate() - 1);
    var iso = night.getFullYear() + "-" + ("0" + (night.getMonth() + 1)).slice(-2) + "-" + ("0" + night.getDate()).slice(-2);
    [].forEach.call(d.querySelectorAll("input[name=date], input[name=date_default]"), function (i) { i.value = iso; });
    var start = d.querySelector("#night-form input[name=start]");
    if (start && !start.value) start.value = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
  }
  window.addEventListener("online", sync);
  sync();
}());
