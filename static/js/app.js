// OnsPlan's own small script. Every page works without it; it only adds the
// offline shell (service worker) and cleans up on sign-out.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }
  // The print button needs JavaScript, so it is hidden until this script runs.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Phones are shared: signing out removes cached pages of this user.
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute("data-logout") && "caches" in window) {
      caches.keys().then(function (keys) {
        keys.filter(function (k) { return k.indexOf("onsplan-pages-") === 0; })
            .forEach(function (k) { caches.delete(k); });
      });
    }
  });
})();
