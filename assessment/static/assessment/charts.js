/* Draws every [data-chart] element with ECharts (window.echarts, set by the loader
   module before this one runs). The tables next to the charts stay the source. */
(function () {
  if (typeof echarts === "undefined") { return; }
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var source = document.getElementById(node.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var horizontal = !!spec.horizontal;
    if (horizontal) { node.style.height = Math.max(240, spec.categories.length * 26 + 60) + "px"; }
    node.hidden = false;
    var fit = window.chartFit(node, spec.categories, spec.series.length, horizontal);
    var font = fit.font;
    var category = {
      type: "category",
      data: spec.categories,
      inverse: horizontal,
      axisLabel: { interval: 0, rotate: fit.rotate, fontSize: font }
    };
    var value = { type: "value", min: 0, axisLabel: { fontSize: font } };
    if (spec.max) { value.max = spec.max; }
    var axes = [value];
    if (spec.rate_series !== undefined) {
      axes.push({ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", fontSize: font } });
    }
    if (spec.rank_series !== undefined) {
      axes.push({ type: "value", inverse: true, minInterval: 1, name: "名次" });
    }
    var series = spec.series.map(function (s, i) {
      var item = { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.data, connectNulls: true };
      if (spec.stack) { item.stack = "total"; }
      if (i === spec.rate_series || i === spec.rank_series) { item.type = "line"; item.yAxisIndex = 1; }
      if (horizontal) { item.label = { show: true, position: "right" }; }
      return item;
    });
    var chart = echarts.init(node);  // (after chartFit sized the box)
    chart.setOption({
      textStyle: { fontSize: font },
      tooltip: { trigger: "axis", textStyle: { fontSize: font } },
      legend: fit.legend,
      grid: fit.grid,
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : axes,
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
