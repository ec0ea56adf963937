// jointops visit page: shows only the due-date field of the mode chosen
// (working days or a date), and warns before uploading a hazard photo
// over the limit. Without the script both fields show and the server
// checks all.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var photo = document.getElementById("photo");
    var warn = document.getElementById("photo-client-error");
    if (photo && warn) {
      photo.addEventListener("change", function () {
        var max = parseInt(photo.getAttribute("data-max-bytes"), 10);
        var tooLarge = photo.files.length > 0 && photo.files[0].size > max;
        warn.textContent = tooLarge ? warn.getAttribute("data-text") : "";
        warn.hidden = !tooLarge;
        photo.setCustomValidity(tooLarge ? warn.getAttribute("data-text") : "");
      });
    }

    var form = document.getElementById("order-form");
    if (!form) {
      return;
    }
    var fields = form.querySelectorAll(".due-field");
    function showMode() {
      var chosen = form.querySelector("input[name='due_mode']:checked");
      var mode = chosen ? chosen.value : "days";
      fields.forEach(function (f) {
        f.hidden = f.getAttribute("data-mode") !== mode;
      });
    }
    form.querySelectorAll("input[name='due_mode']").forEach(function (r) {
      r.addEventListener("change", showMode);
    });
    showMode();
  });
})();
