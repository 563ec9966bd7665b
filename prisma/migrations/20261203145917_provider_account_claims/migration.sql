-- DropIndex
DROP INDEX "connections_provider_account_id_idx";

-- CreateTable
CREATE TABLE "provider_account_claims" (
    "connection_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "proof" TEXT,
    "reason" TEXT,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "provider_account_claims_pkey" PRIMARY KEY ("connection_id")
);

-- CreateIndex
CREATE INDEX "provider_account_claims_provider_account_id_state_idx" ON "provider_account_claims"("provider", "account_id", "state");

-- CreateIndex
CREATE INDEX "provider_account_claims_tenant_id_idx" ON "provider_account_claims"("tenant_id");
