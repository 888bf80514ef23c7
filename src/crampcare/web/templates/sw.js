/* crampcare service worker: /now, /learn and the empty night form work offline.
   Only public pages are cached, never a page with someone's diary. In server mode a phone may be
   shared: what is kept is never the page the person saw but a copy asked for with the
   X-Crampcare-Offline-Copy header, which the server makes as for a visitor (no e-mail, no CSRF
   token, no account links). So no kept page holds one account's data for the next person, and
   nothing has to be cleared at log-out (a session that simply ends is covered too). */
"use strict";
var CACHE = "crampcare-{{ cache_version }}";
var PRECACHE = {{ precache|tojson }};
var PAGES = {{ pages|tojson }};
var SLOW = 2000;
function isPublic(path) {
  return path === "/now" || path === "/learn" || path.indexOf("/learn/") === 0 || path === "/diary/offline" ||
    path === "/manifest.webmanifest";
}
function pageKey(url) {
  // A page asked for in a language (/now?lang=ru, the link on /now) is kept as such: offline, the
  // reader who chose Russian gets Russian, not the language of the browser.
  var lang = url.searchParams.get("lang") || "";
  return url.pathname + (/^[a-z]{2,3}$/.test(lang) ? "?lang=" + lang : "");
}
function keep(req, res) {
  if (res.ok && !res.redirected) { var copy = res.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
  return res;
}
function keepCopy(path) {
  // The page as a visitor sees it, in this browser's language and region (its cookies). Fails when
  // the page could not be had, so an install without /now or /learn fails (and is tried again).
  var ask = path === "/manifest.webmanifest" ? {} : { credentials: "same-origin", headers: { "X-Crampcare-Offline-Copy": "1" } };
  return fetch(path, ask).then(function (res) {
    if (!res.ok || res.redirected) throw new Error(path + ": " + res.status);
    return caches.open(CACHE).then(function (c) { return c.put(path, res); });
  });
}
self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return c.addAll(PRECACHE);
  }).then(function () {
    return Promise.all(PAGES.map(function (path) { return keepCopy(path); }));
  }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("crampcare-") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});
self.addEventListener("fetch", function (e) {
  var req = e.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  var path = url.pathname;
  if (isPublic(path)) {
    // Network first (always fresh when online): the page as it is for whoever is signed in, while
    // the kept copy (the visitor's page, refreshed now) is what shows when the network is not there.
    // A network that answers slowly (a weak signal at night) does not keep the kept page waiting:
    // after SLOW ms it is shown, and the answer, when it comes, refreshes the copy for next time.
    var key = pageKey(url), net = fetch(req);
    var kept = function () { return caches.match(key).then(function (hit) { return hit || caches.match(path); }); };
    e.waitUntil(net.then(function (res) { return res.ok && !res.redirected ? keepCopy(key) : null; }).catch(function () {}));
    e.respondWith(new Promise(function (answer, fail) {
      var done = false, give = function (res) { if (!done && res) { done = true; answer(res); } };
      var slow = setTimeout(function () { kept().then(give); }, SLOW);
      net.then(give, function (err) {
        clearTimeout(slow);
        kept().then(function (hit) { if (hit) give(hit); else if (!done) fail(err); });
      });
    }));
  } else if (path.indexOf("/static/") === 0) {
    // A static file's address names its version, so any kept copy of it is the right one: the match
    // ignores Vary (Accept-Language, Cookie), or a cookie set since install (the language, the region,
    // a form's message) missed every kept file offline, and the offline form lost its script.
    e.respondWith(caches.match(req, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(req).then(function (res) { return keep(req, res); });
    }));
  } else if (req.mode === "navigate" && (path === "/diary" || path === "/")) {
    // The diary itself is never cached; offline it opens as the empty night form (kept as a copy).
    e.respondWith(fetch(req).then(function (res) {
      if (path === "/diary" && res.ok && !res.redirected) e.waitUntil(keepCopy("/diary/offline").catch(function () {}));
      return res;
    }).catch(function () {
      return caches.match(path === "/diary" ? "/diary/offline" : "/now").then(function (hit) {
        return hit || caches.match("/now");
      });
    }));
  }
});
