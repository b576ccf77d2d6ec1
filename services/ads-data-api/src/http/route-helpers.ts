import { z } from 'zod';
import { entityTagOf, ifMatchAllows, type IfMatch } from '../domain/entity-tag';
import { DataApiError } from '../errors';
import type { KeysetPage } from '../store/keyset-page';
import type { RouteResult } from './rest-route';

/** `/:id` of every resource: ids are UUIDs (anything else is a 404). */
export const idParams = z.object({ id: z.guid() });

/**
 * Roles that may read inventory (services read, for the warmers); importer keys only write
 * feeds through the RPC and do not read inventory over REST.
 */
export const everyRole = ['admin', 'advertiser', 'service'] as const;

/** Every role there is: who may authenticate at all (and ask `GET /me`). */
export const allRoles = ['admin', 'advertiser', 'service', 'importer'] as const;

/** A list page as the API answers it. */
export function pageResult<Item>(page: KeysetPage<Item>): RouteResult {
  return { status: 200, body: { items: page.rows, nextCursor: page.nextCursor } };
}

/** 404 for a row that does not exist or that the caller may not see: the two look alike. */
export function notFound(entity: string, id: string): DataApiError {
  return new DataApiError('NOT_FOUND', `no ${entity} ${id}`);
}

/** 412 unless If-Match names the row's current version (or is `*` or absent where allowed). */
export function assertIfMatch(ifMatch: IfMatch, currentVersion: number, entity: string): void {
  if (!ifMatchAllows(ifMatch, currentVersion)) {
    throw new DataApiError(
      'PRECONDITION_FAILED',
      `the ${entity} changed since you read it: it is now at ETag ${entityTagOf(currentVersion)}; read it again and redo the change`,
    );
  }
}

/** 409 naming each broken rule. */
export function ruleConflict(summary: string, violations: Array<{ field: string; message: string }>): DataApiError {
  return new DataApiError('CONFLICT', `${summary}: ${violations.map((violation) => violation.message).join('; ')}`, {
    fields: violations.map((violation) => ({ path: violation.field.split('.'), message: violation.message })),
  });
}

/** 422 naming each bad field. */
export function invalidFields(violations: Array<{ field: string; message: string }>): DataApiError {
  return new DataApiError('VALIDATION_FAILED', violations.map((violation) => `${violation.field}: ${violation.message}`).join('; '), {
    fields: violations.map((violation) => ({ path: violation.field.split('.'), message: violation.message })),
  });
}
