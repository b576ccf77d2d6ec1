import { z } from 'zod';
import type { RouterContract } from './contract.js';
import { RPC_ERROR_CODES } from './error-codes.js';

/** One method in the self-description. */
export interface MethodDescription {
  name: string;
  summary: string;
  idempotent: boolean;
  paramsSchema: unknown;
  resultSchema: unknown;
}

/** An OpenRPC-style document: what a dynamic client needs to call a server without its contract. */
export interface RouterDescription {
  openrpc: '1.3.2';
  info: { title: string; version: string };
  methods: MethodDescription[];
  errors: Record<string, { jsonRpc: number; httpStatus: number }>;
}

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  // Transforms and dates have no exact JSON Schema: they are described as "any" rather than failing.
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

export function describeRouter(contract: RouterContract, info: { title: string; version: string }): RouterDescription {
  const methods: MethodDescription[] = [];
  for (const [namespace, namespaceMethods] of Object.entries(contract)) {
    for (const [name, method] of Object.entries(namespaceMethods)) {
      methods.push({
        name: `${namespace}.${name}`,
        summary: method.doc,
        idempotent: method.idempotent,
        paramsSchema: toJsonSchema(method.input, 'input'),
        resultSchema: toJsonSchema(method.output, 'output'),
      });
    }
  }
  return { openrpc: '1.3.2', info, methods, errors: RPC_ERROR_CODES };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The human-readable docs page of a server, rendered from its self-description. */
export function renderDocsPage(description: RouterDescription): string {
  const byNamespace = new Map<string, MethodDescription[]>();
  for (const method of description.methods) {
    const namespace = method.name.split('.', 1)[0]!;
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), method]);
  }
  const sections = [...byNamespace]
    .map(
      ([namespace, methods]) => `<section id="ns-${escapeHtml(namespace)}"><h2>${escapeHtml(namespace)}</h2>${methods
        .map(
          (method) => `<article class="method" id="${escapeHtml(method.name)}">
<h3><code>${escapeHtml(method.name)}</code>${method.idempotent ? ' <span class="tag">idempotent</span>' : ''}</h3>
<p>${escapeHtml(method.summary)}</p>
<details><summary>params</summary><pre>${escapeHtml(JSON.stringify(method.paramsSchema, null, 2))}</pre></details>
<details><summary>result</summary><pre>${escapeHtml(JSON.stringify(method.resultSchema, null, 2))}</pre></details>
</article>`,
        )
        .join('\n')}</section>`,
    )
    .join('\n');
  const errorRows = Object.entries(description.errors)
    .map(([code, entry]) => `<tr><td><code>${code}</code></td><td>${entry.jsonRpc}</td><td>${entry.httpStatus}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(description.info.title)} RPC</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
.method{border-top:1px solid #ddd;padding:.5rem 0}.tag{font-size:.7rem;background:#e0f0e0;padding:.1rem .3rem;border-radius:.2rem}
pre{background:#f6f6f6;padding:.5rem;overflow:auto}table{border-collapse:collapse}td{padding:.2rem .6rem;border-bottom:1px solid #eee}</style>
</head><body>
<h1>${escapeHtml(description.info.title)} <small>v${escapeHtml(description.info.version)}</small></h1>
<p>JSON-RPC 2.0 over HTTP POST (<code>application/json</code> or <code>application/msgpack</code>); send an array for a batch.
Machine-readable description: <a href="describe">describe</a>.</p>
${sections}
<h2>Error codes</h2><table><tr><th>code</th><th>JSON-RPC</th><th>HTTP</th></tr>${errorRows}</table>
</body></html>`;
}
