/**
 * The manage link (`#clinic-manage=REF.TOKEN`) and the `clinic:register` hand-off between
 * widgets. A fragment never leaves the browser: the token is sent only in the
 * X-Manage-Token header, and never logged.
 */

const MANAGE_KEY = "clinic-manage";
/** The event a widget sends on `document` to ask the registration form to take over. */
export const REGISTER_EVENT = "clinic:register";

/** Whether the page's fragment is a manage link. */
export function isManageHash(hash = location.hash) {
  return hash.replace(/^#/, "").startsWith(`${MANAGE_KEY}=`);
}

/**
 * The manage link in the page's fragment as `{reference, token, valid}`, or null when the
 * fragment is not one. `valid` is false when it cannot be a link the API gave (it is then
 * never sent).
 */
export function manageLinkFromHash(hash = location.hash) {
  if (!isManageHash(hash)) return null;
  let value = hash.replace(/^#/, "").slice(MANAGE_KEY.length + 1);
  try {
    value = decodeURIComponent(value);
  } catch {
    // not percent-encoded: use it as it is
  }
  const dot = value.indexOf(".");
  const reference = dot > 0 ? value.slice(0, dot).trim().toUpperCase() : "";
  const token = dot > 0 ? value.slice(dot + 1).trim() : "";
  const valid = /^PM-?[0-9A-Z]{4}-?[0-9A-Z]{4}$/.test(reference) && /^[A-Za-z0-9_-]{16,256}$/.test(token);
  return { reference, token, valid };
}

/** This page's URL without its fragment. */
export function pageUrlWithoutFragment() {
  return location.href.split("#")[0];
}

/** This page's URL that opens the manage panel of a registration. */
export function manageUrl(reference, token) {
  return `${pageUrlWithoutFragment()}#${MANAGE_KEY}=${reference}.${token}`;
}

/**
 * Ask the page's registration form to take over (scroll, focus, pre-fill). True when a form
 * answered the event.
 */
export function requestRegistration(detail) {
  const event = new CustomEvent(REGISTER_EVENT, { detail, cancelable: true });
  return !document.dispatchEvent(event);
}
