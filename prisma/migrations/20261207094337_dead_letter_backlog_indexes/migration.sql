-- CreateIndex
CREATE INDEX "sync_dead_letters_approved_at_created_at_idx" ON "sync_dead_letters"("approved_at", "created_at");

-- CreateIndex
CREATE INDEX "webhook_dead_letters_received_at_idx" ON "webhook_dead_letters"("received_at");
