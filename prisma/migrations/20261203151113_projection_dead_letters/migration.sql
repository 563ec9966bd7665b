-- CreateTable
CREATE TABLE "projection_dead_letters" (
    "projection" TEXT NOT NULL,
    "event_position" BIGINT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "attempts" INTEGER NOT NULL,
    "failed_at" TIMESTAMP(3) NOT NULL,
    "decided_at" TIMESTAMP(3) NOT NULL,
    "decided_by" TEXT NOT NULL,
    "position" BIGINT NOT NULL,

    CONSTRAINT "projection_dead_letters_pkey" PRIMARY KEY ("projection","event_position")
);

-- CreateIndex
CREATE INDEX "projection_dead_letters_status_idx" ON "projection_dead_letters"("status");
