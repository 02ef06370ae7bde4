/* Draws the coverage chart with ECharts when it is loaded; the table stays the source. */
(function () {
  var node = document.getElementById("coverage-chart");
  var data = document.getElementById("coverage-data");
  if (!node || !data || typeof echarts === "undefined") { return; }
  var d = JSON.parse(data.textContent);
  node.hidden = false;
  var fit = window.chartFit(node, d.streets, 2, false);
  var chart = echarts.init(node);
  chart.setOption({
    textStyle: { fontSize: fit.font },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; }, textStyle: { fontSize: fit.font } },
    legend: Object.assign({ data: ["覆盖率（对全部住户）", "完成计划进度"] }, fit.legend),
    grid: fit.grid,
    xAxis: { type: "category", data: d.streets, axisLabel: { interval: 0, rotate: fit.rotate, fontSize: fit.font } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%", fontSize: fit.font } },
    series: [
      { name: "覆盖率（对全部住户）", type: "bar", data: d.rates },
      { name: "完成计划进度", type: "bar", data: d.plan.map(function (v) { return Math.min(v, 100); }) }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
