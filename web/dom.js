// Small DOM helpers for the dashboard. Text always goes in through textContent, never innerHTML,
// so nothing from an execution's input or history can become markup.
/* global document */

const svgNs = 'http://www.w3.org/2000/svg';

function apply(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function')
      node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
  }
  return node;
}

/** An HTML element: h('a', { href: '#/', class: 'x', text: 'label' }, ...children). */
export function h(tag, attrs, ...children) {
  return apply(document.createElement(tag), attrs, children);
}

/** An SVG element, same calling convention as h(). */
export function s(tag, attrs, ...children) {
  return apply(document.createElementNS(svgNs, tag), attrs, children);
}

/** Formats epoch ms as a local date-time, to the second. */
export function formatTime(ms) {
  if (ms === undefined || ms === null) return '—';
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Formats a duration in ms the way people read it: 850 ms, 12.4 s, 3 min 20 s, 2 h 5 min. */
export function formatDuration(ms) {
  if (ms === undefined || ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** Pretty-prints a JSON string; returns it unchanged when it is not JSON. */
export function prettyJson(text) {
  if (text === undefined || text === null) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return String(text);
  }
}

/** A status badge for an execution status (RUNNING...) or a step status (succeeded...). */
export function statusBadge(status) {
  const key = String(status).toLowerCase().replace(/_/g, '-');
  return h('span', { class: `badge status-${key}`, text: String(status).replace(/_/g, ' ') });
}

/**
 * An error and its cause for people. A Lambda-style cause (`{"errorMessage","errorType","trace"}`)
 * shows its message, with the trace folded away; any other cause is shown as it is.
 */
export function errorView(error, cause) {
  if (!error && !cause) return null;
  let message = cause ?? '';
  let trace;
  try {
    const parsed = JSON.parse(cause);
    if (parsed && typeof parsed.errorMessage === 'string') {
      message = parsed.errorMessage;
      if (Array.isArray(parsed.trace) && parsed.trace.length > 0) trace = parsed.trace.join('\n');
    }
  } catch {
    // not JSON: show the cause as it is
  }
  return h(
    'div',
    { class: 'error-view' },
    h('span', { class: 'error', text: `${error ?? 'Error'}${message ? `: ${message}` : ''}` }),
    trace ? h('details', {}, h('summary', { text: 'Trace' }), h('pre', { text: trace })) : null,
  );
}
