import type { z } from 'zod';
import type { CallOptions, RouterClient } from '../rpc/contract.js';
import type {
  DataApiContract,
  inventorySnapshotPage,
  snapshotCampaign,
  snapshotPlacement,
  snapshotFeatureSwitch,
} from '../contracts/data-api-contract.js';

export type SnapshotCampaign = z.infer<typeof snapshotCampaign>;
export type SnapshotAd = SnapshotCampaign['ads'][number];
export type SnapshotPlacement = z.infer<typeof snapshotPlacement>;
export type SnapshotFeatureSwitch = z.infer<typeof snapshotFeatureSwitch>;

/** Every page of `inventory.snapshot`, joined. */
export interface InventorySnapshot {
  asOf: string;
  campaigns: SnapshotCampaign[];
  placements: SnapshotPlacement[];
  featureSwitches: SnapshotFeatureSwitch[];
}

/**
 * Reads the whole inventory snapshot through the data API, following the cursor. Errors of
 * the client (`RpcError`: UNAVAILABLE, TIMEOUT, UNAUTHORIZED…) propagate unchanged.
 */
export async function readInventorySnapshot(
  client: Pick<RouterClient<DataApiContract>, 'inventory'>,
  options: { pageSize?: number; callOptions?: CallOptions } = {},
): Promise<InventorySnapshot> {
  let page: z.infer<typeof inventorySnapshotPage> = await client.inventory.snapshot(
    { limit: options.pageSize ?? 500 },
    options.callOptions,
  );
  const snapshot: InventorySnapshot = {
    asOf: page.asOf,
    campaigns: [...page.campaigns],
    placements: page.placements ?? [],
    featureSwitches: page.featureSwitches ?? [],
  };
  while (page.nextCursor !== null) {
    page = await client.inventory.snapshot({ cursor: page.nextCursor, limit: options.pageSize ?? 500 }, options.callOptions);
    snapshot.campaigns.push(...page.campaigns);
  }
  return snapshot;
}
