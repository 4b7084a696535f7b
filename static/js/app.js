// OnsPlan's own small script. Every page works without it; it adds the offline shell (service
// worker), "Snel weg" without a page load, cleaning up on sign-out, the offline banner, and
// keeping the place after htmx swaps. The outbox is its own script (outbox.js).
(function () {
  "use strict";
  // Signed in with "not my phone" (data-keep="0"): no worker, nothing kept (safety.js removes it).
  if ("serviceWorker" in navigator && document.body.getAttribute("data-keep") !== "0") {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
    // A new version of OnsPlan took over this page (the worker activates at once and deletes the
    // old shell): offer to reload, so the page and its scripts are of the same version.
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (!controlled) { controlled = true; return; }  // the first worker: nothing changed
      var notice = document.querySelector("[data-new-version]");
      if (notice) {
        notice.hidden = false;
        notice.querySelector("button").addEventListener("click", function () { window.location.reload(); });
      }
    });
  }
  // "Snel weg" (leave quickly): the page disappears at once; what still waits on the phone is
  // sent if the connection allows (at most 1.5 s), then the server signs out, tells the browser to
  // delete everything OnsPlan keeps here and sends it to a neutral site. location.replace keeps
  // this page out of the back history. Also on Escape pressed three times.
  var leave = document.querySelector("[data-leave-quickly]");
  if (leave) {
    var leaving = false;
    var go = function () {
      if (leaving) { return; }
      leaving = true;
      document.documentElement.style.visibility = "hidden";
      document.title = "";
      var sent = window.onsplanOutbox && navigator.onLine ? window.onsplanOutbox.send() : Promise.resolve();
      var wait = new Promise(function (resolve) { setTimeout(resolve, 1500); });
      Promise.race([sent.catch(function () {}), wait]).then(function () { window.location.replace(leave.href); });
    };
    leave.addEventListener("click", function (event) { event.preventDefault(); go(); });
    var escapes = [];
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var now = Date.now();
      escapes = escapes.filter(function (t) { return now - t < 2000; });
      escapes.push(now);
      if (escapes.length >= 3) { go(); }
    });
  }
  // The print button needs JavaScript, so it is hidden until this script runs.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Phones are shared: a page seen while signed out (after signing out, or when the session
  // ended) removes the pages kept for reading offline.
  if (document.body.getAttribute("data-signed-in") === "0" && "caches" in window) {
    caches.keys().then(function (keys) {
      keys.filter(function (k) { return k.indexOf("onsplan-pages-") === 0; })
          .forEach(function (k) { caches.delete(k); });
    });
  }
  // A page read from the phone's memory says so while there is no connection.
  var banner = document.querySelector("[data-offline-banner]");
  // ... and since when: the time the page was made, in the phone's own time and language.
  if (banner && banner.getAttribute("data-made")) {
    var made = new Date(banner.getAttribute("data-made"));
    if (!isNaN(made)) {
      banner.textContent = banner.getAttribute("data-with-time").replace("{when}", made.toLocaleString(
        document.documentElement.lang, { day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" }));
    }
  }
  function showConnection() { if (banner) { banner.hidden = navigator.onLine; } }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  showConnection();
  // After htmx swaps in a changed part, focus its confirmation, so the person keeps their place
  // and a screen reader hears what happened (instead of focus falling back to the page top).
  document.addEventListener("htmx:afterSwap", function (event) {
    var saved = event.detail.target.querySelector && (event.detail.target.matches("[data-saved]")
      ? event.detail.target : document.querySelector("[data-saved]"));
    if (saved) { saved.focus(); }
  });
  // Without network a form that the outbox (outbox.js, loaded first) does not keep is not sent:
  // say so at the form, and keep what was typed. Plain submits are stopped before htmx sees them; htmx
  // requests (a button with its own hx-post) are cancelled before they go out.
  function notSent(form) {
    var template = document.getElementById("not-sent-message");
    if (!form || !template) { return; }
    var message = template.content.firstElementChild.cloneNode(true);
    form.insertBefore(message, form.firstChild);
    message.focus();
  }
  function clearNotSent(form) {
    var old = form && form.querySelector("[data-not-sent]");
    if (old) { old.remove(); }
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    clearNotSent(form);
    if (navigator.onLine || form.method.toLowerCase() !== "post") { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    notSent(form);
  }, true);
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest("form");
    clearNotSent(form);
    if (navigator.onLine || event.detail.requestConfig.verb === "get") { return; }
    event.preventDefault();
    notSent(form);
  });
})();
