/**
 * The clinic's website widgets: the free-trial registration form, the pore questionnaire
 * and the FAQ search. Dependency-free ES modules, included by a page with one tag
 *
 *   <script type="module" src="…/clinic-widgets.js" data-api="https://api.example/v1"></script>
 *
 * This entry module loads the others from `widgets/` next to it (relative imports, so the
 * folder can be served from any origin or CDN as it is; there is no build step). It mounts
 * every placeholder it finds:
 *   <div data-clinic-widget="registration" data-treatment="acne-treatment"></div>
 *   <div data-clinic-widget="questionnaire"></div>
 *   <div data-clinic-widget="faq"></div>
 *
 * `data-api` empty or absent means the page's own origin. The language comes from
 * `<html lang>` (zh-HK, zh-Hant or zh → Traditional Chinese, anything else → English); every
 * API call sends it, so the API's texts (treatments, reasons, errors, FAQ) match the page.
 * The widgets talk to each other through one event on `document`: `clinic:register`
 * (detail: treatment, recommendationId, summary) asks the registration form to take over.
 *
 * After a registration, the success panel gives a private manage link: this page's URL with
 * the fragment `#clinic-manage=<reference>.<manage_token>`. Opening it (on load or on
 * `hashchange`) makes the registration widget show the booking and let the person cancel it.
 *
 * Where a change goes:
 *   widgets/config.js            where the API is, the page's language
 *   widgets/strings/en.js, zh-hk.js   every text the widgets write themselves (both files)
 *   widgets/api.js               calling the API: language, errors, retries, Idempotency-Key
 *   widgets/dom.js, format.js, links.js   elements and live regions; dates; manage links, hand-off
 *   widgets/registration/        the form (widget.js), its fields and date rules (fields.js),
 *                                the panel after registering (success.js)
 *   widgets/manage/              the manage panel (panel.js) and what it shows (booking.js)
 *   widgets/questionnaire/       questions and their options (questions.js), the steps
 *                                (widget.js), the results by section (results.js)
 *   widgets/faq/widget.js        the FAQ search
 */

import { LANG } from "./widgets/config.js";
import { h } from "./widgets/dom.js";
import { FaqWidget } from "./widgets/faq/widget.js";
import { QuestionnaireWidget } from "./widgets/questionnaire/widget.js";
import { RegistrationWidget } from "./widgets/registration/widget.js";

const MODULE_URL = import.meta.url;
const WIDGETS = { registration: RegistrationWidget, questionnaire: QuestionnaireWidget, faq: FaqWidget };

/** Link the widgets' stylesheet (next to this module) unless the page already has it. */
function ensureStylesheet() {
  const href = new URL("clinic-widgets.css", MODULE_URL).href;
  const present = [...document.querySelectorAll('link[rel~="stylesheet"]')].some((link) => link.href === href);
  if (!present) document.head.append(h("link", { rel: "stylesheet", href }));
}

/** Mount every widget placeholder under `root` that is not mounted yet. */
export function mountAll(root = document) {
  ensureStylesheet();
  for (const element of root.querySelectorAll("[data-clinic-widget]")) {
    const Widget = WIDGETS[element.dataset.clinicWidget];
    if (!Widget || element.dataset.clinicMounted) continue;
    element.dataset.clinicMounted = "true";
    element.classList.add("clinic-widget");
    element.setAttribute("lang", LANG);
    new Widget(element).load();
  }
}

mountAll();
