-- CreateTable
CREATE TABLE "webhook_dead_letters" (
    "tenant_id" TEXT NOT NULL,
    "id" UUID NOT NULL,
    "connection_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "delivery_id" TEXT,
    "event_type" TEXT,
    "received_at" TIMESTAMP(3) NOT NULL,
    "body_bytes" INTEGER NOT NULL,
    "body_sha256" TEXT NOT NULL,
    "revision" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "webhook_dead_letters_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateIndex
CREATE INDEX "webhook_dead_letters_tenant_id_received_at_id_idx" ON "webhook_dead_letters"("tenant_id", "received_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "webhook_dead_letters_tenant_id_connection_id_received_at_id_idx" ON "webhook_dead_letters"("tenant_id", "connection_id", "received_at" DESC, "id" DESC);
