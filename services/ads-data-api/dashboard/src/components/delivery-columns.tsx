import type { DeliveryRow } from '../api/entities';
import { formatMicros } from '../domain/money';
import type { Column } from './data-table';

const count = new Intl.NumberFormat('en-US');

/** "2.50%"; a dash without impressions. */
export function formatCtr(ctr: number, impressions: number): string {
  return impressions === 0 ? '—' : `${(ctr * 100).toFixed(2)}%`;
}

/** Impressions, clicks, CTR (since the start) and spend today and in total, for a list of rows. */
export function deliveryColumns<T extends { id: string }>(delivery: Map<string, DeliveryRow> | undefined): Column<T>[] {
  const figure = (render: (row: DeliveryRow) => string) => (row: T) => {
    const found = delivery?.get(row.id);
    return found === undefined ? '…' : render(found);
  };
  return [
    { header: 'Impressions', cell: figure((row) => count.format(row.impressions)), className: 'number delivery-impressions' },
    { header: 'Clicks', cell: figure((row) => count.format(row.clicks)), className: 'number delivery-clicks' },
    { header: 'CTR', cell: figure((row) => formatCtr(row.ctr, row.impressions)), className: 'number delivery-ctr' },
    { header: 'Spend today', cell: figure((row) => formatMicros(row.today.spendMicros)), className: 'number delivery-spend-today' },
    { header: 'Spend total', cell: figure((row) => formatMicros(row.spendMicros)), className: 'number delivery-spend-total' },
  ];
}
