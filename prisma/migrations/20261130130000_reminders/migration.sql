-- Reminders that fire once: reminded_at is the remindAt that fired. A reminder is armed while remind_at is
-- set and reminded_at is not; changing remind_at re-arms it. The scheduler claims due reminders with
-- FOR UPDATE SKIP LOCKED and sets reminded_at in the same statement, so each fires once however many
-- instances poll. Hand-written in Prisma's layout; keep in step with prisma/schema.prisma.
ALTER TABLE "tasks" ADD COLUMN "reminded_at" TIMESTAMPTZ(3);

DROP INDEX "tasks_remind_at_idx";
CREATE INDEX "tasks_remind_at_idx" ON "tasks"("remind_at")
    WHERE "remind_at" IS NOT NULL AND "reminded_at" IS NULL AND NOT "completed" AND "deleted_at" IS NULL;

-- Firing a reminder is not a change of the task (no change value, nothing for sync); a new remindAt re-arms.
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
    ELSIF OLD."deleted_at" IS NULL AND NEW."deleted_at" IS NOT NULL THEN
        NEW."trashed_seq" := NEW."changed_seq";
    END IF;
    RETURN NEW;
END $$;
