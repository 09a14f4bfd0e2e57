/**
 * The "1 Minute Self-Registration" free-trial form; with a manage link in the page's fragment,
 * the manage panel of that booking instead. The form's fields live in `fields.js`, the panel
 * after a registration in `success.js`, the manage panel in `../manage/`.
 *
 * Exactly-once (API contract v1.1): each submission carries an `Idempotency-Key`, made once
 * for that exact body and reused when the widget tries again by itself (network failure, 503
 * with Retry-After) or when the person presses the button again without changing anything.
 * A changed form is a new submission with a new key.
 */

import { callApiWithRetries, callApi, newIdempotencyKey, retryMessage } from "../api.js";
import { LANG } from "../config.js";
import { announce, enableAfter, h, liveRegion, uid } from "../dom.js";
import { REGISTER_EVENT, isManageHash, manageLinkFromHash, pageUrlWithoutFragment } from "../links.js";
import { ManagePanel } from "../manage/panel.js";
import { T } from "../texts.js";
import { forgetUnsettled, rememberUnsettled, unsettledKey } from "./unsettled.js";
import { RegistrationFields } from "./fields.js";
import { successPanel } from "./success.js";

/** The registration widget that answers manage links (the page's first one). */
let manageOwner = null;

export class RegistrationWidget {
  constructor(root) {
    this.root = root;
    this.treatment = root.dataset.treatment || "acne-treatment";
    this.id = uid("reg");
    this.options = null;
    this.fields = null;
    this.form = null;
    this.sending = false;
    this.submission = null;
    this.pending = null;
    this.recommendation = null;
    this.manage = null;
    document.addEventListener(REGISTER_EVENT, (event) => this.onRegisterRequest(event));
    if (manageOwner === null) {
      manageOwner = this;
      this.manage = new ManagePanel(root, this.id, () => this.showForm());
      window.addEventListener("hashchange", () => this.onHashChange());
    }
  }

  async load() {
    const link = this.manage ? manageLinkFromHash() : null;
    if (link) {
      this.showManage(link);
      this.preloadOptions();
      return;
    }
    this.root.setAttribute("aria-busy", "true");
    this.root.replaceChildren(h("p", { class: "clinic-loading" }, T.loading));
    const result = await callApi("GET", "/registration-options", { query: { treatment: this.treatment } });
    this.root.removeAttribute("aria-busy");
    if (this.manage?.open) {
      // A manage link was opened meanwhile: keep its panel, remember the options for later.
      if (result.status === 200 && result.data) this.options = result.data;
      return;
    }
    if (result.status !== 200 || !result.data) {
      const status = liveRegion("clinic-alert", "assertive");
      this.root.replaceChildren(
        h(
          "div",
          { class: "clinic-card" },
          status,
          h(
            "button",
            { type: "button", class: "clinic-button clinic-button--secondary", onclick: () => this.load() },
            T.tryAgain,
          ),
        ),
      );
      announce(status, `${T.reg.loadFailed} ${retryMessage(result)}`, "error");
      return;
    }
    this.options = result.data;
    this.render();
    if (this.pending) this.takeOver(this.pending);
  }

  /** The form's options, fetched while the manage panel shows (for "Book again"). */
  async preloadOptions() {
    const result = await callApi("GET", "/registration-options", { query: { treatment: this.treatment } });
    if (result.status !== 200 || !result.data || this.options) return;
    this.options = result.data;
    if (this.pending) this.takeOver(this.pending);
  }

  onRegisterRequest(event) {
    if (event.defaultPrevented) return;
    const wanted = event.detail?.treatment;
    if (wanted && wanted !== this.treatment) return;
    event.preventDefault();
    if (this.options) this.takeOver(event.detail);
    else this.pending = event.detail;
  }

  /** Attach a questionnaire result (if any), then bring the form into view and focus it. */
  takeOver(detail) {
    this.pending = null;
    if (detail?.recommendationId && this.form?.isConnected) this.attachRecommendation(detail);
    this.root.scrollIntoView({
      block: "start",
      behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth",
    });
    const target = this.form?.isConnected ? this.fields.control("name") : this.root.querySelector("[tabindex='-1']");
    target?.focus({ preventScroll: true });
  }

  attachRecommendation(detail) {
    this.recommendation = detail.recommendationId;
    this.recommendationInput.value = detail.recommendationId;
    const detach = h(
      "button",
      {
        type: "button",
        class: "clinic-link-button",
        onclick: () => {
          this.recommendation = null;
          this.recommendationInput.value = "";
          announce(this.attachedNote, T.reg.detached);
        },
      },
      T.reg.detach,
    );
    announce(this.attachedNote, h("span", {}, T.reg.attached(detail.summary || ""), " ", detach));
  }

  render() {
    const o = this.options;
    this.recommendation = null;
    this.submission = null;
    this.alert = liveRegion("clinic-alert", "assertive");
    this.attachedNote = liveRegion("clinic-note clinic-attached");
    this.recommendationInput = h("input", { type: "hidden", name: "recommendation_id", value: "" });
    this.fields = new RegistrationFields(this.id, o);
    const { grid, consent } = this.fields.build();
    const honeypot = h(
      "div",
      { class: "clinic-hp", "aria-hidden": "true" },
      h("label", { for: `${this.id}-website` }, T.reg.honeypot),
      h("input", {
        id: `${this.id}-website`,
        type: "text",
        name: "website",
        tabindex: "-1",
        autocomplete: "off",
        value: "",
      }),
    );
    this.submitButton = h(
      "button",
      { type: "submit", class: "clinic-button clinic-button--primary clinic-submit" },
      T.reg.submit,
    );

    const titleId = `${this.id}-title`;
    this.form = h(
      "form",
      { class: "clinic-form", novalidate: true, "aria-labelledby": titleId, onsubmit: (event) => this.submit(event) },
      this.attachedNote,
      h("div", { class: "clinic-grid" }, grid),
      consent,
      honeypot,
      this.recommendationInput,
      this.alert,
      h("div", { class: "clinic-actions" }, this.submitButton),
    );
    this.root.replaceChildren(
      h(
        "section",
        { class: "clinic-card clinic-registration" },
        h(
          "header",
          { class: "clinic-card-header" },
          h("p", { class: "clinic-eyebrow" }, T.reg.eyebrow),
          h(
            "h2",
            { class: "clinic-title", id: titleId },
            h("span", {}, o.treatment?.name ?? ""),
            h("span", { class: "clinic-subtitle" }, T.reg.subtitle),
          ),
          h("p", { class: "clinic-lead" }, T.reg.intro),
        ),
        this.form,
      ),
    );
  }

  payload() {
    const value = (key) => this.fields.control(key).value.trim();
    const params = new URLSearchParams(location.search);
    // Never the manage link: its fragment is a key to a booking.
    const source = { page_url: (isManageHash() ? pageUrlWithoutFragment() : location.href).slice(0, 2048) };
    for (const key of ["utm_source", "utm_medium", "utm_campaign"]) {
      if (params.get(key)) source[key] = params.get(key).slice(0, 100);
    }
    const body = {
      name: value("name"),
      phone: value("phone"),
      email: value("email"),
      treatment: this.treatment,
      branch: value("branch"),
      preferred_date: value("preferred_date"),
      preferred_period: this.fields.period(),
      agree_terms: this.fields.control("agree_terms").checked,
      marketing_consent: this.fields.control("marketing_consent").checked,
      lang: LANG,
      recommendation_id: this.recommendation ?? "",
      source,
      website: this.form.elements.website.value,
    };
    // Leave out what was not given: the API then names the missing required fields itself.
    for (const key of Object.keys(body)) if (body[key] === "" && key !== "website") delete body[key];
    return body;
  }

  /**
   * The Idempotency-Key of this exact body: the last one's when nothing changed (also after a
   * reload, while an unsettled submission of the same body is remembered), else a new one.
   */
  idempotencyKey(body) {
    const sent = JSON.stringify(body);
    if (this.submission?.body !== sent) {
      this.submission = { body: sent, key: unsettledKey(sent) ?? newIdempotencyKey() };
    }
    return this.submission.key;
  }

  async submit(event) {
    event.preventDefault();
    if (this.sending) return;
    announce(this.alert, "");
    if (!this.fields.checkDate()) {
      this.fields.control("preferred_date").focus();
      return;
    }
    this.sending = true;
    this.submitButton.disabled = true;
    this.submitButton.textContent = T.reg.sending;
    this.form.setAttribute("aria-busy", "true");
    const body = this.payload();
    const headers = { "Idempotency-Key": this.idempotencyKey(body) };
    const result = await callApiWithRetries("POST", "/registrations", { body, headers }, (seconds, failed) =>
      announce(this.alert, failed.status === 0 ? T.reg.retryingNetwork(seconds) : T.reg.retryingBusy(seconds)),
    );
    this.form.removeAttribute("aria-busy");
    this.sending = false;
    this.submitButton.textContent = T.reg.submit;
    this.fields.clearErrors();

    if ((result.status === 201 || result.status === 200) && result.data?.reference) {
      forgetUnsettled();
      this.showSuccess(result, body);
      return;
    }
    this.submitButton.disabled = false;
    if (result.status >= 400 && result.status < 500 && result.status !== 429) forgetUnsettled();
    else rememberUnsettled(this.submission);
    const error = result.data?.error;
    if (result.status === 409 && error?.code === "ALREADY_REGISTERED") {
      // Said in the widget's own words: what it means and what to do, nothing of the booking.
      announce(this.alert, T.reg.alreadyHasTrial, "error");
      return;
    }
    if (result.status === 409 && error) {
      if (error.code === "DATE_FULL") this.fields.markFull(body.branch, body.preferred_date);
      announce(this.alert, error.message, "error");
      return;
    }
    if (result.status === 422 && error?.fields?.length) {
      this.showFieldErrors(error);
      return;
    }
    // No answer that settles it (the registration may even be stored): sending the same form
    // again is safe, as it goes with the same Idempotency-Key.
    announce(this.alert, `${retryMessage(result)} ${T.reg.retrySafe}`, "error");
    // Respect Retry-After: the button comes back when the server is ready for another try.
    if (result.retryAfter) enableAfter(this.submitButton, result.retryAfter);
  }

  showFieldErrors(error) {
    const unplaced = [];
    for (const problem of error.fields) {
      if (this.fields.has(problem.field)) this.fields.setError(problem.field, problem.message);
      else unplaced.push(problem.message);
    }
    announce(this.alert, [error.message, ...unplaced].join(" "), "error");
    const firstInvalid = this.form.querySelector("[aria-invalid='true']");
    (firstInvalid?.matches("fieldset") ? firstInvalid.querySelector("input") : firstInvalid)?.focus();
  }

  /** The registration is stored: its panel replaces the form. A keyed replay carries its token too. */
  showSuccess(result, body) {
    const { data } = result;
    const { panel, heading } = successPanel(this.id, {
      data,
      body,
      branch: this.fields.branches.get(data.branch),
      treatmentName: this.options.treatment?.name,
    });
    this.form = null;
    this.submission = null;
    this.root.replaceChildren(panel);
    heading.focus();
  }

  onHashChange() {
    const link = manageLinkFromHash();
    if (link) this.showManage(link);
    else if (this.manage.open && !location.hash) this.showForm();
  }

  /** The manage panel of the booking `link` names, in place of the form. */
  showManage(link) {
    this.form = null;
    this.manage.show(link);
  }

  /** Leave the manage panel: the link leaves the address bar, the empty form shows. */
  async showForm() {
    this.manage.close();
    if (isManageHash()) history.replaceState(history.state, "", pageUrlWithoutFragment());
    if (this.options) this.render();
    else await this.load();
    if (this.form?.isConnected) this.fields.control("name").focus();
  }
}
