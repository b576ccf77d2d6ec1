import { useState } from 'react';
import { adCreate, adUpdate, bannerHasSize, bannerMessage } from '@ads/ads-client/inventory';
import type { CrossFieldRule } from '../domain/contract-violations';
import { ApiProblem } from '../api/api-problem';
import type { Ad, Campaign } from '../api/entities';
import { ProblemBanner } from '../components/problem-banner';
import type { ApiClient } from '../api/api-client';
import type { BulkAction } from '../components/bulk-bar';
import { CreativePreview, type CreativeContents } from '../components/creative-preview';
import { EntityName } from '../components/entity-name';
import { StatusBadge } from '../components/data-table';
import { CreateForm, EditForm } from '../components/entity-forms';
import { ListPage } from '../components/list-page';
import { useCampaignChoices, useEntity, type Choice } from '../components/use-entity';
import { convertValue, type FieldSpec, type FormValues } from '../domain/form-values';
import { Link, useLocation } from '../router/router';
import { useSession } from '../session/session';

const options = (...values: string[]) => values.map((value) => ({ value, label: value }));

function adFields(campaigns: Choice[], isAdmin: boolean): FieldSpec[] {
  return [
    { name: 'campaignId', label: 'Campaign', kind: 'select', options: campaigns, only: 'create', empty: 'omit' },
    { name: 'format', label: 'Format', kind: 'select', options: options('native', 'banner'), fixedOnEdit: true },
    { name: 'title', label: 'Title', kind: 'text', empty: 'empty' },
    { name: 'body', label: 'Body', kind: 'textarea', empty: 'empty' },
    { name: 'imageUrl', label: 'Image URL', kind: 'text', empty: 'null', placeholder: 'https://…' },
    { name: 'clickUrl', label: 'Click URL', kind: 'text', empty: 'empty', placeholder: 'https://…' },
    // Only banners have a size; native ads take the slot's.
    { name: 'width', label: 'Width (px)', kind: 'number', empty: 'null', required: true, hidden: (values) => values.format !== 'banner' },
    { name: 'height', label: 'Height (px)', kind: 'number', empty: 'null', required: true, hidden: (values) => values.format !== 'banner' },
    { name: 'status', label: 'Status', kind: 'select', options: options('active', 'paused', 'archived'), only: 'edit' },
    // Only admins review ads; the API refuses reviewState from advertiser keys.
    {
      name: 'reviewState',
      label: 'Review',
      kind: 'select',
      options: options('pending', 'approved', 'rejected'),
      only: 'edit',
      hidden: () => !isAdmin,
    },
  ];
}

/** A banner needs its size: the contract's rule, shown with the rest. */
// The message is the catalogue's: zod takes over the contract's `bannerMessage` object when
// the schema is built (its `message` is gone by then), only its path is left to share.
const adRules: CrossFieldRule[] = [
  { holds: bannerHasSize, message: { message: 'A banner needs a width and a height', path: bannerMessage.path } },
];

function previewOf(values: FormValues, fallbackFormat: 'native' | 'banner'): CreativeContents {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : '');
  const size = (name: string) => {
    const converted = convertValue({ name, label: name, kind: 'number' }, values[name] ?? '');
    return 'value' in converted && typeof converted.value === 'number' ? converted.value : null;
  };
  const format = text('format') === 'banner' || text('format') === 'native' ? (text('format') as 'native' | 'banner') : fallbackFormat;
  return {
    format,
    title: text('title'),
    body: text('body'),
    imageUrl: text('imageUrl') || null,
    clickUrl: text('clickUrl'),
    width: size('width'),
    height: size('height'),
  };
}

/** Approve or reject a pending ad (admins): read for the ETag, then PATCH with If-Match. */
function ReviewButtons({ ad, onDone }: { ad: Ad; onDone: () => void }) {
  const { api } = useSession();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  async function review(reviewState: 'approved' | 'rejected') {
    setBusy(true);
    setProblem(null);
    try {
      const path = `/ads/${encodeURIComponent(ad.id)}`;
      const { etag } = await api.get<Ad>(path);
      await api.update<Ad>(path, { reviewState }, etag);
      onDone();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'CLIENT', (error as Error).message));
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="button-row compact">
      <button
        type="button"
        className="button button-small"
        disabled={busy}
        onClick={() => void review('approved')}
        data-testid={`approve-${ad.id}`}
        aria-label={`Approve ${ad.title}`}
      >
        Approve
      </button>
      <button
        type="button"
        className="button button-small button-danger"
        disabled={busy}
        onClick={() => void review('rejected')}
        aria-label={`Reject ${ad.title}`}
      >
        Reject
      </button>
      <ProblemBanner problem={problem} />
    </span>
  );
}

/** Sets an ad's status as its page does: read for the ETag, then PATCH with If-Match. */
function statusAction(api: ApiClient, label: string, status: 'active' | 'paused'): BulkAction<Ad> {
  return {
    label,
    appliesTo: (ad) => ad.status !== status && ad.status !== 'archived',
    run: async (ad) => {
      const path = `/ads/${encodeURIComponent(ad.id)}`;
      const { etag } = await api.get<Ad>(path);
      await api.update<Ad>(path, { status }, etag);
    },
  };
}

export function AdList({ campaignId, embedded }: { campaignId?: string; embedded?: boolean }) {
  const { isAdmin, api } = useSession();
  const [generation, setGeneration] = useState(0);
  return (
    <ListPage<Ad>
      title="Ads"
      path="/ads"
      testId="ads"
      refreshKey={generation}
      embedded={embedded}
      delivery="ad"
      bulkActions={[statusAction(api, 'Pause', 'paused'), statusAction(api, 'Activate', 'active')]}
      baseQuery={campaignId ? { campaignId } : undefined}
      newLink={{ to: campaignId ? `/ads/new?campaignId=${encodeURIComponent(campaignId)}` : '/ads/new', label: 'New ad' }}
      filters={[
        { name: 'status', label: 'Status', options: options('active', 'paused', 'archived') },
        { name: 'reviewState', label: 'Review', options: options('pending', 'approved', 'rejected') },
        { name: 'format', label: 'Format', options: options('native', 'banner') },
      ]}
      sorts={[
        { value: '-createdAt', label: 'newest first' },
        { value: 'title', label: 'title' },
        { value: '-updatedAt', label: 'recently changed' },
      ]}
      columns={[
        { header: 'Title', cell: (row) => <Link to={`/ads/${row.id}`}>{row.title}</Link> },
        { header: 'Format', cell: (row) => (row.format === 'banner' ? `banner ${row.width}×${row.height}` : 'native') },
        { header: 'Status', cell: (row) => <StatusBadge status={row.status} /> },
        {
          header: 'Review',
          cell: (row) =>
            isAdmin && row.reviewState === 'pending' ? (
              <ReviewButtons ad={row} onDone={() => setGeneration((value) => value + 1)} />
            ) : (
              <StatusBadge status={row.reviewState} />
            ),
        },
        ...(campaignId
          ? []
          : [
              { header: 'Campaign', cell: (row: Ad) => <EntityName kind="campaigns" id={row.campaignId} /> },
              ...(isAdmin ? [{ header: 'Advertiser', cell: (row: Ad) => <EntityName kind="advertisers" id={row.advertiserId} /> }] : []),
            ]),
      ]}
    />
  );
}

export function AdListPage() {
  return <AdList />;
}

export function AdCreatePage() {
  const { isAdmin } = useSession();
  const { query } = useLocation();
  const campaignId = query.get('campaignId') ?? '';
  const campaign = useEntity<Campaign>(campaignId ? `/campaigns/${encodeURIComponent(campaignId)}` : null);
  const choices = useCampaignChoices(campaign.data?.data?.advertiserId);
  const campaigns =
    campaignId && !choices.some((choice) => choice.value === campaignId) && campaign.data?.data
      ? [{ value: campaignId, label: campaign.data.data.name }, ...choices]
      : choices;
  const [preview, setPreview] = useState<CreativeContents>(() => previewOf({}, 'native'));
  return (
    <section>
      <h1>New ad</h1>
      <div className="form-with-aside">
        <CreateForm<Ad>
          path="/ads"
          fields={adFields(campaigns, isAdmin)}
          defaults={{ campaignId, format: 'native' }}
          testId="ad-form"
          schema={adCreate}
          rules={adRules}
          submitLabel="Create ad"
          onValuesChange={(values) => setPreview(previewOf(values, 'native'))}
          afterCreate={(created) => `/campaigns/${created.campaignId}`}
        />
        <aside aria-label="preview">
          <h2>Preview</h2>
          <CreativePreview ad={preview} />
        </aside>
      </div>
    </section>
  );
}

export function AdPage({ id }: { id: string }) {
  const { isAdmin } = useSession();
  const [preview, setPreview] = useState<CreativeContents | null>(null);
  return (
    <section>
      <EditForm<Ad>
        path={`/ads/${encodeURIComponent(id)}`}
        fields={adFields([], isAdmin)}
        testId="ad-form"
        schema={adUpdate}
        rules={adRules}
        onValuesChange={(values) => setPreview((current) => previewOf(values, current?.format ?? 'native'))}
        header={(ad) => (
          <header className="page-header">
            <h1 data-testid="ad-title">{ad.title}</h1>
            <StatusBadge status={ad.status} />
            <EntityName kind="campaigns" id={ad.campaignId} />
            <Link to={`/reports/ads/${encodeURIComponent(ad.id)}`}>report</Link>
          </header>
        )}
        aside={(ad) => (
          <aside aria-label="preview">
            <h2>Preview</h2>
            <CreativePreview ad={preview ? { ...preview, format: ad.format } : ad} />
          </aside>
        )}
      />
    </section>
  );
}
