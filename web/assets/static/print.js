// The print layout's one control: open the browser's print dialog, where
// "Save as PDF" makes the PDF.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const b = document.getElementById("print-button");
  if (b) b.addEventListener("click", () => window.print());
});
