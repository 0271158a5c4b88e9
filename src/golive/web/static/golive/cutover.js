/* Cutover pages. The board: after a step action htmx replaces the whole board, so focus goes back into the row
   that was acted on (for keyboard users). The manual smoke test: "Add a row" copies the empty row of the
   formset; without JavaScript the "More rows" link reloads the form with more rows. */
(function () {
  "use strict";

  // The board refreshes itself every 30 seconds, but not in a hidden tab, while a fail or skip form is open or
  // while another request of the board runs. The check is here, not in an hx-trigger filter, because htmx
  // evaluates filters as code, which the Content-Security-Policy refuses.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || elt.id !== "cutover-board") { return; }
    if (document.hidden || document.querySelector("#cutover-board details[open], #cutover-board .htmx-request")) {
      event.preventDefault();
    }
  });

  var actedRow = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var row = elt && elt.closest ? elt.closest("#cutover-board tr[id]") : null;
    actedRow = row ? row.id : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!actedRow) { return; }
    var row = document.getElementById(actedRow);
    actedRow = null;
    if (!row || (document.activeElement && document.activeElement !== document.body)) { return; }
    var target = row.querySelector("button:not([disabled]), summary") || row;
    if (target === row) { row.setAttribute("tabindex", "-1"); }
    target.focus();
  });

  function setUpManualRows() {
    var button = document.getElementById("manual-add-row");
    var template = document.getElementById("manual-row-template");
    var rows = document.getElementById("manual-rows");
    var total = document.querySelector("input[name='items-TOTAL_FORMS']");
    var max = document.querySelector("input[name='items-MAX_NUM_FORMS']");
    if (!button || !template || !rows || !total) { return; }
    var more = document.getElementById("manual-more-rows");
    if (more) { more.hidden = true; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var count = parseInt(total.value, 10);
      if (max && count >= parseInt(max.value, 10)) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(count));
      var holder = document.createElement("tbody");
      holder.innerHTML = html;
      var row = holder.querySelector("tr");
      row.querySelector("td").textContent = String(count + 1);
      rows.appendChild(row);
      total.value = String(count + 1);
      var first = row.querySelector("input[type='text']");
      if (first) { first.focus(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpManualRows);
  } else {
    setUpManualRows();
  }
})();
