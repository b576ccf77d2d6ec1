-- Money units as the contracts of libs/ads-client define them: budgets and bids in currency
-- minor units (cents), spend in micros (1/1,000,000 of the currency unit; 10,000 per cent).
--
-- Written by hand instead of Prisma's DROP COLUMN "spend" / ADD COLUMN "spend_micros", which
-- would lose recorded spend. The end state is what prisma/schema.prisma describes, so
-- `npm run db:diff -- --check` stays clean.

-- HourlyStat.spend (Int, cents) → HourlyStat.spendMicros (BigInt, micros). Renaming keeps
-- hourly_stat_counts_check, which PostgreSQL rewrites to name the new column.
ALTER TABLE "hourly_stat" RENAME COLUMN "spend" TO "spend_micros";
ALTER TABLE "hourly_stat"
  ALTER COLUMN "spend_micros" DROP DEFAULT,
  ALTER COLUMN "spend_micros" SET DATA TYPE BIGINT USING "spend_micros"::bigint * 10000,
  ALTER COLUMN "spend_micros" SET DEFAULT 0;

-- Campaign.bidAmount: micros → cents, rounded; campaign_bid_amount_check (> 0) keeps a
-- sub-cent bid at one cent rather than refusing the migration.
UPDATE "campaign" SET "bid_amount" = GREATEST(1, round("bid_amount" / 10000.0)::integer);
