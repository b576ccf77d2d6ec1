// Publisher inventory: sites and their placements (the keys the embed sends).
import { placementCreate, placementUpdate, siteCreate, siteUpdate } from '@ads/ads-client/inventory';
import type { Placement, Site } from '../api/entities';
import { StatusBadge, formatDateTime } from '../components/data-table';
import { CreateForm, EditForm } from '../components/entity-forms';
import { EmbedSnippetPanel } from '../components/embed-snippet-panel';
import { EntityName } from '../components/entity-name';
import { ListPage } from '../components/list-page';
import { namesOf, useSiteChoices, type Choice } from '../components/use-entity';
import type { FieldSpec } from '../domain/form-values';
import { Link, useLocation } from '../router/router';

const inventoryStatus = ['active', 'archived'].map((value) => ({ value, label: value }));

const siteFields: FieldSpec[] = [
  { name: 'name', label: 'Name', kind: 'text', empty: 'empty' },
  { name: 'domain', label: 'Domain', kind: 'text', only: 'create', empty: 'empty', placeholder: 'news.example.com' },
  { name: 'category', label: 'Category', kind: 'text', empty: 'null' },
  { name: 'status', label: 'Status', kind: 'select', options: inventoryStatus, only: 'edit' },
];

function placementFields(sites: Choice[]): FieldSpec[] {
  return [
    { name: 'siteId', label: 'Site', kind: 'select', options: sites, only: 'create', empty: 'omit' },
    {
      name: 'key',
      label: 'Placement key',
      kind: 'text',
      only: 'create',
      empty: 'empty',
      help: 'What the embed sends as data-placement: a-z, 0-9, ".", "_", "-".',
    },
    { name: 'name', label: 'Name', kind: 'text', empty: 'empty' },
    {
      name: 'allowedFormats',
      label: 'Allowed formats',
      kind: 'choices',
      options: [
        { value: 'native', label: 'native' },
        { value: 'banner', label: 'banner' },
      ],
    },
    { name: 'category', label: 'Category', kind: 'text', empty: 'null' },
    { name: 'status', label: 'Status', kind: 'select', options: inventoryStatus, only: 'edit' },
  ];
}

export function SiteListPage() {
  return (
    <ListPage<Site>
      title="Sites"
      path="/sites"
      testId="sites"
      sorts={[
        { value: 'name', label: 'name' },
        { value: 'domain', label: 'domain' },
        { value: '-createdAt', label: 'newest first' },
      ]}
      delivery="site"
      newLink={{ to: '/sites/new', label: 'New site' }}
      filters={[{ name: 'status', label: 'Status', options: inventoryStatus }]}
      columns={[
        { header: 'Name', cell: (row) => <Link to={`/sites/${row.id}`}>{row.name}</Link> },
        { header: 'Domain', cell: (row) => row.domain },
        { header: 'Category', cell: (row) => row.category ?? '—' },
        { header: 'Status', cell: (row) => <StatusBadge status={row.status} /> },
        { header: 'Created', cell: (row) => formatDateTime(row.createdAt) },
      ]}
    />
  );
}

export function SiteCreatePage() {
  return (
    <section>
      <h1>New site</h1>
      <CreateForm<Site>
        path="/sites"
        fields={siteFields}
        defaults={{}}
        schema={siteCreate}
        testId="site-form"
        submitLabel="Create site"
        afterCreate={(site) => `/sites/${site.id}`}
      />
    </section>
  );
}

export function SitePage({ id }: { id: string }) {
  return (
    <section>
      <EditForm<Site>
        path={`/sites/${encodeURIComponent(id)}`}
        fields={siteFields}
        schema={siteUpdate}
        testId="site-form"
        header={(site) => (
          <header className="page-header">
            <h1>{site.name}</h1>
            <span className="muted">{site.domain}</span>
            <Link to={`/reports/sites/${encodeURIComponent(site.id)}`} data-testid="site-report-link">
              Report
            </Link>
          </header>
        )}
        footer={(site) => <PlacementList siteId={site.id} embedded />}
      />
    </section>
  );
}

function PlacementList({ siteId, embedded }: { siteId?: string; embedded?: boolean }) {
  const sites = namesOf(useSiteChoices());
  return (
    <ListPage<Placement>
      title="Placements"
      path="/placements"
      testId="placements"
      sorts={[
        { value: 'key', label: 'key' },
        { value: 'name', label: 'name' },
        { value: '-createdAt', label: 'newest first' },
      ]}
      embedded={embedded}
      delivery="placement"
      baseQuery={siteId ? { siteId } : undefined}
      newLink={{ to: siteId ? `/placements/new?siteId=${encodeURIComponent(siteId)}` : '/placements/new', label: 'New placement' }}
      filters={[{ name: 'status', label: 'Status', options: inventoryStatus }]}
      columns={[
        { header: 'Key', cell: (row) => <Link to={`/placements/${row.id}`}>{row.key}</Link> },
        { header: 'Name', cell: (row) => row.name },
        ...(siteId
          ? []
          : [
              {
                header: 'Site',
                cell: (row: Placement) => <Link to={`/sites/${row.siteId}`}>{sites.get(row.siteId) ?? row.siteId.slice(0, 8)}</Link>,
              },
            ]),
        { header: 'Formats', cell: (row) => row.allowedFormats.join(', ') },
        { header: 'Status', cell: (row) => <StatusBadge status={row.status} /> },
      ]}
    />
  );
}

export function PlacementListPage() {
  return <PlacementList />;
}

export function PlacementCreatePage() {
  const { query } = useLocation();
  const sites = useSiteChoices();
  return (
    <section>
      <h1>New placement</h1>
      <CreateForm<Placement>
        path="/placements"
        fields={placementFields(sites)}
        defaults={{ siteId: query.get('siteId') ?? '', allowedFormats: ['native'] }}
        testId="placement-form"
        schema={placementCreate}
        submitLabel="Create placement"
        afterCreate={(placement) => `/placements/${placement.id}`}
      />
    </section>
  );
}

export function PlacementPage({ id }: { id: string }) {
  return (
    <section>
      <EditForm<Placement>
        path={`/placements/${encodeURIComponent(id)}`}
        fields={placementFields([])}
        schema={placementUpdate}
        testId="placement-form"
        header={(placement) => (
          <header className="page-header">
            <h1>{placement.name}</h1>
            <code>{placement.key}</code>
            <EntityName kind="sites" id={placement.siteId} />
            <Link to={`/reports/placements/${encodeURIComponent(placement.id)}`} data-testid="placement-report-link">
              Report
            </Link>
          </header>
        )}
        footer={(placement) => <EmbedSnippetPanel placementKey={placement.key} />}
      />
    </section>
  );
}
