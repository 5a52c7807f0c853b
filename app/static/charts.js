// Draws every Plotly figure on the page from its JSON (data-figure); loaded as a file so
// the CSP can forbid inline script. A point whose customdata is a local path ("/...") is a
// link: clicking it opens that page (e.g. a late candidate in the aging chart).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-figure]").forEach((element) => {
    const figure = JSON.parse(element.dataset.figure);
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
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
