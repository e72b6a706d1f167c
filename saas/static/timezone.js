/* A new workspace's time zone: preselect the browser's own zone when the list has it.
   Only on selects marked data-browser-zone (new forms); without JavaScript, or for a zone
   not in the list, the server's choice stays (the agency's usual zone, never plain UTC). */
(function () {
  "use strict";
  function preselect() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    if (!zone) return;
    var selects = document.querySelectorAll("select[data-browser-zone]");
    for (var i = 0; i < selects.length; i++) {
      var select = selects[i];
      for (var j = 0; j < select.options.length; j++) {
        if (select.options[j].value === zone) {
          select.value = zone;
          break;
        }
      }
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", preselect);
  } else {
    preselect();
  }
})();
