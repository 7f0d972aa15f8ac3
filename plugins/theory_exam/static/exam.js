// Theory exam page (station and trial): saves every answer at once, keeps the server's time.
// The page works without this file: each question is a form posted normally.
(function () {
  "use strict";
  var root = document.querySelector("[data-exam]");
  if (!root) { return; }
  document.documentElement.classList.add("js-exam");
  var csrf = root.dataset.csrf || "";
  var doneUrl = root.dataset.doneUrl || window.location.pathname;
  var timer = root.querySelector("[data-timer]");
  var finish = root.querySelector("[data-finish]");
  var clockBase = performance.now();
  var remaining = root.dataset.remaining !== undefined ? parseInt(root.dataset.remaining, 10) : null;
  var elapsed = root.dataset.elapsed !== undefined ? parseInt(root.dataset.elapsed, 10) : null;
  var leaving = false;

  function two(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
    return (h ? h + ":" + two(m) : String(m)) + ":" + two(s);
  }
  function leave() {
    if (!leaving) { leaving = true; window.location.assign(doneUrl); }
  }
  function tick() {
    var passed = Math.floor((performance.now() - clockBase) / 1000);
    if (remaining !== null) {
      var left = Math.max(0, remaining - passed);
      timer.textContent = clock(left);
      timer.parentNode.classList.toggle("low", left <= 300);
      if (left === 0) { window.setTimeout(leave, 1500); return; }
    } else if (elapsed !== null) {
      timer.textContent = clock(elapsed + passed);
    }
    window.setTimeout(tick, 1000 - (performance.now() - clockBase) % 1000);
  }
  function resync(seconds) {
    if (remaining !== null && typeof seconds === "number") { remaining = seconds; clockBase = performance.now(); }
  }

  function valueOf(form) {
    var type = form.dataset.type;
    if (type === "single") {
      var checked = form.querySelector("input[name=value]:checked");
      return { ok: true, value: checked ? checked.value : null };
    }
    if (type === "multiple") {
      var list = Array.prototype.map.call(form.querySelectorAll("input[name=value]:checked"), function (i) { return i.value; });
      return { ok: true, value: list };
    }
    if (type === "matching") {
      var pairs = {};
      form.querySelectorAll("select").forEach(function (s) { if (s.value) { pairs[s.name.slice(5)] = s.value; } });
      return { ok: true, value: pairs };
    }
    if (type === "ordering") {
      var places = {}, used = {}, filled = 0, selects = form.querySelectorAll("select");
      selects.forEach(function (s) { if (s.value) { filled += 1; places[s.name.slice(6)] = +s.value; used[s.value] = true; } });
      if (filled === 0) { return { ok: true, value: null }; }
      if (filled < selects.length || Object.keys(used).length < selects.length) {
        return { ok: false, message: "Не сохранено: расставьте все пункты по местам без повторов" };
      }
      return { ok: true, value: Object.keys(places).sort(function (a, b) { return places[a] - places[b]; }) };
    }
    var input = form.querySelector("input[name=value]");
    return { ok: true, value: input.value };
  }
  function isEmpty(value) {
    if (value === null || value === undefined) { return true; }
    if (typeof value === "string") { return value.trim() === ""; }
    if (Array.isArray(value)) { return value.length === 0; }
    return Object.keys(value).length === 0;
  }
  function show(form, text, kind) {
    var state = form.querySelector("[data-save-state]");
    if (!state) { return; }
    state.textContent = text;
    state.classList.toggle("saved", kind === "saved");
    state.classList.toggle("failed", kind === "failed");
  }
  function mark(form, answered) {
    var link = document.querySelector("[data-nav='" + form.dataset.question + "']");
    if (link) {
      link.classList.toggle("answered", answered);
      link.classList.toggle("unanswered", !answered);
      link.title = answered ? "Ответ дан" : "Без ответа";
    }
    if (finish) {
      var left = document.querySelectorAll("[data-nav].unanswered").length;
      finish.dataset.confirm = "Без ответа вопросов: " + left + ". Завершить экзамен? После этого изменить ответы будет нельзя.";
    }
  }

  var pending = {};  // question id -> {seq, retry timer}
  function save(form, attempt) {
    var read = valueOf(form);
    if (!read.ok) { show(form, read.message, "failed"); return; }
    var id = form.dataset.question;
    var slot = pending[id] || (pending[id] = { seq: 0, timer: null });
    window.clearTimeout(slot.timer);
    var seq = ++slot.seq;
    show(form, "Сохранение…", "");
    fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ question: id, value: read.value })
    }).then(function (resp) {
      if (seq !== slot.seq) { return; }
      if (resp.redirected && !/\/answer$/.test(resp.url)) { window.location.assign(resp.url); return; }
      if (resp.status === 409) { leave(); return; }
      return resp.json().then(function (body) {
        if (seq !== slot.seq) { return; }
        if (resp.ok && body.saved) {
          show(form, "Сохранено", "saved");
          mark(form, !isEmpty(read.value));
          resync(body.remaining);
        } else if (resp.status === 422) {
          show(form, "Не сохранено: " + (body.error || "проверьте ответ"), "failed");
        } else {
          throw new Error(String(resp.status));
        }
      });
    }).catch(function () {
      if (seq !== slot.seq) { return; }
      var wait = Math.min(30000, 2000 * Math.pow(2, attempt || 0));
      show(form, "Не сохранено — повторите (повтор через " + Math.round(wait / 1000) + " с)", "failed");
      slot.timer = window.setTimeout(function () { save(form, (attempt || 0) + 1); }, wait);
    });
  }

  root.querySelectorAll("form[data-question]").forEach(function (form) {
    if (form.classList.contains("review")) { return; }
    var typing = null;
    form.addEventListener("change", function () { window.clearTimeout(typing); save(form, 0); });
    form.addEventListener("input", function (event) {
      if (event.target.type !== "text") { return; }
      window.clearTimeout(typing);
      show(form, "Не сохранено…", "");
      typing = window.setTimeout(function () { save(form, 0); }, 800);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); save(form, 0); });
  });
  window.addEventListener("online", function () {
    Object.keys(pending).forEach(function (id) {
      var form = root.querySelector("form[data-question='" + id + "']");
      if (form && form.querySelector(".failed")) { save(form, 0); }
    });
  });
  if (finish) {
    var confirmField = document.createElement("input");
    confirmField.type = "hidden"; confirmField.name = "confirm"; confirmField.value = "yes";
    finish.appendChild(confirmField);
  }
  if (timer && (remaining !== null || elapsed !== null)) { tick(); }
}());
