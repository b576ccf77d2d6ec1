import type { FeatureSwitch } from '../api/entities';
import { formatDateTime } from '../components/data-table';
import { CreateForm, EditForm } from '../components/entity-forms';
import { ListPage } from '../components/list-page';
import type { FieldSpec } from '../domain/form-values';
import { Link } from '../router/router';

const scopes = ['global', 'placement', 'advertiser'].map((value) => ({ value, label: value }));
// The switches serving reads (KILL_SWITCHES of @ads/ads-client); the API refuses other names.
const switchNames = ['serving.enabled', 'serving.house_ads', 'serving.frequency_caps', 'serving.competitive_exclusion'].map((value) => ({
  value,
  label: value,
}));

const switchFields: FieldSpec[] = [
  { name: 'name', label: 'Name', kind: 'select', options: switchNames, only: 'create' },
  { name: 'enabled', label: 'Enabled', kind: 'checkbox' },
  { name: 'percentage', label: 'Percentage of traffic', kind: 'number', help: '0-100: share of traffic that sees the switch on.' },
  { name: 'scope', label: 'Scope', kind: 'select', options: scopes, only: 'create' },
  {
    name: 'scopeId',
    label: 'Scope id',
    kind: 'text',
    only: 'create',
    empty: 'null',
    help: 'The placement or advertiser id; empty for global switches.',
    hidden: (values) => values.scope === 'global',
  },
  { name: 'description', label: 'Description', kind: 'textarea', empty: 'null' },
];

export function FeatureSwitchListPage() {
  return (
    <ListPage<FeatureSwitch>
      title="Feature switches"
      path="/feature-switches"
      testId="feature-switches"
      newLink={{ to: '/feature-switches/new', label: 'New switch' }}
      intro={
        <p className="muted">
          “serving.enabled” is the kill switch: off stops all ads (global), a placement’s or an advertiser’s. “serving.house_ads”,
          “serving.frequency_caps” and “serving.competitive_exclusion” turn those parts of serving off; serving reads no other names.
        </p>
      }
      filters={[
        { name: 'scope', label: 'Scope', options: scopes },
        {
          name: 'enabled',
          label: 'State',
          options: [
            { value: 'true', label: 'on' },
            { value: 'false', label: 'off' },
          ],
        },
      ]}
      sorts={[
        { value: 'name', label: 'name' },
        { value: '-createdAt', label: 'newest first' },
      ]}
      columns={[
        { header: 'Name', cell: (row) => <Link to={`/feature-switches/${row.id}`}>{row.name}</Link> },
        {
          header: 'State',
          cell: (row) => <span className={`badge ${row.enabled ? 'badge-active' : 'badge-archived'}`}>{row.enabled ? 'on' : 'off'}</span>,
        },
        { header: '%', cell: (row) => `${row.percentage}%`, className: 'number' },
        { header: 'Scope', cell: (row) => (row.scope === 'global' ? 'global' : `${row.scope} ${row.scopeId ?? ''}`) },
        { header: 'Updated', cell: (row) => formatDateTime(row.updatedAt) },
      ]}
    />
  );
}

export function FeatureSwitchCreatePage() {
  return (
    <section>
      <h1>New feature switch</h1>
      <CreateForm<FeatureSwitch>
        path="/feature-switches"
        fields={switchFields}
        defaults={{ name: 'serving.enabled', enabled: false, percentage: 100, scope: 'global' }}
        testId="feature-switch-form"
        submitLabel="Create switch"
        afterCreate={(created) => `/feature-switches/${created.id}`}
      />
    </section>
  );
}

export function FeatureSwitchPage({ id }: { id: string }) {
  return (
    <section>
      <EditForm<FeatureSwitch>
        path={`/feature-switches/${encodeURIComponent(id)}`}
        fields={switchFields}
        testId="feature-switch-form"
        header={(featureSwitch) => (
          <header className="page-header">
            <h1>{featureSwitch.name}</h1>
            <span className="muted">{featureSwitch.scope === 'global' ? 'global' : `${featureSwitch.scope} ${featureSwitch.scopeId}`}</span>
          </header>
        )}
      />
    </section>
  );
}
