-- CreateTable
CREATE TABLE "audit_leaves" (
    "position" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "audit_leaves_pkey" PRIMARY KEY ("position")
);
