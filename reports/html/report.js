// custos report: filters, sorting and expandable details. Runs under a strict
// Content-Security-Policy (allowed by its sha256 hash); reads only the page, writes only
// text and attributes, never HTML.
(function () {
  "use strict";
  var doc = document;
  var root = doc.documentElement;
  var violations = 0;
  doc.addEventListener("securitypolicyviolation", function () {
    violations += 1;
    root.setAttribute("data-csp-violations", String(violations));
  });
  root.setAttribute("data-csp-violations", "0");
  root.classList.add("js");

  var cssApplied = getComputedStyle(root).getPropertyValue("--custos-css").trim() === "1";
  root.setAttribute("data-custos-css", cssApplied ? "applied" : "missing");

  var table = doc.getElementById("findings");
  var bodies = table ? Array.prototype.slice.call(table.querySelectorAll("tbody.finding")) : [];
  var filters = {
    severity: doc.getElementById("filter-severity"),
    status: doc.getElementById("filter-status"),
    rule: doc.getElementById("filter-rule"),
    text: doc.getElementById("filter-text")
  };
  var shown = doc.getElementById("shown");

  function value(el) {
    return el ? el.value : "";
  }

  function apply() {
    var sev = value(filters.severity);
    var status = value(filters.status);
    var rule = value(filters.rule);
    var q = value(filters.text).trim().toLowerCase();
    var count = 0;
    bodies.forEach(function (b) {
      var ok = (!sev || b.getAttribute("data-severity") === sev) &&
        (!status || b.getAttribute("data-status") === status) &&
        (!rule || b.getAttribute("data-rule") === rule) &&
        (!q || b.textContent.toLowerCase().indexOf(q) !== -1);
      b.hidden = !ok;
      if (ok) {
        count += 1;
      }
    });
    if (shown) {
      shown.textContent = "Showing " + count + " of " + bodies.length + " findings";
      shown.setAttribute("data-shown", String(count));
    }
  }

  Object.keys(filters).forEach(function (k) {
    if (filters[k]) {
      filters[k].addEventListener(k === "text" ? "input" : "change", apply);
    }
  });

  function setFilter(name, v) {
    if (!filters[name]) {
      return;
    }
    filters[name].value = v;
    apply();
    if (table) {
      table.scrollIntoView({ block: "start" });
    }
  }

  var reset = doc.getElementById("filter-reset");
  if (reset) {
    reset.addEventListener("click", function () {
      Object.keys(filters).forEach(function (k) {
        if (filters[k]) {
          filters[k].value = "";
        }
      });
      apply();
    });
  }

  doc.addEventListener("click", function (e) {
    var t = e.target instanceof Element ? e.target : null;
    var btn = t ? t.closest("[data-set-filter]") : null;
    if (btn) {
      setFilter(btn.getAttribute("data-set-filter"), btn.getAttribute("data-value") || "");
      return;
    }
    var toggle = t ? t.closest("button.toggle") : null;
    if (toggle) {
      var body = toggle.closest("tbody");
      var open = body.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  // Sorting: each finding is one <tbody>; sort them by a data attribute.
  var sortState = { key: "", dir: 1 };
  function sortBy(th) {
    var key = th.getAttribute("data-sort-key");
    var numeric = th.hasAttribute("data-sort-numeric");
    sortState.dir = sortState.key === key ? -sortState.dir : (numeric ? -1 : 1);
    sortState.key = key;
    var attr = "data-" + key;
    var sorted = bodies.slice().sort(function (a, b) {
      var x = a.getAttribute(attr) || "";
      var y = b.getAttribute(attr) || "";
      var c = numeric ? Number(x) - Number(y) : (x < y ? -1 : (x > y ? 1 : 0));
      if (c === 0) {
        c = (Number(a.getAttribute("data-i")) - Number(b.getAttribute("data-i"))) * sortState.dir;
      }
      return c * sortState.dir;
    });
    sorted.forEach(function (b) {
      table.appendChild(b);
    });
    Array.prototype.forEach.call(table.querySelectorAll("th[data-sort-key]"), function (h) {
      h.setAttribute("aria-sort", h === th ? (sortState.dir > 0 ? "ascending" : "descending") : "none");
    });
  }
  if (table) {
    Array.prototype.forEach.call(table.querySelectorAll("th[data-sort-key] button.sort"), function (b) {
      b.addEventListener("click", function () {
        sortBy(b.closest("th"));
      });
    });
  }

  // Filters can be preset from the fragment, e.g. custos.html#severity=high&status=open&q=prod,
  // so a filtered view can be linked to.
  var hash = window.location.hash.slice(1);
  if (hash.indexOf("=") !== -1) {
    var params = new URLSearchParams(hash);
    ["severity", "status", "rule"].forEach(function (k) {
      if (filters[k] && params.has(k)) {
        filters[k].value = params.get(k);
      }
    });
    if (filters.text && params.has("q")) {
      filters.text.value = params.get("q");
    }
  }

  apply();
  root.setAttribute("data-custos-ready", "true");
}());
