// JSON API client. A non-2xx answer throws an ApiError carrying the server's message and
// field issues, so views can show them as they are.

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.issues = (body && body.issues) || [];
  }
}

async function request(method, url, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(url, init);
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const api = {
  get: (url) => request('GET', url),
  post: (url, body) => request('POST', url, body),
  del: (url) => request('DELETE', url),
};

let metaPromise = null;
/** Strategies, data sources, exit rules and metric names (fetched once). */
export function meta() {
  metaPromise ??= api.get('/api/meta');
  return metaPromise;
}
