// Practical task at the station: counts down the time left from the server's figure.
// Only a display: the server's clock decides whether a file is still accepted.
(function () {
  var el = document.querySelector("[data-remaining]");
  if (!el) { return; }
  var end = Date.now() + parseInt(el.getAttribute("data-remaining"), 10) * 1000;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    el.textContent = left > 0 ? (h ? h + ":" + pad(m) : m) + ":" + pad(s) : "время истекло";
    if (left > 0) { window.setTimeout(show, 1000); }
  }
  show();
})();
