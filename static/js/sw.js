// OnsPlan service worker. The server fills in the version and the shell list,
// so every change of a shell file installs a new worker that takes over cleanly.
"use strict";
const VERSION = "__SHELL_VERSION__";
const SHELL_CACHE = "onsplan-shell-" + VERSION;
// The signed-in family member's own pages, kept so they can be read without network.
// The app marks such pages with X-OnsPlan-Offline; the cache is cleared at sign-out.
const PAGES_CACHE = "onsplan-pages-v1";
const OFFLINE_URL = "/offline";
const SHELL = ["__SHELL_FILES__", OFFLINE_URL];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      // Shell URLs carry their content hash and are immutable: what the page already loaded
      // comes from the browser's cache, nothing is downloaded twice.
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith("onsplan-shell-") && key !== SHELL_CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

// Auto-lock (safety.js): once the person's lock time has passed without activity, OnsPlan is
// locked and the kept pages are not shown any more (they are deleted).
function stillOpen() {
  return caches.open("onsplan-state")
    .then((cache) => cache.match("/__activity"))
    .then((hit) => hit ? hit.json() : null)
    .then((state) => !!state && Date.now() - state.last < state.idle * 1000)
    .catch(() => false);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && response.headers.get("X-OnsPlan-Offline") === "1") {
            const copy = response.clone();
            caches.open(PAGES_CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        })
        .catch(() => stillOpen().then((open) => open ? caches.open(PAGES_CACHE) : caches.delete(PAGES_CACHE).then(() => null))
          // "/" (the installed app's start address) shows the kept home page.
          .then((cache) => cache && cache.match(url.pathname === "/" ? "/home" : request).then((page) => {
            // A kept page does not outlive the session it was seen in.
            const expires = page && Date.parse(page.headers.get("X-OnsPlan-Expires") || "");
            if (page && !(expires > Date.now())) {
              return cache.delete(request).then(() => null);
            }
            return page;
          }))
          .then((page) => page || caches.match(OFFLINE_URL))
          .then((page) => page || Response.error()))
    );
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});
