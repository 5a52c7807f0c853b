// Tollgate's page behaviour. Loaded as a file so the CSP can forbid inline script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Bring the first form error into view and focus for keyboard and screen-reader users.
  const summary = document.querySelector(".alert-danger[role=alert][tabindex]");
  if (summary) {
    summary.focus();
  }
});
