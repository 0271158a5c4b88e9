/* UAT pages. The tester's page: after htmx swaps a scenario card, focus moves to its confirmation or error, so a
   keyboard or screen-reader user hears the outcome. The board: the burn-up of the latest round, drawn with the
   vendored Chart.js from the board's JSON endpoint (the table beside it carries the same numbers). The scenario
   list: a "select all on this page" box, shown only with JavaScript. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var card = event.detail.elt;
    if (!card || !card.classList || !card.classList.contains("uat-card")) { return; }
    var outcome = card.querySelector(".alert-error, .uat-saved");
    if (outcome) { outcome.focus(); }
  });

  function drawBurnUp(canvas) {
    if (!window.Chart || canvas.getAttribute("data-drawn") === "true") { return; }
    canvas.setAttribute("data-drawn", "true");
    fetch(canvas.getAttribute("data-uat-chart-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        new window.Chart(canvas, {
          type: "line",
          data: {
            labels: data.labels,
            datasets: [
              { label: canvas.getAttribute("data-executed-label"), data: data.executed, borderColor: "#0b4f8a",
                backgroundColor: "#0b4f8a", stepped: true, pointRadius: 2 },
              { label: canvas.getAttribute("data-passed-label"), data: data.passed, borderColor: "#11632d",
                backgroundColor: "#11632d", stepped: true, pointRadius: 2 },
              { label: canvas.getAttribute("data-active-label"), data: data.labels.map(function () { return data.active; }),
                borderColor: "#4a5561", borderDash: [6, 4], pointRadius: 0 }
            ]
          },
          options: {
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
          }
        });
      })
      .catch(function () { canvas.closest(".chart-box").hidden = true; });
  }

  function setUpPickAll() {
    document.querySelectorAll("input[data-pick-all]").forEach(function (box) {
      var name = box.getAttribute("data-pick-all");
      var form = box.form;
      if (!form) { return; }
      box.hidden = false;
      box.addEventListener("change", function () {
        form.querySelectorAll("input[type='checkbox'][name='" + name + "']").forEach(function (item) {
          item.checked = box.checked;
        });
      });
    });
  }

  function init() {
    document.querySelectorAll("canvas[data-uat-chart-url]").forEach(drawBurnUp);
    setUpPickAll();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
