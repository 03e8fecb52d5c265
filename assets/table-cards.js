// On a phone the console's tables become cards: each cell is labelled with its column's header
// (the CSS in app/ui/cards.py shows the label beside the value). Runs on every change of the
// page, so tables filled or re-labelled later (a language switch) are labelled again.
(function () {
  function label() {
    document.querySelectorAll("#console-main table").forEach(function (table) {
      if (table.closest("[data-no-cards]")) return;
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      if (!heads.length) return;
      table.setAttribute("data-cards", "on");
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          var text = row.children.length === heads.length ? heads[index] || "" : "";
          if (cell.getAttribute("data-label") !== text) cell.setAttribute("data-label", text);
        });
      });
    });
  }
  var queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    requestAnimationFrame(function () {
      queued = false;
      label();
    });
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  label(); // what is already on the page when the script arrives
})();
