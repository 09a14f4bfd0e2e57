/**
 * The registration form's fields: each control with its label, hint, notes and inline error,
 * and the date checks the browser can make alone (public holidays, a branch's closed
 * weekdays, full days). A new field is one more builder here, placed in `build()`.
 */

import { h } from "../dom.js";
import { formatDate, joinList, weekdayIndex, weekdayName } from "../format.js";
import { T } from "../texts.js";

export class RegistrationFields {
  /** `id` prefixes the controls' ids; `options` is the answer of GET /registration-options. */
  constructor(id, options) {
    this.id = id;
    this.options = options;
    this.entries = {};
    this.branches = new Map(options.branches.map((branch) => [branch.id, branch]));
    this.branchNote = null;
  }

  /** The field blocks: `grid` (details and the booking wish) and `consent` (statement and boxes). */
  build() {
    const o = this.options;
    const name = this.textField("name", T.reg.name, {
      type: "text",
      autocomplete: "name",
      required: true,
      maxlength: 80,
      hint: T.reg.nameHint,
    });
    const phone = this.textField("phone", T.reg.phone, {
      type: "tel",
      autocomplete: "tel-national",
      inputmode: "tel",
      required: true,
      maxlength: 20,
      hint: T.reg.phoneHint,
      prefix: "+852",
    });
    const email = this.textField("email", T.reg.email, {
      type: "email",
      autocomplete: "email",
      maxlength: 254,
      hint: T.reg.emailHint,
    });
    const branch = this.branchField(o.branches);
    const date = this.dateField(o);
    const period = this.periodField(o.periods);
    const consent = this.consentBlock(o.consent);
    return { grid: [name, phone, email, branch, date, period], consent };
  }

  /** The control of field `key`. */
  control(key) {
    return this.entries[key].control;
  }

  /** Whether the form has a field the API calls `key`. */
  has(key) {
    return Object.hasOwn(this.entries, key);
  }

  /** A labelled field: label, hint, control, inline error; remembered under `key`. */
  field(key, labelText, control, { hint, required, prefix, tag = true } = {}) {
    const id = `${this.id}-${key}`;
    control.id = id;
    control.name = key;
    const hintId = `${id}-hint`;
    const hintEl = hint ? h("p", { class: "clinic-hint", id: hintId }, hint) : null;
    // Only the date's message can appear on its own (on change); the others come with the
    // form-level alert, so one announcement is enough for them.
    const error = h("p", {
      class: "clinic-error",
      id: `${id}-error`,
      "aria-live": key === "preferred_date" ? "polite" : null,
    });
    const label = h(
      "label",
      { class: "clinic-label", for: id },
      labelText,
      tag ? [" ", h("span", { class: "clinic-tag" }, required ? T.required : T.optional)] : null,
    );
    const isCheck = control.type === "checkbox";
    const wrapper = h(
      "div",
      { class: `clinic-field clinic-field--${key}${isCheck ? " clinic-field--check" : ""}` },
      isCheck ? h("div", { class: "clinic-check" }, control, label) : label,
      hintEl,
      isCheck
        ? null
        : prefix
          ? h(
              "div",
              { class: "clinic-prefixed" },
              h("span", { class: "clinic-prefix", "aria-hidden": "true" }, prefix),
              control,
            )
          : control,
      error,
    );
    if (required) control.setAttribute("aria-required", "true");
    this.entries[key] = { control, error, hintIds: hintEl ? [hintId] : [], wrapper };
    this.describe(key);
    return wrapper;
  }

  /** Add a note under the control of `key` (before its error), described by it too. */
  addNote(key, note) {
    const field = this.entries[key];
    field.wrapper.insertBefore(note, field.error);
    field.hintIds.push(note.id);
    this.describe(key);
  }

  textField(key, labelText, { hint, required, prefix, ...attributes }) {
    const control = h("input", { class: "clinic-input", ...attributes });
    return this.field(key, labelText, control, { hint, required, prefix });
  }

  branchField(branches) {
    const select = h(
      "select",
      { class: "clinic-input clinic-select", onchange: () => this.onBranchChange() },
      h("option", { value: "" }, T.reg.branchPlaceholder),
      branches.map((branch) => h("option", { value: branch.id }, `${branch.name} – ${branch.address}`)),
    );
    this.branchNote = h("p", { class: "clinic-hint clinic-branch-note", id: `${this.id}-branch-note` });
    const wrapper = this.field("branch", T.reg.branch, select, { required: true, hint: T.reg.branchHint });
    this.addNote("branch", this.branchNote);
    return wrapper;
  }

  dateField(o) {
    const input = h("input", {
      class: "clinic-input",
      type: "date",
      min: o.min_date,
      max: o.max_date,
      onchange: () => this.checkDate(),
      oninput: () => this.checkDate(),
    });
    const short = { day: "numeric", month: "short", year: "numeric" };
    const wrapper = this.field("preferred_date", T.reg.date, input, {
      hint: T.reg.dateHint(formatDate(o.min_date, short), formatDate(o.max_date, short)),
      required: true,
    });
    const holidays = o.closed_dates.map((day) => formatDate(day, { day: "numeric", month: "short" }));
    if (holidays.length)
      this.addNote(
        "preferred_date",
        h("p", { class: "clinic-hint", id: `${this.id}-holidays` }, T.reg.dateHolidays(joinList(holidays))),
      );
    return wrapper;
  }

  periodField(periods) {
    const name = `${this.id}-period`;
    const choices = ["any", ...periods].map((period) =>
      h(
        "label",
        { class: "clinic-choice clinic-choice--inline" },
        h("input", { type: "radio", name, value: period === "any" ? "" : period, checked: period === "any" }),
        h("span", {}, T.periods[period] ?? period),
      ),
    );
    const errorId = `${this.id}-preferred_period-error`;
    const error = h("p", { class: "clinic-error", id: errorId });
    const fieldset = h(
      "fieldset",
      { class: "clinic-field clinic-field--preferred_period clinic-fieldset" },
      h("legend", { class: "clinic-label" }, T.reg.period, " ", h("span", { class: "clinic-tag" }, T.optional)),
      h("div", { class: "clinic-choices clinic-choices--inline" }, choices),
      error,
    );
    this.entries.preferred_period = {
      control: fieldset.querySelector("input"),
      group: fieldset,
      error,
      hintIds: [],
      wrapper: fieldset,
    };
    return fieldset;
  }

  /** The chosen period (`""` for any time). */
  period() {
    return this.entries.preferred_period.group.querySelector(`input[name="${this.id}-period"]:checked`)?.value;
  }

  consentBlock(consent) {
    const termsBox = h("input", { type: "checkbox", class: "clinic-checkbox", value: "yes" });
    const link = (href, text) =>
      h(
        "a",
        { href, target: "_blank", rel: "noopener" },
        text,
        h("span", { class: "clinic-visually-hidden" }, ` ${T.newTab}`),
      );
    const terms = this.field("agree_terms", consent.terms_label, termsBox, { required: true });
    const termsLinks = h(
      "p",
      { class: "clinic-hint clinic-terms-links", id: `${this.id}-agree_terms-links` },
      `${T.reg.readTerms} `,
      link(consent.terms_url, T.reg.terms),
      ` ${T.reg.and} `,
      link(consent.privacy_url, T.reg.privacy),
    );
    this.addNote("agree_terms", termsLinks);

    const marketingBox = h("input", { type: "checkbox", class: "clinic-checkbox", value: "yes" });
    const marketing = this.field("marketing_consent", consent.marketing_statement, marketingBox, { tag: false });
    marketing.prepend(h("p", { class: "clinic-consent-title" }, T.reg.marketing));

    return h(
      "div",
      { class: "clinic-consent" },
      h(
        "details",
        { class: "clinic-statement" },
        h("summary", {}, T.reg.collectionTitle),
        h("p", {}, consent.collection_statement),
      ),
      terms,
      marketing,
    );
  }

  /** Point the control's aria-describedby at its hint and (when shown) its error. */
  describe(key) {
    const field = this.entries[key];
    const ids = [...field.hintIds, field.error.textContent ? field.error.id : null].filter(Boolean);
    const target = field.group ?? field.control;
    if (ids.length) target.setAttribute("aria-describedby", ids.join(" "));
    else target.removeAttribute("aria-describedby");
  }

  setError(key, message) {
    const field = this.entries[key];
    field.error.textContent = message || "";
    const target = field.group ?? field.control;
    if (message) target.setAttribute("aria-invalid", "true");
    else target.removeAttribute("aria-invalid");
    field.wrapper.classList.toggle("clinic-field--invalid", Boolean(message));
    this.describe(key);
  }

  /** Clear every inline error. */
  clearErrors() {
    for (const key of Object.keys(this.entries)) this.setError(key, "");
  }

  onBranchChange() {
    const branch = this.branches.get(this.control("branch").value);
    const closed = branch?.closed_weekdays ?? [];
    this.branchNote.textContent = closed.length ? T.reg.branchClosedOn(joinList(closed.map(weekdayName))) : "";
    this.setError("branch", "");
    this.checkDate();
  }

  /** Why the chosen date cannot be booked at the chosen branch, or "" when it can. */
  dateProblem() {
    const day = this.control("preferred_date").value;
    if (!day) return "";
    const o = this.options;
    const branch = this.branches.get(this.control("branch").value);
    if (o.closed_dates.includes(day)) return T.reg.dateHoliday;
    if (branch?.closed_weekdays.includes(weekdayIndex(day)))
      return T.reg.dateBranchClosed(branch.name, weekdayName(weekdayIndex(day)));
    if (o.full_dates.includes(day) || branch?.full_dates?.includes(day)) return T.reg.dateFull;
    return "";
  }

  /** Show (or clear) the date's problem; true when the date can be booked. */
  checkDate() {
    const problem = this.dateProblem();
    if (problem || this.entries.preferred_date.error.textContent) this.setError("preferred_date", problem);
    return !problem;
  }

  /** Remember that `day` is full at branch `branchId` (the API said DATE_FULL). */
  markFull(branchId, day) {
    const branch = this.branches.get(branchId);
    if (branch && day) branch.full_dates = [...(branch.full_dates ?? []), day];
    this.checkDate();
  }
}
