/** The widgets' own texts in the page's language (`T.reg.submit`, `T.quiz.step(1, 7)`, …). */

import { LANG } from "./config.js";
import en from "./strings/en.js";
import zhHK from "./strings/zh-hk.js";

export const T = { en, "zh-HK": zhHK }[LANG];
