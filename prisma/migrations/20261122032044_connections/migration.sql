-- CreateTable
CREATE TABLE "connections" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "auth_mode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "integration" TEXT,
    "account_id" TEXT,
    "account_name" TEXT,
    "display_name" TEXT,
    "scopes" TEXT[],
    "expires_at" TIMESTAMP(3),
    "last_refreshed_at" TIMESTAMP(3),
    "state_hash" TEXT,
    "state_expires_at" TIMESTAMP(3),
    "redirect_uri" TEXT,
    "failure_reason" TEXT,
    "failure_message" TEXT,
    "revoked_at" TIMESTAMP(3),
    "provider_revocation_status" TEXT,
    "provider_revocation_detail" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "version" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credentials" (
    "connection_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "auth_mode" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "secret" JSONB NOT NULL,
    "token_type" TEXT,
    "expires_at" TIMESTAMP(3),
    "refresh_due_at" TIMESTAMP(3),
    "refresh_token_expires_at" TIMESTAMP(3),
    "refresh_failures" INTEGER NOT NULL,
    "issued_at" TIMESTAMP(3) NOT NULL,
    "token_revision" BIGINT NOT NULL,
    "version" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "credentials_pkey" PRIMARY KEY ("connection_id")
);

-- CreateTable
CREATE TABLE "integrations" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "client_secret" JSONB,
    "default_scopes" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "version" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "integrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_endpoints" (
    "connection_id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "secret" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "version" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("connection_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "connections_state_hash_key" ON "connections"("state_hash");

-- CreateIndex
CREATE INDEX "connections_tenant_id_id_idx" ON "connections"("tenant_id", "id");

-- CreateIndex
CREATE INDEX "connections_tenant_id_provider_id_idx" ON "connections"("tenant_id", "provider", "id");

-- CreateIndex
CREATE INDEX "connections_tenant_id_status_id_idx" ON "connections"("tenant_id", "status", "id");

-- CreateIndex
CREATE INDEX "connections_provider_account_id_idx" ON "connections"("provider", "account_id");

-- CreateIndex
CREATE INDEX "credentials_tenant_id_idx" ON "credentials"("tenant_id");

-- CreateIndex
CREATE INDEX "credentials_status_refresh_due_at_idx" ON "credentials"("status", "refresh_due_at");

-- CreateIndex
CREATE UNIQUE INDEX "integrations_scope_provider_key" ON "integrations"("scope", "provider");

-- CreateIndex
CREATE INDEX "webhook_endpoints_tenant_id_idx" ON "webhook_endpoints"("tenant_id");
