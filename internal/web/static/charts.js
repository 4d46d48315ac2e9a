// charts.js draws the results pages' charts with ECharts. Each chart is an
// element with data-chart naming a <script type="application/json"> block
// that holds its data; the same numbers are in a table beside it. No
// inline script or style: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  var palette = ["#b4232a", "#3b6ea5", "#8a8f98", "#d08c2d", "#4f8a5b", "#7a5ba8"];

  function radar(d) {
    return {
      color: palette,
      tooltip: {},
      legend: { bottom: 0, data: d.series.map(function (s) { return s.name; }) },
      radar: { indicator: d.indicators, radius: "62%" },
      series: [{
        type: "radar",
        data: d.series.map(function (s, i) {
          return { name: s.name, value: s.data, lineStyle: { type: i === 0 ? "solid" : "dashed" }, areaStyle: i === 0 ? { opacity: 0.15 } : undefined };
        })
      }]
    };
  }

  // trend draws total and rank over past cycles. The x axis names each
  // cycle by its short period (the tooltip gives the full name), so every
  // label fits; the rank axis spans 1..the largest group (rank 1 on top).
  function trend(d) {
    var n = Math.max(d.group_size || 1, 2);
    return {
      color: palette,
      tooltip: {
        trigger: "axis",
        formatter: function (ps) {
          var i = ps.length ? ps[0].dataIndex : 0;
          var lines = [echarts.format.encodeHTML(d.names[i] || d.labels[i])];
          for (var k = 0; k < ps.length; k++) {
            var v = ps[k].seriesIndex === 1 ? ps[k].value + " / " + d.sizes[i] : ps[k].value;
            lines.push(ps[k].marker + echarts.format.encodeHTML(ps[k].seriesName) + " " + echarts.format.encodeHTML(String(v)));
          }
          return lines.join("<br>");
        }
      },
      legend: { bottom: 0, data: [d.total_label, d.rank_label] },
      grid: { left: 48, right: 48, top: 32, bottom: 56 },
      xAxis: { type: "category", data: d.labels, axisTick: { alignWithLabel: true }, axisLabel: { hideOverlap: true } },
      yAxis: [
        { type: "value", name: d.total_label, scale: true },
        { type: "value", name: d.rank_label, nameLocation: "start", inverse: true, min: 1, max: n, minInterval: 1,
          interval: n <= 10 ? 1 : undefined, axisTick: { show: true }, axisLine: { show: true }, splitLine: { show: false } }
      ],
      series: [
        { name: d.total_label, type: "line", data: d.totals },
        { name: d.rank_label, type: "line", yAxisIndex: 1, data: d.ranks }
      ]
    };
  }

  function distribution(d) {
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 24, bottom: 48 },
      xAxis: { type: "category", data: d.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    };
  }

  // heatmap draws entities × indicators. The colour legend sits above the
  // grid, clear of the rotated indicator names below it, which the grid
  // keeps inside the chart.
  function heatmap(d) {
    return {
      tooltip: { position: "top" },
      grid: { left: 16, right: 16, top: 72, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "axisLabel" },
      xAxis: { type: "category", data: d.x, axisLabel: { rotate: 60, interval: 0 } },
      yAxis: { type: "category", data: d.y, inverse: true },
      visualMap: { min: d.min, max: d.max, calculable: true, orient: "horizontal", right: 16, top: 0, itemHeight: 160,
        inRange: { color: ["#b4232a", "#f4d6a0", "#3b8a5b"] } },
      series: [{ type: "heatmap", data: d.data.filter(function (c) { return c[2] !== null; }) }]
    };
  }

  // boxplot draws the distribution of each indicator across units:
  // d.data holds [min, Q1, median, Q3, max] per name of d.x.
  function boxplot(d) {
    return {
      color: palette,
      tooltip: { trigger: "item" },
      grid: { left: 48, right: 16, top: 16, bottom: 8, outerBoundsMode: "same", outerBoundsContain: "axisLabel" },
      xAxis: { type: "category", data: d.x, axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{ type: "boxplot", data: d.data }]
    };
  }

  // lines draws one line per series over the categories of d.x;
  // d.percent labels the values as percentages.
  function lines(d) {
    return {
      color: palette,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, data: d.series.map(function (s) { return s.name; }) },
      grid: { left: 48, right: 16, top: 24, bottom: 56, outerBoundsMode: "same", outerBoundsContain: "axisLabel" },
      xAxis: { type: "category", data: d.x, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: d.percent ? "{value}%" : "{value}" } },
      series: d.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: false }; })
    };
  }

  var kinds = { radar: radar, trend: trend, distribution: distribution, heatmap: heatmap, boxplot: boxplot, lines: lines };

  function draw() {
    if (typeof echarts === "undefined") {
      return;
    }
    var els = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) {
        continue;
      }
      var d = JSON.parse(src.textContent);
      var make = kinds[d.kind];
      if (!make) {
        continue;
      }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(make(d));
      el.setAttribute("data-drawn", "true");
    }
  }

  window.addEventListener("resize", function () {
    var els = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < els.length; i++) {
      var c = typeof echarts !== "undefined" && echarts.getInstanceByDom(els[i]);
      if (c) {
        c.resize();
      }
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
