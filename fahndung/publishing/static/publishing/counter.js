// Live length counter for platform texts: a small port of publishing/posts/counting.py for
// instant feedback, then the server's count (the truth) replaces it after a short pause.
(function () {
  "use strict";
  var URL_RE = /(?:https?:\/\/|www\.)[^\s<>"]+?(?=[.,;:!?)\]]*(?:\s|$))/gi;
  var LIGHT = [[0x0000, 0x10FF], [0x2000, 0x200D], [0x2010, 0x201F], [0x2032, 0x2037]];
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter("de", { granularity: "grapheme" }) : null;

  function graphemes(text) {
    if (segmenter) { return Array.from(segmenter.segment(text), function (s) { return s.segment; }); }
    return Array.from(text);
  }
  function isEmoji(cluster) {
    if (/\p{Emoji_Presentation}|\uFE0F|\u20E3/u.test(cluster)) { return true; }
    if ((cluster.match(/\p{Regional_Indicator}/gu) || []).length >= 2) { return true; }
    return cluster.indexOf("\u200D") >= 0 && /\p{Extended_Pictographic}/u.test(cluster);
  }
  function weight(cp) {
    for (var i = 0; i < LIGHT.length; i++) { if (cp >= LIGHT[i][0] && cp <= LIGHT[i][1]) { return 1; } }
    return 2;
  }
  function xPlain(text) {
    return graphemes(text).reduce(function (sum, c) {
      if (isEmoji(c)) { return sum + 2; }
      return sum + Array.from(c).reduce(function (s, ch) { return s + weight(ch.codePointAt(0)); }, 0);
    }, 0);
  }
  function withUrls(text, urlWeight, plain) {
    var total = 0, pos = 0, m;
    URL_RE.lastIndex = 0;
    while ((m = URL_RE.exec(text)) !== null) {
      total += plain(text.slice(pos, m.index)) + urlWeight;
      pos = m.index + m[0].length;
    }
    return total + plain(text.slice(pos));
  }
  function count(platform, text) {
    if (platform === "x") { return withUrls(text.normalize("NFC"), 23, xPlain); }
    if (platform === "mastodon") { return withUrls(text, 23, function (t) { return graphemes(t).length; }); }
    if (platform === "bluesky") { return graphemes(text).length; }
    return Array.from(text).length;
  }
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
