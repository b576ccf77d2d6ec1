import { DataApiError } from '../errors';

// Unique indexes whose violation is a client's mistake, and the field each one is about.
const uniqueIndexFields: Record<string, { field: string; message: string }> = {
  advertiser_name_key: { field: 'name', message: 'another advertiser already has this name' },
  advertiser_external_id_key: { field: 'externalId', message: 'another advertiser already has this externalId' },
  campaign_advertiser_id_external_id_key: { field: 'externalId', message: 'another campaign of this advertiser has this externalId' },
  ad_campaign_id_external_id_key: { field: 'externalId', message: 'another ad of this campaign has this externalId' },
  site_domain_key: { field: 'domain', message: 'another site already has this domain' },
  placement_key_key: { field: 'key', message: 'another placement already has this key' },
  feature_switch_name_scope_scope_id_key: { field: 'name', message: 'a switch with this name and scope already exists' },
};

interface DriverCause {
  originalCode?: string;
  originalMessage?: string;
  kind?: string;
  constraint?: { index?: string };
}

function driverCauseOf(error: unknown): DriverCause | undefined {
  return (error as { meta?: { driverAdapterError?: { cause?: DriverCause } } }).meta?.driverAdapterError?.cause;
}

/**
 * Turns the database's refusals that a request can cause (duplicates, rows still referenced,
 * CHECK constraints) into catalogue errors naming the field; returns undefined for anything
 * else, which is then a server error.
 */
export function clientErrorOfDatabase(error: unknown): DataApiError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('P')) return undefined;
  const cause = driverCauseOf(error);
  const sqlState = cause?.originalCode;
  if (code === 'P2002' || sqlState === '23505') {
    const known = uniqueIndexFields[cause?.constraint?.index ?? ''];
    return new DataApiError('CONFLICT', known?.message ?? 'a row with these values already exists', {
      cause: error,
      fields: known === undefined ? [] : [{ path: [known.field], message: known.message }],
    });
  }
  if (code === 'P2003' || sqlState === '23503') {
    return new DataApiError('CONFLICT', 'other rows still refer to this row (or the row it refers to is gone); archive it instead', {
      cause: error,
    });
  }
  if (sqlState === '23514') {
    const constraint = /constraint "([^"]+)"/.exec(cause?.originalMessage ?? '')?.[1] ?? 'a check';
    return new DataApiError('VALIDATION_FAILED', `the values break the database rule ${constraint}`, {
      cause: error,
      fields: [{ path: [constraint], message: 'breaks a database rule' }],
    });
  }
  if (code === 'P2025') {
    return new DataApiError('NOT_FOUND', 'the row does not exist (any more)', { cause: error });
  }
  return undefined;
}
