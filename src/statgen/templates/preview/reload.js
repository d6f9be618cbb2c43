// statgen preview: reload the page after each rebuild. Served only by `statgen preview`,
// never copied into a draft or a release.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-version") : null;
  var source = new EventSource("/__statgen__/events");
  source.onmessage = function (event) {
    var data = JSON.parse(event.data);
    if (String(data.version) !== shown) {
      source.close();
      window.location.reload();
    }
  };
})();
