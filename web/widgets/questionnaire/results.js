/**
 * The questionnaire's results, one renderer per section: the consultation callout, the
 * ranked pore types, their causes, the treatments, daily tips and the free-trial offer.
 * A new section of the recommendation is one more function here, placed in `resultsPanel`.
 */

import { announce, h, liveRegion, widthBar } from "../dom.js";
import { joinList } from "../format.js";
import { requestRegistration } from "../links.js";
import { T } from "../texts.js";

/** The reasons the API gives for a pore type or a cause, as a list (or nothing). */
function reasons(items) {
  return items?.length
    ? h(
        "ul",
        { class: "clinic-reasons" },
        items.map((reason) => h("li", {}, reason.text)),
      )
    : null;
}

/** A titled section of the results. */
function section(title, ...content) {
  return h("section", { class: "clinic-result-section" }, h("h3", { class: "clinic-section-title" }, title), ...content);
}

/** "Please talk to our staff before any treatment", with the API's reasons. */
function consultCallout(titleId, result) {
  return h(
    "div",
    { class: "clinic-callout clinic-callout--consult", role: "note", "aria-labelledby": `${titleId}-consult` },
    h("h3", { class: "clinic-section-title", id: `${titleId}-consult` }, T.quiz.consultTitle),
    h(
      "ul",
      {},
      (result.consultation_reasons ?? []).map((reason) => h("li", {}, reason.text)),
    ),
  );
}

/** The pore types, best match first, each with its score bar and reasons. */
function poreTypesSection(result) {
  return section(
    T.quiz.typesTitle,
    h(
      "ol",
      { class: "clinic-ranked" },
      result.pore_types.map((type) => {
        const percent = Math.round(type.score * 100);
        return h(
          "li",
          { class: "clinic-ranked-item", "data-pore-type": type.id },
          h(
            "div",
            { class: "clinic-ranked-head" },
            h("span", { class: "clinic-ranked-name" }, type.name),
            h("span", { class: "clinic-score-text" }, T.quiz.match(percent)),
          ),
          h("div", { class: "clinic-score", "aria-hidden": "true" }, widthBar(percent)),
          reasons(type.reasons),
        );
      }),
    ),
  );
}

/** What may be causing it (nothing when the API names no cause). */
function causesSection(result) {
  return result.causes?.length
    ? section(
        T.quiz.causesTitle,
        h(
          "ul",
          { class: "clinic-plain-list" },
          result.causes.map((cause) =>
            h("li", { class: "clinic-cause", "data-cause": cause.id }, h("strong", {}, cause.name), reasons(cause.reasons)),
          ),
        ),
      )
    : null;
}

/** The treatments that may suit, with sessions and cautions; or why none is suggested yet. */
function treatmentsSection(result) {
  const q = T.quiz;
  return section(
    q.treatmentsTitle,
    result.treatments?.length
      ? h(
          "ul",
          { class: "clinic-treatments" },
          result.treatments.map((treatment) =>
            h(
              "li",
              { class: "clinic-treatment", "data-treatment": treatment.id },
              h("h4", {}, treatment.name),
              h("p", {}, treatment.why),
              treatment.sessions
                ? h("p", { class: "clinic-hint" }, h("strong", {}, q.sessions), " ", treatment.sessions)
                : null,
              treatment.cautions?.length
                ? h(
                    "details",
                    { class: "clinic-cautions" },
                    h("summary", {}, q.cautions),
                    h(
                      "ul",
                      {},
                      treatment.cautions.map((caution) => h("li", {}, caution)),
                    ),
                  )
                : null,
            ),
          ),
        )
      : h("p", {}, q.noTreatments),
  );
}

/** Daily tips (nothing when there are none). */
function tipsSection(result) {
  return result.daily_tips?.length
    ? section(
        T.quiz.tipsTitle,
        h(
          "ul",
          { class: "clinic-tips" },
          result.daily_tips.map((tip) => h("li", {}, h("strong", {}, tip.title), h("p", {}, tip.text))),
        ),
      )
    : null;
}

/** The free-trial offer: its button hands over to the page's registration form. */
function offerBlock(result) {
  const q = T.quiz;
  const offer = result.offer;
  const names = result.pore_types.filter((type) => result.top_types?.includes(type.id)).map((type) => type.name);
  const summary = joinList(names.length ? names : result.pore_types.slice(0, 1).map((type) => type.name));
  const offerStatus = liveRegion("clinic-note");
  return h(
    "div",
    { class: "clinic-offer" },
    h("p", { class: "clinic-eyebrow" }, q.offerEyebrow),
    h("h3", { class: "clinic-section-title" }, offer.name),
    offer.summary ? h("p", {}, offer.summary) : null,
    offer.eligible === false ? h("p", { class: "clinic-note" }, q.offerCheckFirst) : null,
    h(
      "button",
      {
        type: "button",
        class: "clinic-button clinic-button--primary clinic-offer-button",
        onclick: () => {
          const handled = requestRegistration({
            treatment: offer.treatment,
            recommendationId: result.recommendation_id,
            summary,
          });
          announce(offerStatus, handled ? "" : T.noForm);
        },
      },
      q.offerButton,
    ),
    offerStatus,
  );
}

/** The whole results panel and its heading (which takes the focus); `onRestart` starts again. */
export function resultsPanel(id, result, onRestart) {
  const q = T.quiz;
  const titleId = `${id}-results`;
  const heading = h("h2", { class: "clinic-title", id: titleId, tabindex: "-1" }, q.resultsTitle);
  const panel = h(
    "section",
    {
      class: "clinic-card clinic-results",
      "aria-labelledby": titleId,
      "data-recommendation-id": result.recommendation_id,
    },
    h("header", { class: "clinic-card-header" }, heading, result.mixed ? h("p", { class: "clinic-lead" }, q.mixed) : null),
    result.needs_consultation ? consultCallout(titleId, result) : null,
    poreTypesSection(result),
    causesSection(result),
    treatmentsSection(result),
    tipsSection(result),
    result.offer ? offerBlock(result) : null,
    result.disclaimer ? h("p", { class: "clinic-disclaimer" }, result.disclaimer) : null,
    h(
      "div",
      { class: "clinic-actions" },
      h("button", { type: "button", class: "clinic-button clinic-button--secondary", onclick: onRestart }, q.restart),
    ),
  );
  return { panel, heading };
}
