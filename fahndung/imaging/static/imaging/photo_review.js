// Photo review: progress polling, boxes drawn over both views, select/draw/move/resize/remove,
// mark the person sought. Plain JS + canvas, no dependencies; all changes go through the API.
(function () {
  "use strict";
  var cfgEl = document.getElementById("imaging-config");
  if (!cfgEl) return;
  var cfg = JSON.parse(cfgEl.textContent);
  var api = cfg.api; // e.g. /api/v1/photos/12/
  var msg = document.querySelector("[data-role=message]");
  var selected = null;
  var drag = null;
  var drawSubject = false;

  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function say(text) { if (msg) msg.textContent = text; }

  function call(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), "Accept": "application/json" },
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      if (r.status === 204) return null;
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data.error && data.error.message) || ("Fehler " + r.status));
        return data;
      });
    });
  }

  // --- polling ---------------------------------------------------------------------
  function poll() {
    call("GET", api + "processing/").then(function (s) {
      var bar = document.querySelector("[data-role=progress]");
      var label = document.querySelector("[data-role=progress-label]");
      var stateLabel = document.querySelector("[data-role=state-label]");
      if (bar) bar.value = s.progress;
      if (label) label.textContent = s.progress_label;
      if (stateLabel) stateLabel.textContent = s.state_label;
      if (s.state === "pending" || s.state === "processing") {
        window.setTimeout(poll, 1500);
      } else if (s.state !== cfg.state || s.rendered) {
        window.location.reload();
      }
    }).catch(function (e) { say(e.message); window.setTimeout(poll, 5000); });
  }
  if (cfg.state === "pending" || cfg.state === "processing") window.setTimeout(poll, 1000);

  // --- drawing ---------------------------------------------------------------------
  var stages = [];
  ["original", "redacted"].forEach(function (name) {
    var img = document.querySelector("[data-role=" + name + "]");
    var canvas = document.querySelector("[data-role=overlay-" + name + "]");
    if (img && canvas) stages.push({ img: img, canvas: canvas, editable: name === "redacted" && cfg.canEdit });
  });
  if (!stages.length || !cfg.width) return;

  function isSubject(b) {
    var s = cfg.subject;
    return s && b.kind === "face" && Math.abs(b.x - s[0]) < s[2] * 0.3 && Math.abs(b.y - s[1]) < s[3] * 0.3 &&
      Math.abs(b.w - s[2]) < s[2] * 0.5;
  }

  function redraw() {
    stages.forEach(function (st) {
      var c = st.canvas;
      c.width = st.img.clientWidth; c.height = st.img.clientHeight;
      var k = c.width / cfg.width;
      var ctx = c.getContext("2d");
      ctx.clearRect(0, 0, c.width, c.height);
      ctx.lineWidth = 2; ctx.font = "12px sans-serif";
      cfg.boxes.forEach(function (b) {
        var subj = isSubject(b);
        ctx.strokeStyle = subj ? "#0a0" : (b.kind === "face" ? "#e00" : "#f90");
        if (selected && selected.id === b.id) { ctx.setLineDash([6, 3]); ctx.lineWidth = 3; } else { ctx.setLineDash([]); ctx.lineWidth = 2; }
        ctx.strokeRect(b.x * k, b.y * k, b.w * k, b.h * k);
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fillText(subj ? "gesucht" : kindLabel(b.kind), b.x * k + 2, Math.max(10, b.y * k - 3));
      });
      if (cfg.subject && !cfg.boxes.some(isSubject)) {
        var s = cfg.subject; ctx.setLineDash([]); ctx.strokeStyle = "#0a0";
        ctx.strokeRect(s[0] * k, s[1] * k, s[2] * k, s[3] * k);
      }
      if (drag && drag.mode === "draw") {
        ctx.setLineDash([4, 4]); ctx.strokeStyle = "#06c";
        ctx.strokeRect(drag.rect.x * k, drag.rect.y * k, drag.rect.w * k, drag.rect.h * k);
      }
    });
  }

  function kindLabel(kind) {
    for (var i = 0; i < cfg.kinds.length; i++) if (cfg.kinds[i][0] === kind) return cfg.kinds[i][1];
    return kind;
  }

  var kindSelect = document.querySelector("[data-role=kind]");
  if (kindSelect) cfg.kinds.forEach(function (k) {
    var o = document.createElement("option"); o.value = k[0]; o.textContent = k[1]; kindSelect.appendChild(o);
  });

  function toImage(st, ev) {
    var r = st.canvas.getBoundingClientRect();
    var k = cfg.width / r.width;
    return { x: Math.round((ev.clientX - r.left) * k), y: Math.round((ev.clientY - r.top) * k) };
  }

  function hit(p) {
    var found = null;
    cfg.boxes.forEach(function (b) {
      if (p.x >= b.x && p.x <= b.x + b.w && p.y >= b.y && p.y <= b.y + b.h && (!found || b.w * b.h < found.w * found.h)) found = b;
    });
    return found;
  }

  function clampRect(r) {
    var x = Math.max(0, Math.min(r.x, cfg.width - 2)), y = Math.max(0, Math.min(r.y, cfg.height - 2));
    return { x: x, y: y, w: Math.max(2, Math.min(r.w, cfg.width - x)), h: Math.max(2, Math.min(r.h, cfg.height - y)) };
  }

  function changed() { say("Gespeichert – Bild wird neu berechnet …"); window.setTimeout(poll, 800); }

  stages.forEach(function (st) {
    st.img.addEventListener("load", redraw);
    st.canvas.addEventListener("mousedown", function (ev) {
      var p = toImage(st, ev);
      var b = hit(p);
      selected = b;
      if (!st.editable) { redraw(); return; }
      if (b && !drawSubject) {
        var corner = p.x > b.x + b.w * 0.8 && p.y > b.y + b.h * 0.8;
        drag = { mode: corner ? "resize" : "move", box: b, start: p, orig: { x: b.x, y: b.y, w: b.w, h: b.h } };
      } else {
        drag = { mode: "draw", start: p, rect: { x: p.x, y: p.y, w: 0, h: 0 } };
      }
      redraw();
    });
    st.canvas.addEventListener("mousemove", function (ev) {
      if (!drag) return;
      var p = toImage(st, ev), dx = p.x - drag.start.x, dy = p.y - drag.start.y;
      if (drag.mode === "draw") {
        drag.rect = { x: Math.min(p.x, drag.start.x), y: Math.min(p.y, drag.start.y), w: Math.abs(dx), h: Math.abs(dy) };
      } else {
        var o = drag.orig, r = drag.mode === "move" ? { x: o.x + dx, y: o.y + dy, w: o.w, h: o.h } : { x: o.x, y: o.y, w: o.w + dx, h: o.h + dy };
        r = clampRect(r); drag.box.x = r.x; drag.box.y = r.y; drag.box.w = r.w; drag.box.h = r.h;
      }
      redraw();
    });
    st.canvas.addEventListener("mouseup", function () {
      if (!drag) return;
      var d = drag; drag = null;
      if (d.mode === "draw") {
        if (d.rect.w < 4 || d.rect.h < 4) { redraw(); return; }
        var r = clampRect(d.rect);
        if (drawSubject) {
          drawSubject = false;
          call("POST", api + "subject/", { box: [r.x, r.y, r.w, r.h] }).then(function (s) { cfg.subject = s.subject; redraw(); changed(); })
            .catch(function (e) { say(e.message); });
          return;
        }
        var kind = kindSelect ? kindSelect.value : "other";
        call("POST", api + "boxes/", { kind: kind, x: r.x, y: r.y, w: r.w, h: r.h })
          .then(function (b) { cfg.boxes.push(b); selected = b; redraw(); changed(); })
          .catch(function (e) { say(e.message); redraw(); });
      } else if (d.box.x !== d.orig.x || d.box.y !== d.orig.y || d.box.w !== d.orig.w || d.box.h !== d.orig.h) {
        call("PATCH", api + "boxes/" + d.box.id + "/", { x: d.box.x, y: d.box.y, w: d.box.w, h: d.box.h })
          .then(changed).catch(function (e) { say(e.message); Object.assign(d.box, d.orig); redraw(); });
      }
    });
  });

  function onAction(name, fn) {
    var btn = document.querySelector("[data-action=" + name + "]");
    if (btn) btn.addEventListener("click", fn);
  }
  onAction("subject", function () {
    if (!selected) { say("Bitte zuerst einen Kasten anklicken."); return; }
    call("POST", api + "subject/", { box_id: selected.id }).then(function (s) { cfg.subject = s.subject; redraw(); changed(); })
      .catch(function (e) { say(e.message); });
  });
  onAction("remove", function () {
    if (!selected) { say("Bitte zuerst einen Kasten anklicken."); return; }
    var id = selected.id;
    call("DELETE", api + "boxes/" + id + "/").then(function () {
      cfg.boxes = cfg.boxes.filter(function (b) { return b.id !== id; }); selected = null; redraw(); changed();
    }).catch(function (e) { say(e.message); });
  });
  onAction("draw-subject", function () { drawSubject = true; say("Im rechten Bild einen Kasten um das Gesicht der gesuchten Person ziehen."); });
  onAction("no-subject", function () {
    call("POST", api + "subject/", { none: true }).then(function () { cfg.subject = null; redraw(); changed(); })
      .catch(function (e) { say(e.message); });
  });
  window.addEventListener("resize", redraw);
  redraw();
})();
