// Sort a table by a column (numbers by their exact value), click again to reverse; print with every section open.
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var up = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col], vx = x.dataset.v, vy = y.dataset.v, d;
        if (vx !== undefined && vy !== undefined) { d = parseFloat(vx) - parseFloat(vy); }
        else if (vx !== undefined || vy !== undefined) { d = vx === undefined ? -1 : 1; }
        else { d = x.textContent.localeCompare(y.textContent); }
        return up ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});
// In a layer table, a click on a block's row folds the block's layers (and unfolds them again).
document.querySelectorAll("table.role-layers tr.tag-container.level-2").forEach(function (row) {
  row.classList.add("foldable");
  row.addEventListener("click", function () {
    var folded = row.classList.toggle("folded");
    row.parentNode.querySelectorAll('tr[data-group="' + row.dataset.group + '"]').forEach(function (r) {
      if (r !== row) { r.hidden = folded; }
    });
  });
});
