// Builds DOM nodes from data without innerHTML: every string becomes a text node or an
// attribute value, so nothing the API returns is ever parsed as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style') Object.assign(el.style, value); // CSSOM: allowed by style-src 'self'
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** h('a', { href, class }, 'text', otherNode, [more]) */
export const h = (tag, props, ...children) => build(document.createElement(tag), props, children);

/** The same for SVG elements. */
export const s = (tag, props, ...children) => build(document.createElementNS(SVG_NS, tag), props, children);

/**
 * Replaces a container's children only when the data they were built from changed, so a
 * poll that brings nothing new does not reset scroll, selection or focus.
 */
export function renderIfChanged(container, data, render) {
  const key = JSON.stringify(data);
  if (container.dataset.renderKey === key) return false;
  const focusedKey = document.activeElement?.closest?.('[data-key]')?.dataset.key;
  container.replaceChildren(...[render(data)].flat());
  container.dataset.renderKey = key;
  if (focusedKey && container.isConnected) {
    const again = [...container.querySelectorAll('[data-key]')].find((n) => n.dataset.key === focusedKey);
    (again?.matches('a, button, input, select, textarea') ? again : again?.querySelector('a, button'))?.focus();
  }
  return true;
}
