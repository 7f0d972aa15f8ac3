// НОК-Платформа: a signature pad (факсимиле) for any form, no inline script needed.
//
// Markup: <form data-signature-form> containing
//   <div data-signature-pad data-signature-input="NAME"><canvas width="600" height="200"></canvas></div>
//   <input type="hidden" name="NAME">, a <button type="button" data-signature-clear> and
//   an optional hidden message [data-signature-empty] shown when the user submits a blank pad.
// On submit the drawing goes into the hidden field as a PNG data URL (transparent background);
// the server checks the PNG itself. Drawing uses pointer events, so mouse, pen and touch all work.
(function () {
  "use strict";

  function setUp(pad) {
    var canvas = pad.querySelector("canvas");
    var form = pad.closest("form");
    if (!canvas || !form) {
      return;
    }
    var input = form.querySelector('input[name="' + (pad.dataset.signatureInput || "signature") + '"]');
    var emptyMessage = form.querySelector("[data-signature-empty]");
    var context = canvas.getContext("2d");
    var drawn = false;
    var last = null;

    // Keep the canvas sharp on high-density screens: draw in CSS pixels, store device pixels.
    function resize() {
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      if (!box.width || !box.height) {
        return;
      }
      var keep = drawn ? canvas.toDataURL("image/png") : null;
      canvas.width = Math.round(box.width * ratio);
      canvas.height = Math.round(box.height * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#0b2a6b";
      context.lineWidth = 2.2;
      if (keep) {
        var image = new Image();
        image.onload = function () { context.drawImage(image, 0, 0, box.width, box.height); };
        image.src = keep;
      }
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    function lineTo(p) {
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(p.x, p.y);
      context.stroke();
      last = p;
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
      lineTo({ x: last.x + 0.1, y: last.y + 0.1 });  // a dot for a single tap
      drawn = true;
      if (emptyMessage) {
        emptyMessage.hidden = true;
      }
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!last) {
        return;
      }
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      (events.length ? events : [event]).forEach(function (e) { lineTo(point(e)); });
    });
    function stop() { last = null; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("lostpointercapture", stop);

    var clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        context.save();
        context.setTransform(1, 0, 0, 1, 0, 0);
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.restore();
        drawn = false;
        if (input) {
          input.value = "";
        }
      });
    }

    form.addEventListener("submit", function (event) {
      if (!drawn) {
        event.preventDefault();
        if (emptyMessage) {
          emptyMessage.hidden = false;
        }
        return;
      }
      if (input) {
        input.value = canvas.toDataURL("image/png");
      }
    });

    resize();
    window.addEventListener("resize", resize);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-signature-pad]"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
