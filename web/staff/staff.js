/**
 * The clinic's staff console: one day at one branch, for the front desk's tablet.
 * Sign in, see the day's registrations, call (tel: links), confirm, record attended /
 * no-show / converted with a note, see the history, cancel, export the day as CSV.
 * No build step: ES modules served as they are (config.js says where the API is).
 */
import config from "./config.js";
import { ApiError, call } from "./api.js";
import { completeHostedSignIn, currentUser, hostedSignIn, localSignIn, signOut } from "./auth.js";
import { STRINGS, chooseLang } from "./i18n.js";

const LANG = chooseLang();
const T = STRINGS[LANG];
const HK_TIME_ZONE = "Asia/Hong_Kong";
const ACTION_ORDER = ["confirmed", "attended", "converted", "no_show", "cancelled"];
const root = document.getElementById("staff-app");
const state = { user: null, branch: "", date: "", status: "", q: "", cursor: null, branches: [] };

document.documentElement.lang = LANG;
document.title = `${T.title} · Clinic`;

/** Build an element: el("button", {class: "x", onclick}, "text", child…). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && key !== "list") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child != null));
  return node;
}

function todayInHongKong() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: HK_TIME_ZONE }).format(new Date());
}

function formatTime(iso) {
  return new Intl.DateTimeFormat(LANG === "zh-HK" ? "zh-HK" : "en-HK", {
    timeZone: HK_TIME_ZONE,
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(iso));
}

function otherLanguageLink() {
  const params = new URLSearchParams(location.search);
  params.set("lang", LANG === "en" ? "zh-HK" : "en");
  return el("a", { href: `?${params}`, hreflang: LANG === "en" ? "zh-HK" : "en", class: "lang" }, T.language);
}

// --- sign-in -----------------------------------------------------------------------------

function showSignIn(message = "") {
  const status = el("p", { class: "message", role: "alert" }, message);
  const header = el("header", {}, el("h1", {}, T.title), otherLanguageLink());
  if (config.mode === "hosted") {
    root.replaceChildren(header, el("button", { class: "primary", onclick: hostedSignIn }, T.hostedSignIn), status);
    return;
  }
  const input = el("input", { id: "username", name: "username", autocomplete: "username", required: true });
  const form = el(
    "form",
    { class: "sign-in" },
    el("label", { for: "username" }, T.username),
    input,
    el("button", { type: "submit", class: "primary" }, T.signIn),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = T.signingIn;
    const ok = await localSignIn(input.value.trim()).catch(() => false);
    if (ok) start();
    else status.textContent = T.signInFailed;
  });
  root.replaceChildren(header, form);
  input.focus();
}

// --- the day -----------------------------------------------------------------------------

function isManager() {
  return state.user.groups.includes("managers");
}

function ownBranch() {
  const group = state.user.groups.find((name) => name.startsWith("branch-"));
  return group ? group.slice("branch-".length) : "";
}

function branchName(id) {
  return state.branches.find((branch) => branch.id === id)?.name || id;
}

async function loadBranches() {
  const response = await fetch(`${config.api}/registration-options?treatment=acne-treatment&lang=${LANG}`);
  state.branches = response.ok ? (await response.json()).branches : [];
}

function toolbar() {
  const dateInput = el("input", { type: "date", id: "day", value: state.date });
  dateInput.addEventListener("change", () => {
    state.date = dateInput.value || todayInHongKong();
    state.q = "";
    refresh();
  });
  const fields = [el("label", { for: "day" }, T.date), dateInput];
  if (isManager()) {
    const select = el(
      "select",
      { id: "branch" },
      ...state.branches.map((branch) => el("option", { value: branch.id, selected: branch.id === state.branch }, branch.name)),
    );
    select.addEventListener("change", () => {
      state.branch = select.value;
      refresh();
    });
    fields.push(el("label", { for: "branch" }, T.branch), select);
  } else {
    fields.push(el("span", { class: "branch-name" }, branchName(state.branch)));
  }
  const status = el(
    "select",
    { id: "status" },
    el("option", { value: "" }, T.anyStatus),
    ...Object.entries(T.statuses).map(([id, name]) => el("option", { value: id, selected: id === state.status }, name)),
  );
  status.addEventListener("change", () => {
    state.status = status.value;
    refresh();
  });
  fields.push(el("label", { for: "status" }, T.status), status);
  const search = el("input", { id: "q", type: "search", value: state.q, inputmode: "search" });
  const find = el("form", { class: "find" }, el("label", { for: "q" }, T.search), search, el("button", { type: "submit" }, T.find));
  find.addEventListener("submit", (event) => {
    event.preventDefault();
    state.q = search.value.trim();
    refresh();
  });
  const exportButton = el("button", { type: "button", class: "export", onclick: exportDay }, T.exportCsv);
  return el("div", { class: "toolbar" }, el("div", { class: "filters" }, ...fields), find, exportButton);
}

function query() {
  return { branch: state.branch, date: state.q ? "" : state.date, status: state.status, q: state.q };
}

async function refresh() {
  const list = el("ol", { class: "rows", "aria-label": T.title });
  const notice = el("p", { class: "message", role: "status" });
  root.replaceChildren(header(), toolbar(), notice, list);
  notice.textContent = T.loading;
  state.cursor = null;
  await loadPage(list, notice);
}

async function loadPage(list, notice) {
  try {
    const page = await call(state.user, LANG, "GET", "/staff/registrations", {
      query: { ...query(), cursor: state.cursor || "" },
    });
    notice.textContent = page.items.length || list.children.length ? "" : T.none;
    list.querySelector(".more")?.remove();
    for (const item of page.items) list.append(row(item));
    state.cursor = page.next_cursor;
    if (state.cursor) {
      const more = el("li", { class: "more" }, el("button", { type: "button", onclick: () => loadPage(list, notice) }, T.more));
      list.append(more);
    }
  } catch (error) {
    handleError(error, notice);
  }
}

function handleError(error, notice) {
  if (error instanceof ApiError && error.status === 401) {
    signOut();
    showSignIn(T.expired);
  } else if (error instanceof ApiError && error.status === 403) {
    notice.textContent = T.forbidden;
  } else {
    notice.textContent = error instanceof ApiError && error.message ? error.message : T.failed;
  }
}

function header() {
  return el(
    "header",
    {},
    el("h1", {}, T.title),
    el("span", { class: "who" }, T.signedInAs(state.user.username)),
    otherLanguageLink(),
    el("button", { type: "button", class: "sign-out", onclick: () => (signOut(), showSignIn()) }, T.signOut),
  );
}

// --- one registration --------------------------------------------------------------------

function row(item, message = "") {
  const note = el("input", { type: "text", class: "note", maxLength: 500, "aria-label": T.note, placeholder: T.note });
  const actions = ACTION_ORDER.filter((status) => item.next_statuses.includes(status)).map((status) =>
    el(
      "button",
      { type: "button", class: `action ${status}`, onclick: () => change(node, item, status, note.value.trim()) },
      T.actions[status],
    ),
  );
  const historyBox = el("div", { class: "history", hidden: true });
  const historyButton = el("button", { type: "button", class: "link", "aria-expanded": "false" }, T.history);
  historyButton.addEventListener("click", () => toggleHistory(item, historyBox, historyButton));
  const node = el(
    "li",
    { class: `row ${item.status}`, "data-reference": item.reference },
    el(
      "div",
      { class: "who" },
      el("strong", { class: "reference" }, item.reference),
      el("span", { class: "name" }, item.name),
      el("a", { class: "phone", href: `tel:${item.phone}` }, item.phone.replace(/^\+852(\d{4})(\d{4})$/, "+852 $1 $2")),
      el("span", { class: "period" }, T.period[item.preferred_period || "any"]),
      state.q ? el("span", { class: "day" }, `${item.preferred_date} · ${branchName(item.branch)}`) : null,
      el("span", { class: `status ${item.status}` }, T.statuses[item.status]),
    ),
    actions.length ? el("div", { class: "actions" }, note, ...actions) : null,
    el("p", { class: "message", role: "status" }, message),
    historyButton,
    historyBox,
  );
  return node;
}

async function change(node, item, status, note) {
  if (status === "cancelled" && !window.confirm(T.confirmCancel(item.reference))) return;
  for (const button of node.querySelectorAll("button.action")) button.disabled = true;
  try {
    const updated = await call(state.user, LANG, "POST", `/staff/registrations/${item.reference}/status`, {
      body: note ? { status, note } : { status },
    });
    node.replaceWith(row(updated, T.saved(updated.reference, T.statuses[updated.status])));
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      const fresh = await call(state.user, LANG, "GET", `/staff/registrations/${item.reference}`);
      node.replaceWith(row(fresh, T.stale(T.statuses[fresh.status])));
      return;
    }
    for (const button of node.querySelectorAll("button.action")) button.disabled = false;
    handleError(error, node.querySelector(".message"));
  }
}

async function toggleHistory(item, box, button) {
  if (!box.hidden) {
    box.hidden = true;
    button.textContent = T.history;
    button.setAttribute("aria-expanded", "false");
    return;
  }
  try {
    const detail = await call(state.user, LANG, "GET", `/staff/registrations/${item.reference}`);
    const steps = detail.history.map((step) =>
      el(
        "li",
        {},
        el("time", { datetime: step.at }, formatTime(step.at)),
        ` ${step.from ? T.statuses[step.from] : ""} → ${T.statuses[step.to]} `,
        el("span", { class: "by" }, `${T.by} ${step.by === "customer" ? T.customer : step.by}`),
        step.note ? el("q", {}, step.note) : null,
      ),
    );
    box.replaceChildren(el("ol", {}, ...steps), healthNotes(detail.health_notes || []));
    box.hidden = false;
    button.textContent = T.hideHistory;
    button.setAttribute("aria-expanded", "true");
  } catch (error) {
    handleError(error, box.previousElementSibling?.previousElementSibling || box);
  }
}

/** The linked questionnaire's precautions: what staff need to advise safely, nothing more. */
function healthNotes(notes) {
  if (!notes.length) return "";
  return el(
    "div",
    { class: "health-notes" },
    el("p", { class: "health-title" }, T.healthNotes),
    el(
      "ul",
      {},
      ...notes.map((note) =>
        el(
          "li",
          {},
          el("strong", {}, T.precautions[note.precaution] || note.precaution),
          note.rules_out.length
            ? ` — ${T.notSuitable} ${note.rules_out.map((id) => T.treatments[id] || id).join(", ")}`
            : "",
        ),
      ),
    ),
  );
}

async function exportDay() {
  try {
    const response = await call(state.user, LANG, "GET", "/staff/registrations/export", { query: query(), raw: true });
    const disposition = response.headers.get("Content-Disposition") || "";
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] || "registrations.csv";
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    handleError(error, root.querySelector(".message"));
  }
}

// --- start -------------------------------------------------------------------------------

async function start() {
  state.user = currentUser();
  if (!state.user) {
    showSignIn();
    return;
  }
  state.date = state.date || todayInHongKong();
  await loadBranches();
  state.branch = isManager() ? state.branch || state.branches[0]?.id || "" : ownBranch();
  await refresh();
}

completeHostedSignIn().finally(start);
