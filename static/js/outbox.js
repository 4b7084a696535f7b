// OnsPlan's outbox: a form sent without network is kept on this phone (IndexedDB), apart per
// person, and sent by itself when the connection returns, in the order it was made. An item
// leaves the outbox only after the server accepted it; the form's client-made id makes a second
// send of the same item count once. Every form still works as a plain form without this script.
(function () {
  "use strict";
  var person = document.body.getAttribute("data-person");
  // Signed in with "not my phone": nothing is kept here, so a form sent offline is not kept either.
  if (!person || !("indexedDB" in window) || document.body.getAttribute("data-keep") === "0") { return; }
  var DB_NAME = "onsplan-outbox", STORE = "items";
  var SKIP = ["/inloggen", "/uitloggen", "/aanmelden", "/taal"];

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore(STORE, { keyPath: "id" });
        store.createIndex("person", "person");
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
        result = work(tx.objectStore(STORE));
        if (result && "onsuccess" in result) {
          var request = result;
          request.onsuccess = function () { result = request.result; };
        }
      });
    });
  }
  function mine() {
    return run("readonly", function (store) { return store.index("person").getAll(person); })
      .then(function (items) { return (items || []).sort(function (a, b) { return a.created - b.created; }); });
  }
  function put(item) { return run("readwrite", function (store) { return store.put(item); }); }
  function remove(id) { return run("readwrite", function (store) { return store.delete(id); }); }
  function newId() {
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16);
    });
  }

  // Keeping a form -------------------------------------------------------------------------
  // A form field named "action" or "method" hides the form's own properties: read the attributes.
  function target(form) { return new URL(form.getAttribute("action") || location.href, location.href).pathname; }
  function keepable(form) {
    if (!form || (form.getAttribute("method") || "get").toLowerCase() !== "post"
        || form.hasAttribute("data-no-outbox")) { return false; }
    var path = target(form);
    return !SKIP.some(function (prefix) { return path.indexOf(prefix) === 0; });
  }
  function keep(form, submitter) {
    var fields = [];
    new FormData(form, submitter || undefined).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") { fields.push([name, value]); }
    });
    var id = (form.querySelector("[name=client_id]") || form.querySelector("[name=decision_id]") || {}).value || newId();
    var around = form.closest("section, li, main");
    var heading = around ? around.querySelector("h1, h2, h3") : null;
    var item = { id: person + ":" + id, person: person, url: target(form),
                 fields: fields, created: Date.now(), status: "waiting",
                 label: (heading ? heading.textContent.trim() + " — " : "") + document.title };
    // Ask the browser not to clear the outbox when the phone runs short of space.
    if (navigator.storage && navigator.storage.persist) { navigator.storage.persist().catch(function () {}); }
    return put(item).then(function () {
      if (preview(form, item) && form.querySelector("[name=client_id]")) {
        // Shown in its list as it will look: the form is free for the next one (with a new id).
        form.reset();
        form.querySelector("[name=client_id]").value = newId();
      }
      var message = say(form);
      if (message) { message.focus(); }
      showCount();
    });
  }
  // "Saved on this phone" at the top of the form; a form can say what waiting means for it (a
  // withdrawal takes effect only when sent).
  function say(form) {
    var template = document.getElementById("saved-offline-message");
    var old = form.querySelector("[data-not-sent]");
    if (old) { old.remove(); }
    if (!template) { return null; }
    var message = template.content.firstElementChild.cloneNode(true);
    if (form.hasAttribute("data-outbox-saved")) { message.textContent = form.getAttribute("data-outbox-saved"); }
    form.insertBefore(message, form.firstChild);
    return message;
  }
  // A waiting item of a form that is not a list (answers, a consent choice, a status): after a
  // reload, live or kept, the form shows what waits and says so. Sent again, it replaces the item.
  function restore(form, item) {
    var values = {};
    item.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    Array.prototype.forEach.call(form.elements, function (field) {
      var sent = values[field.name];
      if (!sent || /^(submit|button|file)$/.test(field.type)) { return; }
      if (/^(radio|checkbox)$/.test(field.type)) { field.checked = sent.indexOf(field.value) >= 0; }
      else { field.value = sent[0]; }
    });
    say(form);
  }
  // A kept item shown in place, in the list it will join once sent (a comment, an afspraak).
  function preview(form, item) {
    var template = form.querySelector("template[data-outbox-item]");
    var list = form.getAttribute("data-outbox-preview") && document.querySelector(form.getAttribute("data-outbox-preview"));
    if (!template || !list) { return false; }
    if (list.querySelector('[data-outbox-id="' + CSS.escape(item.id) + '"]')) { return true; }
    var values = {};
    item.fields.forEach(function (pair) { values[pair[0]] = pair[1]; });
    var entry = template.content.firstElementChild.cloneNode(true);
    entry.setAttribute("data-outbox-id", item.id);
    entry.querySelectorAll("[data-from]").forEach(function (element) {
      element.textContent = values[element.getAttribute("data-from")] || "";
    });
    [entry].concat(Array.prototype.slice.call(entry.querySelectorAll("[data-from-map]"))).forEach(function (element) {
      var name = element.getAttribute("data-from-map");
      if (name) { element.textContent = element.getAttribute("data-" + values[name]) || ""; }
    });
    entry.querySelectorAll("[data-label-from]").forEach(function (element) {
      var name = element.getAttribute("data-label-from");
      var select = form.querySelector('[name="' + name + '"]');
      var option = select && select.options ? Array.prototype.find.call(select.options, function (o) {
        return o.value === values[name]; }) : null;
      element.textContent = option ? option.textContent.trim() : (values[name] || "");
    });
    list.appendChild(entry);
    return true;
  }
  function showKept() {
    return mine().then(function (items) {
      items.filter(function (item) { return item.status === "waiting"; }).forEach(function (item) {
        document.querySelectorAll("form").forEach(function (form) {
          if (!keepable(form) || target(form) !== item.url) { return; }
          if (form.hasAttribute("data-outbox-preview")) { preview(form, item); } else { restore(form, item); }
        });
        // A page without the form itself says in place that something waits for it (a stop).
        document.querySelectorAll("[data-outbox-for]").forEach(function (note) {
          if (note.getAttribute("data-outbox-for") === item.url) { note.hidden = false; }
        });
      });
    });
  }
  // Every page, live or kept (reloaded offline, or back from the browser's cache), gives its
  // forms ids of its own, so two things made from one page never share an id.
  function fresh() {
    document.querySelectorAll("[name=client_id], [name=decision_id]").forEach(function (field) {
      field.value = newId();
    });
  }
  function markSent(id) {
    var entry = document.querySelector('[data-outbox-id="' + CSS.escape(id) + '"]');
    var state = entry && entry.querySelector("[data-outbox-state]");
    if (state) { state.textContent = entry.parentElement.getAttribute("data-sent-text") || ""; }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (navigator.onLine || !keepable(form)) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    keep(form, event.submitter);
  }, true);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest("form");
    if (navigator.onLine || event.detail.requestConfig.verb === "get" || !keepable(form)) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    keep(form, event.detail.elt.matches("button") ? event.detail.elt : null);
  }, true);

  // Sending what waits -------------------------------------------------------------------------
  var sending = null;
  function reasonOf(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var error = page.querySelector(".form-error, .alert--error, [role=alert]");
    return error ? error.textContent.trim() : "";
  }
  function sendAll() {
    if (sending || !navigator.onLine) { return sending || Promise.resolve(); }
    sending = fetch("/sessie", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (session) {
        // The session ended on the server (signed out elsewhere, or expired): the pages kept for
        // reading offline go now. The waiting items stay for when this person signs in again.
        if (session && session.person === null && "caches" in window) {
          caches.keys().then(function (keys) {
            keys.filter(function (k) { return k.indexOf("onsplan-pages-") === 0; })
                .forEach(function (k) { caches.delete(k); });
          });
        }
        // Only the same person, signed in now, sends their items; anyone else never sees them.
        if (!session || session.person !== person) { return; }
        return mine().then(function (items) {
          return items.filter(function (item) { return item.status === "waiting"; })
            .reduce(function (chain, item) {
              return chain.then(function (go) {
                if (go === false) { return false; }
                var body = new URLSearchParams();
                item.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
                body.set("csrf_token", session.token);
                return fetch(item.url, { method: "POST", body: body, credentials: "same-origin",
                                         headers: { "X-OnsPlan-Outbox": "1" } })
                  .then(function (response) {
                    if (new URL(response.url).pathname.indexOf("/inloggen") === 0) { return false; }
                    if (response.ok) { markSent(item.id); return remove(item.id); }
                    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
                      return response.text().then(function (html) {
                        item.status = "refused";
                        item.reason = reasonOf(html);
                        return put(item);
                      });
                    }
                    return false;  // the server could not take it now: try again later
                  }, function () { return false; });
              });
            }, Promise.resolve(true));
        });
      })
      .catch(function () {})
      .then(function () { sending = null; showCount(); renderList(); });
    return sending;
  }
  window.addEventListener("online", sendAll);
  window.onsplanOutbox = { send: sendAll, items: mine };  // for tests, the waiting list and leaving quickly

  // What the person sees ----------------------------------------------------------------------
  function showCount() {
    return mine().then(function (items) {
      var waiting = items.length;
      document.querySelectorAll("[data-outbox-count]").forEach(function (element) {
        element.hidden = waiting === 0;
        var number = element.querySelector("[data-outbox-number]");
        if (number) { number.textContent = String(waiting); }
      });
    });
  }
  function renderList() {
    var list = document.querySelector("[data-outbox-list]");
    var texts = document.querySelector("[data-outbox-texts]");
    var template = document.getElementById("outbox-item");
    if (!list || !texts || !template) { return; }
    mine().then(function (items) {
      list.textContent = "";
      document.querySelector("[data-outbox-empty]").hidden = items.length > 0;
      items.forEach(function (item) {
        var entry = template.content.firstElementChild.cloneNode(true);
        entry.querySelector("[data-field=label]").textContent = item.label;
        entry.querySelector("[data-field=saved]").textContent =
          texts.getAttribute("data-saved").replace("{when}", new Date(item.created).toLocaleString(document.documentElement.lang));
        entry.querySelector("[data-field=state]").textContent = item.status === "refused"
          ? texts.getAttribute("data-refused").replace("{reason}", item.reason || "")
          : texts.getAttribute("data-waiting");
        entry.querySelector("[data-action=retry]").addEventListener("click", function () {
          item.status = "waiting";
          put(item).then(sendAll);
        });
        entry.querySelector("[data-action=discard]").addEventListener("click", function () {
          if (window.confirm(texts.getAttribute("data-confirm-discard"))) {
            remove(item.id).then(function () { showCount(); renderList(); });
          }
        });
        list.appendChild(entry);
      });
    });
  }

  // Signing out removes this person's waiting items, after a warning when something is unsent.
  var logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", function (event) {
      if (logout.dataset.confirmed === "1") { return; }
      event.preventDefault();
      mine().then(function (items) {
        if (items.length && !window.confirm(logout.getAttribute("data-confirm-waiting"))) { return; }
        return Promise.all(items.map(function (item) { return remove(item.id); })).then(function () {
          logout.dataset.confirmed = "1";
          logout.submit();
        });
      });
    });
  }

  fresh();
  window.addEventListener("pageshow", function (event) { if (event.persisted) { fresh(); showKept(); } });
  showCount();
  renderList();
  showKept().then(function () { if (navigator.onLine) { sendAll(); } });
  // htmx swaps in a new afspraken list: show what still waits there again.
  document.addEventListener("htmx:afterSwap", showKept);
})();
