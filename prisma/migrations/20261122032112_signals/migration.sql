-- CreateTable
CREATE TABLE "signals" (
    "tenant_id" TEXT NOT NULL,
    "id" UUID NOT NULL,
    "connection_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT,
    "actor_bot" BOOLEAN,
    "subject_type" TEXT,
    "subject_id" TEXT,
    "subject_title" TEXT,
    "subject_url" TEXT,
    "summary" TEXT NOT NULL,
    "payload" JSONB,
    "delivery_id" TEXT,
    "event_type" TEXT,
    "received_at" TIMESTAMP(3) NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "signals_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE INDEX "signals_tenant_id_occurred_at_id_idx" ON "signals"("tenant_id", "occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "signals_tenant_id_connection_id_occurred_at_id_idx" ON "signals"("tenant_id", "connection_id", "occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "signals_tenant_id_provider_occurred_at_id_idx" ON "signals"("tenant_id", "provider", "occurred_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "signals_tenant_id_kind_occurred_at_id_idx" ON "signals"("tenant_id", "kind", "occurred_at" DESC, "id" DESC);
