// The token and the API: where the token comes from, and requests that carry it.

const TOKEN_KEY = 'tally.token';

/** A failed API request, with what the page needs to explain it. */
export class ApiProblem extends Error {
  constructor(status, code, message, retryAfterSeconds) {
    super(message);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The problem in a sentence for the person looking at the page. */
  explain() {
    if (this.status === 401) {
      return 'The access token was not accepted. Sign in with a valid token.';
    }
    if (this.status === 429) {
      const wait = this.retryAfterSeconds ?? 60;
      return `Too many requests for now; try again in ${wait} s.`;
    }
    if (this.status === 0) {
      return 'tally did not answer. Check that the server is running, then reload.';
    }
    if (this.status >= 500) {
      return `tally could not answer (${this.status}): ${this.message}`;
    }
    return this.message;
  }
}

/**
 * The token: from the address bar's `#token=...` (moved to the session and removed from the
 * address bar, so it is neither bookmarked nor shared), or else from the session.
 */
export function takeToken() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromFragment = fragment.get('token');
  if (fromFragment) {
    storeToken(fromFragment);
    fragment.delete('token');
    const rest = fragment.toString();
    const url = window.location.pathname + window.location.search + (rest ? `#${rest}` : '');
    window.history.replaceState(window.history.state, '', url);
    return fromFragment;
  }
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** Keeps the token for this tab's session. */
export function storeToken(token) {
  try {
    window.sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage can be disabled; the token then lasts as long as the page.
  }
}

/** Forgets the token. */
export function forgetToken() {
  try {
    window.sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Nothing was stored.
  }
}

/** Talks to the API of the page's own origin with a bearer token. */
export class Api {
  constructor(token) {
    this.token = token;
  }

  /** GETs `path` and returns the response, or throws an [`ApiProblem`]. */
  async get(path, accept) {
    const headers = { Accept: accept };
    if (this.token) {
      headers.Authorization = `Bearer ${this.token}`;
    }
    let response;
    try {
      response = await fetch(path, { headers, credentials: 'omit', cache: 'no-store' });
    } catch (error) {
      throw new ApiProblem(0, 'network', String(error), null);
    }
    if (!response.ok) {
      throw await problemOf(response);
    }
    return response;
  }

  /** GETs JSON. */
  async json(path) {
    const response = await this.get(path, 'application/json');
    return response.json();
  }

  /** GETs text, such as an SVG image. */
  async text(path, accept) {
    const response = await this.get(path, accept);
    return response.text();
  }
}

async function problemOf(response) {
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  let code = 'http_error';
  let message = `The request failed with status ${response.status}.`;
  try {
    const body = await response.json();
    code = body?.error?.code ?? code;
    message = body?.error?.message ?? message;
  } catch {
    // Not the API's JSON error body; keep the generic message.
  }
  return new ApiProblem(
    response.status,
    code,
    message,
    Number.isFinite(retryAfter) ? retryAfter : null,
  );
}

/** The API paths the dashboard reads. */
export const paths = {
  me: '/api/v1/me',
  user: (user) => `/api/v1/analytics/users/${user}`,
  accounts: (user) => `/api/v1/analytics/accounts/${user}`,
  dashboard: (user, query) => `/api/v1/analytics/visualization/${user}/dashboard${query}`,
  svg: (user, chart, query) => {
    const separator = query ? '&' : '?';
    return `/api/v1/analytics/visualization/${user}/${chart}${query}${separator}format=svg`;
  },
};
