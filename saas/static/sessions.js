/* Strategy sessions: remember the browser's time zone in a "tz" cookie, so the server can
   show session times on this person's clock when their profile names no zone (their own
   setting wins; without JavaScript, the brand's zone is used). Only zone names are
   written: letters, digits, "/", "_", "+" and "-". */
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) return;
  var current = null;
  var parts = document.cookie ? document.cookie.split("; ") : [];
  for (var i = 0; i < parts.length; i++) {
    if (parts[i].indexOf("tz=") === 0) current = parts[i].slice(3);
  }
  if (current === zone) return;
  var secure = window.location.protocol === "https:" ? "; secure" : "";
  document.cookie = "tz=" + zone + "; path=/; max-age=31536000; samesite=lax" + secure;
  // First visit: the page was drawn with the fallback zone; draw it again on this clock.
  var stored = document.cookie.indexOf("tz=" + zone) !== -1; // cookies may be refused
  if (stored && current === null && document.querySelector("[data-session-times]")) {
    window.location.reload();
  }
})();
