// The wall's own watch (app/wall/pages.py). The server cannot tell a screen that its socket is
// down, so the page itself calls its data stale when no update (a new beat of #wall-beat) came
// for data-stale-ms: <html data-wall-stale> then shows the banner and dims the wall (CSS in the
// page). The next update that arrives clears it.
(function () {
  if (window.__wallWatch) return;
  window.__wallWatch = true;
  var seen = null;
  var since = Date.now();
  setInterval(function () {
    var root = document.documentElement;
    var beat = document.getElementById("wall-beat");
    if (!beat) {
      root.removeAttribute("data-wall-stale");
      seen = null;
      return;
    }
    var now = Date.now();
    var value = beat.getAttribute("data-beat");
    if (value !== seen) {
      seen = value;
      since = now;
    }
    var limit = Number(beat.getAttribute("data-stale-ms")) || 30000;
    if (now - since > limit) root.setAttribute("data-wall-stale", "");
    else root.removeAttribute("data-wall-stale");
  }, 500);
})();
