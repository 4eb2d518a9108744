-- Offline clients: a per-user change counter that stamps every change of a task, list or label, tombstones
-- for what is deleted for good, the trash's batches, and Idempotency-Key records.
-- Hand-written in Prisma's layout (see README "Migrations"); keep in step with prisma/schema.prisma.

-- Every writing transaction of a user takes the next value of users.change_seq, and with it the row lock
-- that orders that user's writes: a transaction that has not committed holds a larger value than every
-- committed one, so a reader that has seen value N has seen every change up to N (sync never skips one).
ALTER TABLE "users" ADD COLUMN "change_seq" BIGINT NOT NULL DEFAULT 0;

-- changed_seq: the value of the object's last change; live_seq: of its creation or its last restore;
-- created_seq and trashed_seq (tasks): of its creation and of its last move to the trash. Sync reports a
-- live task CREATED when it did not exist at the token, or was in the trash then (trashed before the
-- token, restored after it).
ALTER TABLE "tasks" ADD COLUMN "changed_seq" BIGINT NOT NULL DEFAULT 0, ADD COLUMN "live_seq" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "created_seq" BIGINT NOT NULL DEFAULT 0, ADD COLUMN "trashed_seq" BIGINT NOT NULL DEFAULT 0,
    -- The task whose deletion put this one in the trash: restoreTask brings back the same batch.
    ADD COLUMN "trashed_by" UUID;
ALTER TABLE "task_lists" ADD COLUMN "changed_seq" BIGINT NOT NULL DEFAULT 0, ADD COLUMN "live_seq" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "labels" ADD COLUMN "changed_seq" BIGINT NOT NULL DEFAULT 0, ADD COLUMN "live_seq" BIGINT NOT NULL DEFAULT 0;

-- Existing rows (before the triggers exist): one change value per user for everything there is.
UPDATE "tasks" SET "changed_seq" = 1, "live_seq" = 1, "created_seq" = 1, "trashed_seq" = CASE WHEN "deleted_at" IS NULL THEN 0 ELSE 1 END;
UPDATE "task_lists" SET "changed_seq" = 1, "live_seq" = 1;
UPDATE "labels" SET "changed_seq" = 1, "live_seq" = 1;
UPDATE "users" SET "change_seq" = 1;

-- One row per object deleted for good (a purged or permanently deleted task, a deleted list or label).
CREATE TABLE "deletions" (
    "user_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL,
    "node_type" TEXT NOT NULL,
    "node_id" UUID NOT NULL,
    CONSTRAINT "deletions_pkey" PRIMARY KEY ("user_id", "seq", "node_id")
);
-- A client-chosen id must not be one a deleted object had (its tombstone would contradict it in sync).
CREATE INDEX "deletions_node_id_idx" ON "deletions"("node_id");
ALTER TABLE "deletions" ADD CONSTRAINT "deletions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Sync reads each kind of object in change order from here.
CREATE INDEX "tasks_user_changed_seq_idx" ON "tasks"("user_id", "changed_seq", "id");
CREATE INDEX "task_lists_user_changed_seq_idx" ON "task_lists"("user_id", "changed_seq", "id");
CREATE INDEX "labels_user_changed_seq_idx" ON "labels"("user_id", "changed_seq", "id");

-- The change value of the current transaction for this user, taken at its first write (the application
-- takes it first thing in each writing transaction, so that the user's row lock always comes before any
-- task's: two writers never wait on each other in opposite orders). Kept in a transaction-local setting.
CREATE FUNCTION "taskapi_change_seq"(uid UUID) RETURNS BIGINT LANGUAGE plpgsql AS $$
DECLARE
    current TEXT := current_setting('taskapi.change', true);
    seq BIGINT;
BEGIN
    IF current IS NOT NULL AND current <> '' AND split_part(current, '/', 1) = uid::text
       AND split_part(current, '/', 2) = txid_current()::text THEN
        RETURN split_part(current, '/', 3)::bigint;
    END IF;
    UPDATE "users" SET "change_seq" = "change_seq" + 1 WHERE "id" = uid RETURNING "change_seq" INTO seq;
    IF seq IS NULL THEN
        RETURN NULL; -- the user is being deleted along with everything it owns
    END IF;
    PERFORM set_config('taskapi.change', uid::text || '/' || txid_current()::text || '/' || seq::text, true);
    RETURN seq;
END $$;

-- Stamps every inserted or updated row with the transaction's change value; a task coming back from the
-- trash is live again from this change on.
CREATE FUNCTION "taskapi_stamp_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW."changed_seq" := coalesce("taskapi_change_seq"(NEW."user_id"), 0);
    IF TG_OP = 'INSERT' THEN
        NEW."live_seq" := NEW."changed_seq";
    END IF;
    RETURN NEW;
END $$;
CREATE FUNCTION "taskapi_stamp_task_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

-- Leaves a tombstone for every row deleted for good (cascades included).
CREATE FUNCTION "taskapi_record_deletion"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seq BIGINT := "taskapi_change_seq"(OLD."user_id");
BEGIN
    IF seq IS NOT NULL THEN
        INSERT INTO "deletions" ("user_id", "seq", "node_type", "node_id") VALUES (OLD."user_id", seq, TG_ARGV[0], OLD."id")
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER "tasks_stamp_change" BEFORE INSERT OR UPDATE ON "tasks" FOR EACH ROW EXECUTE FUNCTION "taskapi_stamp_task_change"();
CREATE TRIGGER "task_lists_stamp_change" BEFORE INSERT OR UPDATE ON "task_lists" FOR EACH ROW EXECUTE FUNCTION "taskapi_stamp_change"();
CREATE TRIGGER "labels_stamp_change" BEFORE INSERT OR UPDATE ON "labels" FOR EACH ROW EXECUTE FUNCTION "taskapi_stamp_change"();
CREATE TRIGGER "tasks_record_deletion" AFTER DELETE ON "tasks" FOR EACH ROW EXECUTE FUNCTION "taskapi_record_deletion"('Task');
CREATE TRIGGER "task_lists_record_deletion" AFTER DELETE ON "task_lists" FOR EACH ROW EXECUTE FUNCTION "taskapi_record_deletion"('TaskList');
CREATE TRIGGER "labels_record_deletion" AFTER DELETE ON "labels" FOR EACH ROW EXECUTE FUNCTION "taskapi_record_deletion"('Label');

-- A task's subtask counts and a list's open-task count are derived: a change to them is not a change of
-- the parent task or list (no new version, no updatedAt), but it stamps the parent again so that sync and
-- the change stream report it and cached counts stay right.
CREATE FUNCTION "taskapi_touch_containers"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD."parent_id" IS NOT DISTINCT FROM NEW."parent_id" AND OLD."list_id" IS NOT DISTINCT FROM NEW."list_id"
           AND OLD."completed" = NEW."completed" AND OLD."deleted_at" IS NOT DISTINCT FROM NEW."deleted_at" THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE "tasks" SET "changed_seq" = "changed_seq" WHERE "id" = OLD."parent_id" AND "user_id" = OLD."user_id";
        UPDATE "task_lists" SET "changed_seq" = "changed_seq" WHERE "id" = OLD."list_id" AND "user_id" = OLD."user_id";
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE "tasks" SET "changed_seq" = "changed_seq" WHERE "id" = NEW."parent_id" AND "user_id" = NEW."user_id";
        UPDATE "task_lists" SET "changed_seq" = "changed_seq" WHERE "id" = NEW."list_id" AND "user_id" = NEW."user_id";
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER "tasks_touch_containers" AFTER INSERT OR UPDATE OR DELETE ON "tasks" FOR EACH ROW EXECUTE FUNCTION "taskapi_touch_containers"();

-- Idempotency-Key: the first response to a mutation request, kept for 24 hours per user and key. A row
-- whose request is still running has no status yet; its lease lets a retry take over after a crash.
CREATE TABLE "idempotency_keys" (
    "user_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" INTEGER,
    "content_type" TEXT,
    "body" TEXT,
    "locked_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("user_id", "key")
);
CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys"("expires_at");
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
