// The login form goes back to the page that asked for it: only a path on this service.
"use strict";

(function keepNext() {
  const params = new URLSearchParams(window.location.search);
  const next = params.get("next") || "";
  const samePath = next.startsWith("/") && !next.startsWith("//") && !next.includes("\\");
  document.getElementById("next").value = samePath ? next : "/";
  if (params.has("error") || params.has("failed")) {
    const problem = document.getElementById("login-problem");
    problem.textContent = "That token was not accepted.";
    problem.hidden = false;
  }
})();
