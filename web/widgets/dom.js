/** Small DOM helpers shared by the widgets: ids, elements, live regions. */

let idCounter = 0;

/** A document-unique id with a readable prefix. */
export function uid(prefix) {
  idCounter += 1;
  return `clinic-${prefix}-${idCounter}`;
}

/**
 * An element: `props` are attributes (`class`, `text` and `on<event>` handlers are special,
 * `true` sets an empty attribute, `false`/null/undefined skip it); children are nodes or
 * strings (always added as text, never parsed as HTML).
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((child) => child !== null && child !== undefined && child !== false));
  return element;
}

/** A bar filled to `percent` (set through the CSSOM, so a strict style-src CSP allows it). */
export function widthBar(percent) {
  const bar = h("span");
  bar.style.width = `${percent}%`;
  return bar;
}

/** A status block that screen readers announce when its text changes. */
export function liveRegion(className, politeness = "polite") {
  return h("div", { class: className, role: politeness === "assertive" ? "alert" : "status", "aria-live": politeness });
}

/** Replace a live region's content (an empty message clears it). */
export function announce(region, message, tone = "info") {
  region.replaceChildren();
  region.dataset.tone = tone;
  if (message) region.append(message);
}

/** Re-enable `button` once `seconds` have passed (the server's Retry-After), or at once. */
export function enableAfter(button, seconds) {
  if (!seconds) {
    button.disabled = false;
    return;
  }
  button.disabled = true;
  setTimeout(() => {
    button.disabled = false;
  }, seconds * 1000);
}
