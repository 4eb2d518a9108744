-- A parent task or list is stamped again (an UPDATED change for sync and the change stream) only when a
-- count it shows changes: a task counts towards its parent's subtaskCount while live, towards
-- completedSubtaskCount while live and completed, and towards its list's openTaskCount (at any depth) while
-- live and open. The first version stamped them on any change of those columns, so trashing a completed
-- task, moving a subtask to the top of the same list or purging a task already in the trash reported a
-- list or parent whose counts had not moved. Hand-written in Prisma's layout.
CREATE OR REPLACE FUNCTION "taskapi_touch_containers"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_live BOOLEAN := false;
    old_done BOOLEAN := false;
    new_live BOOLEAN := false;
    new_done BOOLEAN := false;
    same_parent BOOLEAN := false;
    same_list BOOLEAN := false;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_live := OLD."deleted_at" IS NULL;
        old_done := OLD."completed";
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_live := NEW."deleted_at" IS NULL;
        new_done := NEW."completed";
    END IF;
    IF TG_OP = 'UPDATE' THEN
        same_parent := OLD."parent_id" IS NOT DISTINCT FROM NEW."parent_id";
        same_list := OLD."list_id" IS NOT DISTINCT FROM NEW."list_id";
    END IF;

    IF same_parent THEN
        IF NEW."parent_id" IS NOT NULL AND (old_live OR new_live) AND (old_live <> new_live OR old_done <> new_done) THEN
            UPDATE "tasks" SET "changed_seq" = "changed_seq" WHERE "id" = NEW."parent_id" AND "user_id" = NEW."user_id";
        END IF;
    ELSE
        IF old_live AND OLD."parent_id" IS NOT NULL THEN
            UPDATE "tasks" SET "changed_seq" = "changed_seq" WHERE "id" = OLD."parent_id" AND "user_id" = OLD."user_id";
        END IF;
        IF new_live AND NEW."parent_id" IS NOT NULL THEN
            UPDATE "tasks" SET "changed_seq" = "changed_seq" WHERE "id" = NEW."parent_id" AND "user_id" = NEW."user_id";
        END IF;
    END IF;

    IF same_list THEN
        IF NEW."list_id" IS NOT NULL AND (old_live AND NOT old_done) <> (new_live AND NOT new_done) THEN
            UPDATE "task_lists" SET "changed_seq" = "changed_seq" WHERE "id" = NEW."list_id" AND "user_id" = NEW."user_id";
        END IF;
    ELSE
        IF old_live AND NOT old_done AND OLD."list_id" IS NOT NULL THEN
            UPDATE "task_lists" SET "changed_seq" = "changed_seq" WHERE "id" = OLD."list_id" AND "user_id" = OLD."user_id";
        END IF;
        IF new_live AND NOT new_done AND NEW."list_id" IS NOT NULL THEN
            UPDATE "task_lists" SET "changed_seq" = "changed_seq" WHERE "id" = NEW."list_id" AND "user_id" = NEW."user_id";
        END IF;
    END IF;
    RETURN NULL;
END $$;
