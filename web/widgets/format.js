/** Dates, weekdays and lists written the page's way (Hong Kong calendar dates, `LOCALE`). */

import { HK_TIME_ZONE, LOCALE } from "./config.js";

/** A calendar date `YYYY-MM-DD` as a Date at midnight UTC (no time-zone drift). */
function utcDate(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return new Date(Date.UTC(year, month - 1, day));
}

/** `YYYY-MM-DD` written out in the page's language. */
export function formatDate(iso, options = { day: "numeric", month: "long", year: "numeric" }) {
  return new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: "UTC" }).format(utcDate(iso));
}

/** The weekday of `YYYY-MM-DD`, Monday = 0 (the API's numbering). */
export function weekdayIndex(iso) {
  return (utcDate(iso).getUTCDay() + 6) % 7;
}

/** A weekday's name (Monday = 0) in the page's language. */
export function weekdayName(index) {
  return new Intl.DateTimeFormat(LOCALE, { weekday: "long", timeZone: "UTC" }).format(
    new Date(Date.UTC(2024, 0, 1 + index)),
  );
}

/** A list joined the language's way. */
export function joinList(items) {
  return new Intl.ListFormat(LOCALE, { style: "long", type: "conjunction" }).format(items);
}

/** A Hong Kong calendar date `YYYY-MM-DD` written out in the page's language. */
export function formatHongKongDate(
  iso,
  options = { weekday: "long", day: "numeric", month: "long", year: "numeric" },
) {
  const noon = new Date(`${iso}T12:00:00+08:00`);
  return Number.isNaN(noon.getTime())
    ? iso
    : new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: HK_TIME_ZONE }).format(noon);
}

/** An instant (ISO 8601 with its zone) as a date and time in Hong Kong, in the page's language. */
export function formatHongKongTime(iso) {
  const when = new Date(iso);
  return Number.isNaN(when.getTime())
    ? iso
    : new Intl.DateTimeFormat(LOCALE, { dateStyle: "long", timeStyle: "short", timeZone: HK_TIME_ZONE }).format(when);
}
