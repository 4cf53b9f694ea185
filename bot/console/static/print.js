// The invite sheet's "Print" button (inline scripts are not allowed by the console's CSP).
if (!window.narbotPrint) {
  window.narbotPrint = true;
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
}
