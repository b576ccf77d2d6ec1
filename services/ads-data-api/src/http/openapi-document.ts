import { dataApi, inventory, rest } from '@ads/ads-client';
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { errorCatalogue, type DataApiErrorCode } from '../errors';
import type { RestRoute } from './rest-route';

// Schemas worth a name in the document: every use of the same schema object becomes a $ref.
const namedSchemas = {
  Advertiser: rest.advertiserResource,
  AdvertiserCreate: inventory.advertiserCreate,
  AdvertiserUpdate: inventory.advertiserUpdate,
  Campaign: inventory.campaign,
  CampaignCreate: inventory.campaignCreate,
  CampaignUpdate: inventory.campaignUpdate,
  Targeting: inventory.targeting,
  FrequencyCap: inventory.frequencyCap,
  Ad: inventory.ad,
  AdCreate: inventory.adCreate,
  AdUpdate: inventory.adUpdate,
  Site: rest.siteResource,
  SiteCreate: inventory.siteCreate,
  SiteUpdate: inventory.siteUpdate,
  Placement: rest.placementResource,
  PlacementCreate: inventory.placementCreate,
  PlacementUpdate: inventory.placementUpdate,
  FeatureSwitch: rest.featureSwitchResource,
  FeatureSwitchCreate: inventory.featureSwitchCreate,
  FeatureSwitchUpdate: inventory.featureSwitchUpdate,
  ApiKey: rest.apiKey,
  ApiKeyCreate: rest.apiKeyCreate,
  ApiKeyCreated: rest.apiKeyCreated,
  AuditLogEntry: rest.auditLogEntry,
  ImportRun: rest.importRunResource,
  ImportRowError: dataApi.importRowError,
  Report: rest.report,
  ReportPoint: rest.reportPoint,
  Delivery: rest.delivery,
  DeliveryRow: rest.deliveryRow,
  StatsTotals: dataApi.statsTotals,
  Principal: rest.principal,
  Problem: rest.problemDocument,
  FieldProblem: rest.fieldProblem,
};

// The catalogue codes REST answers with (the rest of the catalogue is for commands and the RPC).
const restProblemCodes = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'UNSUPPORTED_MEDIA_TYPE',
  'VALIDATION_FAILED',
  'IDEMPOTENCY_KEY_REUSED',
  'PRECONDITION_REQUIRED',
] as const satisfies readonly DataApiErrorCode[];

const statusText: Record<number, string> = {
  400: 'The request cannot be read',
  401: 'No API key, or an unknown or revoked one',
  403: "The key's role may not do this",
  404: 'Not found, or not visible to this key',
  409: 'A business rule or a uniqueness constraint refuses the write',
  412: 'If-Match names a version that is no longer current',
  422: 'Invalid fields: `errors` names each one',
  428: 'If-Match is required',
};

const ifMatchHeader = z
  .string()
  .meta({ description: 'The ETag read before (`W/"<version>"`), or `*` to overwrite whatever is current. A stale tag is answered 412.' });
const idempotencyKeyHeader = z.string().min(1).max(255).meta({
  description: 'Any unique string (a UUID): a retry with the same key and body gets the first answer again; with another body, 422.',
});

function operationOf(route: RestRoute): ZodOpenApiOperationObject {
  const headers: Record<string, z.ZodType> = {};
  if (route.ifMatch === 'required') headers['If-Match'] = ifMatchHeader;
  if (route.ifMatch === 'optional') headers['If-Match'] = ifMatchHeader.optional();
  if (route.method === 'post' && route.write) headers['Idempotency-Key'] = idempotencyKeyHeader.optional();

  const problem = (status: number) => ({
    description: statusText[status] ?? 'Refused',
    content: { 'application/problem+json': { schema: rest.problemDocument } },
  });
  const responses: ZodOpenApiOperationObject['responses'] = {
    [String(route.success.status)]: {
      description: route.success.description,
      ...(route.success.etag === true
        ? { headers: z.object({ ETag: z.string().meta({ description: 'W/"<version>": send it as If-Match to change the row' }) }) }
        : {}),
      ...(route.success.schema === undefined
        ? {}
        : {
            content: {
              'application/json': { schema: route.success.schema },
              ...Object.fromEntries(Object.entries(route.success.otherMediaTypes ?? {}).map(([type, schema]) => [type, { schema }])),
            },
          }),
    },
  };
  const problems = new Set([401, 403, 422, ...(route.problems ?? [])]);
  for (const status of [...problems].sort()) responses[String(status) as `4${string}`] = problem(status);

  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: `${route.description ?? ''}\n\nRoles: ${route.roles.join(', ')}.`.trim(),
    security: [{ apiKey: [] }],
    requestParams: {
      ...(route.params === undefined ? {} : { path: route.params as z.ZodObject }),
      ...(route.query === undefined ? {} : { query: route.query as z.ZodObject }),
      ...(Object.keys(headers).length === 0 ? {} : { header: z.object(headers) }),
    },
    ...(route.body === undefined ? {} : { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }),
    responses,
  };
}

/** The OpenAPI 3.1 document of the REST API, generated from the routes' zod schemas. */
export function buildOpenApiDocument(routes: readonly RestRoute[]): ReturnType<typeof createDocument> {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  const codes = restProblemCodes.map((code) => `\`${code}\` (${errorCatalogue[code].httpStatus}): ${errorCatalogue[code].summary}`);
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Ads Data API',
      version: '1.0.0',
      description: [
        'REST API of the ads platform: advertisers, campaigns, ads, publisher sites and placements, feature switches, API keys, reports, forecasts, audit log, import runs.',
        '',
        'Authenticate with `Authorization: Bearer <API key>`. Admin keys see everything; advertiser keys see only their advertiser (other rows answer 404); service keys read.',
        'Money: budgets and bids in integer cents; spend in integer micros (10,000 per cent).',
        'Lists: `limit` (1-200, default 50), opaque `cursor` (pass `nextCursor` back), whitelisted `sort` (`field` or `-field`), filters. Unknown query parameters and body fields are refused.',
        'Writes: `PATCH` and transitions need `If-Match` with the ETag read (`*` to overwrite anyway); `POST` accepts `Idempotency-Key`.',
        'Errors are `application/problem+json` with a stable `code` and `errors: [{field, message}]`. Codes:',
        ...codes.map((line) => `- ${line}`),
      ].join('\n'),
    },
    servers: [{ url: '/api/v1' }],
    paths,
    components: {
      schemas: namedSchemas,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `ads_…`' } },
    },
  });
}
