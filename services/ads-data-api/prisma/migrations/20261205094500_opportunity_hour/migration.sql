-- Forecasting history (issue 16): per placement and closed UTC hour, the requests serving
-- counted; per closed UTC day, a bounded sample of them (contracts/forecast.ts). The roll-up
-- writes them with opportunities.ingestHour and .ingestDay, which replace what a period had.
-- Deleting a placement deletes its counts (CASCADE); a day's sample names placements by key.

-- CreateTable
CREATE TABLE "opportunity_hour" (
    "placement_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "requests" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "opportunity_hour_pkey" PRIMARY KEY ("placement_id","hour")
);

-- CreateTable
CREATE TABLE "opportunity_day" (
    "day" DATE NOT NULL,
    "sample_threshold" DOUBLE PRECISION NOT NULL,
    "sample" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "opportunity_day_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "opportunity_hour_hour_idx" ON "opportunity_hour"("hour");

-- AddForeignKey
ALTER TABLE "opportunity_hour" ADD CONSTRAINT "opportunity_hour_placement_id_fkey" FOREIGN KEY ("placement_id") REFERENCES "placement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ─────────────────────────────────────────────────────────────────────────────────────────────
-- Hand-written (Prisma's diff does not see them; keep them when regenerating).
-- ─────────────────────────────────────────────────────────────────────────────────────────────

ALTER TABLE "opportunity_hour"
  ADD CONSTRAINT "opportunity_hour_requests_check" CHECK ("requests" >= 0),
  ADD CONSTRAINT "opportunity_hour_hour_check" CHECK (extract(epoch FROM "hour") % 3600 = 0);

ALTER TABLE "opportunity_day"
  ADD CONSTRAINT "opportunity_day_threshold_check" CHECK ("sample_threshold" > 0 AND "sample_threshold" <= 1),
  ADD CONSTRAINT "opportunity_day_sample_check" CHECK (jsonb_typeof("sample") = 'array');
