/* Copy buttons (templates/_copy_button.html): progressive enhancement.
   Without this script the buttons stay hidden and the link is plain selectable text.
   Loaded from 'self' with a script tag (the CSP allows no inline script). */
(function () {
  "use strict";

  function textOf(el) {
    return "value" in el && typeof el.value === "string" ? el.value : el.textContent.trim();
  }

  function selectAll(el) {
    if (typeof el.select === "function") {
      el.focus();
      el.select();
      return;
    }
    var range = document.createRange();
    range.selectNodeContents(el);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function legacyCopy(el) {
    selectAll(el);
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function announce(button, label) {
    var status = button.nextElementSibling;
    if (status && status.classList.contains("copy-status")) {
      status.textContent = label;
    }
    if (!button.dataset.label) {
      button.dataset.label = button.textContent;
    }
    button.textContent = label;
    window.clearTimeout(button._copyTimer);
    button._copyTimer = window.setTimeout(function () {
      button.textContent = button.dataset.label;
    }, 2000);
  }

  function copy(button) {
    var el = document.getElementById(button.dataset.copyTarget);
    if (!el) {
      return;
    }
    var text = textOf(el);
    var done = function () {
      announce(button, button.dataset.copiedLabel);
    };
    var fallback = function () {
      if (legacyCopy(el)) {
        done();
      } else {
        selectAll(el);
        announce(button, button.dataset.failedLabel);
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function init() {
    var buttons = document.querySelectorAll("button[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(button);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
