// The report page's few behaviours, offline and without a library.
(function () {
  "use strict";
  var doc = document.documentElement;
  doc.classList.add("js");
  function each(sel, fn, root) { Array.prototype.forEach.call((root || document).querySelectorAll(sel), fn); }

  // Sort a table by a column (numbers by their exact value), click again to reverse, a third time to restore.
  // A layer table sorts its leaf layers only: stage and block rows (their sums) are hidden while it is sorted.
  each("table.sortable", function (table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    rows.forEach(function (r, i) { r._home = r.parentNode; r._i = i; });
    var layers = table.classList.contains("role-layers");
    each("th", function (th, col) {
      th.addEventListener("click", function () {
        var state = th.getAttribute("aria-sort");
        closeDetails(table);
        each("th", function (h) { h.removeAttribute("aria-sort"); }, table);
        if (state === "descending") {
          table.classList.remove("sorted");
          rows.forEach(function (r) { r._home.appendChild(r); });
          return;
        }
        var up = state !== "ascending";
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        var leaves = layers ? rows.filter(function (r) { return !r.classList.contains("tag-container"); }) : rows;
        leaves.sort(function (a, b) {
          var x = a.cells[col], y = b.cells[col], vx = x.dataset.v, vy = y.dataset.v, d;
          if (vx !== undefined && vy !== undefined) { d = parseFloat(vx) - parseFloat(vy); }
          else if (vx !== undefined || vy !== undefined) { d = vx === undefined ? -1 : 1; }
          else { d = x.textContent.localeCompare(y.textContent); }
          return (up ? d : -d) || a._i - b._i;
        });
        table.classList.toggle("sorted", layers);
        var body = table.tBodies[0];
        leaves.forEach(function (r) { body.appendChild(r); });
      });
    }, table);
  });

  // A row's arithmetic on demand: a "?" button opens, under the row, the document kept in a <template>
  // (parsed only when opened).
  function closeDetails(table) {
    each("tr.x-row", function (r) {
      var b = r.previousElementSibling && r.previousElementSibling.querySelector("button.x-open");
      if (b) { b.setAttribute("aria-expanded", "false"); }
      r.parentNode.removeChild(r);
    }, table);
  }
  each("div.row-details", function (box) {
    var byRow = {}, shared = {};
    each("template[data-row]", function (t) { byRow[t.dataset.row] = t; }, box);
    each("template[data-x]", function (t) { shared[t.dataset.x] = t; }, box);
    each("table.role-" + box.dataset.role + " tr[data-name]", function (row) {
      var t = byRow[row.dataset.name];
      if (!t) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "x-open";
      button.textContent = box.dataset.label;
      button.title = box.dataset.title + " " + row.dataset.name;  // ends with the command that prints it
      button.setAttribute("aria-label", button.title);
      button.setAttribute("aria-expanded", "false");
      row.cells[0].appendChild(button);
      button.addEventListener("click", function (e) {
        e.stopPropagation();
        var open = row.nextElementSibling;
        if (open && open.classList.contains("x-row")) {
          open.parentNode.removeChild(open);
          button.setAttribute("aria-expanded", "false");
          return;
        }
        var tr = document.createElement("tr"), td = document.createElement("td");
        tr.className = "x-row";
        if (row.dataset.group) { tr.dataset.group = row.dataset.group; }  // folds with its block
        td.colSpan = row.cells.length;
        var div = document.createElement("div");
        div.className = "explain";
        div.appendChild(t.content.cloneNode(true));
        each("i[data-x]", function (i) { i.parentNode.replaceChild(shared[i.dataset.x].content.cloneNode(true), i); },
             div);
        td.appendChild(div);
        tr.appendChild(td);
        row.parentNode.insertBefore(tr, row.nextSibling);
        button.setAttribute("aria-expanded", "true");
      });
    });
  });

  // Two models stage by stage: the numbers are the page's data (the analyses); the script looks them up and
  // subtracts.  Without the script the table shows the first two models.
  function grouped(n) {
    return (n < 0 ? "\u2212" : "") + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }
  function signed(n) { return (n > 0 ? "+" : "") + grouped(n); }
  each("div.stage-diff[data-models]", function (box) {
    var data = JSON.parse(box.dataset.models), a = box.querySelector(".sd-a"), b = box.querySelector(".sd-b");
    var table = box.querySelector("table"), caption = box.querySelector(".table-caption");
    function cell(tr, text, num) {
      var td = document.createElement("td");
      if (num) { td.className = "num"; }
      td.textContent = text;
      tr.appendChild(td);
    }
    function row(body, name, x, y, total) {
      var tr = document.createElement("tr");
      tr.className = total ? "strong rule tag-total level-0" : "level-0";
      cell(tr, name, false);
      ["out", "params", "macs"].forEach(function (k) {
        var vx = x ? x[k] : null, vy = y ? y[k] : null;
        if (k === "out") {
          cell(tr, total ? "" : vx === null ? "\u2014" : vx, false);
          cell(tr, total ? "" : vy === null ? "\u2014" : vy, false);
          return;
        }
        cell(tr, vx === null ? "\u2014" : grouped(vx), true);
        cell(tr, vy === null ? "\u2014" : grouped(vy), true);
        cell(tr, vx === null || vy === null ? "\u2014" : signed(vy - vx), true);
      });
      body.appendChild(tr);
    }
    function draw() {
      var A = data.models[a.value], B = data.models[b.value], heads = table.tHead.rows[0].cells;
      heads[1].textContent = A.model + " output"; heads[2].textContent = B.model + " output";
      heads[3].textContent = A.model + " params"; heads[4].textContent = B.model + " params";
      heads[6].textContent = A.model + " MACs"; heads[7].textContent = B.model + " MACs";
      // the header order is output A, output B, params A, params B, Δ params, MACs A, MACs B, Δ MACs
      if (caption) { caption.textContent = A.model + " \u2192 " + B.model + ", stage by stage"; }
      var body = document.createElement("tbody");
      data.order.forEach(function (name) {
        var x = A.stages[name] || null, y = B.stages[name] || null;
        if (x || y) { row(body, name, x, y, false); }
      });
      row(body, "network", A, B, true);
      Array.prototype.slice.call(table.tBodies).forEach(function (old) { table.removeChild(old); });
      table.appendChild(body);
    }
    a.addEventListener("change", draw);
    b.addEventListener("change", draw);
    draw();
  });

  // Runs of identical blocks are folded under one line; a click opens them.
  each("tbody.fold", function (body) {
    var row = document.createElement("tr"), cell = document.createElement("td");
    row.className = "fold-line";
    cell.colSpan = body.rows[0].cells.length;
    var button = document.createElement("button");
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.textContent = "▸ " + body.dataset.fold;
    cell.appendChild(button);
    row.appendChild(cell);
    body.parentNode.insertBefore(document.createElement("tbody"), body).appendChild(row);
    body.classList.add("folded");
    button.addEventListener("click", function () {
      var open = body.classList.toggle("folded") === false;
      button.setAttribute("aria-expanded", String(open));
      button.textContent = (open ? "▾ " : "▸ ") + body.dataset.fold;
    });
  });

  // In a layer table, a click on a block's name folds the block's layers (and unfolds them again).
  each("table.role-layers tr.tag-container.level-2", function (row) {
    row.classList.add("foldable");
    row.cells[0].addEventListener("click", function () {
      var folded = row.classList.toggle("folded");
      each('tr[data-group="' + row.dataset.group + '"]', function (r) { if (r !== row) { r.hidden = folded; } },
           row.closest("table"));
    });
  });

  // A wide table shows a shadow at the side that scrolls.
  function cue(wrap) {
    var more = wrap.scrollWidth - wrap.clientWidth;
    wrap.classList.toggle("more-right", more > 1 && wrap.scrollLeft < more - 1);
    wrap.classList.toggle("more-left", wrap.scrollLeft > 1);
  }
  each(".table-wrap", function (wrap) {
    cue(wrap);
    wrap.addEventListener("scroll", function () { cue(wrap); }, { passive: true });
  });
  window.addEventListener("resize", function () { each(".table-wrap", cue); });

  // A click on a figure opens it full size over the page; Escape, a click or the button closes it.
  var overlay = document.createElement("div");
  overlay.className = "overlay";
  overlay.hidden = true;
  overlay.setAttribute("role", "dialog");
  overlay.innerHTML = '<button type="button" class="close" aria-label="Close">×</button><div class="big"></div>';
  document.body.appendChild(overlay);
  function closeOverlay() { overlay.hidden = true; overlay.querySelector(".big").textContent = ""; }
  function openFigure(frame) {
    var svg = frame.querySelector("svg").cloneNode(true);
    svg.removeAttribute("id");
    svg.style.maxWidth = "none";
    svg.setAttribute("width", svg.viewBox.baseVal.width * 4 / 3);
    svg.setAttribute("height", svg.viewBox.baseVal.height * 4 / 3);
    overlay.querySelector(".big").appendChild(svg);
    overlay.hidden = false;
    overlay.querySelector(".close").focus();
  }
  each(".fig-frame", function (frame) {
    frame.addEventListener("click", function () { openFigure(frame); });
    frame.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openFigure(frame); }
    });
  });
  overlay.addEventListener("click", function (e) { if (!e.target.closest("svg")) { closeOverlay(); } });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && !overlay.hidden) { closeOverlay(); } });

  window.addEventListener("beforeprint", function () {
    each("details", function (d) { d.open = true; });
    each("tbody.folded", function (b) { b.classList.remove("folded"); });
  });

  // The receptive-field view: every number comes from the page's data (the analysis); the script only
  // places rectangles.  Unit (i, j) of a layer sees rows [i·jump − pad, i·jump − pad + rf) and columns
  // [j·jump − pad, …), clipped to the input.
  var NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function span(L, axis, k) {
    var a = k * L.jump[axis] - L.pad[axis];
    return [a, a + L.rf[axis]];
  }
  function seesAll(L, axis, size) {  // the units along an axis whose receptive field covers the whole input
    var lo = Math.max(0, Math.ceil((size - L.rf[axis] + L.pad[axis]) / L.jump[axis]));
    var hi = Math.min(L.out[axis] - 1, Math.floor(L.pad[axis] / L.jump[axis]));
    return lo <= hi ? [lo, hi] : null;
  }
  each(".rfview", function (view) {
    var data = JSON.parse(view.dataset.rf), H = data.input[0], W = data.input[1];
    var byName = {};
    data.layers.forEach(function (L) { byName[L.name] = L; });
    var select = view.querySelector(".rf-layer"), out = view.querySelector(".rf-numbers");
    var svg = view.querySelector(".rf-canvas");
    var state = { layer: data.layers[Math.floor(data.layers.length / 2)], unit: [0, 0] };
    function draw() {
      var L = state.layer, m = Math.max(L.pad[0], L.pad[1], 1) + 4, i = state.unit[0], j = state.unit[1];
      svg.textContent = "";
      svg.setAttribute("viewBox", [-m, -m, W + 2 * m, H + 2 * m].join(" "));
      el("rect", { class: "rf-pad", x: -L.pad[1], y: -L.pad[0], width: W + 2 * L.pad[1], height: H + 2 * L.pad[0] }, svg);
      el("rect", { class: "rf-image", x: 0, y: 0, width: W, height: H }, svg);
      var rows = seesAll(L, 0, H), cols = seesAll(L, 1, W), all = "no unit sees the whole input";
      if (rows && cols) {
        var c0 = cols[0] * L.jump[1] - L.pad[1] + L.rf[1] / 2, r0 = rows[0] * L.jump[0] - L.pad[0] + L.rf[0] / 2;
        el("rect", { class: "rf-all", x: c0 - 2, y: r0 - 2, width: (cols[1] - cols[0]) * L.jump[1] + 4,
                     height: (rows[1] - rows[0]) * L.jump[0] + 4 }, svg);
        all = "units " + rows[0] + "–" + rows[1] + " × " + cols[0] + "–" + cols[1] + " see the whole input";
      }
      var pattern = el("pattern", { id: view.id + "-dots", patternUnits: "userSpaceOnUse", width: L.jump[1],
                                    height: L.jump[0], x: L.rf[1] / 2 - L.pad[1] - L.jump[1] / 2,
                                    y: L.rf[0] / 2 - L.pad[0] - L.jump[0] / 2 }, el("defs", {}, svg));
      el("circle", { cx: L.jump[1] / 2, cy: L.jump[0] / 2, r: Math.max(0.35, Math.min(L.jump[0], L.jump[1]) / 6) }, pattern);
      var x = span(L, 1, 0)[0] + L.rf[1] / 2 - L.jump[1] / 2, y = span(L, 0, 0)[0] + L.rf[0] / 2 - L.jump[0] / 2;
      el("rect", { class: "rf-units", x: x, y: y, width: L.out[1] * L.jump[1], height: L.out[0] * L.jump[0],
                   fill: "url(#" + view.id + "-dots)" }, svg);
      var ry = span(L, 0, i), rx = span(L, 1, j);
      el("rect", { class: "rf-full", x: rx[0], y: ry[0], width: L.rf[1], height: L.rf[0] }, svg);
      var x0 = Math.max(0, rx[0]), x1 = Math.min(W, rx[1]), y0 = Math.max(0, ry[0]), y1 = Math.min(H, ry[1]);
      el("rect", { class: "rf-rect", x: x0, y: y0, width: x1 - x0, height: y1 - y0, "data-unit": i + "," + j,
                   "data-layer": L.name }, svg);
      el("circle", { class: "rf-unit", cx: (rx[0] + rx[1]) / 2, cy: (ry[0] + ry[1]) / 2,
                     r: Math.max(1.5, Math.min(W, H) / 80) }, svg);
      out.textContent = L.name + ": output " + L.out[0] + "×" + L.out[1] + ", RF " + L.rf[0] + "×" + L.rf[1] +
        " px, jump " + L.jump[0] + "×" + L.jump[1] + ", padding " + L.pad[0] + "×" + L.pad[1] + ". Unit (" + i +
        ", " + j + ") sees rows " + y0 + "–" + (y1 - 1) + ", columns " + x0 + "–" + (x1 - 1) + " of the " + H +
        "×" + W + " input; " + all + ".";
    }
    function choose(L, unit) {
      state.layer = L;
      state.unit = [Math.min(L.out[0] - 1, Math.max(0, unit[0])), Math.min(L.out[1] - 1, Math.max(0, unit[1]))];
      select.value = L.name;
      draw();
    }
    function center(L) { return [Math.floor(L.out[0] / 2), Math.floor(L.out[1] / 2)]; }
    select.addEventListener("change", function () { var L = byName[select.value]; choose(L, center(L)); });
    each("table.role-layers tr[data-name]", function (row) {
      row.addEventListener("mouseenter", function () {
        var L = byName[row.dataset.name];
        if (L && L !== state.layer) { choose(L, center(L)); }
      });
    });
    function toUnit(e) {
      var p = svg.createSVGPoint(), L = state.layer;
      p.x = e.clientX; p.y = e.clientY;
      var q = p.matrixTransform(svg.getScreenCTM().inverse());
      choose(L, [Math.round((q.y + L.pad[0] - L.rf[0] / 2) / L.jump[0]),
                 Math.round((q.x + L.pad[1] - L.rf[1] / 2) / L.jump[1])]);
    }
    var dragging = false;
    svg.addEventListener("pointerdown", function (e) { dragging = true; svg.setPointerCapture(e.pointerId); toUnit(e); });
    svg.addEventListener("pointermove", function (e) { if (dragging) { toUnit(e); } });
    svg.addEventListener("pointerup", function () { dragging = false; });
    function fromHash() {  // #rf=LAYER@i,j: open the view at a layer and unit (a link can show one)
      var m = /^#rf=([^@]+)@(\d+),(\d+)$/.exec(decodeURIComponent(location.hash));
      if (m && byName[m[1]]) { choose(byName[m[1]], [parseInt(m[2], 10), parseInt(m[3], 10)]); return true; }
      return false;
    }
    window.addEventListener("hashchange", fromHash);
    if (!fromHash()) { choose(state.layer, center(state.layer)); }
  });
}());
