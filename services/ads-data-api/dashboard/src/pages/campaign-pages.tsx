import { useMemo, useState } from 'react';
import { campaignCreate, campaignUpdate, flightInOrder, flightMessage, propertyExpressionText } from '@ads/ads-client/inventory';
import { ApiProblem } from '../api/api-problem';
import type { ApiClient } from '../api/api-client';
import type { Campaign, DeliveryRow } from '../api/entities';
import type { BulkAction } from '../components/bulk-bar';
import { StatusBadge, formatDate, formatDateTime } from '../components/data-table';
import { CreateForm, EditForm } from '../components/entity-forms';
import { ForecastPanel } from '../components/forecast-panel';
import { useFormValuesFeed } from '../components/form-values-feed';
import { ListPage } from '../components/list-page';
import { ProblemBanner } from '../components/problem-banner';
import { EntityName } from '../components/entity-name';
import { useSiteChoices, useAdvertiserChoices, type Choice } from '../components/use-entity';
import { campaignDay } from '../domain/campaign-day';
import { pacingStatus } from '../domain/pacing-status';
import { CAP_WINDOWS } from '../domain/frequency-cap';
import type { CrossFieldRule } from '../domain/contract-violations';
import type { FieldSpec, FormValue, FormValues } from '../domain/form-values';
import { formatCents } from '../domain/money';
import { Link, navigate, useLocation } from '../router/router';
import { useSession } from '../session/session';

const statusOptions = ['draft', 'active', 'paused', 'archived'].map((value) => ({ value, label: value }));
const options = (...values: string[]) => values.map((value) => ({ value, label: value }));
const weekdayOptions = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].map((label, index) => ({ value: String(index), label }));

/** Frequency-cap periods people choose from; the API keeps the window in seconds. */
const capWindowOptions = CAP_WINDOWS.map((window) => ({ value: String(window.seconds), label: `per ${window.unit}` }));

/** The contract's rules over several fields of a campaign, shown with the rest. */
// The message is the catalogue's: zod takes over the contract's `flightMessage` object when the
// schema is built (its `message` is gone by then), only its path is left to share.
export const campaignRules: CrossFieldRule[] = [
  { holds: flightInOrder, message: { message: 'Flight end must be after the flight start', path: flightMessage.path } },
];

/** The campaign form; advertiser and site choices come from the API. */
export function campaignFields(advertisers: Choice[], sites: Choice[]): FieldSpec[] {
  return [
    { name: 'advertiserId', label: 'Advertiser', kind: 'select', options: advertisers, only: 'create', empty: 'omit' },
    { name: 'name', label: 'Name', kind: 'text', empty: 'empty' },
    { name: 'externalId', label: 'External id', kind: 'text', only: 'create' },
    { name: 'flightStart', label: 'Flight start', kind: 'datetime', help: 'In your local time.' },
    { name: 'flightEnd', label: 'Flight end', kind: 'datetime', help: 'In your local time.' },
    { name: 'timeZone', label: 'Time zone', kind: 'text', help: 'IANA name, e.g. Europe/Paris: daily budgets and day-parting follow it.' },
    { name: 'totalBudget', label: 'Total budget', kind: 'money', placeholder: '1000.00' },
    { name: 'dailyBudget', label: 'Daily budget', kind: 'money', empty: 'null', help: 'Empty: no daily limit.' },
    { name: 'pacing', label: 'Pacing', kind: 'select', options: options('even', 'asap') },
    { name: 'priority', label: 'Priority', kind: 'select', options: options('sponsorship', 'standard', 'house') },
    { name: 'bidType', label: 'Bid type', kind: 'select', options: options('CPM', 'CPC') },
    { name: 'bidAmount', label: 'Bid', kind: 'money', help: 'Per thousand impressions (CPM) or per click (CPC).' },
    {
      name: 'frequencyCap.count',
      label: 'Frequency cap',
      kind: 'number',
      group: 'frequencyCap',
      placeholder: '3',
      help: 'Most impressions one person sees per period; empty: no cap.',
    },
    {
      name: 'frequencyCap.windowSeconds',
      label: 'Frequency cap period',
      kind: 'select',
      numeric: true,
      group: 'frequencyCap',
      options: capWindowOptions,
    },
    {
      name: 'targeting.countries',
      label: 'Countries',
      kind: 'list',
      group: 'targeting',
      placeholder: 'US, FR',
      help: 'Comma-separated ISO codes; empty: everywhere.',
    },
    { name: 'targeting.devices', label: 'Devices', kind: 'choices', group: 'targeting', options: options('desktop', 'mobile', 'tablet') },
    { name: 'targeting.keywords', label: 'Keywords', kind: 'list', group: 'targeting' },
    { name: 'targeting.siteIds', label: 'Sites', kind: 'choices', group: 'targeting', options: sites, hidden: () => sites.length === 0 },
    { name: 'targeting.categories', label: 'Categories', kind: 'list', group: 'targeting' },
    {
      name: 'targeting.hours',
      label: 'Hours of day',
      kind: 'number-list',
      group: 'targeting',
      placeholder: '8, 9, 10',
      help: '0-23 in the campaign’s time zone; empty: all day.',
    },
    { name: 'targeting.weekdays', label: 'Weekdays', kind: 'choices', numeric: true, group: 'targeting', options: weekdayOptions },
    {
      name: 'targeting.properties',
      label: 'Page properties',
      kind: 'textarea',
      group: 'targeting',
      empty: 'null',
      placeholder: 'section = "sports" AND (article_tags IN ("nba", "nfl") OR NOT logged_in)',
      help: 'Key-value targeting over the properties pages send: = != < <= > >=, IN (…), HAS key, a bare key for true, AND, OR, NOT, parentheses. Empty: any page.',
      liveCheck: propertyExpressionProblem,
    },
    { name: 'exclusionLabel', label: 'Competitive exclusion label', kind: 'text', empty: 'null' },
  ];
}

/** What is wrong with a key-value targeting expression as typed, with its line and column; null when fine or empty. */
export function propertyExpressionProblem(value: FormValue): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const checked = propertyExpressionText.safeParse(value);
  return checked.success ? null : (checked.error.issues[0]?.message ?? 'not a valid expression');
}

/** An empty frequency-cap count means "no cap", which the API spells null. */
export function finalizeCampaign(payload: Record<string, unknown>, _values: FormValues, mode: 'create' | 'edit'): Record<string, unknown> {
  const cap = payload.frequencyCap as { count?: unknown; windowSeconds?: unknown } | undefined;
  // The period always has a value (a select): an empty count alone means no cap.
  if (cap !== undefined && (cap.count === undefined || cap.count === null)) {
    return { ...payload, frequencyCap: null };
  }
  if (mode === 'create' && cap === undefined) return { ...payload, frequencyCap: null };
  return payload;
}

/** Runs a transition as the campaign page's button does: read for the ETag, then POST with If-Match. */
async function runTransition(api: ApiClient, campaign: Campaign, transition: Transition): Promise<void> {
  const path = `/campaigns/${encodeURIComponent(campaign.id)}`;
  const { etag } = await api.get<Campaign>(path);
  await api.request('POST', `${path}/${transition}`, { body: {}, ifMatch: etag });
}

function bulkTransitions(api: ApiClient): BulkAction<Campaign>[] {
  const action = (label: string, transition: Transition): BulkAction<Campaign> => ({
    label,
    appliesTo: (campaign) => (transitionsFrom[campaign.status] ?? []).includes(transition),
    run: (campaign) => runTransition(api, campaign, transition),
  });
  return [action('Pause', 'pause'), action('Activate', 'activate'), action('Resume', 'resume')];
}

/** Today's pacing of a list row: the campaign page's verdict, from the row's delivery today. */
function PacingCell({ campaign, delivery }: { campaign: Campaign; delivery: DeliveryRow | undefined }) {
  if (delivery === undefined) return <>…</>;
  const now = Date.now();
  const status = pacingStatus({
    status: campaign.status,
    pacing: campaign.pacing,
    dailyBudget: campaign.dailyBudget,
    todaySpentMicros: delivery.today.spendMicros,
    day: campaignDay(now, campaign.timeZone),
    nowMs: now,
  });
  const share = status.spentShare === null ? 'no daily budget' : `${Math.round(status.spentShare * 100)}% of daily`;
  return (
    <span className={`pacing-state pacing-${status.state}`} title={status.summary} data-testid="row-pacing" data-state={status.state}>
      {share}
    </span>
  );
}

export function CampaignList({ advertiserId, embedded }: { advertiserId?: string; embedded?: boolean }) {
  const { isAdmin, api } = useSession();
  return (
    <ListPage<Campaign>
      title="Campaigns"
      path="/campaigns"
      testId="campaigns"
      embedded={embedded}
      delivery="campaign"
      deliveryExtras={(delivery) => [
        { header: 'Pacing today', cell: (row) => <PacingCell campaign={row} delivery={delivery?.get(row.id)} /> },
      ]}
      bulkActions={bulkTransitions(api)}
      baseQuery={advertiserId ? { advertiserId } : undefined}
      newLink={{
        to: advertiserId ? `/campaigns/new?advertiserId=${encodeURIComponent(advertiserId)}` : '/campaigns/new',
        label: 'New campaign',
      }}
      filters={[
        { name: 'status', label: 'Status', options: statusOptions },
        { name: 'priority', label: 'Priority', options: options('sponsorship', 'standard', 'house') },
        { name: 'bidType', label: 'Bid type', options: options('CPM', 'CPC') },
      ]}
      sorts={[
        { value: '-createdAt', label: 'newest first' },
        { value: 'name', label: 'name' },
        { value: 'flightStart', label: 'flight start' },
        { value: '-flightEnd', label: 'flight end, latest first' },
        { value: '-updatedAt', label: 'recently changed' },
      ]}
      columns={[
        { header: 'Name', cell: (row) => <Link to={`/campaigns/${row.id}`}>{row.name}</Link> },
        { header: 'Status', cell: (row) => <StatusBadge status={row.status} /> },
        ...(isAdmin && !advertiserId
          ? [{ header: 'Advertiser', cell: (row: Campaign) => <EntityName kind="advertisers" id={row.advertiserId} /> }]
          : []),
        {
          header: 'Flight',
          cell: (row) => (
            <span
              title={`${formatDateTime(row.flightStart)} → ${formatDateTime(row.flightEnd)}`}
            >{`${formatDate(row.flightStart)} → ${formatDate(row.flightEnd)}`}</span>
          ),
        },
        { header: 'Daily budget', cell: (row) => formatCents(row.dailyBudget), className: 'number' },
        { header: 'Total budget', cell: (row) => formatCents(row.totalBudget), className: 'number' },
        { header: 'Bid', cell: (row) => `${formatCents(row.bidAmount)} ${row.bidType}`, className: 'number' },
        {
          header: 'Page properties',
          cell: (row) =>
            row.targeting.properties ? (
              <code className="property-expression" data-testid="row-properties" title={row.targeting.properties}>
                {row.targeting.properties}
              </code>
            ) : (
              'any page'
            ),
        },
      ]}
    />
  );
}

export function CampaignListPage() {
  return <CampaignList />;
}

function defaultFlight(): { flightStart: string; flightEnd: string } {
  const start = new Date();
  start.setMinutes(0, 0, 0);
  const end = new Date(start.getTime() + 30 * 86_400_000);
  return { flightStart: start.toISOString(), flightEnd: end.toISOString() };
}

export function CampaignCreatePage() {
  const { principal } = useSession();
  const { query } = useLocation();
  const advertisers = useAdvertiserChoices();
  const sites = useSiteChoices();
  const advertiserId = query.get('advertiserId') ?? principal.advertiserId ?? '';
  const fields = useMemo(() => campaignFields(advertisers, sites), [advertisers, sites]);
  const feed = useFormValuesFeed();
  return (
    <section>
      <h1>New campaign</h1>
      <p className="muted">New campaigns start as drafts; activate them once they have ads.</p>
      <div className="form-with-aside form-with-forecast">
        <CreateForm<Campaign>
          path="/campaigns"
          fields={fields}
          onValuesChange={feed.publish}
          defaults={{
            advertiserId,
            ...defaultFlight(),
            timeZone: 'UTC',
            frequencyCap: { windowSeconds: 86_400 },
            pacing: 'even',
            priority: 'standard',
            bidType: 'CPM',
            targeting: {},
          }}
          testId="campaign-form"
          submitLabel="Create campaign"
          finalize={finalizeCampaign}
          schema={campaignCreate}
          rules={campaignRules}
          afterCreate={(created) => `/campaigns/${created.id}`}
        />
        <ForecastPanel fields={fields} feed={feed} />
      </div>
    </section>
  );
}

export function CampaignEditPage({ id }: { id: string }) {
  const sites = useSiteChoices();
  const fields = useMemo(() => campaignFields([], sites), [sites]);
  const feed = useFormValuesFeed();
  return (
    <section>
      <EditForm<Campaign>
        path={`/campaigns/${encodeURIComponent(id)}`}
        fields={fields}
        onValuesChange={feed.publish}
        aside={(campaign) => <ForecastPanel fields={fields} feed={feed} campaignId={campaign.id} />}
        asideClassName="form-with-forecast"
        testId="campaign-form"
        finalize={finalizeCampaign}
        schema={campaignUpdate}
        rules={campaignRules}
        header={(campaign) => (
          <header className="page-header">
            <h1>
              Edit <Link to={`/campaigns/${campaign.id}`}>{campaign.name}</Link>
            </h1>
            <StatusBadge status={campaign.status} />
          </header>
        )}
      />
    </section>
  );
}

type Transition = 'activate' | 'pause' | 'resume' | 'archive';

const transitionsFrom: Record<string, Transition[]> = {
  draft: ['activate', 'archive'],
  active: ['pause', 'archive'],
  paused: ['resume', 'archive'],
  archived: [],
};

const transitionLabels: Record<Transition, string> = { activate: 'Activate', pause: 'Pause', resume: 'Resume', archive: 'Archive' };

/** Activate, pause, resume and archive buttons; the API's refusal is shown as it says it. */
export function CampaignActions({ campaign, etag, onDone }: { campaign: Campaign; etag: string | null; onDone: () => void }) {
  const { api } = useSession();
  const [busy, setBusy] = useState<Transition | 'duplicate' | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function run(transition: Transition) {
    if (transition === 'archive' && !window.confirm(`Archive “${campaign.name}”? Archived campaigns stop serving for good.`)) return;
    setBusy(transition);
    setProblem(null);
    try {
      await api.request('POST', `/campaigns/${encodeURIComponent(campaign.id)}/${transition}`, { body: {}, ifMatch: etag });
      onDone();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message));
    } finally {
      setBusy(null);
    }
  }

  /** A draft copy with its ads (POST /campaigns/:id/duplicate); its page opens. */
  async function duplicate() {
    setBusy('duplicate');
    setProblem(null);
    try {
      const { data } = await api.post<Campaign>(`/campaigns/${encodeURIComponent(campaign.id)}/duplicate`, {});
      navigate(`/campaigns/${data.id}`);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="campaign-actions">
      <div className="button-row">
        {(transitionsFrom[campaign.status] ?? []).map((transition) => (
          <button
            key={transition}
            type="button"
            className={`button${transition === 'activate' || transition === 'resume' ? ' button-primary' : ''}${transition === 'archive' ? ' button-danger' : ''}`}
            disabled={busy !== null}
            onClick={() => void run(transition)}
            data-testid={`campaign-${transition}`}
          >
            {busy === transition ? '…' : transitionLabels[transition]}
          </button>
        ))}
        <Link to={`/campaigns/${campaign.id}/edit`} className="button" data-testid="campaign-edit">
          Edit
        </Link>
        <button type="button" className="button" disabled={busy !== null} onClick={() => void duplicate()} data-testid="campaign-duplicate">
          Duplicate
        </button>
      </div>
      <ProblemBanner problem={problem} testId="campaign-action-problem" />
    </div>
  );
}
