import type { KeysetPage } from '../store/keyset-page';
import type { RouteResult } from './rest-route';

/** A list page as the API answers it. */
export function pageResult<Item>(page: KeysetPage<Item>): RouteResult {
  return { status: 200, body: { items: page.rows, nextCursor: page.nextCursor } };
}
