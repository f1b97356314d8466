// The projector board: learners (pseudonyms only) x problems, the checkpoint, the most
// common errors. Refetched from /api/s/<id>/board whenever the stream says it changed.

import {
  ServiceError,
  connectionText,
  el,
  fill,
  follow,
  getJSON,
  learners,
  sortProblems,
  whereAmI,
} from "./common.js";

const SYMBOLS = {
  correct: "✓",
  incorrect: "✗",
  checker_error: "!",
  not_attempted: "·",
};
const WORDS = {
  correct: "correct",
  incorrect: "incorrect",
  checker_error: "checker error",
  not_attempted: "not attempted",
};

const { base, session } = whereAmI();
const api = `${base}/api/s/${session}`;
let shownVersion = -1;

const $ = (id) => document.getElementById(id);

function showProblem(text) {
  const node = $("problem");
  node.textContent = text;
  node.hidden = !text;
}

function showHeader(board) {
  const info = board.session || {};
  const title = info.title || `Module ${info.module}`;
  $("title").textContent = title;
  document.title = `${title} · class board`;
  $("module").textContent = `Module ${info.module} · session ${info.id}`;
}

function showCheckpoint(checkpoint) {
  const section = $("checkpoint");
  section.hidden = !checkpoint;
  if (!checkpoint) return;
  const { problem, passed, total } = checkpoint;
  const share = total > 0 ? passed / total : 0;
  $("checkpoint-problem").textContent = problem;
  $("checkpoint-count").textContent =
    `${passed} of ${total} done (${Math.round(share * 100)}%)`;
  const bar = $("checkpoint-bar");
  bar.max = 1;
  bar.value = share;
  bar.textContent = `${Math.round(share * 100)}%`;
}

function errorLine(item) {
  const what = [item.error, item.detail].filter(Boolean).join(" ");
  return `${learners(item.learners)}: ${what} on ${item.problem}`;
}

function showErrors(topErrors) {
  const items = Array.isArray(topErrors) ? topErrors : [];
  $("errors").hidden = items.length === 0;
  fill(
    $("error-lines"),
    items.map((item) => el("li", { className: "error-line", text: errorLine(item) })),
  );
}

function headerRow(problems) {
  return [
    el("th", { scope: "col", className: "who", text: "Learner" }),
    el("th", { scope: "col", className: "marks", text: "" }),
    ...problems.map((problem) => {
      const kc = problem.includes(".kc");
      // a knowledge check's column says "kc3" (its module is the session's), the full id on hover
      return el("th", {
        scope: "col",
        className: kc ? "problem-col kc" : "problem-col",
        title: kc ? `knowledge check ${problem}` : null,
        text: kc ? problem.slice(problem.indexOf(".") + 1) : problem,
      });
    }),
  ];
}

function cell(status, problem) {
  if (!status) return el("td", { className: "cell unchecked", title: `${problem}: not checked` });
  const symbol = SYMBOLS[status] || "?";
  return el("td", {
    className: `cell ${status in SYMBOLS ? status : "unknown"}`,
    title: `${problem}: ${WORDS[status] || status}`,
    text: symbol,
  });
}

function marks(learner) {
  const label = [learner.hand ? "hand raised" : "", learner.done ? "done" : ""]
    .filter(Boolean)
    .join(", ");
  return el(
    "td",
    { className: "marks", title: label || null },
    learner.hand ? el("span", { className: "hand-mark", text: "✋" }) : null,
    learner.done ? el("span", { className: "done-mark", text: "★" }) : null,
  );
}

function learnerRow(learner, problems) {
  const cells = learner.cells || {};
  return el(
    "tr",
    { className: learner.hand ? "hand" : null },
    el("th", { scope: "row", className: "who", text: learner.pseudonym }),
    marks(learner),
    problems.map((problem) => cell(cells[problem], problem)),
  );
}

function showGrid(board) {
  const problems = sortProblems(board.problems || []);
  const people = Array.isArray(board.learners) ? board.learners : [];
  fill($("grid-head"), headerRow(problems));
  fill(
    $("grid-body"),
    people.map((learner) => learnerRow(learner, problems)),
  );
  $("count").textContent = `(${people.length})`;
  $("empty").hidden = people.length > 0;
  $("join-line").textContent =
    `mlcourse.live.join("${window.location.origin}${base}/s/${session}")`;
}

function show(board) {
  if (typeof board.version === "number") {
    if (board.version < shownVersion) return; // an older answer overtaken by a newer one
    shownVersion = board.version;
  }
  showHeader(board);
  showCheckpoint(board.checkpoint);
  showErrors(board.top_errors);
  showGrid(board);
  document.body.dataset.version = String(shownVersion);
}

async function refresh() {
  try {
    show(await getJSON(`${api}/board`));
    showProblem("");
  } catch (error) {
    if (error instanceof ServiceError && error.status === 404) {
      showProblem("There is no open session at this address. Check the class URL.");
    } else {
      showProblem(`The board could not be loaded: ${error.message}`);
    }
  }
}

function showConnection(state) {
  const node = $("connection");
  node.textContent = connectionText(state);
  node.className = `connection ${state}`;
}

if (!session) {
  showProblem("This is not a class address. Open the class URL your instructor gives.");
} else {
  refresh();
  follow(`${api}/stream`, refresh, showConnection);
}
