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
    if (document.body.classList.contains("overview")) { return; }
    // the notes (n) take the bottom of the window: the slide shrinks above them, never under them
    var notes = document.body.classList.contains("show-notes") ? window.innerHeight * 0.3 : 0;
    var pane = presenter ? document.getElementById("presenter") : null;
    var width = pane ? window.innerWidth * 0.58 : window.innerWidth;
    var height = window.innerHeight - notes;
    var scale = Math.min(width / deck.offsetWidth, height / deck.offsetHeight);
    deck.style.top = (height / 2) + "px";
    deck.style.left = (width / 2) + "px";
    deck.style.transform = "translate(-50%, -50%) scale(" + scale + ")";
  }
  // The notes (n) live outside the scaled deck, in the bottom of the window, below the slide.
  var notesPane = document.createElement("aside");
  notesPane.id = "notes-pane";
  document.body.appendChild(notesPane);
  // Presenter view (p): a second window with this slide's notes, the next slide and a timer; both windows
  // follow each other over a BroadcastChannel (or window.opener where channels are missing).
  var presenter = /[?&]presenter=1/.test(location.search);
  var channel = window.BroadcastChannel ? new BroadcastChannel("resnet-inspect-deck:" + location.pathname) : null;
  var started = Date.now();
  function tell(n) {
    var message = { slide: n };
    if (channel) { channel.postMessage(message); }
    else if (window.opener && window.opener.deckShow) { window.opener.deckShow(n, true); }
    else if (window.presenterWindow && window.presenterWindow.deckShow) { window.presenterWindow.deckShow(n, true); }
  }
  function fillPresenter() {
    var pane = document.getElementById("presenter");
    if (!pane) { return; }
    var next = slides[current + 1];
    pane.querySelector(".p-now").textContent = (current + 1) + " / " + slides.length;
    pane.querySelector(".p-notes").innerHTML = slides[current].querySelector(".notes").innerHTML;
    var box = pane.querySelector(".p-next");
    box.textContent = "";
    if (next) {
      var copy = next.cloneNode(true);
      copy.classList.add("current");
      copy.removeAttribute("id");
      box.appendChild(copy);
    } else { box.textContent = "—"; }
  }
  function show(n, push, quiet) {
    current = Math.max(0, Math.min(slides.length - 1, n));
    slides.forEach(function (s, i) { s.classList.toggle("current", i === current); });
    if (push) { history.replaceState(null, "", (presenter ? "?presenter=1" : "") + "#" + (current + 1)); }
    fillPresenter();
    notesPane.innerHTML = slides[current].querySelector(".notes").innerHTML;
    if (!quiet) { tell(current); }
  }
  window.deckShow = function (n) { show(n, true, true); };
  if (channel) { channel.onmessage = function (e) { if (e.data && typeof e.data.slide === "number") { show(e.data.slide, true, true); } }; }
  function openPresenter() {
    var url = location.pathname + "?presenter=1#" + (current + 1);
    window.presenterWindow = window.open(url, "resnet-inspect-presenter", "width=1100,height=700");
  }
  function fullScreen() {
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (document.documentElement.requestFullscreen) { document.documentElement.requestFullscreen(); }
  }
  function overview(on) {
    document.body.classList.toggle("overview", on);
    deck.style.transform = on ? "none" : "";
    if (!on) { fit(); }
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
    } else if (k === "n" || k === "N") { document.body.classList.toggle("show-notes"); fit();
    } else if (k === "p" || k === "P") { openPresenter();
    } else if (k === "f" || k === "F") { fullScreen();
    } else if (k === "o" || k === "O") { overview(!document.body.classList.contains("overview"));
    } else if (k === "Escape" && document.body.classList.contains("overview")) { overview(false);
    } else { return; }
    e.preventDefault();
  });
  document.addEventListener("click", function (e) {
    if (document.body.classList.contains("overview")) {
      var picked = e.target.closest && e.target.closest(".slide");
      if (picked) { overview(false); show(slides.indexOf(picked), true); }
      return;
    }
    if (e.target.closest && e.target.closest("#notes-pane, #presenter")) { return; }
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
  function notesOverlap() {  // how far the slide runs under its notes, in px
    var under = deck.getBoundingClientRect().bottom - notesPane.getBoundingClientRect().top;
    document.body.setAttribute("data-notes-overlap", String(Math.max(0, Math.round(under))));
  }
  if (presenter) {
    document.body.classList.add("presenter");
    var pane = document.createElement("aside");
    pane.id = "presenter";
    pane.innerHTML = '<div class="p-bar"><span class="p-now"></span><span class="p-clock">0:00</span>' +
      '<button type="button" class="p-reset"></button></div><div class="p-notes"></div>' +
      '<div class="p-label"></div><div class="p-next"></div>';
    pane.querySelector(".p-reset").textContent = document.body.getAttribute("data-label-reset");
    pane.querySelector(".p-label").textContent = document.body.getAttribute("data-label-next");
    document.body.appendChild(pane);
    pane.querySelector(".p-reset").addEventListener("click", function () { started = Date.now(); });
    setInterval(function () {
      var s = Math.floor((Date.now() - started) / 1000);
      pane.querySelector(".p-clock").textContent = Math.floor(s / 60) + ":" + ("0" + s % 60).slice(-2);
    }, 1000);
  }
  show(fromLocation(), false, true);
  if (/[?&]notes=1/.test(location.search)) { document.body.classList.add("show-notes"); }
  if (/[?&]measure=1/.test(location.search)) { overflow(); }
  fit();
  if (/[?&]measure=1/.test(location.search) && document.body.classList.contains("show-notes")) { notesOverlap(); }
}());
