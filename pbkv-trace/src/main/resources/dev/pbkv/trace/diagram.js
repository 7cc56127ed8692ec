/*
 * pbkv space-time diagram (docs/trace-format.md): one lane per node, an arrow per delivered message,
 * lost messages crossed out, annotations placed without overlap, filters by message type, the
 * first broken invariant marked and explained. Self-contained: no network, no library.
 *
 * PbkvDiagram(container, options) builds the controls and the SVG inside container and returns
 * { setData(data), highlight(messageId) }. data = { timeBase, nodes, events, pending? } as
 * DiagramRenderer writes it; pending lists messages in flight (the debugger's). Options:
 * hideBackground (true/false: pings and timers hidden at first; default: for real-time traces),
 * violationBanner (false: the page shows the violation itself).
 */
function PbkvDiagram(container, options) {
  "use strict";
  options = options || {};
  var SVG = "http://www.w3.org/2000/svg";
  // One table of marks: the diagram and the legend draw every kind from it (same class, same shape).
  var STYLES = {
    SEND: { shape: "circle", r: 3, legend: "send" },
    RECEIVE: { shape: "circle", r: 3, legend: "receive" },
    TIMER: { shape: "circle", r: 3, legend: "timer fired (grey)" },
    NOTE: { shape: "circle", r: 3.5, legend: "start / outside input (hollow)" },
    VIEW: { shape: "diamond", r: 5.5, legend: "view change", tag: true },
    CALL: { shape: "square", r: 4, legend: "client call", tag: true },
    RETURN: { shape: "square", r: 4, legend: "client return", tag: true },
    CRASH: { shape: "cross", r: 5, legend: "crash", tag: true },
    RESTART: { shape: "square", r: 4.5, legend: "restart", tag: true },
    PAUSE: { shape: "bar", r: 5, legend: "pause", tag: true },
    RESUME: { shape: "bar", r: 5, legend: "resume", tag: true },
    VIOLATION: { shape: "star", r: 8, legend: "invariant broken", tag: true }
  };
  var ANNOTATIONS = { VIEW: 1, CALL: 1, RETURN: 1, VIOLATION: 1 }; // carry the stamp of the event before
  var TAG_PRIORITY = { VIOLATION: 0, CRASH: 1, RESTART: 1, PAUSE: 1, RESUME: 1, VIEW: 2, CALL: 3, RETURN: 3, NOTE: 4 };
  var BACKGROUND = { Ping: 1, View: 1, GetView: 1 }; // "hide pings and timers": Ping, ViewReply ("View …"), GetView
  var FONT = "11px system-ui, sans-serif";
  var BOLD = { VIEW: "600 ", CRASH: "600 ", RESTART: "600 ", PAUSE: "600 ", RESUME: "600 ", VIOLATION: "700 " };

  var state = { layout: "time", scale: 1, labels: true, msgLabels: true, hidden: {}, hideTimers: false, fit: true };
  var data = { timeBase: "virtual", nodes: [], events: [] };
  var sendOf = {}, types = {}, timerTypes = {};
  var firstData = true;

  // --- controls ---------------------------------------------------------------------------------
  container.classList.add("pbkv-diagram");
  container.innerHTML = "";
  var bar = add("div", { "class": "bar" }, container);
  var row1 = add("div", { "class": "row" }, bar);
  row1.innerHTML =
    '<label>layout <select data-role="layout"><option value="time">time, in causal order (idle gaps shortened)</option>' +
    '<option value="lamport">Lamport clock</option></select></label>' +
    '<button data-role="zoomIn" title="zoom in (or ctrl + mouse wheel)">+</button>' +
    '<button data-role="zoomOut" title="zoom out">−</button>' +
    '<button data-role="fit" title="fit the width of the window">fit</button>' +
    '<label><input data-role="labels" type="checkbox" checked> labels</label>' +
    '<label><input data-role="msgLabels" type="checkbox" checked> message names</label>' +
    '<button data-role="background" title="hide or show Ping, ViewReply (View …), GetView and every timer">hide pings &amp; timers</button>' +
    '<span class="stats" data-role="stats"></span>';
  var typeRow = add("div", { "class": "row types" }, bar);
  var legendRow = add("div", { "class": "row legend" }, bar);
  var violationBox = add("div", { "class": "violations" }, bar);
  violationBox.style.display = "none";
  var wrap = add("div", { "class": "wrap" }, container);
  var svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "space-time");
  wrap.appendChild(svg);

  function ctl(role) { return bar.querySelector('[data-role="' + role + '"]'); }
  ctl("layout").addEventListener("change", function (ev) { state.layout = ev.target.value; state.fit = true; draw(); });
  ctl("zoomIn").addEventListener("click", function () { state.scale *= 1.5; state.fit = false; draw(); });
  ctl("zoomOut").addEventListener("click", function () { state.scale /= 1.5; state.fit = false; draw(); });
  ctl("fit").addEventListener("click", function () { state.fit = true; draw(); });
  ctl("labels").addEventListener("change", function (ev) { state.labels = ev.target.checked; draw(); });
  ctl("msgLabels").addEventListener("change", function (ev) { state.msgLabels = ev.target.checked; draw(); });
  ctl("background").addEventListener("click", function () { setBackground(!backgroundHidden()); draw(); });
  wrap.addEventListener("wheel", function (ev) {
    if (!ev.ctrlKey) { return; }
    ev.preventDefault(); state.scale *= ev.deltaY < 0 ? 1.2 : 1 / 1.2; state.fit = false; draw();
  }, { passive: false });
  window.addEventListener("resize", function () { draw(); });

  function backgroundHidden() { return state.hideTimers; }
  function setBackground(hide) {
    state.hideTimers = hide;
    Object.keys(BACKGROUND).forEach(function (t) { state.hidden[t] = hide; });
    ctl("background").textContent = hide ? "show pings & timers" : "hide pings & timers";
    buildTypeRow();
  }

  function add(name, attrs, parent) {
    var x = document.createElement(name);
    for (var k in attrs) { x.setAttribute(k, attrs[k]); }
    parent.appendChild(x);
    return x;
  }
  function el(name, attrs, parent) {
    var x = document.createElementNS(SVG, name);
    for (var k in attrs) { x.setAttribute(k, attrs[k]); }
    parent.appendChild(x);
    return x;
  }
  function tip(x, text) { el("title", {}, x).textContent = text; }
  function typeOf(label) { var s = (label || "").trim(); var i = s.search(/[\s\[]/); return i < 0 ? s : s.substring(0, i); }
  function clip(s, n) { return s.length > n ? s.substring(0, n - 1) + "…" : s; }

  var canvas = document.createElement("canvas").getContext("2d");
  function textWidth(s, font) { canvas.font = font || FONT; return canvas.measureText(s).width; }

  // --- data -------------------------------------------------------------------------------------
  function setData(d) {
    data = d;
    sendOf = {}; types = {}; timerTypes = {};
    data.events.forEach(function (e, i) {
      e.i = i;
      if (e.k === "SEND" && e.m) { sendOf[e.m] = e; var t = typeOf(e.lb); types[t] = (types[t] || 0) + 1; }
      if (e.k === "TIMER") { var tt = typeOf(e.lb); timerTypes[tt] = (timerTypes[tt] || 0) + 1; }
    });
    if (firstData) {
      firstData = false;
      // Real-cluster traces are mostly pings and timers: start with them hidden.
      if (options.hideBackground === true || (options.hideBackground !== false && data.timeBase === "real")) { setBackground(true); }
    }
    buildTypeRow();
    buildLegend();
    buildViolations();
    draw();
  }

  function buildTypeRow() {
    typeRow.innerHTML = "";
    var names = Object.keys(types).sort();
    if (names.length === 0) { return; }
    add("span", {}, typeRow).textContent = "messages: ";
    names.forEach(function (t) {
      var l = add("label", {}, typeRow);
      var c = add("input", { type: "checkbox", "data-type": t }, l);
      c.checked = !state.hidden[t];
      c.addEventListener("change", function () { state.hidden[t] = !c.checked; draw(); });
      l.appendChild(document.createTextNode(" " + t + " "));
      add("span", { "class": "count" }, l).textContent = "(" + types[t] + ")";
    });
    if (Object.keys(timerTypes).length > 0) {
      var l2 = add("label", {}, typeRow);
      var c2 = add("input", { type: "checkbox", "data-type": "timers" }, l2);
      c2.checked = !state.hideTimers;
      c2.addEventListener("change", function () { state.hideTimers = !c2.checked; draw(); });
      l2.appendChild(document.createTextNode(" timers "));
      add("span", { "class": "count" }, l2).textContent = "(" + Object.keys(timerTypes).map(function (t) { return t + " " + timerTypes[t]; }).join(", ") + ")";
    }
  }

  /** Draws the mark of {@code kind} at (x, y) into parent: the one function for diagram and legend. */
  function mark(kind, x, y, parent) {
    var s = STYLES[kind] || STYLES.NOTE, r = s.r, m;
    if (s.shape === "circle") { m = el("circle", { cx: x, cy: y, r: r }, parent); }
    else if (s.shape === "square") { m = el("rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r }, parent); }
    else if (s.shape === "diamond") { m = el("path", { d: "M" + x + " " + (y - r) + " l" + r + " " + r + " l" + (-r) + " " + r + " l" + (-r) + " " + (-r) + "z" }, parent); }
    else if (s.shape === "bar") { m = el("rect", { x: x - 2, y: y - r - 2, width: 4, height: 2 * r + 4 }, parent); }
    else if (s.shape === "cross") { m = el("path", { d: "M" + (x - r) + " " + (y - r) + " l" + 2 * r + " " + 2 * r + " m0 " + (-2 * r) + " l" + (-2 * r) + " " + 2 * r, "stroke-width": 3 }, parent); m.style.stroke = "#111"; }
    else { // star
      var p = [];
      for (var k = 0; k < 10; k++) { var rr = k % 2 === 0 ? r : r * 0.45, a = Math.PI / 5 * k - Math.PI / 2; p.push((x + rr * Math.cos(a)).toFixed(1) + " " + (y + rr * Math.sin(a)).toFixed(1)); }
      m = el("path", { d: "M" + p.join(" L") + "z" }, parent);
    }
    m.setAttribute("class", "ev " + kind);
    return m;
  }

  function buildLegend() {
    legendRow.innerHTML = "";
    var present = {};
    data.events.forEach(function (e) { present[e.k] = true; });
    Object.keys(STYLES).forEach(function (k) {
      if (!present[k] || k === "DROP") { return; }
      var span = add("span", { "data-legend": ".ev." + k }, legendRow);
      var s = document.createElementNS(SVG, "svg");
      span.appendChild(s);
      mark(k, 11, 7, s);
      span.appendChild(document.createTextNode(STYLES[k].legend));
    });
    legendItem("msg", ".msg:not(.reply)", "message (arrow)");
    if (Object.keys(types).indexOf("Reply") >= 0) { legendItem("msg reply", ".msg.reply", "reply to a client"); }
    if (present.DROP) { legendItem("lost", ".lost", "lost message (✕)"); }
    if (data.pending && data.pending.length) { legendItem("pending", ".pending", "in flight (not delivered yet)"); }
    add("span", {}, legendRow).textContent = "— hover anything for details";
  }
  function legendItem(cls, selector, text) {
    var span = add("span", { "data-legend": selector }, legendRow);
    var s = document.createElementNS(SVG, "svg");
    span.appendChild(s);
    el("line", { "class": cls, x1: 1, y1: 7, x2: 21, y2: 7 }, s);
    span.appendChild(document.createTextNode(text));
  }

  function buildViolations() {
    var vs = options.violationBanner === false ? [] : data.events.filter(function (e) { return e.k === "VIOLATION"; });
    violationBox.innerHTML = "";
    violationBox.style.display = vs.length ? "" : "none";
    vs.forEach(function (v) {
      var head = add("div", {}, violationBox);
      head.appendChild(document.createTextNode("✗ invariant broken: " + v.lb + " — at " + v.n + " "));
      var a = add("a", { "data-role": "show-violation" }, head);
      a.textContent = "show";
      a.addEventListener("click", function () { highlightEvent(v.i); });
      add("pre", {}, violationBox).textContent = v.d || "";
    });
  }

  // --- layout -----------------------------------------------------------------------------------
  function visibleEvent(e) {
    if (e.k === "TIMER") { return !state.hideTimers; }
    if (e.k === "SEND" || e.k === "RECEIVE" || e.k === "DROP") { return !state.hidden[typeOf(e.lb)]; }
    return true;
  }

  /** Lane names: an alias when they are long host:port addresses; the full name on hover. */
  function aliases(nodes) {
    var out = {}, hosts = {};
    nodes.forEach(function (n) { var m = /^(.*):(\d+)$/.exec(n); if (m) { hosts[m[1]] = true; } });
    var oneHost = Object.keys(hosts).length === 1;
    nodes.forEach(function (n) {
      var m = /^(.*):(\d+)$/.exec(n);
      var a = m && oneHost ? ":" + m[2] : n;
      out[n] = clip(a, 14);
    });
    return out;
  }

  /**
   * Positions (px, before zoom) of every event. "time": the events in time order, but every event
   * after the previous one of its node and every receive after its send; idle time between
   * events is shortened to at most 60 px, so no quiet stretch pushes an arrow across the page.
   * "lamport": the Lamport time. Annotations sit with the event they annotate.
   */
  function positions(evs) {
    var pos = new Array(evs.length);
    if (state.layout === "lamport") {
      evs.forEach(function (e) { pos[e.i] = e.l * 14; });
      return pos;
    }
    var gaps = [], sorted = evs.slice().sort(function (a, b) { return a.t - b.t || a.i - b.i; });
    for (var k = 1; k < sorted.length; k++) { var g = sorted[k].t - sorted[k - 1].t; if (g > 0) { gaps.push(g); } }
    gaps.sort(function (a, b) { return a - b; });
    var unit = gaps.length ? 14 / gaps[Math.floor(gaps.length / 2)] : 1; // the median gap is 14 px
    // Kahn's algorithm, ready events taken in (time, trace order)
    var lanePrev = {}, preds = new Array(evs.length), waiting = new Array(evs.length), next = {};
    evs.forEach(function (e) {
      var p = [];
      if (lanePrev[e.n] !== undefined) { p.push(lanePrev[e.n]); }
      lanePrev[e.n] = e.i;
      if (e.k === "RECEIVE" && e.m && sendOf[e.m] && sendOf[e.m].i !== e.i) { p.push(sendOf[e.m].i); }
      preds[e.i] = p;
      waiting[e.i] = p.length;
      p.forEach(function (q) { (next[q] = next[q] || []).push(e.i); });
    });
    var heap = [];
    function less(a, b) { var x = evs[a], y = evs[b]; return x.t < y.t || (x.t === y.t && x.i < y.i); }
    function push(v) { heap.push(v); var c = heap.length - 1; while (c > 0) { var p = (c - 1) >> 1; if (!less(heap[c], heap[p])) { break; } var t = heap[c]; heap[c] = heap[p]; heap[p] = t; c = p; } }
    function pop() { var top = heap[0], last = heap.pop(); if (heap.length) { heap[0] = last; var c = 0; for (;;) { var l = 2 * c + 1, r = l + 1, m = c; if (l < heap.length && less(heap[l], heap[m])) { m = l; } if (r < heap.length && less(heap[r], heap[m])) { m = r; } if (m === c) { break; } var t = heap[c]; heap[c] = heap[m]; heap[m] = t; c = m; } } return top; }
    evs.forEach(function (e) { if (waiting[e.i] === 0) { push(e.i); } });
    var cursor = 0, lastT = null;
    while (heap.length) {
      var i = pop(), e = evs[i];
      var p = cursor;
      if (lastT !== null && e.t > lastT) { p += Math.min(60, Math.max(2, (e.t - lastT) * unit)); }
      preds[i].forEach(function (q) {
        var gap = ANNOTATIONS[e.k] && evs[q].n === e.n ? 0 : (evs[q].n === e.n ? 10 : 18);
        p = Math.max(p, pos[q] + gap);
      });
      pos[i] = p;
      cursor = Math.max(cursor, p);
      lastT = lastT === null ? e.t : Math.max(lastT, e.t);
      (next[i] || []).forEach(function (j) { if (--waiting[j] === 0) { push(j); } });
    }
    return pos;
  }

  // --- placement without overlap ------------------------------------------------------------------
  function Boxes() { this.cells = {}; }
  Boxes.prototype.key = function (cx, cy) { return cx + "," + cy; };
  Boxes.prototype.cellsOf = function (b, f) {
    for (var cx = Math.floor(b.x / 32); cx <= Math.floor((b.x + b.w) / 32); cx++) {
      for (var cy = Math.floor(b.y / 16); cy <= Math.floor((b.y + b.h) / 16); cy++) { f(this.key(cx, cy)); }
    }
  };
  Boxes.prototype.free = function (b) {
    var ok = true, cells = this.cells;
    this.cellsOf(b, function (k) {
      (cells[k] || []).forEach(function (o) {
        if (b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h) { ok = false; }
      });
    });
    return ok;
  };
  Boxes.prototype.put = function (b) { var cells = this.cells; this.cellsOf(b, function (k) { (cells[k] = cells[k] || []).push(b); }); };

  // --- drawing ------------------------------------------------------------------------------------
  function draw() {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    var evs = data.events;
    var nodes = data.nodes;
    var alias = aliases(nodes);
    var left = 16 + Math.min(130, Math.max.apply(null, [40].concat(nodes.map(function (n) { return textWidth(alias[n], "600 13px system-ui, sans-serif"); }))));
    var top = 34, bottom = 24;
    var avail = Math.max(200, wrap.clientHeight - 4);
    var laneGap = nodes.length ? Math.max(44, Math.min(140, (avail - top - bottom) / nodes.length)) : 60;
    var laneY = {};
    nodes.forEach(function (n, i) { laneY[n] = top + i * laneGap; });
    var raw = positions(evs);
    var lo = Infinity, hi = -Infinity;
    evs.forEach(function (e) { if (raw[e.i] < lo) { lo = raw[e.i]; } if (raw[e.i] > hi) { hi = raw[e.i]; } });
    if (lo === Infinity) { lo = 0; hi = 1; }
    var span = Math.max(1, hi - lo);
    var availW = Math.max(300, wrap.clientWidth - left - 190);
    if (state.fit) { state.scale = Math.min(4, Math.max(0.05, availW / span)); }
    var scale = state.scale;
    function X(e) { return left + 10 + (raw[e.i] - lo) * scale; }
    var width = Math.max(wrap.clientWidth - 20, left + 10 + span * scale + 160);
    var height = top + Math.max(1, nodes.length) * laneGap - laneGap / 2 + bottom;
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);

    var boxes = new Boxes();
    var lanes = el("g", { "class": "lanes" }, svg);
    nodes.forEach(function (n) {
      var y = laneY[n];
      el("line", { "class": "lane", "data-node": n, x1: left, y1: y, x2: width - 10, y2: y }, lanes);
      var t = el("text", { "class": "lane-label", x: 6, y: y + 4, "data-node": n }, lanes);
      t.textContent = alias[n];
      tip(t, n);
    });
    var arrows = el("g", { "class": "messages" }, svg);
    var dots = el("g", { "class": "events" }, svg);
    var tags = el("g", { "class": "tags" }, svg);
    var nArrows = 0, nLost = 0, nEvents = 0, nTags = 0, nHiddenTags = 0, nMsgLabels = 0;
    var labelJobs = [], msgJobs = [];
    evs.forEach(function (e) {
      if (laneY[e.n] === undefined || !visibleEvent(e)) { return; }
      var ex = X(e), ey = laneY[e.n];
      if (e.k === "RECEIVE" && e.m && sendOf[e.m] && laneY[sendOf[e.m].n] !== undefined) {
        var s = sendOf[e.m];
        var a = el("line", { "class": "msg" + (typeOf(s.lb) === "Reply" ? " reply" : ""), "data-m": e.m, x1: X(s), y1: laneY[s.n], x2: ex, y2: ey, "marker-end": "url(#pbkv-arrow)" }, arrows);
        tip(a, s.n + " → " + e.n + ": " + (s.lb || "") + "\nsent at Lamport " + s.l + ", received at " + e.l + "\nvector at send " + s.c + "\n" + (s.d || ""));
        nArrows++;
        msgJobs.push({ x1: X(s), y1: laneY[s.n], x2: ex, y2: ey, text: s.lb || "" });
      }
      if (e.k === "DROP" && e.m && sendOf[e.m]) {
        var s2 = sendOf[e.m];
        var sx = X(s2), sy = laneY[s2.n];
        var ty = e.p && laneY[e.p] !== undefined ? laneY[e.p] : sy + laneGap / 2;
        var mx = sx + 28, my = sy + (ty - sy) * 0.45;
        var g = el("g", { "class": "lost-msg", "data-m": e.m }, arrows);
        el("line", { "class": "lost", x1: sx, y1: sy, x2: mx, y2: my }, g);
        el("path", { "class": "lost-x", d: "M" + (mx - 4) + " " + (my - 4) + " l8 8 M" + (mx - 4) + " " + (my + 4) + " l8 -8" }, g);
        tip(g, "LOST " + s2.n + " → " + (e.p || "?") + ": " + (s2.lb || "") + "\n" + (e.d || ""));
        nLost++;
        return;
      }
      var dot = mark(e.k, ex, ey, dots);
      dot.setAttribute("data-i", e.i);
      if (e.m) { dot.setAttribute("data-m", e.m); }
      tip(dot, describe(e));
      var r = (STYLES[e.k] || STYLES.NOTE).r;
      boxes.put({ x: ex - r, y: ey - r, w: 2 * r, h: 2 * r });
      nEvents++;
      if (STYLES[e.k] && STYLES[e.k].tag && e.lb || e.k === "NOTE" && e.lb && e.lb !== "start" && e.lb !== "input") {
        labelJobs.push(e);
      }
    });
    (data.pending || []).forEach(function (p) {
      var s = sendOf[p.m];
      if (!s || laneY[s.n] === undefined || laneY[p.to] === undefined || state.hidden[typeOf(s.lb)]) { return; }
      // a short stub towards the receiver: a message in flight has no receive yet
      var sx = X(s), sy = laneY[s.n], ty = laneY[p.to];
      var line = el("line", { "class": "pending", "data-m": p.m, x1: sx, y1: sy, x2: sx + 26, y2: sy + (ty - sy) * 0.35 }, arrows);
      tip(line, "in flight: " + s.n + " → " + p.to + ": " + (s.lb || "") + (p.copies > 1 ? " (" + p.copies + " copies)" : ""));
    });
    // Annotations first by importance, then in order; each takes the first free place.
    labelJobs.sort(function (a, b) { return (TAG_PRIORITY[a.k] || 5) - (TAG_PRIORITY[b.k] || 5) || a.i - b.i; });
    var half = laneGap / 2 - 3;
    labelJobs.forEach(function (e) {
      if (!state.labels) { return; }
      var ex = X(e), ey = laneY[e.n], placed = null;
      var texts = [e.lb, clip(e.lb, 16), clip(e.lb, 8)];
      for (var ti = 0; ti < texts.length && !placed; ti++) {
        var w = textWidth(texts[ti], (BOLD[e.k] || "") + FONT) + 4, h = 12;
        var rows = [-9, 17, -21, 29, -33, 41];
        for (var ri = 0; ri < rows.length && !placed; ri++) {
          var dy = rows[ri];
          if (Math.abs(dy) + (dy < 0 ? h : 0) > half + 4) { continue; }
          var xs = [ex + 5, ex - w - 5, ex - w / 2];
          for (var xi = 0; xi < xs.length && !placed; xi++) {
            var b = { x: xs[xi], y: ey + dy - h + 2, w: w, h: h };
            if (b.x < left) { continue; }
            if (boxes.free(b)) { placed = { b: b, text: texts[ti] }; }
          }
        }
      }
      if (!placed) { nHiddenTags++; return; }
      boxes.put(placed.b);
      var t = el("text", { "class": "tag " + e.k, x: placed.b.x + 1, y: placed.b.y + placed.b.h - 2, "data-i": e.i }, tags);
      t.textContent = placed.text;
      tip(t, describe(e));
      nTags++;
    });
    if (state.msgLabels) {
      msgJobs.forEach(function (j) {
        var w = textWidth(j.text, "10px system-ui, sans-serif") + 2, h = 11;
        var ts = [0.5, 0.3, 0.7, 0.15, 0.85];
        for (var k = 0; k < ts.length; k++) {
          var cx = j.x1 + (j.x2 - j.x1) * ts[k], cy = j.y1 + (j.y2 - j.y1) * ts[k];
          var b = { x: cx - w / 2, y: cy - h / 2, w: w, h: h };
          if (boxes.free(b)) {
            boxes.put(b);
            el("text", { "class": "msg-label", x: b.x + 1, y: b.y + h - 2 }, tags).textContent = j.text;
            nMsgLabels++;
            return;
          }
        }
      });
    }
    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "pbkv-arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto-start-reverse" }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#555" }, marker);

    svg.dataset.lanes = nodes.length;
    svg.dataset.arrows = nArrows;
    svg.dataset.lost = nLost;
    svg.dataset.events = nEvents;
    svg.dataset.tags = nTags;
    svg.dataset.hiddenTags = nHiddenTags;
    svg.dataset.msgLabels = nMsgLabels;
    ctl("stats").textContent = nEvents + " events, " + nArrows + " messages, " + nLost + " lost shown" +
      (nHiddenTags ? "; " + nHiddenTags + " labels without room (hover the marks)" : "");
    document.body.dataset.rendered = "yes";
  }

  function describe(e) {
    return e.n + " · " + e.k + (e.lb ? " · " + e.lb : "") + "\nLamport " + e.l + "   vector " + e.c +
      "\n" + (data.timeBase === "real" ? "real" : "virtual") + " time " + (e.t / 1000).toFixed(3) + " ms" +
      (e.p ? "\npeer " + e.p : "") + (e.m ? "\nmessage " + e.m : "") + (e.d ? "\n" + e.d : "");
  }

  function highlightEvent(i) {
    var m = svg.querySelector('[data-i="' + i + '"]');
    svg.querySelectorAll(".hl").forEach(function (x) { x.classList.remove("hl"); });
    if (m) {
      m.classList.add("hl");
      var b = m.getBBox();
      wrap.scrollLeft = Math.max(0, b.x - wrap.clientWidth / 2);
      wrap.scrollTop = Math.max(0, b.y - wrap.clientHeight / 2);
    }
  }

  function highlight(messageId) {
    svg.querySelectorAll(".hl").forEach(function (x) { x.classList.remove("hl"); });
    if (messageId) { svg.querySelectorAll('[data-m="' + messageId + '"]').forEach(function (x) { x.classList.add("hl"); }); }
  }

  window.addEventListener("error", function (e) {
    document.body.dataset.errors = (document.body.dataset.errors || "") + e.message + ";";
  });
  return { setData: setData, highlight: highlight, redraw: draw, svg: svg };
}
