// Progressive enhancement only: every form works without this file.
// Skill autocomplete: fills the input's <datalist> from /api/v1/skills as the person types.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    var timer = null, last = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        last = q;
        fetch("/api/v1/skills?limit=10&q=" + encodeURIComponent(q), { credentials: "same-origin",
          headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (hits) {
            list.textContent = "";
            hits.forEach(function (h) {
              var opt = document.createElement("option");
              opt.value = h.label;
              if (h.matched !== h.label) opt.label = h.label + " (" + h.matched + ")";
              list.appendChild(opt);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-skill-autocomplete]").forEach(attach);
  });
})();
