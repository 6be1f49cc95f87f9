// Live length counter for platform texts: count.js gives instant feedback, then the
// server's count (the truth) replaces it after a short pause.
(function () {
  "use strict";
  var count = window.FahndungCount.count;
  function escapeHtml(s) {
    return s.replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  function preview(text) {
    return escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, function (u) { return '<a href="#">' + u + "</a>"; }).replace(/\n/g, "<br>");
  }

  document.querySelectorAll(".pub-variant").forEach(function (box) {
    var platform = box.dataset.platform, limit = parseInt(box.dataset.limit, 10);
    var area = box.querySelector("textarea"), out = box.querySelector("[data-role=count]");
    var source = box.querySelector("[data-role=source]"), problems = box.querySelector("[data-role=problems]");
    var counter = box.querySelector(".pub-counter"), pv = box.querySelector("[data-role=preview]");
    var token = box.querySelector("input[name=csrfmiddlewaretoken]"), timer = null;
    if (!area) { return; }
    function show(n, label) {
      out.textContent = n; source.textContent = "(" + label + ")";
      counter.classList.toggle("over", n > limit);
    }
    area.addEventListener("input", function () {
      show(count(platform, area.value), "lokal");
      if (pv) { pv.innerHTML = preview(area.value); }
      clearTimeout(timer);
      timer = setTimeout(function () {
        var body = new URLSearchParams({ platform: platform, text: area.value });
        fetch(area.dataset.countUrl, {
          method: "POST", credentials: "same-origin", body: body,
          headers: { "X-CSRFToken": token ? token.value : "", "Accept": "application/json" }
        }).then(function (r) { return r.json(); }).then(function (data) {
          if (typeof data.count !== "number") { return; }
          show(data.count, "Server");
          problems.innerHTML = "";
          (data.problems || []).forEach(function (p) {
            var li = document.createElement("li"); li.textContent = p; problems.appendChild(li);
          });
        }).catch(function () { /* keep the local count */ });
      }, 400);
    });
  });
}());
