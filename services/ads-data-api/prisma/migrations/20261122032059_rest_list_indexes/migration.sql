-- Indexes for the REST lists of ads and campaigns, which page by (created_at, id) with a keyset
-- (newest first by default): each page is then an index range scan from the cursor, not a
-- sort of the whole table.

-- CreateIndex
CREATE INDEX "ad_created_at_id_idx" ON "ad"("created_at", "id");

-- CreateIndex
CREATE INDEX "campaign_created_at_id_idx" ON "campaign"("created_at", "id");
