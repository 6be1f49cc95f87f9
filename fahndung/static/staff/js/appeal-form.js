/* Appeal wizard: step navigation, admissible legal bases, live confirmation deadline,
   extra persons, and drag-and-drop photo upload with per-file progress and errors.
   Without JavaScript every step is visible and the page still works. */
(function () {
  "use strict";
  var form = document.getElementById("appeal-form");
  if (!form) { return; }
  document.documentElement.classList.add("js");
  var en = (document.documentElement.lang || "de") === "en";
  var T = en ? { due: "Confirmation required by", uploading: "uploading…", done: "uploaded", failed: "failed" }
             : { due: "Bestätigung erforderlich bis", uploading: "wird hochgeladen …", done: "hochgeladen", failed: "fehlgeschlagen" };
  var steps = Array.prototype.slice.call(document.querySelectorAll(".step[data-step]"));
  var links = Array.prototype.slice.call(document.querySelectorAll("[data-step-link]"));
  var order = steps.map(function (s) { return s.getAttribute("data-step"); });

  function show(key, focus) {
    steps.forEach(function (s) { s.hidden = s.getAttribute("data-step") !== key; });
    links.forEach(function (a) {
      if (a.getAttribute("data-step-link") === key) { a.setAttribute("aria-current", "step"); }
      else { a.removeAttribute("aria-current"); }
    });
    if (focus) {
      var section = document.getElementById("step-" + key);
      var first = section && section.querySelector("input:not([type=hidden]),select,textarea");
      if (first) { first.focus(); }
      window.scrollTo({ top: 0, behavior: "smooth" });
    }
  }
  var current = form.getAttribute("data-current-step") || "basis";
  if (location.hash.indexOf("#step-") === 0) { current = location.hash.slice(6); }
  show(order.indexOf(current) >= 0 ? current : "basis", false);
  links.forEach(function (a) {
    a.addEventListener("click", function (e) { e.preventDefault(); show(a.getAttribute("data-step-link"), true); });
  });
  /* Inline validation: a step's required/typed fields are checked before "Weiter". */
  var MSG = en ? { required: "Required field.", invalid: "Please check this entry." }
               : { required: "Pflichtfeld.", invalid: "Bitte Eingabe prüfen." };
  function fieldError(el, text) {
    var box = el.closest(".field"); if (!box) { return; }
    var list = box.querySelector("ul.errorlist[data-client]");
    if (!text) { if (list) { list.remove(); } if (!box.querySelector("ul.errorlist")) { box.classList.remove("has-error"); } el.removeAttribute("aria-invalid"); return; }
    if (!list) { list = document.createElement("ul"); list.className = "errorlist"; list.setAttribute("data-client", ""); box.appendChild(list); }
    list.innerHTML = ""; var li = document.createElement("li"); li.textContent = text; list.appendChild(li);
    box.classList.add("has-error"); el.setAttribute("aria-invalid", "true");
  }
  function checkField(el) {
    if (!el.willValidate) { return true; }
    if (el.validity.valid) { fieldError(el, ""); return true; }
    fieldError(el, el.validity.valueMissing ? MSG.required : (el.validationMessage || MSG.invalid));
    return false;
  }
  function checkStep(section) {
    var bad = null;
    section.querySelectorAll("input,select,textarea").forEach(function (el) {
      if (el.type !== "hidden" && !checkField(el) && !bad) { bad = el; }
    });
    if (bad) { bad.focus(); }
    return !bad;
  }
  /* Errors appear when leaving a field and disappear while typing. Clearing on blur would
     shift the layout under the pointer and swallow the click on "Weiter". */
  form.addEventListener("blur", function (e) {
    var el = e.target;
    if (el.matches && el.matches("input,select,textarea") && el.willValidate && !el.validity.valid) { checkField(el); }
  }, true);
  ["input", "change"].forEach(function (type) {
    form.addEventListener(type, function (e) {
      var el = e.target;
      if (el.matches && el.matches("input,select,textarea") && el.willValidate && el.validity.valid) { fieldError(el, ""); }
    });
  });
  document.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-next],[data-prev]");
    if (!btn) { return; }
    var section = btn.closest(".step");
    if (btn.hasAttribute("data-next") && form.contains(section) && !checkStep(section)) { return; }
    var here = section.getAttribute("data-step");
    var i = order.indexOf(here) + (btn.hasAttribute("data-next") ? 1 : -1);
    if (i >= 0 && i < order.length) { show(order[i], true); }
  });

  /* Step 1: only admissible legal bases for the chosen kind (R1). */
  var kind = document.getElementById("id_kind"), basis = document.getElementById("id_legal_basis");
  function filterBases() {
    if (!kind || !basis) { return; }
    var k = kind.value, firstAllowed = null, currentOk = false;
    Array.prototype.forEach.call(basis.options, function (opt) {
      if (!opt.value) { return; }
      var ok = !k || (" " + opt.getAttribute("data-kinds") + " ").indexOf(" " + k + " ") >= 0;
      opt.hidden = !ok; opt.disabled = !ok;
      if (ok && !firstAllowed) { firstAllowed = opt.value; }
      if (ok && opt.value === basis.value) { currentOk = true; }
    });
    if (k && !currentOk) { basis.value = firstAllowed || ""; }
    updateExpiryMax();
    preview();
  }
  if (kind) { kind.addEventListener("change", filterBases); }

  /* Step 5: expiry date limited by the maximum per kind. */
  var expires = document.getElementById("id_expires_on");
  function updateExpiryMax() {
    if (!expires || !kind || !kind.value) { return; }
    var limits = JSON.parse(expires.getAttribute("data-max-days") || "{}");
    var days = limits[kind.value];
    if (!days) { return; }
    var d = new Date(); d.setDate(d.getDate() + days - 1);
    expires.max = d.toISOString().slice(0, 10);
    expires.min = new Date().toISOString().slice(0, 10);
  }
  filterBases();

  /* Step 2: live confirmation deadline from the server (appeals.deadlines). */
  var box = document.getElementById("deadline-preview");
  var fields = ["id_order-issuer_type", "id_order-is_emergency", "id_order-decided_at"].map(function (id) { return document.getElementById(id); });
  function preview() {
    if (!box || !basis || fields.indexOf(null) >= 0) { return; }
    var q = new URLSearchParams({
      legal_basis: basis.value, issuer_type: fields[0].value,
      is_emergency: fields[1].checked ? "true" : "false", decided_at: fields[2].value
    });
    fetch(form.getAttribute("data-preview-url") + "?" + q.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var text = box.querySelector("[data-preview-text]"), problem = box.querySelector("[data-preview-problem]");
        text.textContent = data.needed ? T.due + " " + data.display : "";
        problem.textContent = data.issuer_problem || "";
        box.hidden = !data.needed && !data.issuer_problem;
        box.classList.toggle("is-danger", !!(data.lapsed || data.issuer_problem));
      })
      .catch(function () { /* preview is a convenience; the server checks on save */ });
  }
  fields.concat([basis]).forEach(function (el) { if (el) { el.addEventListener("change", preview); } });

  /* Step 4: add another person by cloning the last one with empty values and defaults. */
  var addBtn = document.querySelector("[data-add-person]");
  var total = document.getElementById("id_persons-TOTAL_FORMS");
  if (addBtn && total) {
    addBtn.addEventListener("click", function () {
      var people = document.querySelectorAll("#persons [data-person]");
      if (!people.length) { return; }
      var n = parseInt(total.value, 10);
      var node = people[people.length - 1].cloneNode(true);
      var re = /persons-\d+-/g, to = "persons-" + n + "-";
      node.querySelectorAll("[name],[id],[for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr); if (v) { el.setAttribute(attr, v.replace(re, to)); }
        });
      });
      node.querySelectorAll("ul.errorlist").forEach(function (ul) { ul.remove(); });
      node.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
      node.querySelectorAll("input,select,textarea").forEach(function (el) {
        if (el.type === "checkbox") { el.checked = el.getAttribute("data-default") === "1"; }
        else if (el.tagName === "SELECT") { el.selectedIndex = 0; }
        else { el.value = ""; }
        el.removeAttribute("aria-invalid");
      });
      node.querySelector("[data-person-index]").textContent = String(n + 1);
      document.getElementById("persons").appendChild(node);
      total.value = String(n + 1);
      var first = node.querySelector("select,input:not([type=checkbox])"); if (first) { first.focus(); }
    });
  }

  /* Step 6: drag and drop, one request per file with its own progress and error. */
  var photoForm = document.getElementById("photo-form");
  if (!photoForm) { return; }
  var drop = document.getElementById("dropzone"), input = document.getElementById("photo-files");
  var list = document.getElementById("upload-list"), existing = document.getElementById("photo-existing");
  var csrf = photoForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  function upload(file) {
    var li = document.createElement("li");
    var name = document.createElement("span"); name.textContent = file.name + " (" + Math.round(file.size / 1024) + " KB)";
    var bar = document.createElement("progress"); bar.max = 100; bar.value = 0; bar.setAttribute("aria-label", T.uploading);
    li.appendChild(name); li.appendChild(bar); list.appendChild(li);
    var data = new FormData();
    data.append("files", file);
    data.append("caption", document.getElementById("photo-caption").value);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", photoForm.action);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) { if (e.lengthComputable) { bar.value = Math.round(e.loaded / e.total * 100); } });
    xhr.addEventListener("load", function () {
      var body = null; try { body = JSON.parse(xhr.responseText); } catch (err) { body = null; }
      if (xhr.status === 201 && body && body.ok) {
        bar.value = 100;
        var ok = document.createElement("span"); ok.className = "ok"; ok.textContent = "✓ " + T.done;
        li.replaceChild(ok, bar);
        var empty = existing.querySelector("[data-empty]"); if (empty) { empty.remove(); }
      } else {
        var err = document.createElement("span"); err.className = "err"; err.setAttribute("role", "alert");
        err.textContent = "✗ " + T.failed + ": " + ((body && body.error && body.error.message) || ("HTTP " + xhr.status));
        li.removeChild(bar); li.appendChild(err);
      }
    });
    xhr.addEventListener("error", function () {
      var err = document.createElement("span"); err.className = "err"; err.textContent = "✗ " + T.failed;
      li.removeChild(bar); li.appendChild(err);
    });
    xhr.send(data);
  }
  function handle(files) { Array.prototype.forEach.call(files, upload); }
  input.addEventListener("change", function () { handle(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (ev) { drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("is-over"); }); });
  ["dragleave", "drop"].forEach(function (ev) { drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("is-over"); }); });
  drop.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files) { handle(e.dataTransfer.files); } });
})();
