/**
 * The API client: every call sends the page's language and never cookies. Results are plain
 * `{status, data, retryAfter}` objects; a network failure (including a refused cross-origin
 * call) is status 0.
 */

import { API_BASE, LANG } from "./config.js";
import { T } from "./texts.js";

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), or null. */
function retryAfterSeconds(header) {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Math.max(1, Number(header));
  const when = Date.parse(header);
  return Number.isNaN(when) ? null : Math.max(1, Math.ceil((when - Date.now()) / 1000));
}

/**
 * Call the API. Resolves to `{status, data, retryAfter}`; a network failure (including a
 * refused cross-origin call) is status 0. An aborted call rejects with its AbortError.
 * `headers` are extra request headers (the manage token travels only there).
 */
export async function callApi(method, path, { query = {}, body, signal, headers = {} } = {}) {
  const url = new URL(API_BASE + path, location.href);
  for (const [key, value] of Object.entries({ ...query, lang: LANG })) url.searchParams.set(key, value);
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? { ...headers } : { ...headers, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      signal,
    });
  } catch (error) {
    if (error.name === "AbortError") throw error;
    return { status: 0, data: null, retryAfter: null };
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { status: response.status, data, retryAfter: retryAfterSeconds(response.headers.get("Retry-After")) };
}

/** The friendly message for a failed call that the person can only retry. */
export function retryMessage(result) {
  if (result.status === 0) return T.networkError;
  if (result.retryAfter) return T.busyError(result.retryAfter);
  return T.serverError;
}
