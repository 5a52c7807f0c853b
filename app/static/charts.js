// Draws every Plotly figure on the page from its JSON (data-figure); loaded as a file so
// the CSP can forbid inline script. A point whose customdata is a local path ("/...") is a
// link: clicking it opens that page (e.g. a late candidate in the aging chart).
"use strict";

// Date axes and the mode bar in Chinese when the page is: plotly.min.js ships English only.
const CHINESE = {
  moduleType: "locale",
  name: "zh-CN",
  dictionary: {
    "Autoscale": "自动缩放",
    "Box Select": "矩形选择",
    "Download plot as a png": "下载为 PNG 图片",
    "Pan": "平移",
    "Reset axes": "重置坐标轴",
    "Reset view": "重置视图",
    "Zoom": "缩放",
    "Zoom in": "放大",
    "Zoom out": "缩小",
    "Double-click to zoom back out": "双击恢复缩放",
  },
  format: {
    days: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    shortDays: ["周日", "周一", "周二", "周三", "周四", "周五", "周六"],
    months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
    shortMonths: ["1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"],
    date: "%Y-%m-%d",
  },
};

document.addEventListener("DOMContentLoaded", () => {
  const chinese = document.documentElement.lang.startsWith("zh");
  if (chinese) window.Plotly.register(CHINESE);
  document.querySelectorAll("[data-figure]").forEach((element) => {
    const figure = JSON.parse(element.dataset.figure);
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      locale: chinese ? "zh-CN" : "en",
    });
    element.on("plotly_click", (event) => {
      const target = event.points.length ? event.points[0].customdata : null;
      if (typeof target === "string" && target.startsWith("/") && !target.startsWith("//")) {
        window.location.assign(target);
      }
    });
  });
  // Filter forms that apply as soon as a choice changes (the budget slider, for one).
  document.querySelectorAll("form[data-autosubmit] [data-autosubmit-on]").forEach((input) => {
    input.addEventListener(input.dataset.autosubmitOn, () => input.form.requestSubmit());
  });
});
