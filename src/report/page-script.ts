/**
 * The report page's own script (plain browser JavaScript, run after the bundled ECharts). It reads the
 * study from the `hpo-data` JSON element and draws every plot with the SVG renderer. User text reaches
 * the page only as SVG text nodes (ECharts sets textContent) or through `esc` in tooltips, which ECharts
 * inserts as HTML. Kept as a string: the package's TypeScript has no DOM types. Numbers are formatted
 * by the report's one formatter (format.ts), inlined from its source.
 */
import { formatNumber } from "../util/format.js";

export const PAGE_SCRIPT = `(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("hpo-data").textContent);
  var ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; }); }
  var formatNumber = ${formatNumber.toString()};
  function num(v) { return typeof v === "number" ? formatNumber(v) : esc(v); }
  var STATE_COLORS = { complete: "#1c7ed6", pruned: "#e8590c", failed: "#c92a2a", running: "#868e96" };
  var charts = [];
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = echarts.init(el, null, { renderer: "svg" });
    option.animation = false;
    c.setOption(option);
    charts.push(c);
    el.setAttribute("data-rendered", "true");
    return c;
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });

  var objectives = data.objectives;
  var scored = data.trials.filter(function (t) { return t.state === "complete" && t.values && t.values.every(function (v) { return typeof v === "number"; }); });
  function better(a, b, dir) { return dir === "minimize" ? a < b : a > b; }
  function axisFor(p) {
    if (p.kind === "categorical") return { type: "category", data: p.choices };
    return { type: p.log ? "log" : "value", scale: true };
  }
  function paramValue(p, t) {
    if (!Object.prototype.hasOwnProperty.call(t.params, p.name)) return null;
    var v = t.params[p.name];
    return p.kind === "categorical" ? String(v) : v;
  }

  // Optimization history, one chart per objective, with the best value so far; a log-scale toggle
  // (for early outliers that squash the axis) where every value is positive.
  var historyCharts = [];
  objectives.forEach(function (o, k) {
    var best = null;
    var points = [], line = [];
    scored.forEach(function (t) {
      var v = t.values[k];
      if (best === null || better(v, best, o.direction)) best = v;
      points.push([t.number, v]);
      line.push([t.number, best]);
    });
    var chart = draw("chart-history-" + k, {
      tooltip: { trigger: "item", formatter: function (p) { return "trial " + p.value[0] + "<br>" + esc(p.seriesName) + ": " + num(p.value[1]); } },
      legend: { top: 0 },
      grid: { left: 70, right: 20, top: 40, bottom: 50 },
      xAxis: { axisLine: { onZero: false }, type: "value", name: "trial", nameLocation: "middle", nameGap: 28, minInterval: 1 },
      yAxis: { axisLine: { onZero: false }, type: "value", name: o.metric, scale: true, axisLabel: { formatter: formatNumber } },
      series: [
        { name: o.metric, type: "scatter", data: points, symbolSize: 7, itemStyle: { color: STATE_COLORS.complete } },
        { name: "best so far", type: "line", step: "end", data: line, showSymbol: false, lineStyle: { color: "#e03131", width: 2 }, itemStyle: { color: "#e03131" } },
      ],
    });
    if (chart) historyCharts.push(chart);
  });
  var logToggle = document.getElementById("history-log");
  if (logToggle) {
    var positive = scored.every(function (t) { return t.values.every(function (v) { return v > 0; }); });
    logToggle.disabled = !positive;
    if (!positive) logToggle.parentNode.title = "a log scale needs every value above zero";
    logToggle.addEventListener("change", function () {
      historyCharts.forEach(function (c) { c.setOption({ yAxis: { type: logToggle.checked ? "log" : "value" } }); });
    });
  }

  // Parallel coordinates: every parameter, then the first objective. A conditional parameter's absent
  // value gets its own place below the axis's real values (an "absent" category, or an "absent" tick
  // under a numeric axis), so it never reads as a real value.
  if (scored.length > 0 && data.params.length > 0) {
    var ABSENT = "(absent)";
    var absentAt = [];
    var dims = data.params.map(function (p, i) {
      var a = axisFor(p);
      var present = scored.map(function (t) { return paramValue(p, t); }).filter(function (v) { return v !== null; });
      var absent = present.length < scored.length;
      var dim = { dim: i, name: p.name, type: a.type, data: a.data, scale: true };
      if (!absent) return dim;
      if (a.type === "category") {
        dim.data = [ABSENT].concat(a.data);
        absentAt[i] = ABSENT;
        dim.axisLabel = { color: function (v) { return v === ABSENT ? "#adb5bd" : "#495057"; } };
        return dim;
      }
      var lo = present.length ? Math.min.apply(null, present) : 1, hi = present.length ? Math.max.apply(null, present) : 1;
      var place = a.type === "log" ? lo / Math.pow(hi / lo || 10, 0.2) : lo - 0.2 * (hi - lo || Math.abs(lo) || 1);
      dim.min = place;
      absentAt[i] = place;
      // Ticks between the absent place and the lowest real value would read as real values: unlabelled.
      dim.axisLabel = { showMinLabel: true, formatter: function (v) { return Math.abs(v - place) <= 1e-9 * Math.max(1, Math.abs(place)) ? ABSENT : v < lo ? "" : formatNumber(v); } };
      return dim;
    });
    var valueDim = data.params.length;
    dims.push({ dim: valueDim, name: objectives[0].metric, type: "value", scale: true, axisLabel: { formatter: formatNumber } });
    var values = scored.map(function (t) { return t.values[0]; });
    var rows = scored.map(function (t) {
      var row = data.params.map(function (p, i) { var v = paramValue(p, t); return v === null ? absentAt[i] : v; }).concat([t.values[0]]);
      return row;
    });
    draw("chart-parallel", {
      parallelAxis: dims,
      // The colour scale sits under the plot, so its labels never overlap the last axis.
      parallel: { left: 60, right: 60, top: 50, bottom: 80 },
      visualMap: { type: "continuous", dimension: valueDim, precision: 3, min: Math.min.apply(null, values), max: Math.max.apply(null, values), orient: "horizontal", left: "center", bottom: 5, itemWidth: 12, itemHeight: 200, text: [objectives[0].metric, ""], formatter: formatNumber, calculable: true, inRange: { color: objectives[0].direction === "minimize" ? ["#1c7ed6", "#ced4da"] : ["#ced4da", "#1c7ed6"] } },
      series: [{ type: "parallel", data: rows, lineStyle: { width: 1.5, opacity: 0.6 } }],
    });
  }

  // Parameter importance, one chart per objective.
  data.importance.forEach(function (list, k) {
    if (list.length === 0) return;
    var imp = list.slice().reverse();
    draw("chart-importance-" + k, {
      tooltip: { trigger: "item", formatter: function (p) { return esc(p.name) + ": " + (100 * p.value).toFixed(1) + " %"; } },
      grid: { left: 140, right: 30, top: 10, bottom: 30 },
      xAxis: { axisLine: { onZero: false }, type: "value", max: 1 },
      yAxis: { type: "category", data: imp.map(function (i) { return i.name; }) },
      series: [{ type: "bar", data: imp.map(function (i) { return i.importance; }), itemStyle: { color: "#1c7ed6" } }],
    });
  });

  // Slice plots: the first objective against each parameter.
  data.params.forEach(function (p, i) {
    var pts = [];
    scored.forEach(function (t) {
      var v = paramValue(p, t);
      if (v !== null) pts.push([v, t.values[0], t.number]);
    });
    var x = axisFor(p);
    draw("chart-slice-" + i, {
      title: { text: p.name, left: "center", textStyle: { fontSize: 13 } },
      tooltip: { trigger: "item", formatter: function (q) { return "trial " + q.value[2] + "<br>" + esc(p.name) + " = " + num(q.value[0]) + "<br>" + num(q.value[1]); } },
      grid: { left: 60, right: 15, top: 35, bottom: 30 },
      xAxis: { axisLine: { onZero: false }, type: x.type, data: x.data, scale: true },
      yAxis: { axisLine: { onZero: false }, type: "value", scale: true },
      series: [{ type: "scatter", data: pts, symbolSize: 6, itemStyle: { color: STATE_COLORS.complete, opacity: 0.7 } }],
    });
  });

  // Learning curves: intermediate values of every trial; pruned trials dashed, ending in a triangle.
  var curves = data.trials.filter(function (t) { return t.intermediate.length > 0; });
  if (curves.length > 0) {
    draw("chart-intermediate", {
      tooltip: { trigger: "item", formatter: function (p) { return esc(p.seriesName) + "<br>step " + p.value[0] + ": " + num(p.value[1]); } },
      grid: { left: 70, right: 20, top: 20, bottom: 50 },
      xAxis: { axisLine: { onZero: false }, type: "value", name: "step", nameLocation: "middle", nameGap: 28, minInterval: 1 },
      yAxis: { axisLine: { onZero: false }, type: "value", name: objectives[0].metric, scale: true },
      series: curves.map(function (t) {
        var pruned = t.state === "pruned";
        var pts = t.intermediate.map(function (s, j) {
          var last = j === t.intermediate.length - 1;
          return pruned && last ? { value: [s.step, s.value], symbol: "triangle", symbolSize: 11 } : [s.step, s.value];
        });
        return {
          name: "trial " + t.number + " (" + t.state + ")",
          type: "line",
          data: pts,
          showSymbol: pruned,
          symbolSize: 4,
          lineStyle: { width: 1.2, type: pruned ? "dashed" : "solid", color: STATE_COLORS[t.state] },
          itemStyle: { color: STATE_COLORS[t.state] },
        };
      }),
    });
  }

  // Pareto front of the first two objectives.
  if (objectives.length >= 2 && scored.length > 0) {
    var front = {};
    data.pareto.forEach(function (n) { front[n] = true; });
    var others = [], onFront = [];
    scored.forEach(function (t) { (front[t.number] ? onFront : others).push([t.values[0], t.values[1], t.number]); });
    onFront.sort(function (a, b) { return a[0] - b[0]; });
    draw("chart-pareto", {
      tooltip: { trigger: "item", formatter: function (p) { return "trial " + p.value[2] + "<br>" + esc(objectives[0].metric) + ": " + num(p.value[0]) + "<br>" + esc(objectives[1].metric) + ": " + num(p.value[1]); } },
      legend: { top: 0 },
      grid: { left: 70, right: 30, top: 40, bottom: 50 },
      xAxis: { axisLine: { onZero: false }, type: "value", name: objectives[0].metric + " (" + objectives[0].direction + ")", nameLocation: "middle", nameGap: 28, scale: true },
      yAxis: { axisLine: { onZero: false }, type: "value", name: objectives[1].metric + " (" + objectives[1].direction + ")", scale: true },
      series: [
        { name: "dominated", type: "scatter", data: others, symbolSize: 6, itemStyle: { color: "#adb5bd" } },
        { name: "Pareto front", type: "line", data: onFront, symbolSize: 8, lineStyle: { color: "#e03131" }, itemStyle: { color: "#e03131" } },
      ],
    });
  }

  // Sortable trial table: click a header; numbers sort numerically, empty cells last.
  var table = document.getElementById("trials");
  if (table) {
    var headers = table.querySelectorAll("th");
    headers.forEach(function (th, col) {
      th.addEventListener("click", function () {
        var asc = th.getAttribute("data-order") !== "asc";
        headers.forEach(function (h) { h.removeAttribute("data-order"); });
        th.setAttribute("data-order", asc ? "asc" : "desc");
        var numeric = th.getAttribute("data-type") === "num";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute("data-v"), y = b.cells[col].getAttribute("data-v");
          if (x === "" || y === "") return x === y ? 0 : x === "" ? 1 : -1;
          var d = numeric ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0;
          return asc ? d : -d;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  document.body.setAttribute("data-ready", "true");
})();
`;
