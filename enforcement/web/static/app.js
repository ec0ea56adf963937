// jointops page script: small progressive enhancements; every page works
// without it. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  // Mark fields that have an error message as invalid for screen readers,
  // where the page did not already (the template function aria does it on
  // the server, which is what counts; this is a fallback).
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".field-error[id$='-error']").forEach(function (p) {
      var name = p.id.slice(0, -"-error".length);
      var input = document.querySelector("[name='" + CSS.escape(name) + "']");
      if (!input || input.hasAttribute("aria-invalid")) {
        return;
      }
      input.setAttribute("aria-invalid", "true");
      var described = input.getAttribute("aria-describedby");
      if (!described || described.split(/\s+/).indexOf(p.id) < 0) {
        input.setAttribute("aria-describedby", described ? described + " " + p.id : p.id);
      }
    });
  });
})();
