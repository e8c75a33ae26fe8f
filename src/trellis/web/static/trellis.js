// Progressive enhancement only: every form works without this file.
// Skill autocomplete: fills the input's <datalist> from /api/v1/skills as the person types.
// Matching settings: the "share of score" column follows the weights as HR types them.
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
  function weightShares(form) {
    var inputs = form.querySelectorAll("input[data-weight]");
    function update() {
      var values = [], total = 0;
      inputs.forEach(function (input) {
        var v = parseFloat(input.value);
        v = isFinite(v) && v > 0 ? v : 0;
        values.push(v);
        total += v;
      });
      inputs.forEach(function (input, i) {
        var out = document.getElementById(input.getAttribute("data-weight"));
        if (out) out.textContent = total > 0 ? (100 * values[i] / total).toFixed(1) + "%" : "–";
      });
    }
    inputs.forEach(function (input) { input.addEventListener("input", update); });
  }
  // The main menu: open on wide screens, folded behind its "Menu" button on narrow ones.
  function menu(details) {
    var wide = window.matchMedia("(min-width: 64.01rem)");
    function sync() { details.open = wide.matches; }
    if (wide.addEventListener) wide.addEventListener("change", sync);
    sync();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("details[data-menu]").forEach(menu);
    document.querySelectorAll("input[data-skill-autocomplete]").forEach(attach);
    document.querySelectorAll("form[data-weights-preview]").forEach(weightShares);
  });
})();
