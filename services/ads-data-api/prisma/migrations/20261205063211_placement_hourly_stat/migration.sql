-- Stats per placement: a new table beside hourly_stat, written by the same stats.ingest
-- transaction. hourly_stat, its key (ad_id, hour) and every query on it stay as they were, so
-- campaign/ad/advertiser reports, delivery, pacing and the time-series warming read exactly what
-- they read before; existing rows are untouched (they show as "unattributed" in placement and
-- site breakdowns: they were counted before placements were recorded).
--
-- Key (placement_id, hour, ad_id): a placement report is one range of the primary key; site
-- reports go through placement(site_id). Deleting a placement deletes its rows (CASCADE): its
-- counts stay in hourly_stat and show as unattributed.

-- CreateTable
CREATE TABLE "placement_hourly_stat" (
    "placement_id" UUID NOT NULL,
    "ad_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "viewable_impressions" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "spend_micros" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "placement_hourly_stat_pkey" PRIMARY KEY ("placement_id","hour","ad_id")
);

-- CreateIndex
CREATE INDEX "placement_hourly_stat_campaign_id_hour_idx" ON "placement_hourly_stat"("campaign_id", "hour");

-- CreateIndex
CREATE INDEX "placement_hourly_stat_ad_id_hour_idx" ON "placement_hourly_stat"("ad_id", "hour");

-- AddForeignKey
ALTER TABLE "placement_hourly_stat" ADD CONSTRAINT "placement_hourly_stat_placement_id_fkey" FOREIGN KEY ("placement_id") REFERENCES "placement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placement_hourly_stat" ADD CONSTRAINT "placement_hourly_stat_ad_id_fkey" FOREIGN KEY ("ad_id") REFERENCES "ad"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placement_hourly_stat" ADD CONSTRAINT "placement_hourly_stat_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ─────────────────────────────────────────────────────────────────────────────────────────────
-- Hand-written (Prisma's diff does not see them; keep them when regenerating).
-- ─────────────────────────────────────────────────────────────────────────────────────────────

ALTER TABLE "placement_hourly_stat"
  ADD CONSTRAINT "placement_hourly_stat_counts_check" CHECK (
    "impressions" >= 0 AND "viewable_impressions" >= 0 AND "clicks" >= 0 AND "spend_micros" >= 0
  ),
  ADD CONSTRAINT "placement_hourly_stat_hour_check" CHECK (extract(epoch FROM "hour") % 3600 = 0);

-- Updated in place by every roll-up batch of its hour, as hourly_stat is: room for HOT updates.
ALTER TABLE "placement_hourly_stat" SET (fillfactor = 70);
