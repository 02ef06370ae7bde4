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
    // A phone (or 关怀模式, larger text) leaves each category little room: the labels
    // turn when they would run into each other, and the legend wraps instead of paging.
    var care = document.body.classList.contains("care-mode");
    var font = care ? 15 : 12;
    var narrow = node.clientWidth < 576;
    var longest = Math.max.apply(null, spec.categories.map(function (c) { return String(c).length; }).concat([1]));
    var room = (node.clientWidth - 100) / Math.max(1, spec.categories.length);
    var turn = !horizontal && (spec.categories.length > 8 || longest * font > room);
    var category = {
      type: "category",
      data: spec.categories,
      inverse: horizontal,
      axisLabel: { interval: 0, rotate: turn ? 40 : 0, fontSize: font }
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
    var chart = echarts.init(node);
    var rows = narrow ? Math.ceil(spec.series.length / 2) : 1;  // legend lines on a phone
    if (!horizontal) { node.style.height = (320 + (rows - 1) * (font + 10) + (turn ? 30 : 0)) + "px"; }
    chart.resize();
    chart.setOption({
      textStyle: { fontSize: font },
      tooltip: { trigger: "axis", textStyle: { fontSize: font } },
      legend: narrow
        ? { type: "plain", top: 0, left: 0, right: 0, itemGap: 8, textStyle: { fontSize: font } }
        : { type: "scroll", textStyle: { fontSize: font } },
      grid: {
        left: 10,
        right: horizontal ? 50 : 10,
        top: 30 + (rows - 1) * (font + 10) + 10,
        bottom: 10,
        containLabel: true
      },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : axes,
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
