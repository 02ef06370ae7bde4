/* How a chart fits its box: a phone (or 关怀模式, with its larger text) leaves each
   category little room, so the labels turn when they would run into each other and
   the legend wraps above the plot instead of paging. Used by assessment/charts.js and
   visits/coverage.js before they call echarts.init. */
window.chartFit = function (node, categories, seriesCount, horizontal) {
  var care = document.body.classList.contains("care-mode");
  var font = care ? 15 : 12;
  var narrow = node.clientWidth < 576;
  var longest = Math.max.apply(null, categories.map(function (c) { return String(c).length; }).concat([1]));
  var room = (node.clientWidth - 100) / Math.max(1, categories.length);
  var turn = !horizontal && (categories.length > 8 || longest * font > room);
  var rows = narrow ? Math.ceil(seriesCount / 2) : 1;  // legend lines on a phone
  if (!horizontal) { node.style.height = (320 + (rows - 1) * (font + 10) + (turn ? 30 : 0)) + "px"; }
  return {
    font: font,
    rotate: turn ? 40 : 0,
    legend: narrow
      ? { type: "plain", top: 0, left: 0, right: 0, itemGap: 8, textStyle: { fontSize: font } }
      : { type: "scroll", textStyle: { fontSize: font } },
    grid: { left: 10, right: horizontal ? 50 : 10, top: 40 + (rows - 1) * (font + 10), bottom: 10, containLabel: true }
  };
};
