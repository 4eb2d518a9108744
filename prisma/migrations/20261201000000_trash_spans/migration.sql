-- Sync's CREATED or UPDATED for a restored task needs to know whether the task was in the trash at the
-- client's token, and a task can go to the trash and come back many times: trashed_seq and live_seq only
-- hold the last trip. Each trip, once the task is restored, is kept here as the span of change values it
-- spent in the trash. Hand-written in Prisma's layout; keep in step with prisma/schema.prisma.
CREATE TABLE "task_trash_spans" (
    "task_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "trashed_seq" BIGINT NOT NULL,
    "restored_seq" BIGINT NOT NULL,
    CONSTRAINT "task_trash_spans_pkey" PRIMARY KEY ("task_id", "trashed_seq")
);
ALTER TABLE "task_trash_spans" ADD CONSTRAINT "task_trash_spans_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The last trip of every live task that has made one (earlier trips were not recorded before this).
INSERT INTO "task_trash_spans" ("task_id", "user_id", "trashed_seq", "restored_seq")
SELECT "id", "user_id", "trashed_seq", "live_seq" FROM "tasks"
WHERE "deleted_at" IS NULL AND "trashed_seq" > 0 AND "live_seq" > "trashed_seq";

CREATE OR REPLACE FUNCTION "taskapi_stamp_task_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW."remind_at" IS DISTINCT FROM OLD."remind_at" THEN
            NEW."reminded_at" := NULL;
        ELSIF NEW."reminded_at" IS DISTINCT FROM OLD."reminded_at" THEN
            RETURN NEW;
        END IF;
    END IF;
    NEW."changed_seq" := coalesce("taskapi_change_seq"(NEW."user_id"), 0);
    IF TG_OP = 'INSERT' THEN
        NEW."live_seq" := NEW."changed_seq";
        NEW."created_seq" := NEW."changed_seq";
    ELSIF OLD."deleted_at" IS NOT NULL AND NEW."deleted_at" IS NULL THEN
        NEW."live_seq" := NEW."changed_seq";
        INSERT INTO "task_trash_spans" ("task_id", "user_id", "trashed_seq", "restored_seq")
        VALUES (NEW."id", NEW."user_id", OLD."trashed_seq", NEW."changed_seq")
        ON CONFLICT DO NOTHING;
    ELSIF OLD."deleted_at" IS NULL AND NEW."deleted_at" IS NOT NULL THEN
        NEW."trashed_seq" := NEW."changed_seq";
    END IF;
    RETURN NEW;
END $$;
