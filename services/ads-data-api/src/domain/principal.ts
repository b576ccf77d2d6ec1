import type { inventory } from '@ads/ads-client';
import type { z } from 'zod';

export type ApiKeyRole = z.infer<typeof inventory.apiKeyRole>;

/** Who is calling, as established from a bearer API key. */
export interface Principal {
  keyId: string;
  role: ApiKeyRole;
  /** Set for advertiser keys: the only advertiser whose rows the key may see. */
  advertiserId: string | null;
}

/** Whether a principal may see rows of an advertiser (admins and services see all). */
export function canSeeAdvertiser(principal: Principal, advertiserId: string): boolean {
  return principal.role !== 'advertiser' || principal.advertiserId === advertiserId;
}

/** The advertiser filter a principal's queries must carry, or undefined for all. */
export function advertiserScopeOf(principal: Principal): string | undefined {
  return principal.role === 'advertiser' ? (principal.advertiserId ?? '00000000-0000-0000-0000-000000000000') : undefined;
}
