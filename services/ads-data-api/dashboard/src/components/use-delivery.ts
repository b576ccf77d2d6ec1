import type { DeliveryLevel, DeliveryRow } from '../api/entities';
import { useSession } from '../session/session';
import { useLoader, type Loaded } from './use-loader';

/** The delivery of a list page's rows in one `GET /delivery`; nothing is read without a level or rows. */
export function useDelivery(level: DeliveryLevel | undefined, ids: readonly string[]): Loaded<Map<string, DeliveryRow>> {
  const { api } = useSession();
  const key = level === undefined || ids.length === 0 ? '' : `${level}:${ids.join(',')}`;
  return useLoader(async (signal) => {
    if (key === '' || level === undefined) return new Map<string, DeliveryRow>();
    const { data } = await api.get<{ items: DeliveryRow[] }>('/delivery', { level, ids: ids.join(',') }, signal);
    return new Map(data.items.map((row) => [row.id, row]));
  }, key);
}
