// Trainer charts: every <div class="trainer-chart" data-chart="{...}"> is drawn with the vendored ECharts.
// The payload comes from trainer/charts.py (kind, categories, series, axis maximum, unit suffix, mark line).
// Phones: legend below the plot, labels at least 12 px, category labels truncated; redrawn on resize.
(function () {
  "use strict";
  if (!window.echarts) return;
  const NARROW = 600;
  const FONT = 12;

  function valueAxis(data) {
    return {
      type: "value", max: data.max === null ? undefined : data.max, minInterval: 1,
      axisLabel: { fontSize: FONT, formatter: (v) => `${v}${data.suffix || ""}` },
    };
  }

  function categoryAxis(data, narrow, horizontal) {
    const axis = { type: "category", data: data.categories, axisLabel: { fontSize: FONT } };
    if (horizontal) {
      axis.inverse = true;
      axis.axisLabel.width = narrow ? 96 : 200;
      axis.axisLabel.overflow = "truncate";
    } else {
      axis.axisLabel.hideOverlap = true;
      axis.axisLabel.rotate = narrow && data.categories.length > 6 ? 45 : 0;
    }
    return axis;
  }

  function markLine(data) {
    if (!data.mark) return undefined;
    return {
      silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#555" },
      label: { formatter: data.mark.label, fontSize: FONT, position: "insideEndTop" },
      data: [data.horizontal ? { xAxis: data.mark.value } : { yAxis: data.mark.value }],
    };
  }

  function seriesOf(data, type) {
    return data.series.map((s, index) => {
      const item = {
        name: s.name, type, stack: s.stack, barMaxWidth: 28,
        data: s.values.map((v, i) => (s.colors ? { value: v, itemStyle: { color: s.colors[i] } } : v)),
      };
      if (s.color) item.itemStyle = { color: s.color };
      if (s.color && type === "line") item.lineStyle = { color: s.color };
      if (index === 0) item.markLine = markLine(data);
      return item;
    });
  }

  // kind → option builder (one per chart kind that trainer/charts.py can describe)
  const BUILDERS = {
    bar(data, narrow) {
      const cats = categoryAxis(data, narrow, data.horizontal);
      const values = valueAxis(data);
      return {
        xAxis: data.horizontal ? values : cats, yAxis: data.horizontal ? cats : values,
        series: seriesOf(data, "bar"),
      };
    },
    line(data, narrow) {
      return { xAxis: categoryAxis(data, narrow, false), yAxis: valueAxis(data), series: seriesOf(data, "line") };
    },
  };

  function height(data, narrow) {
    const legendRows = data.series.length > 1 ? (narrow ? Math.ceil(data.series.length / 2) : 1) : 0;
    const base = data.horizontal ? 40 + 30 * data.categories.length : (narrow ? 260 : 320);
    return base + 24 * legendRows;
  }

  function draw(box) {
    const data = JSON.parse(box.dataset.chart);
    const build = BUILDERS[data.kind];
    if (!build) return;
    let chart = null;
    let drawnNarrow = null;
    function render() {
      const narrow = box.clientWidth < NARROW;
      if (chart && narrow === drawnNarrow) { chart.resize(); return; }
      drawnNarrow = narrow;
      box.style.height = `${height(data, narrow)}px`; // CSP forbids style attributes in the HTML; CSSOM is fine
      if (chart) chart.dispose();
      chart = window.echarts.init(box, null, { renderer: "svg" });
      const multi = data.series.length > 1;
      chart.setOption(Object.assign({
        aria: { enabled: true, label: { description: data.label } },
        textStyle: { fontSize: FONT },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true,
          valueFormatter: (v) => (v === null || v === undefined ? "—" : `${v}${data.suffix || ""}`) },
        legend: multi ? { bottom: 0, textStyle: { fontSize: FONT }, type: narrow ? "plain" : "scroll" } : undefined,
        grid: { left: 8, right: narrow ? 16 : 32, top: 24, bottom: multi ? (narrow ? 24 * Math.ceil(data.series.length / 2) + 8 : 32) : 8,
          containLabel: true },
      }, build(data, narrow)));
    }
    render();
    window.addEventListener("resize", render);
  }

  document.querySelectorAll(".trainer-chart[data-chart]").forEach(draw);
})();
