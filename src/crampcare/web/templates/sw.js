/* crampcare service worker: /now, /learn and the empty night form work offline.
   Only public pages are cached, never a page with someone's diary. */
"use strict";
var CACHE = "crampcare-{{ cache_version }}";
var PRECACHE = {{ precache|tojson }};
var OPTIONAL = {{ optional|tojson }};  // may need a log-in in server mode: cached when it can be
function isPublic(path) {
  return path === "/now" || path === "/learn" || path.indexOf("/learn/") === 0 || path === "/diary/offline" ||
    path === "/manifest.webmanifest";
}
function keep(req, res) {
  if (res.ok && !res.redirected) { var copy = res.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
  return res;
}
self.addEventListener("install", function (e) {
  e.waitUntil(caches.open(CACHE).then(function (c) {
    return c.addAll(PRECACHE).then(function () {
      return Promise.all(OPTIONAL.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (res) {
          if (res.ok && !res.redirected) return c.put(url, res);
        }).catch(function () {});
      }));
    });
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
    // Network first (always fresh when online), the cached copy when not.
    e.respondWith(fetch(req).then(function (res) { return keep(req, res); }).catch(function () {
      return caches.match(req, { ignoreSearch: path === "/now" }).then(function (hit) {
        return hit || caches.match(path);
      });
    }));
  } else if (path.indexOf("/static/") === 0) {
    e.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (res) { return keep(req, res); });
    }));
  } else if (req.mode === "navigate" && (path === "/diary" || path === "/")) {
    // The diary itself is never cached; offline it opens as the empty night form, refreshed at each
    // visit so it belongs to whoever is signed in now (server mode).
    e.respondWith(fetch(req).then(function (res) {
      if (path === "/diary" && res.ok && !res.redirected) {
        fetch("/diary/offline", { credentials: "same-origin" }).then(function (page) {
          if (page.ok && !page.redirected) return caches.open(CACHE).then(function (c) { return c.put("/diary/offline", page); });
        }).catch(function () {});
      }
      return res;
    }).catch(function () {
      return caches.match(path === "/diary" ? "/diary/offline" : "/now").then(function (hit) {
        return hit || caches.match("/now");
      });
    }));
  }
});
