// The API explorer: sends the query to /graphql on this server and shows the answer; shows the schema's SDL with
// a filter. Written for this project; nothing is loaded from another host.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var token = $("token"), query = $("query"), variables = $("variables");
  token.value = sessionStorage.getItem("simpul-token") || "";
  token.addEventListener("change", function () { sessionStorage.setItem("simpul-token", token.value); });

  function run() {
    var vars;
    try { vars = variables.value.trim() ? JSON.parse(variables.value) : {}; }
    catch (e) { $("status").textContent = "Variabel bukan JSON yang sah: " + e.message; return; }
    var headers = { "content-type": "application/json", "accept": "application/graphql-response+json" };
    if (token.value.trim()) { headers.authorization = "Bearer " + token.value.trim(); }
    $("status").textContent = "Mengirim…";
    var started = performance.now();
    fetch("/graphql", { method: "POST", headers: headers, body: JSON.stringify({ query: query.value, variables: vars }) })
      .then(function (response) {
        return response.text().then(function (text) {
          $("status").textContent = "HTTP " + response.status + " dalam " + Math.round(performance.now() - started) + " ms";
          try { $("result").textContent = JSON.stringify(JSON.parse(text), null, 2); }
          catch (e) { $("result").textContent = text; }
        });
      })
      .catch(function (e) { $("status").textContent = "Server tidak dapat dihubungi: " + e.message; });
  }
  $("run").addEventListener("click", run);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });

  var sdl = "";
  function show() {
    var words = $("filter").value.trim().toLowerCase();
    if (!words) { $("schema").textContent = sdl; return; }
    var blocks = sdl.split(/\n(?=\S)/).filter(function (b) { return b.toLowerCase().indexOf(words) >= 0; });
    $("schema").textContent = blocks.join("\n");
  }
  fetch("/graphql/schema.graphql").then(function (r) { return r.text(); }).then(function (text) { sdl = text; show(); });
  $("filter").addEventListener("input", show);
})();
