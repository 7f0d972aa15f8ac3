// НОК-Платформа: small progressive enhancements; every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && form.classList.contains("confirm")) {
    if (!window.confirm(form.dataset.confirm || "Удалить безвозвратно?")) {
      event.preventDefault();
    }
  }
});
// «Распечатать» on printable pages (a button with data-print): no inline script under the CSP.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) {
    window.print();
  }
});
