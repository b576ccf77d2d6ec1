import type { ReactNode } from 'react';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  className?: string;
}

/** A plain table of rows; `testId` names it and each row carries `data-id`. */
export function DataTable<T extends { id: string }>({
  columns,
  rows,
  empty,
  testId,
}: {
  columns: Column<T>[];
  rows: T[];
  empty: string;
  testId: string;
}) {
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={column.className}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.id} data-id={row.id}>
                {columns.map((column) => (
                  <td key={column.header} className={column.className}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.replace(/[^a-z_]/g, '')}`}>{status.replace(/_/g, ' ')}</span>;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDate(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const at = Date.parse(value);
  return Number.isFinite(at) ? dateOnly.format(at) : value;
}

export function formatDateTime(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const at = Date.parse(value);
  return Number.isFinite(at) ? dateTime.format(at) : value;
}
