import type { ImportRun } from '../api/entities';
import { DataTable, StatusBadge, formatDateTime } from '../components/data-table';
import { ListPage } from '../components/list-page';
import { ProblemBanner } from '../components/problem-banner';
import { useEntity } from '../components/use-entity';
import { Link } from '../router/router';

const importStatus = ['queued', 'running', 'succeeded', 'partially_succeeded', 'failed'].map((value) => ({
  value,
  label: value.replace('_', ' '),
}));

export function ImportListPage() {
  return (
    <ListPage<ImportRun>
      title="Imports"
      path="/import-runs"
      testId="imports"
      searchable={false}
      sorts={[
        { value: '-createdAt', label: 'newest first' },
        { value: 'createdAt', label: 'oldest first' },
      ]}
      filters={[
        { name: 'status', label: 'Status', options: importStatus },
        {
          name: 'format',
          label: 'Format',
          options: [
            { value: 'csv', label: 'csv' },
            { value: 'json', label: 'json' },
          ],
        },
      ]}
      columns={[
        { header: 'Started', cell: (row) => <Link to={`/imports/${row.id}`}>{formatDateTime(row.startedAt ?? row.createdAt)}</Link> },
        { header: 'Source', cell: (row) => <span className="wrap">{row.source}</span> },
        { header: 'Format', cell: (row) => row.format },
        { header: 'Status', cell: (row) => <StatusBadge status={row.status} /> },
        { header: 'Rows', cell: (row) => row.total, className: 'number' },
        { header: 'Created', cell: (row) => row.created, className: 'number' },
        { header: 'Updated', cell: (row) => row.updated, className: 'number' },
        { header: 'Unchanged', cell: (row) => row.unchanged, className: 'number' },
        {
          header: 'Failed',
          cell: (row) => (row.failed > 0 ? <strong className="error-text">{row.failed}</strong> : 0),
          className: 'number',
        },
      ]}
    />
  );
}

/** One import run with every row it refused and why. */
export function ImportPage({ id }: { id: string }) {
  const loaded = useEntity<ImportRun>(`/import-runs/${encodeURIComponent(id)}`);
  if (loaded.problem && loaded.data === undefined) return <ProblemBanner problem={loaded.problem} />;
  if (loaded.data === undefined) return <p className="muted">Loading…</p>;
  const run = loaded.data.data;
  const rowErrors = (run.errors ?? []).map((error, index) => ({ ...error, id: String(index) }));
  return (
    <section>
      <header className="page-header">
        <h1>Import {formatDateTime(run.startedAt ?? run.createdAt)}</h1>
        <StatusBadge status={run.status} />
      </header>
      <dl className="facts panel">
        <dt>Source</dt>
        <dd className="wrap">{run.source}</dd>
        <dt>Format</dt>
        <dd>{run.format}</dd>
        <dt>Rows</dt>
        <dd>
          {run.total} read: {run.created} created, {run.updated} updated, {run.unchanged} unchanged, {run.failed} refused
        </dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(run.finishedAt)}</dd>
      </dl>
      <h2>Refused rows ({rowErrors.length})</h2>
      <DataTable
        testId="import-errors-table"
        rows={rowErrors}
        empty="No row was refused."
        columns={[
          { header: 'Line', cell: (row) => row.line, className: 'number' },
          { header: 'Field', cell: (row) => <code>{row.field}</code> },
          { header: 'Problem', cell: (row) => row.message },
        ]}
      />
      <p>
        <Link to="/imports">← All imports</Link>
      </p>
    </section>
  );
}
