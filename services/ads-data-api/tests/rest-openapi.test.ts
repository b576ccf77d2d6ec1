// The OpenAPI 3.1 document generated from the routes' zod schemas, and the rendered docs page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import request from 'supertest';

import { restRoutes } from '../src/http/rest-router';
import { createRestFixture, type RestFixture } from './support/rest-fixture';

let fixture: RestFixture;
let document: {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters?: Array<{ name: string; in: string; required?: boolean }>;
        requestBody?: unknown;
        responses: Record<string, unknown>;
      }
    >
  >;
  components: {
    schemas: Record<string, { properties?: Record<string, unknown>; additionalProperties?: unknown }>;
    securitySchemes: Record<string, unknown>;
  };
};

before(async () => {
  fixture = await createRestFixture();
  document = (await request(fixture.app).get('/api/v1/openapi.json')).body;
});
after(async () => {
  await fixture?.close();
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every route with its method and operation id', () => {
    assert.equal(document.openapi, '3.1.0');
    for (const route of restRoutes) {
      const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = document.paths[path]?.[route.method];
      assert.ok(operation, `${route.method} ${path} is documented`);
      assert.equal(operation.operationId, route.operationId);
      assert.ok(operation.responses[String(route.success.status)], `${route.operationId} documents its success`);
      assert.ok(operation.responses['401'] && operation.responses['422']);
    }
  });

  it('takes bodies and resources from the shared contracts, strict where the API is strict', () => {
    const schemas = document.components.schemas;
    for (const name of ['Campaign', 'CampaignCreate', 'Ad', 'Advertiser', 'Report', 'Problem', 'ApiKeyCreated']) {
      assert.ok(schemas[name], `${name} is a named schema`);
    }
    assert.ok(schemas.Campaign!.properties!.targeting);
    assert.equal(schemas.CampaignCreate!.additionalProperties, false);
    assert.ok(document.components.securitySchemes.apiKey);
  });

  it('documents query parameters, If-Match and Idempotency-Key', () => {
    const list = document.paths['/campaigns']!.get!;
    const names = (list.parameters ?? []).map((parameter) => parameter.name);
    for (const name of ['limit', 'cursor', 'sort', 'status', 'advertiserId', 'q']) assert.ok(names.includes(name), name);
    const patch = document.paths['/campaigns/{id}']!.patch!;
    assert.ok(
      patch.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'If-Match' && parameter.required === true),
    );
    assert.ok(patch.responses['412'] && patch.responses['428']);
    const create = document.paths['/campaigns']!.post!;
    assert.ok(create.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key'));
    assert.ok(create.requestBody);
  });
});

describe('docs page', () => {
  it('renders Swagger UI from local assets pointing at the document', async () => {
    const page = await request(fixture.app).get('/api/docs/');
    assert.equal(page.status, 200);
    assert.match(page.text, /swagger-ui/);
    assert.doesNotMatch(page.text, /https?:\/\/(cdn|unpkg|cdnjs)/);
    const init = await request(fixture.app).get('/api/docs/swagger-ui-init.js');
    assert.equal(init.status, 200);
    assert.match(init.text, /\/api\/v1\/openapi\.json/);
    const css = await request(fixture.app).get('/api/docs/swagger-ui.css');
    assert.equal(css.status, 200);
  });
});
