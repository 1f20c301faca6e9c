// Helpers shared by the review page's modules: element lookup and creation (text only via textContent) and calls
// to the page's own API (/review/api/*), whose errors become readable messages.
export const $ = (id) => document.getElementById(id);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}

export async function api(path, body) {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(`/review/api/${path}`, init);
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    const details = Array.isArray(json.details) ? ` (${json.details.join('; ')})` : '';
    throw new Error(`${json.message ?? `HTTP ${response.status}`}${details}`);
  }
  return json;
}
