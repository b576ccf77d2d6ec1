import type { MethodDescription, RouterDescription } from './router-description.js';

/** What the docs page says beyond the contract: how a caller proves who it is. */
export interface DocsPageOptions {
  /** One paragraph of plain text: which key to send, how, and where to get one. */
  authentication?: string;
  /** Whether the try-it form asks for a key (default true). */
  needsKey?: boolean;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  format?: string;
  minimum?: number;
  minLength?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

/**
 * An example value for a JSON Schema, for the docs page: the schema's own example or default if
 * it has one, else a value of the right shape (required properties only, one array item).
 */
export function exampleOf(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || depth > 8) return null;
  const node = schema as JsonSchema;
  if (node.examples !== undefined && node.examples.length > 0) return node.examples[0];
  if (node.default !== undefined) return node.default;
  if (node.const !== undefined) return node.const;
  if (node.enum !== undefined && node.enum.length > 0) return node.enum[0];
  const variants = node.anyOf ?? node.oneOf;
  if (variants !== undefined) return exampleOf(variants.find((variant) => variant.type !== 'null') ?? variants[0], depth + 1);
  const type = Array.isArray(node.type) ? node.type.find((name) => name !== 'null') : node.type;
  switch (type) {
    case 'object': {
      const required = new Set(node.required ?? []);
      const entries = Object.entries(node.properties ?? {}).filter(([name]) => required.has(name));
      return Object.fromEntries(entries.map(([name, property]) => [name, exampleOf(property, depth + 1)]));
    }
    case 'array':
      return node.items === undefined ? [] : [exampleOf(node.items, depth + 1)];
    case 'string':
      return stringExample(node);
    case 'integer':
    case 'number':
      return node.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return null;
  }
}

function stringExample(node: JsonSchema): string {
  if (node.format === 'date-time') return '2026-01-01T00:00:00.000Z';
  if (node.format === 'uri') return 'https://example.com/';
  if (node.format === 'email') return 'ops@example.com';
  return 'x'.repeat(Math.max(1, Math.min(node.minLength ?? 1, 8)));
}

function callExample(method: MethodDescription): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method: method.name, params: exampleOf(method.paramsSchema) });
}

function curlExample(method: MethodDescription, needsKey: boolean): string {
  const body = callExample(method).replace(/'/g, `'\\''`);
  return [
    `curl -s -X POST "$RPC_URL"`,
    `-H 'content-type: application/json'`,
    ...(needsKey ? [`-H "authorization: Bearer $API_KEY"`] : []),
    `-d '${body}'`,
  ].join(' \\\n  ');
}

function methodArticle(method: MethodDescription, needsKey: boolean): string {
  const name = escapeHtml(method.name);
  const params = JSON.stringify(exampleOf(method.paramsSchema), null, 2);
  return `<article class="method" id="${name}">
<h3><code>${name}</code>${method.idempotent ? ' <span class="tag">idempotent</span>' : ''}</h3>
<p>${escapeHtml(method.summary)}</p>
<details><summary>example request (curl)</summary><pre>${escapeHtml(curlExample(method, needsKey))}</pre></details>
<details><summary>params schema</summary><pre>${escapeHtml(JSON.stringify(method.paramsSchema, null, 2))}</pre></details>
<details><summary>result schema</summary><pre>${escapeHtml(JSON.stringify(method.resultSchema, null, 2))}</pre></details>
<details class="try"><summary>try it</summary>
<form data-method="${name}"><label>params (JSON)<textarea name="params" rows="${Math.min(20, params.split('\n').length + 1)}" spellcheck="false">${escapeHtml(params)}</textarea></label>
<button type="submit">Call ${name}</button><output></output></form></details>
</article>`;
}

// The try-it forms post to the RPC endpoint this page is served under (the page is `<mount>/docs`).
const TRY_IT_SCRIPT = `
const endpoint = new URL('./', location.href).href;
for (const element of document.querySelectorAll('.rpc-url')) element.textContent = endpoint;
const keyInput = document.getElementById('api-key');
if (keyInput) keyInput.value = sessionStorage.getItem('rpc-docs-key') || '';
for (const form of document.querySelectorAll('form[data-method]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const output = form.querySelector('output');
    let params;
    try { params = JSON.parse(form.elements.params.value); } catch (error) { output.textContent = 'params are not JSON: ' + error.message; return; }
    const headers = { 'content-type': 'application/json' };
    if (keyInput && keyInput.value) { headers.authorization = 'Bearer ' + keyInput.value; sessionStorage.setItem('rpc-docs-key', keyInput.value); }
    output.textContent = 'calling…';
    try {
      const response = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: form.dataset.method, params }) });
      output.textContent = 'HTTP ' + response.status + '\\n' + JSON.stringify(await response.json(), null, 2);
    } catch (error) { output.textContent = 'could not reach the server: ' + error.message; }
  });
}`;

/**
 * The human-readable docs page of a server, rendered from its self-description: how to
 * authenticate, and per method a curl example, the schemas and a form to try a call.
 */
export function renderDocsPage(description: RouterDescription, options: DocsPageOptions = {}): string {
  const needsKey = options.needsKey ?? true;
  const byNamespace = new Map<string, MethodDescription[]>();
  for (const method of description.methods) {
    const namespace = method.name.split('.', 1)[0]!;
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), method]);
  }
  const sections = [...byNamespace]
    .map(
      ([namespace, methods]) =>
        `<section id="ns-${escapeHtml(namespace)}"><h2>${escapeHtml(namespace)}</h2>${methods.map((method) => methodArticle(method, needsKey)).join('\n')}</section>`,
    )
    .join('\n');
  const errorRows = Object.entries(description.errors)
    .map(([code, entry]) => `<tr><td><code>${code}</code></td><td>${entry.jsonRpc}</td><td>${entry.httpStatus}</td></tr>`)
    .join('');
  const keyField = needsKey
    ? `<p><label>API key for the try-it forms <input id="api-key" type="password" autocomplete="off" size="40"></label> (kept in this tab only)</p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(description.info.title)} RPC</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
.method{border-top:1px solid #ddd;padding:.5rem 0}.tag{font-size:.7rem;background:#e0f0e0;padding:.1rem .3rem;border-radius:.2rem}
pre,output{display:block;background:#f6f6f6;padding:.5rem;overflow:auto;white-space:pre}textarea{display:block;width:100%;font-family:monospace}
table{border-collapse:collapse}td{padding:.2rem .6rem;border-bottom:1px solid #eee}.auth{background:#fff8e0;padding:.5rem 1rem;border-radius:.3rem}</style>
</head><body>
<h1>${escapeHtml(description.info.title)} <small>v${escapeHtml(description.info.version)}</small></h1>
<p>JSON-RPC 2.0 over HTTP POST to <code class="rpc-url">this page's folder</code> (<code>application/json</code> or <code>application/msgpack</code>); send an array for a batch.
Machine-readable description: <a href="describe">describe</a>. The curl examples read the endpoint from <code>$RPC_URL</code>${needsKey ? ' and the key from <code>$API_KEY</code>' : ''}.</p>
<div class="auth"><h2>Authentication</h2><p>${escapeHtml(options.authentication ?? (needsKey ? 'Send an API key as Authorization: Bearer <key>.' : 'No key is needed.'))}</p></div>
${keyField}
${sections}
<h2>Error codes</h2><table><tr><th>code</th><th>JSON-RPC</th><th>HTTP</th></tr>${errorRows}</table>
<script type="module">${TRY_IT_SCRIPT}</script>
</body></html>`;
}
