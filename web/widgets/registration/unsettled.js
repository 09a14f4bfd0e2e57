/**
 * A submission whose outcome is unknown (no answer, a 5xx, a 429) is remembered for the tab's
 * session: if the person reloads the page and sends the same form again, it goes with the
 * same Idempotency-Key, so a reply lost before the reload still costs nothing.
 *
 * Only the key and a short hash of the body are kept (sessionStorage, this tab only): no
 * name or phone number. Hand-written FNV-1a, because SubtleCrypto's digest is asynchronous
 * and missing outside secure contexts; telling two bodies apart needs no more.
 */

const STORAGE_KEY = "clinic-registration-unsettled";

function fingerprint(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

/** The remembered key of an unsettled submission of exactly this body, if there is one. */
export function unsettledKey(body) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    return saved?.hash === fingerprint(body) ? saved.key : null;
  } catch {
    return null; // storage disabled or unreadable: a new key is the safe default
  }
}

/** Remember `submission` ({body, key}) until it is settled. */
export function rememberUnsettled(submission) {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ hash: fingerprint(submission.body), key: submission.key }));
  } catch {
    // storage disabled: retries within this page still keep their key
  }
}

/** The submission is settled (stored, or refused for good): nothing to remember. */
export function forgetUnsettled() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing was stored
  }
}
