/** The pore questionnaire: one question per step, then the recommendation (`results.js`). */

import { callApi, retryMessage } from "../api.js";
import { LANG } from "../config.js";
import { announce, h, liveRegion, uid } from "../dom.js";
import { T } from "../texts.js";
import { QUESTIONS } from "./questions.js";
import { resultsPanel } from "./results.js";

export class QuestionnaireWidget {
  constructor(root) {
    this.root = root;
    this.id = uid("quiz");
    this.index = 0;
  }

  load() {
    this.render();
  }

  render() {
    const titleId = `${this.id}-title`;
    this.steps = QUESTIONS.map((question, index) => this.step(question, index));
    this.progressText = h("p", { class: "clinic-progress-text" });
    this.progressBar = h("span", { class: "clinic-progress-bar" });
    this.back = h(
      "button",
      { type: "button", class: "clinic-button clinic-button--secondary", onclick: () => this.go(this.index - 1) },
      T.quiz.back,
    );
    this.next = h("button", { type: "submit", class: "clinic-button clinic-button--primary" }, T.quiz.next);
    this.alert = liveRegion("clinic-alert", "assertive");
    this.form = h(
      "form",
      { class: "clinic-form", novalidate: true, "aria-labelledby": titleId, onsubmit: (event) => this.onNext(event) },
      this.progressText,
      h("div", { class: "clinic-progress", "aria-hidden": "true" }, this.progressBar),
      this.steps,
      this.alert,
      h("div", { class: "clinic-actions clinic-actions--split" }, this.back, this.next),
    );
    this.card = h(
      "section",
      { class: "clinic-card clinic-questionnaire" },
      h(
        "header",
        { class: "clinic-card-header" },
        h("h2", { class: "clinic-title", id: titleId, tabindex: "-1" }, T.quiz.title),
        h("p", { class: "clinic-lead" }, T.quiz.intro),
      ),
      this.form,
    );
    this.root.replaceChildren(this.card);
    this.go(0, false);
  }

  step(question, index) {
    const texts = T.quiz.questions[question.key];
    const hintId = texts.hint ? `${this.id}-${question.key}-hint` : null;
    const errorId = `${this.id}-${question.key}-error`;
    const name = `${this.id}-${question.key}`;
    let body;
    if (question.kind === "yesno") {
      body = h(
        "div",
        { class: "clinic-habits" },
        question.values.map((habit) =>
          h(
            "fieldset",
            { class: "clinic-habit" },
            h("legend", {}, texts.options[habit]),
            h(
              "div",
              { class: "clinic-choices clinic-choices--inline" },
              [
                ["true", T.quiz.yes],
                ["false", T.quiz.no],
              ].map(([value, label]) =>
                h(
                  "label",
                  { class: "clinic-choice clinic-choice--inline" },
                  h("input", { type: "radio", name: `${name}-${habit}`, value, "data-habit": habit }),
                  h("span", {}, label),
                ),
              ),
            ),
          ),
        ),
      );
    } else {
      body = h(
        "div",
        { class: `clinic-choices clinic-choices--${question.values.length > 6 ? "columns" : "stack"}` },
        question.values.map((value) =>
          h(
            "label",
            { class: "clinic-choice" },
            h("input", { type: question.kind, name, value }),
            h("span", {}, texts.options[value]),
          ),
        ),
      );
    }
    const fieldset = h(
      "fieldset",
      { class: "clinic-step", "data-step": question.key, "aria-describedby": hintId, hidden: index !== 0 },
      h("legend", { class: "clinic-step-title" }, texts.title),
      hintId
        ? h(
            "p",
            { class: `clinic-hint${question.key === "precautions" ? " clinic-note" : ""}`, id: hintId },
            texts.hint,
          )
        : null,
      body,
      h("p", { class: "clinic-error", id: errorId }),
    );
    fieldset.question = question;
    fieldset.hintId = hintId;
    return fieldset;
  }

  go(index, focus = true) {
    this.index = Math.max(0, Math.min(index, this.steps.length - 1));
    this.steps.forEach((step, position) => {
      step.hidden = position !== this.index;
    });
    const total = this.steps.length;
    this.progressText.textContent = T.quiz.step(this.index + 1, total);
    this.progressBar.style.width = `${((this.index + 1) / total) * 100}%`;
    this.back.hidden = this.index === 0;
    this.next.textContent = this.index === total - 1 ? T.quiz.finish : T.quiz.next;
    announce(this.alert, "");
    if (focus) {
      const step = this.steps[this.index];
      (step.querySelector("input:checked") ?? step.querySelector("input"))?.focus();
    }
  }

  onNext(event) {
    event.preventDefault();
    const step = this.steps[this.index];
    const error = step.querySelector(".clinic-error");
    const missing = step.question.required && !step.querySelector("input:checked");
    error.textContent = missing ? T.quiz.chooseOne : "";
    if (missing) step.setAttribute("aria-invalid", "true");
    else step.removeAttribute("aria-invalid");
    const describedBy = [step.hintId, missing ? error.id : null].filter(Boolean).join(" ");
    if (describedBy) step.setAttribute("aria-describedby", describedBy);
    else step.removeAttribute("aria-describedby");
    if (missing) {
      step.querySelector("input").focus();
      return;
    }
    if (this.index < this.steps.length - 1) this.go(this.index + 1);
    else this.send();
  }

  answers() {
    const body = { lang: LANG };
    for (const step of this.steps) {
      const { key, kind } = step.question;
      const checked = [...step.querySelectorAll("input:checked")];
      if (kind === "radio" && checked.length) body[key] = checked[0].value;
      if (kind === "checkbox") body[key] = checked.map((input) => input.value);
      if (kind === "yesno")
        body[key] = Object.fromEntries(checked.map((input) => [input.dataset.habit, input.value === "true"]));
    }
    return body;
  }

  async send() {
    this.next.disabled = true;
    this.next.textContent = T.quiz.sending;
    this.form.setAttribute("aria-busy", "true");
    announce(this.alert, "");
    const result = await callApi("POST", "/recommendations", { body: this.answers() });
    this.form.removeAttribute("aria-busy");
    this.next.disabled = false;
    this.next.textContent = T.quiz.finish;
    if (result.status === 200 && result.data?.recommendation_id) {
      this.showResults(result.data);
      return;
    }
    const error = result.data?.error;
    if (result.status === 422 && error?.fields?.length) {
      const first = error.fields[0].field.split(".")[0];
      const position = this.steps.findIndex((step) => step.question.key === first);
      if (position >= 0) this.go(position);
      announce(this.alert, error.fields.map((problem) => problem.message).join(" "), "error");
      return;
    }
    announce(this.alert, retryMessage(result), "error");
  }

  showResults(result) {
    const { panel, heading } = resultsPanel(this.id, result, () => this.restart());
    this.root.replaceChildren(panel);
    heading.focus();
  }

  restart() {
    this.render();
    this.card.querySelector(".clinic-title").focus();
  }
}
