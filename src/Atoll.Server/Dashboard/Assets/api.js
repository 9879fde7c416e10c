import { parseJson } from './json.js';

// The token lives in this tab's sessionStorage only: sent as an Authorization header, never in a URL, a cookie or a log.
const TOKEN_KEY = 'atoll.token';

export class ApiError extends Error {
  constructor(status, errors) {
    const first = errors[0] ?? { code: 0, message: `HTTP ${status}` };
    super(first.message);
    this.status = status;
    this.code = first.code;
    this.errors = errors;
  }
}

export const session = {
  token: sessionStorage.getItem(TOKEN_KEY),
  info: null,
  get canWrite() { return this.info?.permission === 'edit'; },
  get canManage() { return this.info?.account_editor === true; },
  get account() { return this.info?.account_id; },
  signIn(token) { this.token = token; sessionStorage.setItem(TOKEN_KEY, token); },
  signOut() { this.token = null; this.info = null; sessionStorage.removeItem(TOKEN_KEY); },
};

// Calls the v4 API; returns {result, resultInfo, headers} or throws ApiError with D1's code and words.
export async function api(method, path, body, { rawBody = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : rawBody ? body : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const text = await response.text();
  let envelope;
  try {
    envelope = parseJson(text);
  } catch {
    throw new ApiError(response.status, [{ code: 0, message: `Unexpected reply (HTTP ${response.status})` }]);
  }
  if (!response.ok || envelope.success === false) {
    const errors = Array.isArray(envelope.errors) && envelope.errors.length > 0 ? envelope.errors : [{ code: 0, message: `HTTP ${response.status}` }];
    throw new ApiError(response.status, errors);
  }
  return { result: envelope.result, resultInfo: envelope.result_info, headers: response.headers, envelope };
}

export const paths = {
  databases: () => `/client/v4/accounts/${encodeURIComponent(session.account)}/d1/database`,
  database: (name) => `${paths.databases()}/${encodeURIComponent(name)}`,
};

// Runs SQL through /raw (columns + rows, exact integers). `bodyText` is the request's JSON text, so parameters the
// user typed (e.g. 9007199254740993) reach the server digit for digit.
export async function raw(database, bodyText) {
  return api('POST', `${paths.database(database)}/raw`, bodyText, { rawBody: true });
}

export function sqlBody(sql, paramsText = '[]') {
  return `{"sql":${JSON.stringify(sql)},"params":${paramsText.trim() || '[]'}}`;
}

export function quoteIdentifier(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}
