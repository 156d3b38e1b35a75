// Talking to the read API (same origin) and to ingest: keys, JSON and problem+json errors.

const KEY_STORAGE = "newsflow.key";

/** The deployment's settings, put into the page by the API (no request needed). */
export const config = JSON.parse(document.getElementById("desk-config")?.textContent || "{}");

/** Return the API key the user gave in this tab, if any. */
export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || "";
}

/** Keep the API key for this tab only (sessionStorage), or forget it. */
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** An API error: the problem's status, title, detail and field errors. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.title = body.title || `HTTP ${status}`;
    this.detail = body.detail || "";
    this.errors = body.errors || [];
  }
}

function headers(extra) {
  const key = apiKey();
  return { Accept: "application/json", ...(key ? { Authorization: `Bearer ${key}` } : {}), ...extra };
}

async function answer(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent("desk:unauthorized"));
    throw new ApiError(response.status, body);
  }
  return body;
}

/** Return the URL of an API path with query parameters. */
export function url(path, params) {
  const query = params ? new URLSearchParams(params).toString() : "";
  return query ? `${path}?${query}` : path;
}

/** GET an API path; throw an ApiError with the problem when it fails. */
export async function get(path, params) {
  let response;
  try {
    response = await fetch(url(path, params), { headers: headers() });
  } catch (error) {
    throw new ApiError(0, { title: "The API does not answer", detail: String(error) });
  }
  return answer(response);
}

/** POST an article to the ingest service; return its answer (id, status, duplicate). */
export async function postArticle(article) {
  let response;
  try {
    response = await fetch(`${config.ingest_url}/articles`, {
      method: "POST",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify(article),
    });
  } catch (error) {
    throw new ApiError(0, { title: "The ingest service does not answer", detail: String(error) });
  }
  return answer(response);
}
