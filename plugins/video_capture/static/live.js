// Live monitoring (video_capture): every few seconds reload each station's picture (a cache-busting
// query) and its state from /live/status, marking the stations that went offline in red.
(function () {
  "use strict";

  function update(root, data, stamp) {
    data.stations.forEach(function (station) {
      var tile = root.querySelector('[data-station="' + station.id + '"]');
      if (!tile) { return; }
      tile.classList.toggle("vc-offline", !station.online);
      tile.querySelector(".vc-status").textContent = station.status;
      if (!station.frame) { return; }
      var box = tile.querySelector(".vc-frame"), img = box.querySelector("img");
      if (!img) {
        box.textContent = "";
        img = document.createElement("img");
        img.alt = "Кадр станции «" + tile.querySelector("strong").textContent + "»";
        box.appendChild(img);
      }
      img.src = tile.getAttribute("data-frame") + "?t=" + stamp;
    });
  }

  function refresh(root, lost) {
    fetch(root.getAttribute("data-status"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (reply) {
        if (!reply.ok) { throw new Error("HTTP " + reply.status); }
        return reply.json();
      })
      .then(function (data) { lost.hidden = true; update(root, data, Date.now()); })
      .catch(function () { lost.hidden = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector(".vc-live"), lost = document.querySelector(".vc-lost");
    if (!root || !lost) { return; }
    var every = (parseInt(root.getAttribute("data-refresh"), 10) || 5) * 1000;
    window.setInterval(function () { refresh(root, lost); }, every);
  });
}());
