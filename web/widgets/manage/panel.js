/**
 * The manage panel: opened by a manage link (`#clinic-manage=REF.TOKEN`), it shows the
 * booking and lets the person cancel it. The token travels only in the X-Manage-Token header.
 */

import { callApi, retryMessage } from "../api.js";
import { announce, enableAfter, h, liveRegion } from "../dom.js";
import { T } from "../texts.js";
import { bookingDetails, cancelStep, marketingStep, statusLabel } from "./booking.js";

export class ManagePanel {
  /** The panel renders into `root`; `onLeave()` is called when the person goes back to the form. */
  constructor(root, id, onLeave) {
    this.root = root;
    this.id = id;
    this.onLeave = onLeave;
    this.link = null;
    this.booking = null;
    this.controller = null;
    this.cancelling = false;
  }

  /** Whether the panel shows a manage link. */
  get open() {
    return Boolean(this.link);
  }

  /** Forget the link and its booking (a call still running is aborted). */
  close() {
    this.controller?.abort();
    this.controller = null;
    this.link = null;
    this.booking = null;
  }

  /** The manage panel of the booking `link` names: its heading takes the focus. */
  show(link) {
    this.close();
    this.link = link;
    const titleId = `${this.id}-manage-title`;
    this.heading = h("h2", { class: "clinic-title", id: titleId, tabindex: "-1" }, T.manage.title);
    this.live = liveRegion("clinic-visually-hidden");
    this.alert = liveRegion("clinic-alert", "assertive");
    this.body = h("div", { class: "clinic-manage-body" });
    this.root.removeAttribute("aria-busy");
    this.root.replaceChildren(
      h(
        "section",
        { class: "clinic-card clinic-manage", "aria-labelledby": titleId },
        h("header", { class: "clinic-card-header" }, h("p", { class: "clinic-eyebrow" }, T.manage.eyebrow), this.heading),
        this.live,
        this.alert,
        this.body,
      ),
    );
    this.root.scrollIntoView({ block: "start" });
    this.heading.focus({ preventScroll: true });
    if (link.valid) {
      this.fetch();
    } else {
      // Not a link the API gave: say so without sending it (after a frame, so that the
      // new alert region is in the accessibility tree when its message arrives).
      requestAnimationFrame(() => {
        if (this.link === link) this.showInvalid();
      });
    }
  }

  /** The headers that prove the person holds the manage link. */
  headers(link) {
    return { "X-Manage-Token": link.token };
  }

  path(link, suffix = "") {
    return `/registrations/${encodeURIComponent(link.reference)}${suffix}`;
  }

  /** Before the panel's body is replaced: keep the focus out of what disappears. */
  rescueFocus() {
    const active = document.activeElement;
    if (!active || active === document.body || this.body.contains(active)) this.heading.focus({ preventScroll: true });
  }

  async fetch() {
    const link = this.link;
    if (!link) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.rescueFocus();
    announce(this.alert, "");
    this.body.setAttribute("aria-busy", "true");
    this.body.replaceChildren(h("p", { class: "clinic-loading" }, T.manage.loading));
    let result;
    try {
      result = await callApi("GET", this.path(link), { headers: this.headers(link), signal: controller.signal });
    } catch {
      return; // another link (or the form) replaced this one
    }
    if (controller !== this.controller) return;
    this.controller = null;
    this.body.removeAttribute("aria-busy");
    if (result.status === 200 && result.data?.reference) {
      this.booking = result.data;
      this.showBooking();
      announce(this.live, T.manage.loaded(this.booking.reference, statusLabel(this.booking.status)));
      return;
    }
    if (result.status === 404) {
      this.showInvalid();
      return;
    }
    this.showRetry(T.manage.loadFailed, result, () => this.fetch());
  }

  /** The booking's details, and either the cancel step or the cancelled state. */
  showBooking() {
    const m = T.manage;
    const b = this.booking;
    this.rescueFocus();
    const children = bookingDetails(b);
    if (b.marketing_consent) {
      children.push(marketingStep({ onOptOut: (button, alert) => this.optOut(button, alert) }));
    }
    this.bookAgainButton = null;
    if (b.status === "cancelled") {
      this.bookAgainButton = h(
        "button",
        { type: "button", class: "clinic-button clinic-button--primary", onclick: () => this.onLeave() },
        m.bookAgain,
      );
      children.push(
        h(
          "div",
          { class: "clinic-manage-done" },
          h("p", { class: "clinic-manage-done-title" }, m.cancelled(b.reference)),
          h("p", {}, m.cancelledNote),
        ),
        h("div", { class: "clinic-actions" }, this.bookAgainButton),
      );
    } else {
      const cancel = cancelStep(this.id, b.reference, {
        onConfirm: (yes, no, alert) => this.cancelBooking(yes, no, alert),
        isBusy: () => this.cancelling,
      });
      children.push(h("p", { class: "clinic-manage-pending" }, m.pendingNote), cancel);
    }
    this.body.replaceChildren(...children);
  }

  /** Withdraw promotional consent; the booking itself is unchanged. */
  async optOut(button, alert) {
    const link = this.link;
    const booking = this.booking;
    if (!link || !booking || button.disabled) return;
    button.disabled = true;
    button.textContent = T.manage.optingOut;
    announce(alert, "");
    const result = await callApi("POST", this.path(link, "/marketing-opt-out"), { headers: this.headers(link) });
    if (link !== this.link || !button.isConnected) return;
    if (result.status === 200) {
      this.booking = { ...booking, marketing_consent: false };
      this.showBooking();
      announce(this.live, T.manage.optedOut);
      this.heading.focus();
      return;
    }
    if (result.status === 404) {
      this.showInvalid();
      return;
    }
    button.textContent = T.manage.optOut;
    announce(alert, `${T.manage.optOutFailed} ${retryMessage(result)}`, "error");
    button.disabled = false;
    enableAfter(button, result.retryAfter);
  }

  async cancelBooking(yes, no, alert) {
    const link = this.link;
    const booking = this.booking;
    if (this.cancelling || !link || !booking) return;
    this.cancelling = true;
    yes.disabled = true;
    no.disabled = true;
    yes.textContent = T.manage.cancelling;
    announce(alert, "");
    const result = await callApi("POST", this.path(link, "/cancel"), { headers: this.headers(link) });
    this.cancelling = false;
    if (link !== this.link || !yes.isConnected) return;
    if (result.status === 200 && result.data?.status) {
      this.booking = { ...booking, status: result.data.status };
      this.showBooking();
      announce(this.live, `${T.manage.cancelled(booking.reference)} ${T.manage.cancelledNote}`);
      (this.bookAgainButton ?? this.heading).focus();
      return;
    }
    if (result.status === 404) {
      this.showInvalid();
      return;
    }
    yes.textContent = T.manage.confirmYes;
    no.disabled = false;
    announce(alert, `${T.manage.cancelFailed} ${retryMessage(result)}`, "error");
    enableAfter(yes, result.retryAfter);
    (yes.disabled ? no : yes).focus();
  }

  /** The link is unknown, wrong or expired (the API cannot tell which, nor can we). */
  showInvalid() {
    this.controller?.abort();
    this.controller = null;
    this.booking = null;
    this.rescueFocus();
    this.body.removeAttribute("aria-busy");
    announce(this.alert, T.manage.invalid, "error");
    this.body.replaceChildren(
      h(
        "div",
        { class: "clinic-actions" },
        h(
          "button",
          { type: "button", class: "clinic-button clinic-button--primary", onclick: () => this.onLeave() },
          T.manage.bookTrial,
        ),
      ),
    );
  }

  /** A failure the person can only retry (busy server, no network). */
  showRetry(message, result, retry) {
    this.rescueFocus();
    announce(this.alert, `${message} ${retryMessage(result)}`, "error");
    const button = h(
      "button",
      { type: "button", class: "clinic-button clinic-button--secondary", onclick: retry },
      T.tryAgain,
    );
    if (result.retryAfter) enableAfter(button, result.retryAfter);
    this.body.replaceChildren(h("div", { class: "clinic-actions" }, button));
  }
}
