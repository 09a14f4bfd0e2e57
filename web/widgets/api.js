/**
 * The API client: every call sends the page's language and never cookies. Results are plain
 * `{status, data, retryAfter}` objects; a network failure (including a refused cross-origin
 * call) is status 0.
 */

import { API_BASE, LANG } from "./config.js";
import { T } from "./texts.js";

// Automatic retries of a call that is safe to repeat (it carries an Idempotency-Key): after a
// network failure, wait NETWORK_RETRY_SECONDS[n]; after a 503, wait as long as its Retry-After
// asks, up to MAX_RETRY_AFTER_SECONDS (a longer wait is left to the person).
const NETWORK_RETRY_SECONDS = [1, 2];
const MAX_RETRY_AFTER_SECONDS = 10;

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

/** Seconds to wait before automatic retry number `attempt` (0-based), or null for no retry. */
function retryDelay(result, attempt) {
  if (attempt >= NETWORK_RETRY_SECONDS.length) return null;
  if (result.status === 0) return NETWORK_RETRY_SECONDS[attempt];
  if (result.status === 503 && result.retryAfter && result.retryAfter <= MAX_RETRY_AFTER_SECONDS)
    return result.retryAfter;
  return null;
}

/**
 * `callApi` for a call that is safe to repeat as it is (same body, same Idempotency-Key): after
 * a network failure or a 503 with a short Retry-After it tries again by itself, a bounded
 * number of times. `onWait(seconds, result)` hears of each wait before it starts.
 */
export async function callApiWithRetries(method, path, options, onWait = () => {}) {
  let result = await callApi(method, path, options);
  for (let attempt = 0; ; attempt += 1) {
    const seconds = retryDelay(result, attempt);
    if (seconds === null) return result;
    onWait(seconds, result);
    await new Promise((resolve) => {
      setTimeout(resolve, seconds * 1000);
    });
    result = await callApi(method, path, options);
  }
}

/**
 * A new random Idempotency-Key (a version 4 UUID). `crypto.randomUUID` exists only in secure
 * contexts (https, localhost); elsewhere the same UUID is built from `crypto.getRandomValues`.
 */
export function newIdempotencyKey() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The friendly message for a failed call that the person can only retry. */
export function retryMessage(result) {
  if (result.status === 0) return T.networkError;
  if (result.retryAfter) return T.busyError(result.retryAfter);
  return T.serverError;
}
