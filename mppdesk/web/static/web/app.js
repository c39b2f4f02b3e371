/* MPP Desk: small progressive enhancements; every page works without them.
 *
 * 1. On a narrow screen the menu folds behind a "Menu" button (aria-expanded).
 * 2. Tables get a data-label on each cell (from their header row), so that under 40rem
 *    the stylesheet can show each row as a card of "label: value" lines instead of a
 *    table wider than the phone. Re-applied after every htmx swap.
 */
(function () {
  "use strict";

  function setupMenu() {
    var header = document.querySelector(".topbar");
    var button = header && header.querySelector(".navtoggle");
    if (!button) { return; }
    header.classList.add("js");
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function labelTables(root) {
    var tables = (root || document).querySelectorAll("main table");
    Array.prototype.forEach.call(tables, function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) { return; }
      var labels = Array.prototype.map.call(head.cells, function (cell) {
        return cell.textContent.replace(/\s+/g, " ").trim();
      });
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          var column = 0;
          Array.prototype.forEach.call(row.cells, function (cell) {
            if (!cell.hasAttribute("data-label") && labels[column]) {
              cell.setAttribute("data-label", labels[column]);
            }
            column += cell.colSpan || 1;
          });
        });
      });
      table.classList.add("cards");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupMenu();
    labelTables(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    labelTables(event.target.closest("main") ? event.target : document);
  });
})();
