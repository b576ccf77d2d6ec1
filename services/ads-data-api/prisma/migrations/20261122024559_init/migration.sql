-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "advertiser_status" AS ENUM ('active', 'archived');

-- CreateEnum
CREATE TYPE "campaign_status" AS ENUM ('draft', 'active', 'paused', 'archived');

-- CreateEnum
CREATE TYPE "pacing" AS ENUM ('even', 'asap');

-- CreateEnum
CREATE TYPE "campaign_priority" AS ENUM ('sponsorship', 'standard', 'house');

-- CreateEnum
CREATE TYPE "bid_type" AS ENUM ('CPM', 'CPC');

-- CreateEnum
CREATE TYPE "ad_format" AS ENUM ('native', 'banner');

-- CreateEnum
CREATE TYPE "ad_status" AS ENUM ('active', 'paused', 'archived');

-- CreateEnum
CREATE TYPE "review_state" AS ENUM ('pending', 'approved', 'rejected');

-- CreateEnum
CREATE TYPE "inventory_status" AS ENUM ('active', 'paused', 'archived');

-- CreateEnum
CREATE TYPE "import_format" AS ENUM ('csv', 'json');

-- CreateEnum
CREATE TYPE "import_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'partially_succeeded');

-- CreateEnum
CREATE TYPE "api_key_role" AS ENUM ('admin', 'advertiser', 'service');

-- CreateEnum
CREATE TYPE "feature_switch_scope" AS ENUM ('global', 'placement', 'advertiser');

-- CreateTable
CREATE TABLE "advertiser" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "advertiser_status" NOT NULL DEFAULT 'active',
    "external_id" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "advertiser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign" (
    "id" UUID NOT NULL,
    "advertiser_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "external_id" TEXT,
    "status" "campaign_status" NOT NULL DEFAULT 'draft',
    "flight_start" TIMESTAMPTZ(3) NOT NULL,
    "flight_end" TIMESTAMPTZ(3) NOT NULL,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "total_budget" INTEGER NOT NULL,
    "daily_budget" INTEGER,
    "pacing" "pacing" NOT NULL DEFAULT 'even',
    "priority" "campaign_priority" NOT NULL DEFAULT 'standard',
    "bid_type" "bid_type" NOT NULL DEFAULT 'CPM',
    "bid_amount" INTEGER NOT NULL,
    "frequency_cap_count" INTEGER,
    "frequency_cap_window_seconds" INTEGER,
    "countries" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "devices" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "site_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "categories" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "day_parting_hours" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "day_parting_weekdays" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "exclusion_label" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ad" (
    "id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "external_id" TEXT,
    "format" "ad_format" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "image_url" TEXT,
    "click_url" TEXT NOT NULL,
    "width" INTEGER,
    "height" INTEGER,
    "status" "ad_status" NOT NULL DEFAULT 'active',
    "review_state" "review_state" NOT NULL DEFAULT 'pending',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ad_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "site" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "status" "inventory_status" NOT NULL DEFAULT 'active',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "placement" (
    "id" UUID NOT NULL,
    "site_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "allowed_formats" "ad_format"[],
    "category" TEXT NOT NULL,
    "status" "inventory_status" NOT NULL DEFAULT 'active',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "placement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hourly_stat" (
    "ad_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "impressions" INTEGER NOT NULL DEFAULT 0,
    "viewable_impressions" INTEGER NOT NULL DEFAULT 0,
    "clicks" INTEGER NOT NULL DEFAULT 0,
    "spend" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hourly_stat_pkey" PRIMARY KEY ("ad_id","hour")
);

-- CreateTable
CREATE TABLE "stats_batch" (
    "batch_id" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stats_batch_pkey" PRIMARY KEY ("batch_id")
);

-- CreateTable
CREATE TABLE "import_run" (
    "id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "format" "import_format" NOT NULL,
    "status" "import_status" NOT NULL DEFAULT 'queued',
    "total_count" INTEGER NOT NULL DEFAULT 0,
    "created_count" INTEGER NOT NULL DEFAULT 0,
    "updated_count" INTEGER NOT NULL DEFAULT 0,
    "unchanged_count" INTEGER NOT NULL DEFAULT 0,
    "failed_count" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "import_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "role" "api_key_role" NOT NULL,
    "advertiser_id" UUID,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "actor_key_id" UUID,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "request_id" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "feature_switch" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "percentage" INTEGER NOT NULL DEFAULT 100,
    "scope" "feature_switch_scope" NOT NULL DEFAULT 'global',
    "scope_id" TEXT,
    "description" TEXT NOT NULL DEFAULT '',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "feature_switch_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "advertiser_name_key" ON "advertiser"("name");

-- CreateIndex
CREATE UNIQUE INDEX "advertiser_external_id_key" ON "advertiser"("external_id");

-- CreateIndex
CREATE INDEX "advertiser_status_idx" ON "advertiser"("status");

-- CreateIndex
CREATE INDEX "campaign_advertiser_id_status_idx" ON "campaign"("advertiser_id", "status");

-- CreateIndex
CREATE INDEX "campaign_status_flight_end_flight_start_idx" ON "campaign"("status", "flight_end", "flight_start");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_advertiser_id_external_id_key" ON "campaign"("advertiser_id", "external_id");

-- CreateIndex
CREATE INDEX "ad_campaign_id_status_idx" ON "ad"("campaign_id", "status");

-- CreateIndex
CREATE INDEX "ad_status_review_state_idx" ON "ad"("status", "review_state");

-- CreateIndex
CREATE UNIQUE INDEX "ad_campaign_id_external_id_key" ON "ad"("campaign_id", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "site_domain_key" ON "site"("domain");

-- CreateIndex
CREATE UNIQUE INDEX "placement_key_key" ON "placement"("key");

-- CreateIndex
CREATE INDEX "placement_site_id_idx" ON "placement"("site_id");

-- CreateIndex
CREATE INDEX "hourly_stat_campaign_id_hour_idx" ON "hourly_stat"("campaign_id", "hour");

-- CreateIndex
CREATE INDEX "hourly_stat_hour_idx" ON "hourly_stat"("hour");

-- CreateIndex
CREATE INDEX "import_run_status_created_at_idx" ON "import_run"("status", "created_at");

-- CreateIndex
CREATE INDEX "import_run_created_at_idx" ON "import_run"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_hash_key" ON "api_key"("hash");

-- CreateIndex
CREATE INDEX "api_key_prefix_idx" ON "api_key"("prefix");

-- CreateIndex
CREATE INDEX "api_key_advertiser_id_idx" ON "api_key"("advertiser_id");

-- CreateIndex
CREATE INDEX "audit_log_entity_type_entity_id_at_idx" ON "audit_log"("entity_type", "entity_id", "at");

-- CreateIndex
CREATE INDEX "audit_log_actor_key_id_at_idx" ON "audit_log"("actor_key_id", "at");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- CreateIndex
CREATE UNIQUE INDEX "feature_switch_name_scope_scope_id_key" ON "feature_switch"("name", "scope", "scope_id");

-- AddForeignKey
ALTER TABLE "campaign" ADD CONSTRAINT "campaign_advertiser_id_fkey" FOREIGN KEY ("advertiser_id") REFERENCES "advertiser"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ad" ADD CONSTRAINT "ad_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placement" ADD CONSTRAINT "placement_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hourly_stat" ADD CONSTRAINT "hourly_stat_ad_id_fkey" FOREIGN KEY ("ad_id") REFERENCES "ad"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hourly_stat" ADD CONSTRAINT "hourly_stat_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_advertiser_id_fkey" FOREIGN KEY ("advertiser_id") REFERENCES "advertiser"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ─────────────────────────────────────────────────────────────────────────────────────────────
-- Hand-written constraints. Prisma's schema language cannot express these, and its diff does
-- not see them (a later `npm run db:diff` neither drops nor repeats them). Keep this section
-- when regenerating the migration, and add the same kind of section to later migrations.
-- ─────────────────────────────────────────────────────────────────────────────────────────────

-- Scalar lists: Prisma reads NULL and '{}' alike; refusing NULL keeps raw SQL and COPY honest.
ALTER TABLE "campaign"
  ALTER COLUMN "countries" SET NOT NULL,
  ALTER COLUMN "devices" SET NOT NULL,
  ALTER COLUMN "keywords" SET NOT NULL,
  ALTER COLUMN "site_ids" SET NOT NULL,
  ALTER COLUMN "categories" SET NOT NULL,
  ALTER COLUMN "day_parting_hours" SET NOT NULL,
  ALTER COLUMN "day_parting_weekdays" SET NOT NULL;
ALTER TABLE "placement" ALTER COLUMN "allowed_formats" SET NOT NULL;

ALTER TABLE "advertiser"
  ADD CONSTRAINT "advertiser_name_check" CHECK (length(btrim("name")) > 0),
  ADD CONSTRAINT "advertiser_version_check" CHECK ("version" >= 1);

ALTER TABLE "campaign"
  ADD CONSTRAINT "campaign_name_check" CHECK (length(btrim("name")) > 0),
  ADD CONSTRAINT "campaign_flight_check" CHECK ("flight_end" > "flight_start"),
  ADD CONSTRAINT "campaign_time_zone_check" CHECK (length("time_zone") > 0),
  ADD CONSTRAINT "campaign_total_budget_check" CHECK ("total_budget" >= 0),
  ADD CONSTRAINT "campaign_daily_budget_check" CHECK ("daily_budget" IS NULL OR "daily_budget" >= 0),
  ADD CONSTRAINT "campaign_bid_amount_check" CHECK ("bid_amount" > 0),
  -- Written so that it never evaluates to NULL (which a CHECK would let through).
  ADD CONSTRAINT "campaign_frequency_cap_check" CHECK (
    ("frequency_cap_count" IS NULL) = ("frequency_cap_window_seconds" IS NULL)
    AND ("frequency_cap_count" IS NULL OR ("frequency_cap_count" > 0 AND "frequency_cap_window_seconds" > 0))
  ),
  ADD CONSTRAINT "campaign_day_parting_hours_check" CHECK (
    "day_parting_hours" <@ ARRAY[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
  ),
  ADD CONSTRAINT "campaign_day_parting_weekdays_check" CHECK ("day_parting_weekdays" <@ ARRAY[0, 1, 2, 3, 4, 5, 6]),
  ADD CONSTRAINT "campaign_version_check" CHECK ("version" >= 1);

ALTER TABLE "ad"
  ADD CONSTRAINT "ad_title_check" CHECK (length(btrim("title")) > 0),
  ADD CONSTRAINT "ad_size_check" CHECK (
    ("width" IS NULL) = ("height" IS NULL) AND ("width" IS NULL OR ("width" > 0 AND "height" > 0))
  ),
  ADD CONSTRAINT "ad_banner_size_check" CHECK ("format" <> 'banner' OR "width" IS NOT NULL),
  ADD CONSTRAINT "ad_version_check" CHECK ("version" >= 1);

ALTER TABLE "site"
  ADD CONSTRAINT "site_domain_check" CHECK ("domain" = lower("domain") AND length("domain") > 0),
  ADD CONSTRAINT "site_version_check" CHECK ("version" >= 1);

ALTER TABLE "placement"
  ADD CONSTRAINT "placement_key_check" CHECK (length("key") > 0),
  ADD CONSTRAINT "placement_allowed_formats_check" CHECK (cardinality("allowed_formats") > 0),
  ADD CONSTRAINT "placement_version_check" CHECK ("version" >= 1);

-- No "viewable <= impressions" or "clicks <= impressions": events are bucketed by their own
-- time, so a click can land in the hour after its impression.
ALTER TABLE "hourly_stat"
  ADD CONSTRAINT "hourly_stat_counts_check" CHECK (
    "impressions" >= 0 AND "viewable_impressions" >= 0 AND "clicks" >= 0 AND "spend" >= 0
  ),
  ADD CONSTRAINT "hourly_stat_hour_check" CHECK (extract(epoch FROM "hour") % 3600 = 0);

ALTER TABLE "stats_batch"
  ADD CONSTRAINT "stats_batch_rows_check" CHECK ("rows" >= 0);

ALTER TABLE "import_run"
  ADD CONSTRAINT "import_run_counts_check" CHECK (
    "total_count" >= 0 AND "created_count" >= 0 AND "updated_count" >= 0
    AND "unchanged_count" >= 0 AND "failed_count" >= 0
  ),
  ADD CONSTRAINT "import_run_errors_check" CHECK (jsonb_typeof("errors") = 'array'),
  ADD CONSTRAINT "import_run_finished_check" CHECK ("finished_at" IS NULL OR "finished_at" >= "started_at");

ALTER TABLE "api_key"
  ADD CONSTRAINT "api_key_hash_check" CHECK ("hash" ~ '^[0-9a-f]{64}$'),
  ADD CONSTRAINT "api_key_advertiser_check" CHECK (("role" = 'advertiser') = ("advertiser_id" IS NOT NULL));

ALTER TABLE "feature_switch"
  ADD CONSTRAINT "feature_switch_percentage_check" CHECK ("percentage" BETWEEN 0 AND 100),
  ADD CONSTRAINT "feature_switch_scope_check" CHECK (("scope" = 'global') = ("scope_id" IS NULL)),
  ADD CONSTRAINT "feature_switch_version_check" CHECK ("version" >= 1);

-- A global switch has scope_id NULL; NULLS NOT DISTINCT (PostgreSQL 15+) makes
-- (name, 'global', NULL) unique too, which the index Prisma generates would not.
DROP INDEX "feature_switch_name_scope_scope_id_key";
CREATE UNIQUE INDEX "feature_switch_name_scope_scope_id_key"
  ON "feature_switch" ("name", "scope", "scope_id") NULLS NOT DISTINCT;
