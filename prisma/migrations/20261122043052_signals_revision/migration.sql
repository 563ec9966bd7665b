-- Signals rows gain the revision of their SignalRecorded event (payloads are read by stream and
-- revision, which every event store adapter supports). Rows written before cannot be given one
-- here, so the read model is emptied and the signals projection rebuilds it from the log.
DELETE FROM "signals";
UPDATE "projection_checkpoints" SET "position" = 0 WHERE "name" = 'signals';

-- AlterTable
ALTER TABLE "signals" ADD COLUMN     "revision" BIGINT NOT NULL;
