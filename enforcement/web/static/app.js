// jointops page script: small progressive enhancements; every page works
// without it. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  // Mark fields that have an error message as invalid for screen readers.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".field-error[id$='-error']").forEach(function (p) {
      var name = p.id.slice(0, -"-error".length);
      var input = document.querySelector("[name='" + name + "']");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", p.id);
      }
    });
  });
})();
