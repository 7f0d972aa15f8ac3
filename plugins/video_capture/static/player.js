// Playback of exam recordings (video_capture). Each .vc-player strings the segment files of one track
// together: a <video> plays them in order (the next one on "ended"), a wall-clock timeline seeks across
// them (pick the segment by time, then currentTime inside it) and shows gaps and broken segments.
// With «синхронно» ticked every player of the page shows the same moment: play, pause and seeking are
// shared, a player in a gap waits for the others, a player that drifts is moved back in step.
(function () {
  "use strict";

  var DRIFT = 1.0; // seconds a synced player may differ from the leading one
  var EPSILON = 0.05;

  function two(n) { return n < 10 ? "0" + n : String(n); }

  function clockText(secondsOfDay) {
    var s = ((Math.floor(secondsOfDay) % 86400) + 86400) % 86400;
    return two(Math.floor(s / 3600)) + ":" + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  }

  function percent(t, length) { return (length > 0 ? Math.max(0, Math.min(100, t / length * 100)) : 0) + "%"; }

  function Player(root, hub) {
    this.root = root;
    this.hub = hub;
    this.track = JSON.parse(root.getAttribute("data-track"));
    this.segments = this.track.segments;
    this.video = root.querySelector("video");
    this.bar = root.querySelector(".vc-timeline");
    this.clock = root.querySelector(".vc-clock");
    this.button = root.querySelector(".vc-play");
    this.index = this.segments.length ? 0 : -1; // the segment shown (or waited for)
    this.loaded = this.index; // the segment whose file is the video's src (the page sets the first)
    this.pending = null; // offset inside the segment, applied once its metadata is known
    this.waitingFor = null; // in a gap: the timeline time at which segment `index` starts
    this.switching = false; // the src is being changed by us: its "pause" is not the user's
    this.intent = false; // meant to be playing, also between two segments and while waiting in a gap
    if (!this.video) { return; }
    this.draw();
    this.bind();
    this.mark();
  }

  Player.prototype.draw = function () {
    var length = this.track.length, bar = this.bar;
    function block(cls, start, end, text) {
      var el = document.createElement("div");
      el.className = cls;
      el.style.left = percent(start, length);
      if (end !== null) { el.style.width = percent(end - start, length); }
      if (text) { el.title = text; }
      bar.appendChild(el);
      return el;
    }
    this.segments.forEach(function (s) { block("vc-piece", s.start, s.end, null); });
    this.track.marks.forEach(function (m) {
      block("vc-mark vc-" + m.kind, m.start, m.kind === "gap" ? m.end : null, m.clock + " — " + m.message);
    });
    this.head = block("vc-head", 0, null, null);
  };

  Player.prototype.bind = function () {
    var self = this, video = this.video;
    video.addEventListener("loadedmetadata", function () {
      if (self.pending !== null) {
        var offset = self.pending;
        self.pending = null;
        if (offset > EPSILON) { video.currentTime = Math.min(offset, Math.max(0, video.duration - EPSILON)); }
      }
    });
    video.addEventListener("playing", function () { self.switching = false; });
    video.addEventListener("loadeddata", function () { self.switching = false; });
    video.addEventListener("timeupdate", function () { self.show(self.now()); });
    video.addEventListener("ended", function () { self.next(); });
    video.addEventListener("play", function () {
      self.button.textContent = "Пауза";
      if (self.waitingFor !== null) { self.load(self.index, 0, true); return; } // played by hand in a gap
      self.hub.played(self);
    });
    video.addEventListener("pause", function () {
      if (video.ended || self.switching || self.waitingFor !== null) { return; }
      self.intent = false;
      self.button.textContent = "Воспроизвести";
      self.hub.paused(self);
    });
    this.button.addEventListener("click", function () {
      if (video.paused && self.waitingFor === null) { self.play(); } else { self.stop(); self.hub.paused(self); }
    });
    this.bar.addEventListener("click", function (event) {
      var box = self.bar.getBoundingClientRect();
      self.hub.seek(self, (event.clientX - box.left) / box.width * self.track.length);
    });
  };

  Player.prototype.segment = function () { return this.index >= 0 ? this.segments[this.index] : null; };

  Player.prototype.now = function () {
    var s = this.segment();
    if (!s) { return 0; }
    if (this.waitingFor !== null) { return this.waitingFor; }
    return s.start + (this.pending !== null ? this.pending : this.video.currentTime);
  };

  Player.prototype.playing = function () {
    return !this.video.paused && !this.video.ended && this.waitingFor === null;
  };

  Player.prototype.show = function (t) {
    this.head.style.left = percent(t, this.track.length);
    if (this.clock) { this.clock.textContent = clockText(this.track.origin + t); }
  };

  Player.prototype.mark = function () {
    this.root.setAttribute("data-segment", String(this.index));
    this.root.classList.toggle("vc-waiting", this.waitingFor !== null);
  };

  Player.prototype.play = function () {
    this.intent = true;
    var started = this.video.play();
    if (started && started.catch) { started.catch(function () { /* replaced by a newer src or paused */ }); }
  };

  Player.prototype.stop = function () {
    this.intent = false;
    this.waitingFor = null;
    this.mark();
    if (!this.video.paused) { this.video.pause(); }
    this.button.textContent = "Воспроизвести";
  };

  // Show segment `i` from `offset` seconds into it, playing or not.
  Player.prototype.load = function (i, offset, play) {
    this.waitingFor = null;
    this.index = i;
    if (i !== this.loaded) {
      this.switching = true;
      this.loaded = i;
      this.pending = offset;
      this.video.src = this.segments[i].url;
    } else if (this.video.readyState >= 1) {
      this.video.currentTime = offset;
    } else {
      this.pending = offset;
    }
    this.mark();
    this.show(this.segments[i].start + offset);
    if (play) { this.play(); }
  };

  // Wait in a gap until the page's clock reaches segment `i`.
  Player.prototype.wait = function (i) {
    this.intent = true;
    this.switching = true;
    if (!this.video.paused) { this.video.pause(); }
    this.index = i;
    this.waitingFor = this.segments[i].start;
    this.mark();
  };

  // Where time `t` is: the segment holding it, else the next one after it (in a gap), else null.
  Player.prototype.locate = function (t) {
    for (var i = 0; i < this.segments.length; i++) {
      var s = this.segments[i];
      if (t < s.end - EPSILON) { return {index: i, offset: Math.max(0, t - s.start), gap: t < s.start}; }
    }
    return null;
  };

  Player.prototype.seek = function (t, play) {
    var place = this.locate(t);
    if (!place) { this.stop(); this.show(t); return; }
    if (place.gap && play && this.hub.others(this)) { this.wait(place.index); this.show(t); return; }
    this.load(place.index, place.offset, play);
  };

  Player.prototype.next = function () {
    var following = this.index + 1;
    if (following >= this.segments.length) { this.stop(); return; }
    var gap = this.segments[following].start - this.segments[this.index].end;
    if (gap > DRIFT && this.hub.others(this)) { this.wait(following); } else { this.load(following, 0, true); }
  };

  function Hub(box) {
    this.box = box;
    this.players = [];
    var self = this;
    window.setInterval(function () { self.tick(); }, 250);
  }

  Hub.prototype.synced = function () { return !this.box || this.box.checked; };

  // Another synced player is playing (or between two of its segments): a gap is waited through.
  Hub.prototype.others = function (player) {
    if (!this.synced()) { return false; }
    return this.players.some(function (p) { return p !== player && p.intent && p.waitingFor === null; });
  };

  Hub.prototype.leader = function () {
    for (var i = 0; i < this.players.length; i++) {
      if (this.players[i].playing() && !this.players[i].switching) { return this.players[i]; }
    }
    return null;
  };

  Hub.prototype.played = function (player) {
    if (!this.synced()) { return; }
    var t = player.now();
    this.players.forEach(function (p) {
      if (p !== player && p.video.paused && p.waitingFor === null) { p.seek(t, true); }
    });
  };

  Hub.prototype.paused = function (player) {
    if (!this.synced()) { return; }
    this.players.forEach(function (p) { if (p !== player) { p.stop(); } });
  };

  Hub.prototype.seek = function (player, t) {
    var play = this.players.some(function (p) { return p.intent; });
    if (!this.synced()) { player.seek(t, player.playing()); return; }
    this.players.forEach(function (p) { p.seek(t, play); });
  };

  // Start players whose gap is over; bring back in step the ones that drifted.
  Hub.prototype.tick = function () {
    if (!this.synced()) { return; }
    var leader = this.leader(), waiting = this.players.filter(function (p) { return p.waitingFor !== null; });
    if (!leader) { // nobody plays content now: unless one is just changing segments, end the wait
      if (waiting.length && !this.others(null)) {
        waiting.sort(function (a, b) { return a.waitingFor - b.waitingFor; });
        waiting[0].load(waiting[0].index, 0, true);
      }
      return;
    }
    var t = leader.now();
    waiting.forEach(function (p) { if (t >= p.waitingFor - EPSILON) { p.seek(t, true); } else { p.show(t); } });
    this.players.forEach(function (p) {
      if (p !== leader && p.playing() && !p.switching && p.video.readyState >= 2 && Math.abs(p.now() - t) > DRIFT) {
        p.seek(t, true);
      }
    });
  };

  document.addEventListener("DOMContentLoaded", function () {
    var hub = new Hub(document.querySelector(".vc-sync"));
    Array.prototype.forEach.call(document.querySelectorAll(".vc-player"), function (root) {
      var player = new Player(root, hub);
      if (player.video) { hub.players.push(player); }
    });
  });
}());
