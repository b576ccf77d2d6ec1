-- REST API support: Idempotency-Key records for POST requests, and nullable categories so that
-- a site may be unclassified and a placement may inherit its site's category (the contracts'
-- `category: null`).

-- AlterTable
ALTER TABLE "placement" ALTER COLUMN "category" DROP NOT NULL;

-- AlterTable
ALTER TABLE "site" ALTER COLUMN "category" DROP NOT NULL;

-- CreateTable
CREATE TABLE "idempotency_record" (
    "id" UUID NOT NULL,
    "actor_key_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_record_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "idempotency_record_created_at_idx" ON "idempotency_record"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "idempotency_record_actor_key_id_key_key" ON "idempotency_record"("actor_key_id", "key");

-- ─────────────────────────────────────────────────────────────────────────────────────────────
-- Hand-written constraints (Prisma's diff does not see them; keep them when regenerating).
-- ─────────────────────────────────────────────────────────────────────────────────────────────

ALTER TABLE "site"
  ADD CONSTRAINT "site_category_check" CHECK ("category" IS NULL OR length(btrim("category")) > 0);
ALTER TABLE "placement"
  ADD CONSTRAINT "placement_category_check" CHECK ("category" IS NULL OR length(btrim("category")) > 0);

ALTER TABLE "idempotency_record"
  ADD CONSTRAINT "idempotency_record_key_check" CHECK (length("key") BETWEEN 1 AND 255),
  ADD CONSTRAINT "idempotency_record_status_check" CHECK ("status" BETWEEN 200 AND 299),
  ADD CONSTRAINT "idempotency_record_request_hash_check" CHECK ("request_hash" ~ '^[0-9a-f]{64}$');
