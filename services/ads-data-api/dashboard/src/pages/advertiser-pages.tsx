import { advertiserCreate, advertiserUpdate } from '@ads/ads-client/inventory';
import type { Advertiser } from '../api/entities';
import { StatusBadge, formatDateTime } from '../components/data-table';
import { CreateForm, EditForm } from '../components/entity-forms';
import { ListPage } from '../components/list-page';
import type { FieldSpec } from '../domain/form-values';
import { Link } from '../router/router';
import { useSession } from '../session/session';
import { CampaignList } from './campaign-pages';

const advertiserFields: FieldSpec[] = [
  { name: 'name', label: 'Name', kind: 'text', empty: 'empty' },
  { name: 'externalId', label: 'External id', kind: 'text', only: 'create', help: 'The id in the advertiser’s own feed (optional).' },
  {
    name: 'status',
    label: 'Status',
    kind: 'select',
    only: 'edit',
    options: [
      { value: 'active', label: 'active' },
      { value: 'archived', label: 'archived' },
    ],
  },
];

export function AdvertiserListPage() {
  const { isAdmin } = useSession();
  return (
    <ListPage<Advertiser>
      title="Advertisers"
      path="/advertisers"
      testId="advertisers"
      delivery="advertiser"
      sorts={[
        { value: '-createdAt', label: 'newest first' },
        { value: 'name', label: 'name' },
        { value: '-updatedAt', label: 'recently changed' },
      ]}
      newLink={isAdmin ? { to: '/advertisers/new', label: 'New advertiser' } : undefined}
      filters={[
        {
          name: 'status',
          label: 'Status',
          options: [
            { value: 'active', label: 'active' },
            { value: 'archived', label: 'archived' },
          ],
        },
      ]}
      columns={[
        { header: 'Name', cell: (row) => <Link to={`/advertisers/${row.id}`}>{row.name}</Link> },
        { header: 'Status', cell: (row) => <StatusBadge status={row.status} /> },
        { header: 'External id', cell: (row) => row.externalId ?? '—' },
        { header: 'Created', cell: (row) => formatDateTime(row.createdAt) },
      ]}
    />
  );
}

export function AdvertiserCreatePage() {
  return (
    <section>
      <h1>New advertiser</h1>
      <CreateForm<Advertiser>
        path="/advertisers"
        fields={advertiserFields}
        defaults={{}}
        testId="advertiser-form"
        schema={advertiserCreate}
        submitLabel="Create advertiser"
        afterCreate={(created) => `/advertisers/${created.id}`}
      />
    </section>
  );
}

export function AdvertiserPage({ id }: { id: string }) {
  return (
    <section>
      <EditForm<Advertiser>
        path={`/advertisers/${encodeURIComponent(id)}`}
        fields={advertiserFields}
        testId="advertiser-form"
        schema={advertiserUpdate}
        header={(advertiser) => (
          <header className="page-header">
            <h1 data-testid="advertiser-name">{advertiser.name}</h1>
            <StatusBadge status={advertiser.status} />
            <Link to={`/reports/advertisers/${encodeURIComponent(advertiser.id)}`} data-testid="advertiser-report-link">
              Report
            </Link>
          </header>
        )}
        footer={(advertiser) => <CampaignList advertiserId={advertiser.id} embedded />}
      />
    </section>
  );
}
