// The timeline in motion (issue 17): Play steps the date in the browser, with no script rerun.
//
// Every feature already carries its [from, to) -> look intervals (map.js), so a new day is a
// lookup and a restyle, done here at several steps a second. Thirty students pressing Play
// would otherwise ask the server for a rerun per step each. Python sends, once per play
// setting, the range, the step, the speed and the legend of each stretch of days in the range
// on which the drawn categories stay the same (explorer/ui/play_controls.py). The map, the
// date written large on it and that legend follow each step. The page (its URL, its legend
// and its panels) catches up on Pause and at the end: the map reports the day it stopped on
// as its value, and the next run of the script takes it as the date.
//
// The steps are counted from the start of the range, not from the previous step: "a month
// after 31 January" is 28/29 February, and two months after it is 31 March again, not 28 or
// 29 March (explorer/timeline.py's step_dates computes the same list; a test compares them).
(function () {
  "use strict";

  var MONTHS = { week: 0, month: 1, quarter: 3, year: 12 };
  // Drawn, not typed: the fonts a school's machine has may lack the media symbols (U+23EE...).
  var SVG = '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">';
  var ICONS = {
    play: SVG + '<path d="M3 1.5v13l11-6.5z" fill="currentColor"/></svg>',
    pause: SVG + '<path d="M3 2h3.5v12H3zM9.5 2H13v12H9.5z" fill="currentColor"/></svg>',
    rewind: SVG + '<path d="M2 2h2v12H2zM15 2v12L5 8z" fill="currentColor"/></svg>'
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function iso(y, m, d) { return y + "-" + pad(m) + "-" + pad(d); }
  function parse(day) {
    var p = day.split("-");
    return [parseInt(p[0], 10), parseInt(p[1], 10), parseInt(p[2], 10)];
  }
  function daysIn(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }
  // ``day`` plus ``k`` steps of ``step`` (week, month, quarter, year), as ISO text.
  function plus(day, k, step) {
    var p = parse(day);
    if (step === "week") {
      var t = new Date(Date.UTC(p[0], p[1] - 1, p[2] + 7 * k));
      return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
    }
    var months = (p[1] - 1) + k * MONTHS[step];
    var y = p[0] + Math.floor(months / 12), m = (months % 12) + 1;
    return iso(y, m, Math.min(p[2], daysIn(y, m)));
  }
  // The days Play shows from ``start`` to ``end``: start, one step later, ..., and end itself.
  function stepDays(start, end, step) {
    var out = [];
    for (var k = 0; ; k++) {
      var day = plus(start, k, step);
      if (day >= end) { break; }
      out.push(day);
    }
    out.push(end);
    return out;
  }
  window.bfeStepDays = stepDays;  // for tests: the same list as explorer/timeline.step_dates

  // ``kit``: {map, draw(day) -> Promise, send(value), date() -> the message's day,
  // fetch(url) -> Promise of a JSON document}.
  window.bfePlay = function (kit) {
    var cfg = null;        // args.play of the newest message (null: no Play on this page)
    var days = [];         // the days of the run in progress
    var at = -1;           // index in ``days`` of the day drawn
    var playing = false;
    var timer = null;
    var shown = null;      // the day Play drew last (null: the message's date is drawn)
    var sent = 0;          // the last value sent (the page echoes it in args.play.seen)
    var autoKey = null;    // the presenter's chapter already started
    var bar = null, button = null, rewind = null, stamp = null, legend = null;

    function el(tag, cls, parent) {
      var e = document.createElement(tag);
      if (cls) { e.className = cls; }
      if (parent) { parent.appendChild(e); }
      return e;
    }
    function build() {
      var container = kit.map.getContainer();
      stamp = el("div", "bfe-date-label bfe-play-stamp", container);
      stamp.setAttribute("aria-hidden", "true");  // the status line below says it
      var Bar = L.Control.extend({
        options: { position: "topright" },
        onAdd: function () {
          var div = L.DomUtil.create("div", "leaflet-bar bfe-play-bar");
          rewind = el("button", "bfe-play-rewind", div);
          rewind.type = "button";
          rewind.innerHTML = ICONS.rewind;
          rewind.addEventListener("click", function (e) { e.preventDefault(); toStart(); });
          button = el("button", "bfe-play-button", div);
          button.type = "button";
          button.addEventListener("click", function (e) {
            e.preventDefault();
            if (playing) { pause(); } else { play(); }
          });
          L.DomEvent.disableClickPropagation(div);
          L.DomEvent.disableScrollPropagation(div);
          return div;
        }
      });
      bar = new Bar().addTo(kit.map);
      var Legend = L.Control.extend({
        options: { position: "bottomright" },
        onAdd: function () {
          var div = L.DomUtil.create("div", "bfe-play-legend");
          div.setAttribute("aria-hidden", "true");  // the page's legend is the readable one
          L.DomEvent.disableClickPropagation(div);
          L.DomEvent.disableScrollPropagation(div);
          return div;
        }
      });
      legend = new Legend().addTo(kit.map);
      legend.getContainer().style.display = "none";
    }
    function destroy() {
      halt();
      if (bar) { bar.remove(); legend.remove(); stamp.parentNode.removeChild(stamp); }
      bar = legend = stamp = button = rewind = null;
      shown = null;
      autoKey = null;  // a chapter left and opened again plays again
      document.body.removeAttribute("data-bfe-play");
    }
    function labels() {
      var text = cfg.labels;
      button.innerHTML = playing ? ICONS.pause : ICONS.play;
      button.appendChild(document.createTextNode(" " + (playing ? text.pause : text.play)));
      button.setAttribute("aria-pressed", playing ? "true" : "false");
      rewind.title = text.rewind;
      rewind.setAttribute("aria-label", text.rewind);
    }
    // The legends of the range: a file named by its content, fetched once (like the layers).
    var legends = {};  // url -> {legends: [html], legend_at: [[first day, index]]}
    function legendFor(day) {
      var doc = cfg && legends[cfg.legends];
      if (!doc) { return ""; }
      var pick = null;
      doc.legend_at.forEach(function (row) { if (row[0] <= day) { pick = row[1]; } });
      return pick === null ? "" : doc.legends[pick];
    }
    function loadLegends(url) {
      if (!url || legends[url]) { return; }
      kit.fetch(url).then(function (doc) {
        legends[url] = doc;
        if (shown !== null && cfg && cfg.legends === url) { show(shown, true); }
      }, function () { /* no legend on the map; the page's legend still holds */ });
    }
    // Draw ``day``: the map, its date stamp and (while Play owns the day) its legend.
    function show(day, owned) {
      shown = owned ? day : null;
      stamp.textContent = day;
      var box = legend.getContainer();
      if (owned) {
        var html = legendFor(day);
        if (box.getAttribute("data-day-legend") !== html) {
          box.innerHTML = html;  // made by explorer/web/legend_html.py: escaped there
          box.setAttribute("data-day-legend", html);
        }
      }
      box.style.display = owned && box.innerHTML ? "" : "none";
      document.body.setAttribute("data-bfe-play", (playing ? "playing|" : "paused|") + day);
      return kit.draw(day);
    }
    function schedule() {
      timer = window.setTimeout(tick, Math.max(40, 1000 / (cfg.fps || 4)));
    }
    function tick() {
      timer = null;
      if (!playing) { return; }
      if (at + 1 >= days.length) {
        if (!cfg.loop) { pause(); return; }
        at = -1;
      }
      at += 1;
      show(days[at], true);
      if (at === days.length - 1 && !cfg.loop) { pause(); return; }
      schedule();
    }
    function halt() {
      playing = false;
      if (timer !== null) { window.clearTimeout(timer); timer = null; }
    }
    function play() {
      if (!cfg) { return; }
      var current = shown || kit.date();
      // From the date shown when it lies in the range, else from the range's start.
      var start = current >= cfg.from && current < cfg.to ? current : cfg.from;
      days = stepDays(start, cfg.to, cfg.step);
      at = 0;
      playing = true;
      labels();
      show(days[0], true);
      schedule();
    }
    // Stop, and let the page catch up with the day shown (not in the presenter: its chapter
    // keeps its own date).
    function pause() {
      halt();
      labels();
      if (shown === null) { return; }
      document.body.setAttribute("data-bfe-play", "paused|" + shown);
      if (cfg.report) {
        sent += 1;
        kit.send({ play: sent, date: shown });
      }
    }
    function toStart() {
      halt();
      labels();
      show(cfg.from, true);
      if (cfg.report) { sent += 1; kit.send({ play: sent, date: cfg.from }); }
    }

    return {
      // A new message: Play's settings (or none), the date the page shows.
      update: function (a) {
        var next = a.play || null;
        if (!next) { if (cfg) { cfg = null; destroy(); } return; }
        var fresh = !cfg;
        cfg = next;
        // A map made again (the page left and came back) counts on from what the page saw.
        sent = Math.max(sent, cfg.seen || 0);
        if (fresh) { build(); }
        loadLegends(cfg.legends);
        labels();
        // The page has caught up with the day Play stopped on: its own date is drawn again.
        if (!playing && shown !== null && (!cfg.report || (cfg.seen || 0) >= sent)) {
          shown = null;
        }
        if (shown === null) {
          stamp.textContent = a.date;
          legend.getContainer().style.display = "none";
          document.body.setAttribute("data-bfe-play", (playing ? "playing|" : "idle|") + a.date);
        }
        if (cfg.autoplay && cfg.key !== autoKey) {  // a presenter's chapter that plays
          autoKey = cfg.key;
          halt();
          shown = null;
          window.setTimeout(play, 0);
        }
      },
      // The day the map should draw: Play's while it owns one, else the message's.
      day: function (fallback) { return shown || fallback; },
      playing: function () { return playing; }
    };
  };
})();
