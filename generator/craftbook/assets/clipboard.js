/* Copy text to the clipboard, for consult mode's copy buttons and 평가하기's result
   (consult.js, scorecard.js): one implementation, loaded before both.
   window.craftbookCopy(text) → a Promise that settles when the text is on the clipboard. */
(function () {
  "use strict";

  window.craftbookCopy = function (text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Intranet sites are often plain http, where the Clipboard API is missing.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.setAttribute("readonly", "");
      area.setAttribute("aria-hidden", "true");
      area.setAttribute("class", "cb-copy-buffer");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (error) {
        ok = false;
      }
      area.remove();
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  };
})();
