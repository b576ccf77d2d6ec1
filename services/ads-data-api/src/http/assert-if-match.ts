import { entityTagOf, ifMatchAllows, type IfMatch } from '../domain/entity-tag';
import { DataApiError } from '../errors';

/** 412 unless If-Match names the row's current version (or is `*` or absent where allowed). */
export function assertIfMatch(ifMatch: IfMatch, currentVersion: number, entity: string): void {
  if (!ifMatchAllows(ifMatch, currentVersion)) {
    throw new DataApiError(
      'PRECONDITION_FAILED',
      `the ${entity} changed since you read it: it is now at ETag ${entityTagOf(currentVersion)}; read it again and redo the change`,
    );
  }
}
