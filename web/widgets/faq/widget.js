/** The FAQ: search as you type, disclosure items, related questions and feedback. */

import { callApi, retryMessage } from "../api.js";
import { announce, h, liveRegion, uid } from "../dom.js";
import { requestRegistration } from "../links.js";
import { T } from "../texts.js";

const SEARCH_DELAY_MS = 250;

export class FaqWidget {
  constructor(root) {
    this.root = root;
    this.id = uid("faq");
    this.controller = null;
    this.timer = null;
    this.allItems = null;
  }

  load() {
    const titleId = `${this.id}-title`;
    const inputId = `${this.id}-q`;
    this.input = h("input", {
      id: inputId,
      class: "clinic-input clinic-search-input",
      type: "search",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": `${inputId}-hint`,
      "aria-controls": `${this.id}-list`,
      oninput: () => this.onInput(),
    });
    this.status = liveRegion("clinic-faq-status");
    this.fallbackNote = h("p", { class: "clinic-note clinic-faq-fallback", hidden: true }, T.faq.fallback);
    this.list = h("div", { class: "clinic-faq-list", id: `${this.id}-list` });
    this.root.replaceChildren(
      h(
        "section",
        { class: "clinic-card clinic-faq", "aria-labelledby": titleId },
        h("header", { class: "clinic-card-header" }, h("h2", { class: "clinic-title", id: titleId }, T.faq.title)),
        h(
          "form",
          {
            class: "clinic-search",
            role: "search",
            onsubmit: (event) => {
              event.preventDefault();
              this.search();
            },
          },
          h("label", { class: "clinic-label", for: inputId }, T.faq.searchLabel),
          h("p", { class: "clinic-hint", id: `${inputId}-hint` }, T.faq.searchHint),
          h(
            "div",
            { class: "clinic-search-box" },
            h("span", { class: "clinic-search-icon", "aria-hidden": "true" }),
            this.input,
          ),
        ),
        this.status,
        this.fallbackNote,
        this.list,
        h(
          "p",
          { class: "clinic-faq-handoff" },
          `${T.faq.handoff} `,
          h(
            "button",
            { type: "button", class: "clinic-link-button", onclick: (event) => this.handOff(event.currentTarget) },
            T.faq.handoffButton,
          ),
        ),
      ),
    );
    return this.search();
  }

  handOff(button) {
    if (!requestRegistration({})) {
      button.after(h("span", { class: "clinic-hint" }, ` ${T.noForm}`));
    }
  }

  onInput() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.search(), SEARCH_DELAY_MS);
  }

  async search() {
    clearTimeout(this.timer);
    const query = this.input.value.trim();
    this.controller?.abort();
    if (!query && this.allItems) {
      this.controller = null;
      this.show(this.allItems, false, query);
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.list.setAttribute("aria-busy", "true");
    let result;
    try {
      result = await callApi("GET", "/faqs", { query: query ? { q: query } : {}, signal: controller.signal });
    } catch {
      return; // a newer search replaced this one
    }
    if (controller !== this.controller) return;
    this.list.removeAttribute("aria-busy");
    if (result.status !== 200 || !result.data) {
      this.fallbackNote.hidden = true;
      this.list.replaceChildren();
      announce(this.status, `${T.faq.loadFailed} ${retryMessage(result)}`, "error");
      return;
    }
    const items = result.data.items ?? [];
    if (!query) this.allItems = items;
    this.show(items, result.data.fallback, query);
  }

  show(items, fallback, query) {
    this.list.removeAttribute("aria-busy");
    this.fallbackNote.hidden = !(fallback && items.length);
    this.list.replaceChildren(...items.map((item) => this.item(item)));
    announce(
      this.status,
      !query ? T.faq.countAll(items.length) : items.length ? T.faq.countFound(items.length, query) : T.faq.none(query),
    );
  }

  item(entry) {
    const buttonId = `${this.id}-${entry.id}-q`;
    const panelId = `${this.id}-${entry.id}-a`;
    const feedback = this.feedback(entry.id);
    const button = h(
      "button",
      {
        type: "button",
        class: "clinic-faq-question",
        id: buttonId,
        "aria-expanded": "false",
        "aria-controls": panelId,
        onclick: () => this.toggle(item),
      },
      h("span", {}, entry.question),
      h("span", { class: "clinic-chevron", "aria-hidden": "true" }),
    );
    const panel = h(
      "div",
      { class: "clinic-faq-answer", id: panelId, role: "region", "aria-labelledby": buttonId, hidden: true },
      entry.answer.split(/\n{2,}/).map((paragraph) => h("p", {}, paragraph)),
      entry.related?.length
        ? h(
            "div",
            { class: "clinic-related" },
            h("p", { class: "clinic-related-title" }, T.faq.related),
            h(
              "ul",
              {},
              entry.related.map((related) =>
                h(
                  "li",
                  {},
                  h(
                    "a",
                    {
                      href: `#${this.id}-${related.id}-q`,
                      "data-faq-link": related.id,
                      onclick: (event) => {
                        event.preventDefault();
                        this.openEntry(related.id);
                      },
                    },
                    related.question,
                  ),
                ),
              ),
            ),
          )
        : null,
      feedback,
    );
    const item = h(
      "div",
      { class: "clinic-faq-item", "data-faq-id": entry.id },
      h("h3", { class: "clinic-faq-heading" }, button),
      panel,
    );
    return item;
  }

  toggle(item, open) {
    const button = item.querySelector(".clinic-faq-question");
    const panel = item.querySelector(".clinic-faq-answer");
    const expand = open ?? button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(expand));
    panel.hidden = !expand;
    item.classList.toggle("clinic-faq-item--open", expand);
  }

  /** Open the entry `id`: in the list if it is there, else fetched and put first. */
  async openEntry(id) {
    let item = this.list.querySelector(`[data-faq-id="${CSS.escape(id)}"]`);
    if (!item) {
      const result = await callApi("GET", `/faqs/${encodeURIComponent(id)}`);
      if (result.status !== 200 || !result.data) {
        announce(this.status, retryMessage(result), "error");
        return;
      }
      item = this.item(result.data);
      this.list.prepend(item);
    }
    this.toggle(item, true);
    const button = item.querySelector(".clinic-faq-question");
    button.scrollIntoView({ block: "nearest" });
    button.focus({ preventScroll: true });
  }

  feedback(faqId) {
    const labelId = `${this.id}-${faqId}-fb`;
    const status = liveRegion("clinic-feedback-status");
    const buttons = [
      [true, T.faq.yes],
      [false, T.faq.no],
    ].map(([helpful, label]) =>
      h(
        "button",
        {
          type: "button",
          class: "clinic-button clinic-button--small",
          onclick: () => this.sendFeedback(faqId, helpful, group, status),
        },
        label,
      ),
    );
    const group = h(
      "div",
      { class: "clinic-feedback-buttons", role: "group", "aria-labelledby": labelId },
      h("span", { id: labelId, class: "clinic-feedback-label" }, T.faq.helpful),
      buttons,
    );
    return h("div", { class: "clinic-feedback" }, group, status);
  }

  async sendFeedback(faqId, helpful, group, status) {
    const buttons = [...group.querySelectorAll("button")];
    for (const button of buttons) button.disabled = true;
    const result = await callApi("POST", `/faqs/${encodeURIComponent(faqId)}/feedback`, { body: { helpful } });
    if (result.status >= 200 && result.status < 300) {
      group.hidden = true;
      announce(status, T.faq.thanks, "success");
      return;
    }
    for (const button of buttons) button.disabled = false;
    announce(status, T.faq.feedbackFailed, "error");
  }
}
