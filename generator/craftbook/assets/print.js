/* Craftbook print footer: every printed page carries the document's title, its address,
 * the date it was printed and "page n / m".
 *
 * print.css draws the footer in the @page margin boxes (Chromium 131+ lays them out;
 * counter(page) and counter(pages) number the pages). CSS cannot read the page's title
 * or address, so this file hands them over as custom properties on <html>, which the
 * page context inherits. Nothing leaves the browser.
 */
(function () {
  "use strict";

  // A CSS string token: quotes and backslashes escaped, control characters (which
  // would end or break the token) turned into spaces.
  function cssString(text) {
    return '"' + String(text).replace(/[\\"]/g, "\\$&").replace(/[\u0000-\u001f\u007f]/g, " ") + '"';
  }

  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function update() {
    var heading = document.querySelector(".md-content article h1, .md-content h1");
    var title = document.title;
    if (heading) {
      var copy = heading.cloneNode(true);
      copy.querySelectorAll(".headerlink").forEach(function (link) { link.remove(); });  // the ¶ anchor
      title = copy.textContent.replace(/\s+/g, " ").trim();
    }
    var address = location.href.split("#")[0];
    var style = document.documentElement.style;
    style.setProperty("--cb-print-title", cssString(title));
    style.setProperty("--cb-print-address", cssString(address));
    style.setProperty("--cb-print-date", cssString("인쇄 " + today()));
  }

  window.addEventListener("beforeprint", update);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(update);  // Material's instant navigation swaps pages in place
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
})();
