-- Reminders: armed_seq is the change value that last armed a task's reminder (its creation with a remindAt,
-- or a change of remindAt). A firing is published as (task, remindAt, armed_seq): a claim that published and
-- then failed to commit publishes the same triple again, which each stream delivers once, however the task
-- was edited in between; a re-armed reminder, even to the same time, is a new firing.
-- Also: a trip to the trash is kept only when it spans a change (a task trashed and restored in one
-- transaction never left sync's view), and the spans that a restore could have missed while the previous
-- migration ran are written again. Hand-written in Prisma's layout; keep in step with prisma/schema.prisma.

-- No task changes while this runs: the repair below and the new function see the same rows.
LOCK TABLE "tasks" IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE "tasks" ADD COLUMN "armed_seq" BIGINT NOT NULL DEFAULT 0;

INSERT INTO "task_trash_spans" ("task_id", "user_id", "trashed_seq", "restored_seq")
SELECT "id", "user_id", "trashed_seq", "live_seq" FROM "tasks"
WHERE "deleted_at" IS NULL AND "trashed_seq" > 0 AND "live_seq" > "trashed_seq"
ON CONFLICT DO NOTHING;

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
    IF TG_OP = 'INSERT' OR NEW."remind_at" IS DISTINCT FROM OLD."remind_at" THEN
        NEW."armed_seq" := NEW."changed_seq";
    END IF;
    IF TG_OP = 'INSERT' THEN
        NEW."live_seq" := NEW."changed_seq";
        NEW."created_seq" := NEW."changed_seq";
    ELSIF OLD."deleted_at" IS NOT NULL AND NEW."deleted_at" IS NULL THEN
        NEW."live_seq" := NEW."changed_seq";
        IF OLD."trashed_seq" < NEW."changed_seq" THEN
            INSERT INTO "task_trash_spans" ("task_id", "user_id", "trashed_seq", "restored_seq")
            VALUES (NEW."id", NEW."user_id", OLD."trashed_seq", NEW."changed_seq")
            ON CONFLICT ("task_id", "trashed_seq") DO UPDATE SET "restored_seq" = EXCLUDED."restored_seq";
        END IF;
    ELSIF OLD."deleted_at" IS NULL AND NEW."deleted_at" IS NOT NULL THEN
        NEW."trashed_seq" := NEW."changed_seq";
    END IF;
    RETURN NEW;
END $$;
