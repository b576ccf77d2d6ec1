import { useState, type ReactNode } from 'react';
import type { Page, Query } from '../api/api-client';
import type { DeliveryLevel, DeliveryRow } from '../api/entities';
import { useSession } from '../session/session';
import { Link } from '../router/router';
import { BulkBar, type BulkAction } from './bulk-bar';
import { DataTable, type Column } from './data-table';
import { deliveryColumns } from './delivery-columns';
import { ProblemBanner } from './problem-banner';
import { useDelivery } from './use-delivery';
import { useDebounced, useLoader } from './use-loader';

export interface SelectFilter {
  name: string;
  label: string;
  options: Array<{ value: string; label: string }>;
}

export interface SortOption {
  value: string;
  label: string;
}

export interface ListPageProps<T extends { id: string }> {
  title: string;
  /** REST path of the collection, e.g. "/campaigns". */
  path: string;
  columns: Column<T>[];
  /** Stable name for tests: the table is `${testId}-table`, the search box `${testId}-search`. */
  testId: string;
  newLink?: { to: string; label: string };
  searchLabel?: string;
  /** False for collections the API cannot search (it refuses an unknown `q`). */
  searchable?: boolean;
  filters?: SelectFilter[];
  sorts?: SortOption[];
  /** Fixed filters, e.g. the advertiser whose campaigns are listed. */
  baseQuery?: Query;
  /** Rendered above the table. */
  intro?: ReactNode;
  /** Heading level 2 instead of a page title, when the list is part of another page. */
  embedded?: boolean;
  /** Changing it reloads the current page (after an action on a row). */
  refreshKey?: number;
  /** Adds impressions, clicks, CTR and spend today and in total of each row (`GET /delivery`). */
  delivery?: DeliveryLevel;
  /** Columns that read the rows' delivery too (a campaign's pacing), after the delivery figures. */
  deliveryExtras?: (delivery: Map<string, DeliveryRow> | undefined) => Column<T>[];
  /** Actions on the selected rows; with them each row gets a checkbox. */
  bulkActions?: BulkAction<T>[];
}

const PAGE_SIZES = [25, 50, 100];

/** A searchable, filterable list with cursor pagination over one REST collection. */
export function ListPage<T extends { id: string }>(props: ListPageProps<T>) {
  const { api } = useSession();
  const [search, setSearch] = useState('');
  const [filterValues, setFilterValues] = useState<Record<string, string>>({});
  const [sort, setSort] = useState(props.sorts?.[0]?.value ?? '');
  const [limit, setLimit] = useState(PAGE_SIZES[0]!);
  const settledSearch = useDebounced(search.trim(), 300);
  const filtersKey = JSON.stringify([props.path, props.baseQuery, filterValues, settledSearch, sort, limit]);
  // Cursors of the pages up to the current one, so that "Previous" can go back. They belong
  // to one set of filters: new filters start from the first page in the same render.
  const [cursorState, setCursorState] = useState<{ filtersKey: string; stack: Array<string | null> }>({ filtersKey, stack: [null] });
  const cursors = cursorState.filtersKey === filtersKey ? cursorState.stack : [null];
  const setCursors = (next: (stack: Array<string | null>) => Array<string | null>) => setCursorState({ filtersKey, stack: next(cursors) });

  const query: Query = {
    ...props.baseQuery,
    ...filterValues,
    q: props.searchable === false ? undefined : settledSearch,
    sort,
    limit,
    cursor: cursors[cursors.length - 1],
  };
  const queryKey = `${props.path}${JSON.stringify(query)}:${props.refreshKey ?? 0}`;

  const page = useLoader<Page<T>>((signal) => api.list<T>(props.path, query, signal), queryKey);
  const rows = page.data?.items ?? [];
  const delivery = useDelivery(
    props.delivery,
    rows.map((row) => row.id),
  );
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const columns =
    props.delivery === undefined
      ? props.columns
      : [...props.columns, ...deliveryColumns<T>(delivery.data), ...(props.deliveryExtras?.(delivery.data) ?? [])];
  const nextCursor = page.data?.nextCursor ?? null;
  const Heading = props.embedded ? 'h2' : 'h1';

  return (
    <section className="list-page" aria-labelledby={`${props.testId}-heading`}>
      <header className="page-header">
        <Heading id={`${props.testId}-heading`}>{props.title}</Heading>
        {props.newLink && (
          <Link to={props.newLink.to} className="button button-primary" data-testid={`${props.testId}-new`}>
            {props.newLink.label}
          </Link>
        )}
      </header>
      {props.intro}
      <div className="toolbar" role="search">
        {props.searchable !== false && (
          <>
            <label htmlFor={`${props.testId}-search`}>{props.searchLabel ?? 'Search'}</label>
            <input
              id={`${props.testId}-search`}
              data-testid={`${props.testId}-search`}
              type="search"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
              placeholder="name…"
            />
          </>
        )}
        {props.filters?.map((filter) => (
          <span key={filter.name} className="toolbar-item">
            <label htmlFor={`${props.testId}-filter-${filter.name}`}>{filter.label}</label>
            <select
              id={`${props.testId}-filter-${filter.name}`}
              data-testid={`${props.testId}-filter-${filter.name}`}
              value={filterValues[filter.name] ?? ''}
              onChange={(event) => setFilterValues((values) => ({ ...values, [filter.name]: event.target.value }))}
            >
              <option value="">all</option>
              {filter.options.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </span>
        ))}
        {props.sorts && props.sorts.length > 1 && (
          <span className="toolbar-item">
            <label htmlFor={`${props.testId}-sort`}>Sort</label>
            <select id={`${props.testId}-sort`} value={sort} onChange={(event) => setSort(event.target.value)}>
              {props.sorts.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          </span>
        )}
        {page.loading && (
          <span className="muted" aria-live="polite">
            loading…
          </span>
        )}
      </div>
      <ProblemBanner problem={page.problem} />
      <ProblemBanner problem={delivery.problem} testId={`${props.testId}-delivery-problem`} />
      {props.bulkActions && (
        <BulkBar
          actions={props.bulkActions}
          rows={rows.filter((row) => selected.has(row.id))}
          testId={`${props.testId}-bulk`}
          onDone={() => {
            setSelected(new Set());
            page.reload();
            delivery.reload();
          }}
        />
      )}
      <DataTable
        columns={columns}
        rows={rows}
        empty={page.loading ? 'Loading…' : 'Nothing here yet.'}
        testId={`${props.testId}-table`}
        selection={props.bulkActions ? { selected, onChange: setSelected } : undefined}
      />
      <nav className="pager" aria-label="pages">
        <button type="button" onClick={() => setCursors((stack) => stack.slice(0, -1))} disabled={cursors.length <= 1 || page.loading}>
          ← Previous
        </button>
        <span className="muted">page {cursors.length}</span>
        <button
          type="button"
          data-testid={`${props.testId}-next`}
          onClick={() => setCursors((stack) => [...stack, nextCursor])}
          disabled={nextCursor === null || page.loading}
        >
          Next →
        </button>
        <label htmlFor={`${props.testId}-limit`}>per page</label>
        <select id={`${props.testId}-limit`} value={limit} onChange={(event) => setLimit(Number(event.target.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </nav>
    </section>
  );
}
