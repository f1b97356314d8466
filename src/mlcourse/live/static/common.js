// What the board and the instructor page share: building elements from text (never from
// markup), talking to the service, following its update stream, and formatting.
//
// Everything shown here may come from a learner, so it reaches the page only as text
// (textContent, attribute values); nothing is ever parsed as HTML.

const SESSION_IN_PATH = /^(.*)\/s\/([a-z0-9][a-z0-9-]{2,39})(\/instructor)?\/?$/;
const MIN_REFETCH_MS = 250; // at most 4 board refetches a second
const POLL_MS = 5000; // when the service refuses the stream: refetch every 5 s instead
const RETRY_STREAM_MS = 60000; // and try the stream again once a minute

/** The service's base path (empty, or a proxy prefix) and the session id, from the URL. */
export function whereAmI() {
  const found = SESSION_IN_PATH.exec(window.location.pathname);
  if (!found) return { base: "", session: null };
  return { base: found[1], session: found[2] };
}

/** A new element with attributes and children; strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = String(value);
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
  }
  return node;
}

/** Replace every child of ``node`` by ``children``. */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

/** An error the service answered with: its status and its one-line detail. */
export class ServiceError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const detail = body && typeof body.detail === "string" ? body.detail : "";
    throw new ServiceError(response.status, detail);
  }
  return body;
}

/** GET a JSON document from the service (same origin; the cookie goes along). */
export async function getJSON(url) {
  const response = await fetch(url, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
    cache: "no-store",
  });
  return answer(response);
}

/** POST a JSON body (the service refuses instructor POSTs of any other content type). */
export async function postJSON(url, body = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    credentials: "same-origin",
    body: JSON.stringify(body),
  });
  return answer(response);
}

/** Send the browser to the login page, coming back here afterwards. */
export function goToLogin(base) {
  const next = window.location.pathname + window.location.search;
  window.location.assign(`${base}/login?next=${encodeURIComponent(next)}`);
}

/**
 * Follow the session's update stream and call ``refresh`` after each update, at most four
 * times a second (updates arriving meanwhile are folded into the next call). ``onState``
 * hears "live", "reconnecting" (the browser reconnects by itself) or "polling" (the service
 * refused the stream, for instance too many open pages: the page refetches every 5 s and
 * tries the stream again every minute).
 */
export function follow(streamUrl, refresh, onState) {
  let running = false;
  let pending = false;
  let lastRun = 0;
  let timer = null;

  async function run() {
    timer = null;
    if (running) {
      pending = true;
      return;
    }
    running = true;
    pending = false;
    lastRun = Date.now();
    try {
      await refresh();
    } finally {
      running = false;
      if (pending) schedule();
    }
  }

  function schedule() {
    if (timer !== null) return;
    const wait = Math.max(0, lastRun + MIN_REFETCH_MS - Date.now());
    timer = window.setTimeout(run, wait);
  }

  let poller = null;
  let retry = null;

  function stopPolling() {
    if (poller !== null) window.clearInterval(poller);
    if (retry !== null) window.clearTimeout(retry);
    poller = null;
    retry = null;
  }

  function startPolling() {
    if (poller === null) poller = window.setInterval(schedule, POLL_MS);
    if (retry === null) {
      retry = window.setTimeout(() => {
        retry = null;
        connect();
      }, RETRY_STREAM_MS);
    }
    onState("polling");
    schedule();
  }

  function connect() {
    const source = new EventSource(streamUrl);
    source.addEventListener("update", schedule);
    source.addEventListener("open", () => {
      stopPolling();
      onState("live");
      schedule(); // whatever changed while the stream was down
    });
    source.addEventListener("error", () => {
      // CLOSED: the service refused the stream (too many pages, or no such session); the
      // browser will not try again by itself, so the page polls instead
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        startPolling();
      } else if (poller === null) {
        onState("reconnecting");
      }
    });
    return source;
  }

  return connect();
}

/** A time from the service (seconds since the epoch, or an ISO string) as a Date, or null. */
export function toDate(value) {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value === "number") return new Date(value < 1e12 ? value * 1000 : value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : new Date(parsed);
}

/** "14:05:09" (local time), or "" for no time. */
export function clock(value) {
  const date = toDate(value);
  if (!date) return "";
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** What a page shows of its stream's state. */
export function connectionText(state) {
  if (state === "live") return "live";
  if (state === "polling") return "polling";
  if (state === "closed") return "not updating: reload the page";
  return "reconnecting…";
}

/** "just now", "3 min ago", "2 h ago". */
export function ago(value) {
  const date = toDate(value);
  if (!date) return "never";
  const seconds = Math.max(0, (Date.now() - date.getTime()) / 1000);
  if (seconds < 45) return "just now";
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}

function problemKey(problem) {
  const found = /^(\d{2})\.(kc)?(\d{1,2})$/.exec(problem);
  if (!found) return [99, 1, 0, problem];
  return [Number(found[1]), found[2] ? 1 : 0, Number(found[3]), problem];
}

/** Problems in course order: a module's exercises first, then its knowledge checks. */
export function sortProblems(problems) {
  return [...problems].sort((a, b) => {
    const left = problemKey(a);
    const right = problemKey(b);
    for (let i = 0; i < 3; i += 1) {
      if (left[i] !== right[i]) return left[i] - right[i];
    }
    return left[3] < right[3] ? -1 : left[3] > right[3] ? 1 : 0;
  });
}

/** "1 learner" / "7 learners". */
export function learners(count) {
  return `${count} learner${count === 1 ? "" : "s"}`;
}
