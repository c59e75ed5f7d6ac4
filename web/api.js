// The JSON API of `auditscope serve` (src/server/server.ts).

async function json(res) {
  const body = await res.json().catch(() => ({}));
  if (!res.ok && !body.error) body.error = `HTTP ${res.status}`;
  return body;
}

export const getJson = (path) => fetch(path, { headers: { accept: 'application/json' } }).then(json);

export const postJson = (path, body) =>
  fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }).then(json);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
