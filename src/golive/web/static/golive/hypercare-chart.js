/* Hypercare dashboard: daily arrivals as bars, the fitted decay as a line, the projected silence as a marker.
   Drawn with the vendored Chart.js from the dashboard's JSON endpoint. The table beside it carries the same
   numbers, so the chart is decoration only. */
(function () {
  "use strict";

  function silenceMarker(index, label) {
    return {
      id: "silenceMarker",
      afterDatasetsDraw: function (chart) {
        if (index < 0) { return; }
        var x = chart.scales.x.getPixelForValue(index);
        var area = chart.chartArea;
        var ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = "#11632d";
        ctx.fillStyle = "#11632d";
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = "12px system-ui, sans-serif";
        ctx.textAlign = x > (area.left + area.right) / 2 ? "right" : "left";
        ctx.fillText(label, x + (ctx.textAlign === "right" ? -4 : 4), area.top + 12);
        ctx.restore();
      }
    };
  }

  function draw(canvas) {
    if (!window.Chart || canvas.getAttribute("data-drawn") === "true") { return; }
    canvas.setAttribute("data-drawn", "true");
    fetch(canvas.getAttribute("data-chart-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        var silence = data.silence_date ? data.labels.indexOf(data.silence_date) : -1;
        new window.Chart(canvas, {
          type: "bar",
          data: {
            labels: data.labels,
            datasets: [
              { type: "bar", label: canvas.getAttribute("data-counts-label"), data: data.counts,
                backgroundColor: "#0b4f8a", order: 2 },
              { type: "line", label: canvas.getAttribute("data-curve-label"), data: data.curve,
                borderColor: "#a1121b", backgroundColor: "#a1121b", borderDash: [4, 3], pointRadius: 0,
                tension: 0.3, order: 1 }
            ]
          },
          options: {
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
          },
          plugins: [silenceMarker(silence, canvas.getAttribute("data-silence-label"))]
        });
      })
      .catch(function () { canvas.closest(".chart-box").hidden = true; });
  }

  function init() { document.querySelectorAll("canvas[data-chart-url]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
