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
  selection,
}: {
  columns: Column<T>[];
  rows: T[];
  empty: string;
  testId: string;
  /** Row checkboxes (and one for the whole page) for actions on several rows. */
  selection?: { selected: ReadonlySet<string>; onChange: (selected: ReadonlySet<string>) => void };
}) {
  const allSelected = selection !== undefined && rows.length > 0 && rows.every((row) => selection.selected.has(row.id));
  const toggle = (id: string) => {
    if (selection === undefined) return;
    const next = new Set(selection.selected);
    if (!next.delete(id)) next.add(id);
    selection.onChange(next);
  };
  return (
    <div className="table-wrap">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {selection && (
              <th scope="col" className="select">
                <input
                  type="checkbox"
                  aria-label="Select every row of this page"
                  checked={allSelected}
                  onChange={() => selection.onChange(allSelected ? new Set() : new Set(rows.map((row) => row.id)))}
                />
              </th>
            )}
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
              <td colSpan={columns.length + (selection ? 1 : 0)} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.id} data-id={row.id}>
                {selection && (
                  <td className="select">
                    <input
                      type="checkbox"
                      aria-label="Select this row"
                      data-testid="select-row"
                      checked={selection.selected.has(row.id)}
                      onChange={() => toggle(row.id)}
                    />
                  </td>
                )}
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
