// Draws every Plotly figure on the page from its JSON (data-figure); loaded as a file so
// the CSP can forbid inline script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-figure]").forEach((element) => {
    const figure = JSON.parse(element.dataset.figure);
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      responsive: true,
      displaylogo: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    });
  });
});
