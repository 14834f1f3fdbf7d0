// 对话走向: a horizontal bar chart of how many sessions reached each turn and ended there (ECharts, vendored).
(function () {
  "use strict";
  const box = document.getElementById("branch-chart");
  if (!box || !window.echarts) return;
  const data = JSON.parse(box.dataset.chart);
  box.style.height = `${120 + 28 * data.labels.length}px`; // CSP forbids style attributes in the HTML
  const chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: ["走到这一轮", "在此结束"] },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: data.labels, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
    series: [
      { name: "走到这一轮", type: "bar", data: data.reached },
      { name: "在此结束", type: "bar", data: data.ended },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
