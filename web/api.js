// The dashboard's client of /dashboard/api: JSON in and out, the operator's API key as a bearer
// token (kept for this browser tab only), and problem+json errors turned into readable messages.
/* global fetch, sessionStorage, URLSearchParams */

const keyName = 'paystep.apiKey';

export function apiKey() {
  return sessionStorage.getItem(keyName) ?? '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(keyName, key);
  else sessionStorage.removeItem(keyName);
}

export class ApiProblem extends Error {
  constructor(status, detail, code) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

/** GETs (or POSTs, with `body`) a dashboard API path and returns the parsed JSON. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  const key = apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`/dashboard/api${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { detail: text };
  }
  if (!response.ok) {
    const detail = json.detail ?? json.message ?? `HTTP ${response.status}`;
    throw new ApiProblem(response.status, detail, json.code);
  }
  return json;
}

/** A query string from an object, leaving out empty values. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
