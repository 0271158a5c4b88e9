/* Issue desk: refresh the SLA countdowns every minute, and keep keyboard focus in a row that htmx replaced.
   The server renders the same text; without JavaScript the page is only as fresh as its last load. */
(function () {
  "use strict";

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_match, name) { return String(values[name]); });
  }

  function duration(ms, formats) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    var days = Math.floor(minutes / 1440);
    minutes -= days * 1440;
    var hours = Math.floor(minutes / 60);
    minutes -= hours * 60;
    if (days) { return fill(formats.days, { days: days, hours: hours }); }
    if (hours) { return fill(formats.hours, { hours: hours, minutes: minutes }); }
    return fill(formats.minutes, { minutes: minutes });
  }

  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-sla-formats]").forEach(function (root) {
      var formats;
      try { formats = JSON.parse(root.getAttribute("data-sla-formats")); } catch (e) { return; }
      root.querySelectorAll("time.sla-clock").forEach(function (clock) {
        var due = Date.parse(clock.getAttribute("datetime"));
        if (isNaN(due)) { return; }
        var overdue = now >= due;
        clock.textContent = overdue
          ? fill(formats.overdue, { time: duration(now - due, formats) })
          : fill(formats.left, { time: duration(due - now, formats) });
        clock.classList.toggle("is-overdue", overdue);
      });
    });
  }

  // A quick action replaces its row; when the focused button is gone, put focus back into the new row.
  var focusedRow = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = event.target.closest ? event.target.closest("tr[id]") : null;
    focusedRow = row && row.contains(document.activeElement) ? row.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    refresh();
    if (!focusedRow) { return; }
    var row = document.getElementById(focusedRow);
    focusedRow = null;
    if (!row || row.contains(document.activeElement)) { return; }
    var target = row.querySelector("[role=alert]") || row.querySelector("button, select") || row.querySelector("a");
    if (target) {
      if (!target.hasAttribute("tabindex") && target.getAttribute("role") === "alert") { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  });

  setInterval(refresh, 60000);
})();
