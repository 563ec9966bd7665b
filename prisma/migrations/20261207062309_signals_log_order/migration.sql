-- CreateIndex
CREATE INDEX "signals_tenant_id_position_idx" ON "signals"("tenant_id", "position");
