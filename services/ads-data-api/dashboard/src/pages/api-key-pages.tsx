import { useState } from 'react';
import { ApiProblem } from '../api/api-problem';
import type { ApiKey } from '../api/entities';
import { StatusBadge, formatDateTime } from '../components/data-table';
import { ListPage } from '../components/list-page';
import { Notice, ProblemBanner } from '../components/problem-banner';
import { ResourceForm } from '../components/resource-form';
import { namesOf, useAdvertiserChoices, type Choice } from '../components/use-entity';
import { valuesOf, type FieldSpec } from '../domain/form-values';
import { Link } from '../router/router';
import { useSession } from '../session/session';

function apiKeyFields(advertisers: Choice[]): FieldSpec[] {
  return [
    { name: 'name', label: 'Name', kind: 'text', empty: 'empty', help: 'Who or what uses the key, e.g. "cache-warming (prod)".' },
    {
      name: 'role',
      label: 'Role',
      kind: 'select',
      options: ['admin', 'advertiser', 'service', 'importer'].map((value) => ({ value, label: value })),
    },
    {
      name: 'advertiserId',
      label: 'Advertiser',
      kind: 'select',
      options: advertisers,
      empty: 'omit',
      help: 'An advertiser key sees only this advertiser’s data.',
      hidden: (values) => values.role !== 'advertiser',
    },
  ];
}

/** What `POST /api-keys` answers: the key, and its secret, shown this once. */
type CreatedApiKey = ApiKey & { secret?: string; key?: string };

function RevokeButton({ apiKey, onDone }: { apiKey: ApiKey; onDone: () => void }) {
  const { api, principal } = useSession();
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  if (apiKey.revokedAt !== null) return <span className="muted">revoked {formatDateTime(apiKey.revokedAt)}</span>;
  // Revoking the key this tab signed in with would lock the person out mid-task.
  if (apiKey.id === principal.keyId) return <span className="muted">this session’s key</span>;
  async function revoke() {
    if (!window.confirm(`Revoke “${apiKey.name}”? Programs using it stop working at once.`)) return;
    try {
      await api.post(`/api-keys/${encodeURIComponent(apiKey.id)}/revoke`);
      onDone();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message));
    }
  }
  return (
    <>
      <button type="button" className="button button-small button-danger" onClick={() => void revoke()}>
        Revoke
      </button>
      <ProblemBanner problem={problem} />
    </>
  );
}

export function ApiKeyListPage() {
  const advertisers = namesOf(useAdvertiserChoices());
  const [generation, setGeneration] = useState(0);
  return (
    <ListPage<ApiKey>
      key={generation}
      title="API keys"
      path="/api-keys"
      testId="api-keys"
      searchable={false}
      sorts={[
        { value: '-createdAt', label: 'newest first' },
        { value: 'name', label: 'name' },
      ]}
      newLink={{ to: '/api-keys/new', label: 'New API key' }}
      filters={[
        { name: 'role', label: 'Role', options: ['admin', 'advertiser', 'service', 'importer'].map((value) => ({ value, label: value })) },
        {
          name: 'revoked',
          label: 'Revoked',
          options: [
            { value: 'false', label: 'in use' },
            { value: 'true', label: 'revoked' },
          ],
        },
      ]}
      columns={[
        { header: 'Name', cell: (row) => row.name },
        { header: 'Prefix', cell: (row) => <code>{row.prefix}…</code> },
        { header: 'Role', cell: (row) => <StatusBadge status={row.role} /> },
        {
          header: 'Advertiser',
          cell: (row) =>
            row.advertiserId ? (
              <Link to={`/advertisers/${row.advertiserId}`}>{advertisers.get(row.advertiserId) ?? row.advertiserId.slice(0, 8)}</Link>
            ) : (
              '—'
            ),
        },
        { header: 'Last used', cell: (row) => formatDateTime(row.lastUsedAt) },
        { header: 'Created', cell: (row) => formatDateTime(row.createdAt) },
        { header: '', cell: (row) => <RevokeButton apiKey={row} onDone={() => setGeneration((value) => value + 1)} /> },
      ]}
    />
  );
}

export function ApiKeyCreatePage() {
  const { api } = useSession();
  const advertisers = useAdvertiserChoices();
  const fields = apiKeyFields(advertisers);
  const [initial] = useState(() => valuesOf(fields, { role: 'advertiser' }));
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const secret = created?.secret ?? created?.key;
  return (
    <section>
      <h1>New API key</h1>
      {created ? (
        <>
          <Notice testId="api-key-created">
            Key “{created.name}” created. Copy the secret now: it is not stored and cannot be shown again.
          </Notice>
          <p>
            <input
              className="secret"
              readOnly
              value={secret ?? '(the API did not return the secret)'}
              aria-label="secret"
              data-testid="api-key-secret"
              onFocus={(event) => event.target.select()}
            />
            <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(secret ?? '')}>
              Copy
            </button>
          </p>
          <Link to="/api-keys">Back to API keys</Link>
        </>
      ) : (
        <ResourceForm
          fields={fields}
          initial={initial}
          mode="create"
          testId="api-key-form"
          submitLabel="Create key"
          submit={async (payload) => {
            const { data } = await api.create<CreatedApiKey>('/api-keys', payload);
            setCreated(data);
          }}
        />
      )}
    </section>
  );
}
