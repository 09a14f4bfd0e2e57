/**
 * The panel shown once a registration is stored: its reference, a summary and the private
 * manage link (a keyed retry of the same submission gets the same link again).
 */

import { announce, h, liveRegion } from "../dom.js";
import { formatDate } from "../format.js";
import { manageUrl } from "../links.js";
import { T } from "../texts.js";

/**
 * The success panel and its heading (which takes the focus). `branch` is the chosen
 * branch's option, `treatmentName` the treatment's name.
 */
export function successPanel(id, { data, body, branch, treatmentName }) {
  const titleId = `${id}-done`;
  const row = (label, value) => [h("dt", {}, label), h("dd", {}, value)];
  const heading = h("h2", { class: "clinic-title", id: titleId, tabindex: "-1" }, T.reg.successTitle);
  const panel = h(
    "section",
    { class: "clinic-card clinic-success", "aria-labelledby": titleId },
    h("div", { class: "clinic-success-icon", "aria-hidden": "true" }, "✓"),
    heading,
    h("p", { class: "clinic-reference-label" }, T.reg.reference),
    h("p", { class: "clinic-reference" }, data.reference),
    h("p", { class: "clinic-lead" }, T.reg.willCall),
    h(
      "dl",
      { class: "clinic-summary" },
      row(T.reg.summaryTreatment, treatmentName ?? data.treatment),
      row(T.reg.summaryBranch, branch ? `${branch.name} – ${branch.address}` : data.branch),
      row(
        T.reg.summaryDate,
        formatDate(data.preferred_date, { weekday: "long", day: "numeric", month: "long", year: "numeric" }),
      ),
      row(T.reg.summaryTime, T.periods[data.preferred_period ?? body.preferred_period ?? "any"] ?? T.periods.any),
    ),
    data.manage_token ? manageBox(id, data.reference, data.manage_token) : null,
  );
  return { panel, heading };
}

/** The private manage link of a registration: a link, a note, a copyable field. */
function manageBox(id, reference, token) {
  const url = manageUrl(reference, token);
  const fieldId = `${id}-manage-url`;
  const noteId = `${id}-manage-note`;
  const status = liveRegion("clinic-copy-status");
  const input = h("input", {
    id: fieldId,
    class: "clinic-input clinic-copy-input",
    type: "text",
    readonly: true,
    value: url,
    spellcheck: "false",
    autocomplete: "off",
    "aria-describedby": noteId,
    onfocus: (event) => event.currentTarget.select(),
  });
  const copy = h(
    "button",
    {
      type: "button",
      class: "clinic-button clinic-button--secondary clinic-copy-button",
      onclick: () => copyLink(input, status),
    },
    T.reg.copy,
  );
  return h(
    "div",
    { class: "clinic-manage-box" },
    h("h3", { class: "clinic-section-title" }, T.reg.manageTitle),
    h(
      "p",
      { class: "clinic-manage-link-row" },
      h("a", { class: "clinic-manage-link", href: url, "aria-describedby": noteId }, T.reg.manageLink),
    ),
    h("p", { class: "clinic-hint clinic-manage-keep", id: noteId }, T.reg.manageKeep),
    h("label", { class: "clinic-label", for: fieldId }, T.reg.manageField),
    h("div", { class: "clinic-copy" }, input, copy),
    status,
  );
}

/** Copy the manage link (the Clipboard API when there is one), else leave it selected. */
async function copyLink(input, status) {
  let copied = false;
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    }
  } catch {
    copied = false; // denied or unavailable: fall back below
  }
  if (!copied) {
    input.focus();
    input.select();
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
  }
  announce(status, copied ? T.reg.copied : T.reg.copyFailed, copied ? "success" : "info");
}
