/** What the manage panel shows of a booking: its details, the marketing opt-out and the two-step cancel. */

import { h, liveRegion, announce } from "../dom.js";
import { formatHongKongDate, formatHongKongTime } from "../format.js";
import { T } from "../texts.js";

/** A booking status in the page's language. */
export function statusLabel(status) {
  return T.manage.statuses[status] ?? status;
}

/** The booking's reference, its details (phone and email come masked) and the masking note. */
export function bookingDetails(booking) {
  const m = T.manage;
  const b = booking;
  const cancelled = b.status === "cancelled";
  const row = (key, label, value) => [h("dt", {}, label), h("dd", { "data-field": key }, value)];
  return [
    h(
      "div",
      { class: "clinic-manage-head" },
      h(
        "div",
        {},
        h("p", { class: "clinic-reference-label" }, m.reference),
        h("p", { class: "clinic-reference" }, b.reference),
      ),
    ),
    h(
      "dl",
      { class: "clinic-summary clinic-manage-summary" },
      row(
        "status",
        m.status,
        h(
          "span",
          { class: `clinic-status clinic-status--${cancelled ? "cancelled" : "pending"}`, "data-status": b.status },
          statusLabel(b.status),
        ),
      ),
      row("treatment", m.treatment, b.treatment?.name || b.treatment?.id || ""),
      row("branch", m.branch, b.branch?.name || b.branch?.id || ""),
      row("preferred_date", m.date, formatHongKongDate(b.preferred_date)),
      row("preferred_period", m.time, T.periods[b.preferred_period ?? "any"] ?? T.periods.any),
      row("phone", m.phone, h("span", { dir: "ltr" }, b.phone)),
      row("email", m.email, b.email || m.noEmail),
      row("marketing_consent", m.marketing, b.marketing_consent ? m.yes : m.no),
      b.created_at ? row("created_at", m.registered, formatHongKongTime(b.created_at)) : null,
    ),
    h("p", { class: "clinic-hint clinic-manage-masked" }, m.masked),
  ];
}

/**
 * "Cancel this booking", then an in-page confirmation (Escape or "No" steps back, unless
 * `isBusy()`). "Yes" calls `onConfirm(yes, no, alert)`.
 */
export function cancelStep(id, reference, { onConfirm, isBusy }) {
  const m = T.manage;
  const questionId = `${id}-confirm-title`;
  const textId = `${id}-confirm-text`;
  const alert = liveRegion("clinic-alert", "assertive");
  const question = h("h3", { class: "clinic-section-title", id: questionId, tabindex: "-1" }, m.confirmTitle);
  const start = h("button", { type: "button", class: "clinic-button clinic-button--danger-outline" }, m.cancel);
  const yes = h("button", { type: "button", class: "clinic-button clinic-button--danger" }, m.confirmYes);
  const no = h("button", { type: "button", class: "clinic-button clinic-button--secondary" }, m.confirmNo);
  const startActions = h("div", { class: "clinic-actions" }, start);
  const confirm = h(
    "div",
    {
      class: "clinic-confirm",
      role: "group",
      "aria-labelledby": questionId,
      "aria-describedby": textId,
      hidden: true,
    },
    question,
    h("p", { id: textId }, m.confirmText(reference)),
    alert,
    h("div", { class: "clinic-actions" }, yes, no),
  );
  const close = () => {
    confirm.hidden = true;
    announce(alert, "");
    startActions.hidden = false;
    start.focus();
  };
  start.addEventListener("click", () => {
    startActions.hidden = true;
    confirm.hidden = false;
    question.focus();
  });
  no.addEventListener("click", close);
  yes.addEventListener("click", () => onConfirm(yes, no, alert));
  confirm.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !isBusy()) {
      event.preventDefault();
      close();
    }
  });
  return h("div", { class: "clinic-manage-cancel" }, startActions, confirm);
}

/**
 * Withdrawing promotional consent (free, at once, PDPO): a note and one button, shown only
 * while the booking holds that consent. "Stop" calls `onOptOut(button, alert)`.
 */
export function marketingStep({ onOptOut }) {
  const m = T.manage;
  const alert = liveRegion("clinic-alert", "assertive");
  const button = h("button", { type: "button", class: "clinic-button clinic-button--secondary" }, m.optOut);
  button.addEventListener("click", () => onOptOut(button, alert));
  return h(
    "div",
    { class: "clinic-manage-marketing" },
    h("p", { class: "clinic-hint" }, m.optOutNote),
    alert,
    h("div", { class: "clinic-actions" }, button),
  );
}
