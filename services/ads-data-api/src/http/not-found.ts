import { DataApiError } from '../errors';

/** 404 for a row that does not exist or that the caller may not see: the two look alike. */
export function notFound(entity: string, id: string): DataApiError {
  return new DataApiError('NOT_FOUND', `no ${entity} ${id}`);
}
