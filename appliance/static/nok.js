// НОК-Платформа: small progressive enhancements; every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.classList && form.classList.contains("confirm")) {
    if (!window.confirm(form.dataset.confirm || "Удалить безвозвратно?")) {
      event.preventDefault();
    }
  }
});
