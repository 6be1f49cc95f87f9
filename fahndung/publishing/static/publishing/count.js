// Length counting per platform: a port of fahndung/publishing/posts/counting.py (the server
// stays the truth). Used by counter.js in the browser; tests run it under node and compare.
(function (root) {
  "use strict";
  var URL_RE = /(?:https?:\/\/|www\.)[^\s<>"]+?(?=[.,;:!?)\]]*(?:\s|$))/gi;
  var LIGHT = [[0x0000, 0x10FF], [0x2000, 0x200D], [0x2010, 0x201F], [0x2032, 0x2037]];
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("de", { granularity: "grapheme" }) : null;

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
  var api = { count: count };
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  root.FahndungCount = api;
}(typeof window !== "undefined" ? window : globalThis));
