// The instructor's page: who is stuck and why, the help queue, pacing (checkpoint and
// solution reveals), the leaderboard, the learners and one learner's timeline.
// Real names appear here only; the page needs the instructor's cookie.

import {
  ServiceError,
  connectionText,
  ago,
  clock,
  el,
  fill,
  follow,
  getJSON,
  goToLogin,
  postJSON,
  sortProblems,
  toDate,
  whereAmI,
} from "./common.js";

const HELPER_KEY = "mlcourse-live-helper";
const { base, session } = whereAmI();
const api = `${base}/api/s/${session}`;
const state = { version: -1, problems: [], timelineOf: null };

const $ = (id) => document.getElementById(id);

function showProblem(text) {
  $("problem").textContent = text;
  $("problem").hidden = !text;
}

function failed(error) {
  if (error instanceof ServiceError && (error.status === 401 || error.status === 403)) {
    goToLogin(base);
    return;
  }
  showProblem(error.message);
}

// --- helper name -------------------------------------------------------------------------

function helperName(ask) {
  let name = window.localStorage.getItem(HELPER_KEY) || "";
  if (!name || ask) {
    const typed = window.prompt("Your name, as learners will see it when you come:", name);
    if (typed === null) return name || null;
    name = typed.trim().slice(0, 64);
    if (name) window.localStorage.setItem(HELPER_KEY, name);
  }
  $("helper-name").textContent = name || "(no name yet)";
  return name || null;
}

// --- sections ----------------------------------------------------------------------------

function showHeader(data) {
  const info = data.session || {};
  const title = info.title || `Module ${info.module}`;
  $("title").textContent = title;
  document.title = `${title} · instructor`;
  const closed = info.closed ? " · closed" : "";
  const checks = info.server_checks ? " · checks judged by the service" : "";
  $("module").textContent = `Module ${info.module} · session ${info.id}${checks}${closed}`;
  if (info.class_url_path) $("module").textContent += ` · learners join with ${window.location.origin}${base}${info.class_url_path}`;
  $("checkpoint-now").textContent = info.checkpoint ? `now: ${info.checkpoint}` : "none set";
}

function showStuck(people) {
  const stuck = people.filter((learner) => learner.stuck);
  $("stuck-count").textContent = `(${stuck.length})`;
  $("stuck-none").hidden = stuck.length > 0;
  fill(
    $("stuck"),
    stuck.map((learner) =>
      el(
        "li",
        { className: "stuck-item" },
        el("button", {
          type: "button",
          className: "link name",
          text: learner.name,
          onclick: () => openTimeline(learner.name),
        }),
        el("span", { className: "quiet", text: ` (${learner.pseudonym}) ` }),
        el("span", { className: "reason", text: learner.stuck_reason || "stuck" }),
      ),
    ),
  );
}

/** POST an instructor action, then refresh; whether the service accepted it. */
async function act(url, body) {
  try {
    await postJSON(url, body);
  } catch (error) {
    failed(error);
    return false;
  }
  showProblem("");
  await refresh();
  return true;
}

function claim(hand) {
  const helper = helperName(false);
  if (!helper) return;
  act(`${api}/hands/${encodeURIComponent(hand.id)}/claim`, { helper });
}

function handItem(hand) {
  const claimed = hand.claimed_by
    ? el("span", { className: "claimed", text: `claimed by ${hand.claimed_by}` })
    : el("button", { type: "button", className: "claim", text: "Claim", onclick: () => claim(hand) });
  return el(
    "li",
    { className: hand.claimed_by ? "hand-item claimed-item" : "hand-item", "data-hand": hand.id },
    el("div", { className: "hand-who" }, el("strong", { text: hand.learner }), ` · ${ago(hand.time)}`),
    el("p", { className: "hand-message", text: hand.message || "(no message)" }),
    el(
      "div",
      { className: "row" },
      claimed,
      el("button", {
        type: "button",
        className: "resolve",
        text: "Resolve",
        onclick: () => act(`${api}/hands/${encodeURIComponent(hand.id)}/resolve`, {}),
      }),
    ),
  );
}

function showHands(hands) {
  const open = (Array.isArray(hands) ? hands : [])
    .filter((hand) => !hand.resolved)
    .sort((a, b) => (toDate(a.time)?.getTime() ?? 0) - (toDate(b.time)?.getTime() ?? 0));
  $("hands-count").textContent = `(${open.length})`;
  $("hands-none").hidden = open.length > 0;
  fill($("hands"), open.map(handItem));
}

function fillChoices(select, problems, current) {
  const kept = select.value;
  const same =
    select.options.length === problems.length &&
    problems.every((problem, i) => select.options[i].value === problem);
  if (!same) {
    fill(select, problems.map((problem) => el("option", { value: problem, text: problem })));
  }
  select.value = kept && problems.includes(kept) ? kept : current || problems[0] || "";
}

function revealWhen(reveal) {
  const parts = [];
  if (reveal.at !== null && reveal.at !== undefined) parts.push(`at ${clock(reveal.at)}`);
  if (reveal.share !== null && reveal.share !== undefined) {
    parts.push(`when ${Math.round(reveal.share * 100)}% have passed`);
  }
  return parts.length ? parts.join(" or ") : "now";
}

function showPacing(data) {
  const problems = sortProblems(data.problems || []);
  state.problems = problems;
  const current = data.session ? data.session.checkpoint : null;
  fillChoices($("checkpoint-problem"), problems, current);
  fillChoices($("reveal-problem"), problems, current);
  const reveals = Array.isArray(data.reveals) ? data.reveals : [];
  fill(
    $("reveals"),
    reveals.map((reveal) =>
      el(
        "tr",
        {},
        el("td", { text: reveal.problem }),
        el("td", { text: revealWhen(reveal) }),
        el("td", { text: reveal.released ? "yes" : "not yet" }),
      ),
    ),
  );
}

function showLeaderboard(data) {
  $("metric").textContent = data.leaderboard_metric ? `(${data.leaderboard_metric})` : "";
  const rows = Array.isArray(data.leaderboard) ? data.leaderboard : [];
  fill(
    $("leaderboard"),
    rows.map((row) =>
      el(
        "tr",
        {},
        el("td", { text: row.rank }),
        el("td", { text: row.learner }),
        el("td", {
          className: "num",
          text: typeof row.value === "number" ? String(Number(row.value.toFixed(4))) : row.value,
        }),
      ),
    ),
  );
}

function learnerMarks(learner) {
  return [
    learner.stuck ? el("span", { className: "stuck-mark", text: "stuck" }) : null,
    learner.hand ? el("span", { className: "hand-mark", text: "✋" }) : null,
    learner.done ? el("span", { className: "done-mark", text: "★" }) : null,
  ];
}

function showLearners(people) {
  $("learners-count").textContent = `(${people.length})`;
  const byName = [...people].sort((a, b) => String(a.name).localeCompare(String(b.name)));
  fill(
    $("learners"),
    byName.map((learner) =>
      el(
        "tr",
        {
          tabindex: "0",
          "data-name": learner.name,
          onclick: () => openTimeline(learner.name),
          onkeydown: (event) => {
            if (event.key === "Enter") openTimeline(learner.name);
          },
        },
        el("td", { text: learner.name }),
        el("td", { text: learner.pseudonym }),
        el("td", { className: "num", text: (learner.passed || []).length }),
        el("td", { className: "num", text: learner.attempts ?? 0 }),
        el("td", { text: ago(learner.last_seen) }),
        el("td", { className: "marks" }, learnerMarks(learner)),
      ),
    ),
  );
}

// --- timeline ----------------------------------------------------------------------------

function outcome(event) {
  const parts = [event.status ? event.status.replace("_", " ") : ""];
  if (event.points !== null && event.points !== undefined) parts.push(`${event.points} pts`);
  const error = [event.error, event.detail].filter(Boolean).join(" ");
  if (error) parts.push(error);
  if (event.message) parts.push(`“${event.message}”`);
  return parts.filter(Boolean).join(" · ");
}

async function showTimeline() {
  const name = state.timelineOf;
  if (!name) return;
  const data = await getJSON(`${api}/learners/${encodeURIComponent(name)}/timeline`);
  const events = Array.isArray(data) ? data : data.events || [];
  $("timeline-who").textContent = name;
  fill(
    $("timeline"),
    events.map((event) =>
      el(
        "tr",
        {},
        el("td", { text: clock(event.time) }),
        el("td", { text: event.kind }),
        el("td", { text: event.problem || "" }),
        el("td", { text: outcome(event) }),
      ),
    ),
  );
  $("timeline-section").hidden = false;
}

function openTimeline(name) {
  state.timelineOf = name;
  showTimeline()
    .then(() => $("timeline-section").scrollIntoView({ block: "nearest" }))
    .catch(failed);
}

// --- forms -------------------------------------------------------------------------------

function revealBody(form) {
  const problem = $("reveal-problem").value;
  const when = new FormData(form).get("when");
  if (when === "at") {
    const [hours, minutes] = ($("reveal-at").value || "").split(":").map(Number);
    if (Number.isNaN(hours) || Number.isNaN(minutes)) throw new Error("Choose a time.");
    const at = new Date();
    at.setHours(hours, minutes, 0, 0);
    if (at.getTime() < Date.now()) throw new Error("That time has passed: choose a later one.");
    return { problem, at: at.getTime() / 1000 };
  }
  if (when === "share") {
    const percent = Number($("reveal-share").value);
    if (!(percent > 0 && percent <= 100)) throw new Error("The share is between 1 and 100 %.");
    return { problem, share: percent / 100 };
  }
  return { problem };
}

function wireForms() {
  $("checkpoint-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const problem = $("checkpoint-problem").value;
    act(`${api}/checkpoint`, { problem }).then((done) => {
      if (done) $("pacing-result").textContent = `Checkpoint set to ${problem}.`;
    });
  });
  $("reveal-form").addEventListener("submit", (event) => {
    event.preventDefault();
    let body;
    try {
      body = revealBody(event.target);
    } catch (error) {
      $("pacing-result").textContent = error.message;
      return;
    }
    act(`${api}/reveal`, body).then((done) => {
      if (done) $("pacing-result").textContent = `Reveal of ${body.problem} recorded.`;
    });
  });
  $("helper-change").addEventListener("click", () => helperName(true));
  $("timeline-close").addEventListener("click", () => {
    state.timelineOf = null;
    $("timeline-section").hidden = true;
  });
  $("board-link").setAttribute("href", `${base}/s/${session}`);
}

// --- refresh -----------------------------------------------------------------------------

function show(data) {
  if (typeof data.version === "number") {
    if (data.version < state.version) return;
    state.version = data.version;
  }
  const people = Array.isArray(data.learners) ? data.learners : [];
  showHeader(data);
  showStuck(people);
  showHands(data.hands);
  showPacing(data);
  showLeaderboard(data);
  showLearners(people);
  document.body.dataset.version = String(state.version);
}

async function refresh() {
  try {
    show(await getJSON(`${api}/instructor`));
    if (state.timelineOf) await showTimeline();
  } catch (error) {
    failed(error);
  }
}

function showConnection(connection) {
  $("connection").textContent = connectionText(connection);
  $("connection").className = `connection ${connection}`;
}

if (!session) {
  showProblem("This is not a session's address.");
} else {
  $("helper-name").textContent = window.localStorage.getItem(HELPER_KEY) || "(no name yet)";
  wireForms();
  refresh();
  follow(`${api}/stream`, refresh, showConnection);
}
