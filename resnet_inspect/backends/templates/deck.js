(function () {
  "use strict";
  var slides = Array.prototype.slice.call(document.querySelectorAll(".slide"));
  var deck = document.getElementById("deck");
  var current = 0;
  function fromLocation() {
    var m = /^#(\d+)$/.exec(location.hash) || /[?&]slide=(\d+)/.exec(location.search);
    var n = m ? parseInt(m[1], 10) - 1 : 0;
    return Math.max(0, Math.min(slides.length - 1, n));
  }
  function fit() {
    var scale = Math.min(window.innerWidth / deck.offsetWidth, window.innerHeight / deck.offsetHeight);
    deck.style.transform = "translate(-50%, -50%) scale(" + scale + ")";
  }
  function show(n, push) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, i) { s.classList.toggle("current", i === current); });
    if (push) { history.replaceState(null, "", "#" + (current + 1)); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    var k = e.key;
    if (k === "ArrowRight" || k === "ArrowDown" || k === " " || k === "PageDown" || k === "Enter") {
      show(current + 1, true);
    } else if (k === "ArrowLeft" || k === "ArrowUp" || k === "PageUp" || k === "Backspace") {
      show(current - 1, true);
    } else if (k === "Home") { show(0, true);
    } else if (k === "End") { show(slides.length - 1, true);
    } else if (k === "n" || k === "N") { document.body.classList.toggle("show-notes");
    } else { return; }
    e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest(".notes")) { return; }
    show(current + (e.clientX < window.innerWidth / 3 ? -1 : 1), true);
  });
  window.addEventListener("hashchange", function () { show(fromLocation(), false); });
  window.addEventListener("resize", fit);
  // Layout check (used by the tests): how far each slide's content runs past its box, in CSS pixels.
  function overflow() {
    var out = [];
    slides.forEach(function (s) {
      var was = s.classList.contains("current");
      s.classList.add("current");
      var worst = 0;
      s.querySelectorAll(".body, .text, .fig, header").forEach(function (el) {
        worst = Math.max(worst, el.scrollHeight - el.clientHeight, el.scrollWidth - el.clientWidth);
      });
      var box = s.getBoundingClientRect();
      s.querySelectorAll(".text > *, .fig img, h1").forEach(function (el) {
        var r = el.getBoundingClientRect();
        worst = Math.max(worst, r.bottom - box.bottom + 0.42 * 96, r.right - box.right + 0.55 * 96);
      });
      if (!was) { s.classList.remove("current"); }
      out.push(s.getAttribute("data-n") + ":" + Math.round(worst));
    });
    document.body.setAttribute("data-overflow", out.join(" "));
  }
  show(fromLocation(), false);
  if (/[?&]notes=1/.test(location.search)) { document.body.classList.add("show-notes"); }
  if (/[?&]measure=1/.test(location.search)) { overflow(); }
  fit();
}());
