// Safety on a shared phone (docs/safety.md). For a signed-in family member:
// - auto-lock: after the person's lock time without activity (typing, keys, touch, pointer, scroll)
//   the page is replaced by a lock screen at once, without asking the server; then the session ends
//   on the server and the sign-in page opens (when there is a connection);
// - what was typed in an open form is kept, encrypted (AES-GCM) with a key that only this person gets
//   from the server while signed in, and put back into the same form after signing in again;
// - signed in with "not my phone": nothing is kept (no worker, no kept pages, no drafts).
(function () {
  "use strict";
  var body = document.body;
  var person = body.getAttribute("data-person");
  var lockAfter = parseInt(body.getAttribute("data-lock-after") || "0", 10);
  if (!person || !lockAfter) { return; }
  var keep = body.getAttribute("data-keep") !== "0";
  var ACTIVITY = "onsplan-activity", LOCKED = "onsplan-locked";  // localStorage: times only, shared by tabs
  var DRAFTS_DB = "onsplan-drafts", STORE = "drafts", DAY = 24 * 3600 * 1000;
  var here = location.pathname + location.search;

  function deleteCaches(prefix) {
    if (!("caches" in window)) { return Promise.resolve(); }
    return caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf(prefix) === 0; })
        .map(function (k) { return caches.delete(k); }));
    }).catch(function () {});
  }

  // Not my phone: no service worker, no kept pages, nothing of OnsPlan in the phone's caches.
  if (!keep) {
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.getRegistrations().then(function (registrations) {
        registrations.forEach(function (registration) { registration.unregister(); });
      }).catch(function () {});
    }
    deleteCaches("onsplan-").then(function () { body.setAttribute("data-nothing-kept", "1"); });
  }

  // Drafts: one per person and page, in IndexedDB, encrypted ------------------------------------
  var key = null;
  var keyReady = !keep || !(window.crypto && crypto.subtle && "indexedDB" in window) ? Promise.resolve(null)
    : fetch("/sessie/sleutel", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (!answer || answer.person !== person || !answer.key) { return null; }
        var raw = Uint8Array.from(atob(answer.key), function (c) { return c.charCodeAt(0); });
        return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
      })
      .then(function (imported) { key = imported; return imported; })
      .catch(function () { return null; });

  function run(mode, work) {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DRAFTS_DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: "id" }); };
      request.onerror = function () { reject(request.error); };
      request.onsuccess = function () {
        var db = request.result, tx = db.transaction(STORE, mode), result;
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        var req = work(tx.objectStore(STORE));
        if (req) { req.onsuccess = function () { result = req.result; }; }
      };
    });
  }
  function associated() { return new TextEncoder().encode(person + "\n" + here); }

  // What the person typed: fields that differ from what the page came with (no hidden fields,
  // passwords or files).
  function typed() {
    var forms = [];
    document.querySelectorAll("main form").forEach(function (form, index) {
      if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
      var fields = [];
      Array.prototype.forEach.call(form.elements, function (el) {
        var type = (el.type || "").toLowerCase();
        if (!el.name || el.disabled || ["hidden", "password", "file", "submit", "button", "reset"].indexOf(type) >= 0) { return; }
        if (type === "checkbox" || type === "radio") {
          if (el.checked !== el.defaultChecked) { fields.push({ name: el.name, value: el.value, checked: el.checked }); }
        } else if (el.tagName === "SELECT") {
          var changed = Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; });
          if (changed) { fields.push({ name: el.name, value: el.value }); }
        } else if (el.value !== el.defaultValue) {
          fields.push({ name: el.name, value: el.value });
        }
      });
      if (fields.length) { forms.push({ index: index, action: form.getAttribute("action") || "", fields: fields }); }
    });
    return forms;
  }
  function keepDraft(forms) {
    if (!forms.length || !key) { return Promise.resolve(false); }
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = new TextEncoder().encode(JSON.stringify(forms));
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: associated() }, key, plain)
      .then(function (sealed) {
        return run("readwrite", function (store) {
          return store.put({ id: person + ":" + here, person: person, saved: Date.now(), iv: iv, data: sealed });
        });
      })
      .then(function () { return true; }, function () { return false; });
  }
  function restoreDraft() {
    return run("readwrite", function (store) {
      // Old drafts go, whoever they are of (they are unreadable without the person's key anyway).
      var all = store.openCursor();
      all.onsuccess = function () {
        var cursor = all.result;
        if (!cursor) { return; }
        if (Date.now() - cursor.value.saved > DAY) { cursor.delete(); }
        cursor.continue();
      };
      return null;
    }).then(function () {
      return run("readonly", function (store) { return store.get(person + ":" + here); });
    }).then(function (draft) {
      if (!draft || draft.person !== person || !key) { return; }
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: draft.iv, additionalData: associated() }, key, draft.data)
        .then(function (plain) {
          var forms = JSON.parse(new TextDecoder().decode(plain));
          var all = document.querySelectorAll("main form");
          forms.forEach(function (kept) {
            var form = all[kept.index];
            if (!form || (form.getAttribute("action") || "") !== kept.action) {
              form = Array.prototype.find.call(all, function (f) { return (f.getAttribute("action") || "") === kept.action; });
            }
            if (!form) { return; }
            kept.fields.forEach(function (field) {
              Array.prototype.forEach.call(form.elements, function (el) {
                if (el.name !== field.name) { return; }
                if (el.type === "checkbox" || el.type === "radio") {
                  if (el.value === field.value) { el.checked = field.checked; }
                } else { el.value = field.value; }
              });
            });
            var template = document.getElementById("draft-restored-message");
            if (template) { form.insertBefore(template.content.firstElementChild.cloneNode(true), form.firstChild); }
          });
          return run("readwrite", function (store) { return store.delete(draft.id); });
        });
    }).catch(function () {});
  }
  keyReady.then(function () { return keep && key ? restoreDraft() : null; })
    .then(function () { body.setAttribute("data-drafts-checked", "1"); });

  // Locking ------------------------------------------------------------------------------------
  var locked = false;
  function lock() {
    if (locked) { return; }
    locked = true;
    var forms = keep ? typed() : [];
    // The page goes at once, also without a connection.
    var main = document.getElementById("main");
    var screen = document.getElementById("lock-screen");
    document.querySelectorAll(".main-nav, .page-footer").forEach(function (el) { el.remove(); });
    if (main && screen) {
      main.textContent = "";
      main.appendChild(screen.content.firstElementChild.cloneNode(true));
      document.title = main.querySelector("h1").textContent;
      var signIn = main.querySelector("[data-lock-sign-in]");
      signIn.href = signIn.getAttribute("href") + "?next=" + encodeURIComponent(here);
      main.querySelector("h1").focus();
    }
    try { localStorage.setItem(LOCKED, String(Date.now())); } catch (e) { /* private mode */ }
    var token = "";
    try { token = JSON.parse(body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { /* no token */ }
    keepDraft(forms).then(function (kept) {
      var note = main && main.querySelector("[data-lock-kept]");
      if (note) { note.hidden = !kept; }
      return deleteCaches("onsplan-pages-");
    }).then(function () {
      var data = new FormData();
      data.append("csrf_token", token);
      var ended = fetch("/vergrendelen", { method: "POST", body: data, credentials: "same-origin", keepalive: true,
                                           headers: { "X-OnsPlan-Lock": "1", "X-CSRFToken": token } })
        .catch(function () {});
      return Promise.race([ended, new Promise(function (resolve) { setTimeout(resolve, 1500); })]);
    }).then(function () {
      if (navigator.onLine) { location.replace("/inloggen?next=" + encodeURIComponent(here)); }
    });
  }

  // Activity -------------------------------------------------------------------------------------
  // The server keeps the session open for the lock time after each request, at most every `step`
  // seconds (webapp.auth); the page locks that much earlier, so it is never open while the server
  // has already ended the session.
  var step = Math.max(1, Math.min(15, Math.floor(lockAfter / 4)));
  var lockMs = (lockAfter - step) * 1000;
  var beatMs = Math.max(1000, Math.min(60, Math.floor(lockAfter / 4)) * 1000);
  var last = Date.now(), lastBeat = Date.now(), lastStored = 0, pendingBeat = null;
  function stored() {
    try { return parseInt(localStorage.getItem(ACTIVITY) || "0", 10) || 0; } catch (e) { return 0; }
  }
  function beat() {
    pendingBeat = null;
    lastBeat = Date.now();
    fetch("/sessie", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (session) { if (session && session.person !== person) { lock(); } })
      .catch(function () {});
  }
  function active() {
    if (locked) { return; }
    last = Date.now();
    if (last - lastStored > 1000) {
      lastStored = last;
      try { localStorage.setItem(ACTIVITY, String(last)); } catch (e) { /* private mode */ }
      if ("caches" in window && keep) {
        // For the service worker: kept pages are not shown once the lock time has passed.
        caches.open("onsplan-state").then(function (cache) {
          return cache.put("/__activity", new Response(JSON.stringify({ person: person, last: last, idle: lockAfter })));
        }).catch(function () {});
      }
    }
    // The server hears of activity too (also after the last of a burst), so it does not end the session.
    if (!pendingBeat) {
      pendingBeat = setTimeout(beat, Math.max(0, lastBeat + beatMs - Date.now()));
    }
  }
  ["input", "keydown", "pointerdown", "touchstart", "scroll", "wheel"].forEach(function (name) {
    window.addEventListener(name, active, { capture: true, passive: true });
  });
  window.addEventListener("storage", function (event) { if (event.key === LOCKED) { lock(); } });
  function check() {
    if (!locked && Date.now() - Math.max(last, stored()) >= lockMs) { lock(); }
  }
  setInterval(check, 1000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { check(); } });
  active();
})();
