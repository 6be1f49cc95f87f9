/* Staff UI: small progressive enhancements shared by every page (no dependencies). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]")) { el.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-toggle-nav]");
    if (toggle) {
      var open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    var confirmEl = event.target.closest && event.target.closest("[data-confirm]");
    if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
  /* Live countdowns: <time data-countdown datetime="ISO"> shows "in 5 h 12 min" / "überfällig". */
  var lang = document.documentElement.lang || "de";
  var words = lang === "en" ? { over: "overdue by", in: "in", d: "d", h: "h", m: "min" }
                            : { over: "überfällig seit", in: "in", d: "T", h: "Std.", m: "Min." };
  function fmt(ms) {
    var s = Math.abs(ms) / 1000, d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var out = d ? d + " " + words.d + " " + h + " " + words.h : (h ? h + " " + words.h + " " + m + " " + words.m : m + " " + words.m);
    return (ms < 0 ? words.over + " " : words.in + " ") + out;
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("datetime"));
      if (!isNaN(due)) { el.textContent = fmt(due - Date.now()); }
    });
  }
  tick();
  window.setInterval(tick, 30000);
})();
