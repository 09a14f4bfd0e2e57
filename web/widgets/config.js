/**
 * Where the API is and which language the page speaks: read once, from the entry script's
 * `data-api` and the page's `<html lang>`.
 */

// The entry module sits one folder up; its script tag carries `data-api`.
const ENTRY_URL = new URL("../clinic-widgets.js", import.meta.url).href;
const SCRIPT =
  [...document.querySelectorAll("script[src]")].find((script) => script.src === ENTRY_URL) ??
  document.querySelector('script[src*="clinic-widgets"]');

/** `en` or `zh-HK` from the page's language tag. */
function pageLang(tag) {
  const lower = (tag || "").toLowerCase();
  return lower === "zh" || lower.startsWith("zh-hk") || lower.startsWith("zh-hant") || lower.startsWith("zh-mo")
    ? "zh-HK"
    : "en";
}

/** The API's base URL without a trailing slash; empty means the page's own origin. */
export const API_BASE = (SCRIPT?.dataset.api ?? "").trim().replace(/\/+$/, "");
/** The page's language as the API names it: `en` or `zh-HK`. */
export const LANG = pageLang(document.documentElement.lang);
/** The locale dates and lists are written in. */
export const LOCALE = LANG === "zh-HK" ? "zh-HK" : "en-HK";
export const HK_TIME_ZONE = "Asia/Hong_Kong";
