// dashboard.js draws the charts of the dashboard with the vendored
// ECharts. Each chart is a div with a data-chart attribute holding its
// specification (kind, categories, series, unit), written by the server
// in the viewer's language: the Content-Security-Policy allows no inline
// script. Every chart has a table beside it, and series carry decal
// patterns, so colour is never the only signal.
(function () {
  "use strict";

  // A value as the tooltip shows it: "—" where there is none (a week
  // before any order was issued), never 0 %.
  function formatValue(spec, v) {
    if (v === null || v === undefined || v === "-" || (typeof v === "number" && isNaN(v))) {
      return "—";
    }
    return spec.unit === "%" ? v + "%" : v;
  }

  function option(spec) {
    var rotated = spec.categories.length > 4;
    return {
      aria: { enabled: true, decal: { show: true } },
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return formatValue(spec, v); } },
      legend: { top: 0 },
      // containLabel keeps the labels inside, but not the part of the first
      // rotated label that reaches left of its bar: leave room for it.
      grid: { left: rotated ? 64 : 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: {
        type: "category",
        data: spec.categories,
        // Long names (English department names, industries) are cut to a
        // fixed width with an ellipsis instead of running off the chart;
        // hovering a label shows it in full, and the table beside the
        // chart has every name.
        axisLabel: {
          interval: 0,
          rotate: rotated ? 30 : 0,
          hideOverlap: true,
          width: rotated ? 96 : Math.max(48, Math.floor(480 / Math.max(1, spec.categories.length))),
          overflow: "truncate",
          ellipsis: "…"
        },
        tooltip: { show: true }
      },
      yAxis: {
        type: "value",
        name: spec.unit,
        nameTextStyle: { align: "left" },
        minInterval: spec.unit === "%" ? 0 : 1,
        max: spec.max_value || null
      },
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind,
          stack: s.stack || undefined,
          data: s.data,
          itemStyle: { color: s.color },
          lineStyle: { color: s.color, width: 3 },
          symbolSize: 8,
          label: { show: spec.kind === "line", position: "top", formatter: spec.unit === "%" ? "{c}%" : "{c}" },
          barMaxWidth: 48
        };
      })
    };
  }

  function draw() {
    if (!window.echarts) {
      return;
    }
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec;
      try {
        spec = JSON.parse(el.getAttribute("data-chart"));
      } catch (e) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(spec));
      el.setAttribute("data-chart-ready", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
