/* Engagement pages, as a file because the Content-Security-Policy refuses inline handlers. The meeting page's
   feedback capture: after an item is added (201) the form empties for the next one, and the cursor goes back to
   the text field either way. The status report: focusing the Markdown copy selects all of it. */
(function () {
  "use strict";

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "feedback-capture") { return; }
    if (event.detail.xhr && event.detail.xhr.status === 201) {
      form.reset();
      var result = document.getElementById("feedback-capture-result");
      if (result) { result.innerHTML = ""; }
    }
    var text = form.querySelector("#feedback-text");
    if (text) { text.focus(); }
  });

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("textarea[data-select-on-focus]")) { target.select(); }
  });
})();
