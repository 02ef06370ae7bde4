// Loads ECharts (an ES module from the instaui-echarts PyPI package, served by Django's
// staticfiles under the same /static/echarts/ folder) and exposes it as window.echarts
// for the page scripts that follow it as modules.
import * as echarts from "./echarts.esm.min.js";

window.echarts = echarts;
