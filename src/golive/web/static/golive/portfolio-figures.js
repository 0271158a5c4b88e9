/* Cross-project figures: one chart per grouping (customer, template) drawn with the vendored Chart.js from the
   portfolio figures JSON. Bars: median hypercare issues and median days to silence (left axis); points: the
   SLA compliance percentages (right axis). The tables beside carry the same numbers, so the charts are
   decoration only. The section may arrive after the page (htmx), so drawing also runs after each swap. */
(function () {
  "use strict";

  var requests = {};

  function figures(url) {
    if (!requests[url]) {
      requests[url] = fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); });
    }
    return requests[url];
  }

  function draw(canvas) {
    if (!window.Chart || canvas.getAttribute("data-drawn") === "true") { return; }
    canvas.setAttribute("data-drawn", "true");
    figures(canvas.getAttribute("data-figures-url"))
      .then(function (data) {
        var rows = data[canvas.getAttribute("data-group")] || [];
        if (!rows.length) { canvas.closest(".chart-box").hidden = true; return; }
        var pick = function (get) { return rows.map(function (row) { var v = get(row); return v === null ? null : v; }); };
        new window.Chart(canvas, {
          type: "bar",
          data: {
            labels: rows.map(function (row) { return row.name; }),
            datasets: [
              { label: canvas.getAttribute("data-issues-label"), data: pick(function (r) { return r.median_hypercare_issues; }),
                backgroundColor: "#0b4f8a", yAxisID: "y" },
              { label: canvas.getAttribute("data-silence-label"), data: pick(function (r) { return r.median_days_to_silence; }),
                backgroundColor: "#7a4a00", yAxisID: "y" },
              { type: "line", label: canvas.getAttribute("data-response-label"), data: pick(function (r) { return r.sla.response.percent; }),
                borderColor: "#11632d", backgroundColor: "#11632d", showLine: false, pointRadius: 5, pointStyle: "triangle", yAxisID: "y1" },
              { type: "line", label: canvas.getAttribute("data-resolution-label"), data: pick(function (r) { return r.sla.resolution.percent; }),
                borderColor: "#a1121b", backgroundColor: "#a1121b", showLine: false, pointRadius: 5, pointStyle: "rectRot", yAxisID: "y1" }
            ]
          },
          options: {
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            plugins: { title: { display: true, text: canvas.getAttribute("data-title") } },
            scales: {
              y: { beginAtZero: true, position: "left" },
              y1: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false } }
            }
          }
        });
      })
      .catch(function () { canvas.closest(".chart-box").hidden = true; });
  }

  function init() { document.querySelectorAll("canvas[data-figures-url]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
