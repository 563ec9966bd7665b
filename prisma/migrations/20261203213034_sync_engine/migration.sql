-- CreateTable
CREATE TABLE "sync_cursors" (
    "tenant_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "frequency" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "status" TEXT NOT NULL,
    "paused_reason" TEXT,
    "checkpoint" JSONB,
    "current_run_id" UUID,
    "next_run_at" TIMESTAMP(3),
    "rate_limited_until" TIMESTAMP(3),
    "last_error" TEXT,
    "last_run_at" TIMESTAMP(3),
    "quiet_runs" INTEGER NOT NULL,
    "configured_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "sync_cursors_pkey" PRIMARY KEY ("tenant_id","connection_id","resource")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "tenant_id" TEXT NOT NULL,
    "run_id" UUID NOT NULL,
    "connection_id" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "full" BOOLEAN NOT NULL,
    "status" TEXT NOT NULL,
    "scheduled_at" TIMESTAMP(3) NOT NULL,
    "due_at" TIMESTAMP(3) NOT NULL,
    "started_at" TIMESTAMP(3),
    "finished_at" TIMESTAMP(3),
    "attempt" INTEGER NOT NULL,
    "worker" TEXT,
    "added" INTEGER NOT NULL,
    "updated" INTEGER NOT NULL,
    "deleted" INTEGER NOT NULL,
    "unchanged" INTEGER NOT NULL,
    "requests" INTEGER NOT NULL,
    "error" TEXT,
    "retry_at" TIMESTAMP(3),
    "position" BIGINT NOT NULL,

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("tenant_id","run_id")
);

-- CreateTable
CREATE TABLE "sync_records" (
    "tenant_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "record_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "raw" JSONB NOT NULL,
    "hash" TEXT NOT NULL,
    "first_seen_at" TIMESTAMP(3) NOT NULL,
    "last_modified_at" TIMESTAMP(3) NOT NULL,
    "deleted_at" TIMESTAMP(3),
    "run_id" UUID NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "sync_records_pkey" PRIMARY KEY ("tenant_id","connection_id","resource","record_id")
);

-- CreateTable
CREATE TABLE "sync_record_buckets" (
    "tenant_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "sync_record_buckets_pkey" PRIMARY KEY ("tenant_id","connection_id","resource","bucket")
);

-- CreateTable
CREATE TABLE "sync_dead_letters" (
    "tenant_id" TEXT NOT NULL,
    "id" UUID NOT NULL,
    "connection_id" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "run_id" UUID NOT NULL,
    "class" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "status" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL,
    "approved_at" TIMESTAMP(3),
    "replay_run_id" UUID,
    "position" BIGINT NOT NULL,

    CONSTRAINT "sync_dead_letters_pkey" PRIMARY KEY ("tenant_id","id")
);

-- CreateTable
CREATE TABLE "sync_drift_checks" (
    "tenant_id" TEXT NOT NULL,
    "check_id" UUID NOT NULL,
    "connection_id" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "missing" JSONB NOT NULL,
    "extra" JSONB NOT NULL,
    "changed" JSONB NOT NULL,
    "repaired" INTEGER NOT NULL,
    "message" TEXT,
    "started_at" TIMESTAMP(3) NOT NULL,
    "finished_at" TIMESTAMP(3),
    "position" BIGINT NOT NULL,

    CONSTRAINT "sync_drift_checks_pkey" PRIMARY KEY ("tenant_id","check_id")
);

-- CreateIndex
CREATE INDEX "sync_cursors_enabled_status_next_run_at_idx" ON "sync_cursors"("enabled", "status", "next_run_at");

-- CreateIndex
CREATE INDEX "sync_runs_tenant_id_connection_id_resource_scheduled_at_run_idx" ON "sync_runs"("tenant_id", "connection_id", "resource", "scheduled_at" DESC, "run_id" DESC);

-- CreateIndex
CREATE INDEX "sync_runs_status_due_at_idx" ON "sync_runs"("status", "due_at");

-- CreateIndex
CREATE INDEX "sync_records_tenant_id_connection_id_resource_position_reco_idx" ON "sync_records"("tenant_id", "connection_id", "resource", "position", "record_id");

-- CreateIndex
CREATE INDEX "sync_dead_letters_tenant_id_created_at_id_idx" ON "sync_dead_letters"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "sync_drift_checks_tenant_id_connection_id_resource_started__idx" ON "sync_drift_checks"("tenant_id", "connection_id", "resource", "started_at" DESC, "check_id" DESC);
