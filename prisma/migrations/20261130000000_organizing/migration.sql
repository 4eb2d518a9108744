-- Organizing: task lists, labels, subtasks, manual order, recurrence, reminders, versions and the trash.
-- Hand-written in Prisma's layout (see README "Migrations"); keep in step with prisma/schema.prisma.

ALTER TABLE "users" ADD COLUMN "time_zone" TEXT NOT NULL DEFAULT 'UTC';

-- Names are unique per user ignoring case as JavaScript's toLowerCase() folds them: the service stores that
-- fold in name_key, and a unique index on it decides between concurrent creates. COLLATE "C" makes keys and
-- positions compare by code point, never by a locale's rules.
CREATE TABLE "task_lists" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT COLLATE "C" NOT NULL,
    "color" TEXT,
    "position" TEXT COLLATE "C" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "task_lists_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "task_lists_user_name_key" ON "task_lists"("user_id", "name_key");
CREATE INDEX "task_lists_user_position_idx" ON "task_lists"("user_id", "position", "id");
ALTER TABLE "task_lists" ADD CONSTRAINT "task_lists_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "labels" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "name_key" TEXT COLLATE "C" NOT NULL,
    "color" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "labels_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "labels_user_name_key" ON "labels"("user_id", "name_key");
ALTER TABLE "labels" ADD CONSTRAINT "labels_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "tasks"
    ADD COLUMN "list_id" UUID,
    ADD COLUMN "parent_id" UUID,
    ADD COLUMN "position" TEXT COLLATE "C",
    ADD COLUMN "recurrence" TEXT,
    ADD COLUMN "recurrence_start" TIMESTAMPTZ(3),
    ADD COLUMN "remind_at" TIMESTAMPTZ(3),
    ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN "deleted_at" TIMESTAMPTZ(3);

-- Today's tasks land in the Inbox, top level, in creation order. The keys are fractional-indexing
-- integer keys: 'd' then four base-62 digits, the n-th task of a user getting n (room for 14.7 million).
WITH numbered AS (
    SELECT "id", row_number() OVER (PARTITION BY "user_id" ORDER BY "created_at", "id") - 1 AS n FROM "tasks"
), digits AS (SELECT '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'::text AS d)
UPDATE "tasks" t
   SET "position" = 'd'
       || substr(digits.d, (numbered.n / 238328 % 62)::int + 1, 1)
       || substr(digits.d, (numbered.n / 3844 % 62)::int + 1, 1)
       || substr(digits.d, (numbered.n / 62 % 62)::int + 1, 1)
       || substr(digits.d, (numbered.n % 62)::int + 1, 1)
  FROM numbered, digits
 WHERE numbered."id" = t."id";
ALTER TABLE "tasks" ALTER COLUMN "position" SET NOT NULL, ALTER COLUMN "position" SET DEFAULT 'a0';

ALTER TABLE "tasks" ADD CONSTRAINT "tasks_list_id_fkey" FOREIGN KEY ("list_id") REFERENCES "task_lists"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- POSITION pages of one group of siblings. `parent_id IS NULL` (and `list_id IS NULL` for the Inbox) is no
-- equality to the planner, so an index with those columns in front of position would not deliver rows in
-- position order: it read the whole group and sorted (1,300 buffers for a list of 6,000 tasks, 2,000 for
-- an Inbox of 40,000). Partial indexes for the top level of a list and of the Inbox, and one on parent_id
-- for subtasks, make each a range scan that stops after a page (bench/README.md).
CREATE INDEX "tasks_list_top_position_idx" ON "tasks"("user_id", "list_id", "position", "id") WHERE "parent_id" IS NULL AND "deleted_at" IS NULL;
CREATE INDEX "tasks_inbox_top_position_idx" ON "tasks"("user_id", "position", "id") WHERE "list_id" IS NULL AND "parent_id" IS NULL AND "deleted_at" IS NULL;
CREATE INDEX "tasks_parent_position_idx" ON "tasks"("parent_id", "position", "id");
-- The list filter in the default order (CREATED_AT).
CREATE INDEX "tasks_user_list_created_at_idx" ON "tasks"("user_id", "list_id", "created_at", "id");
-- TaskList.openTaskCount counts live open tasks per list from the index alone.
CREATE INDEX "tasks_open_by_list_idx" ON "tasks"("list_id", "user_id") WHERE NOT "completed" AND "deleted_at" IS NULL;
-- The reminder scheduler's range: armed reminders of live open tasks, by time.
CREATE INDEX "tasks_remind_at_idx" ON "tasks"("remind_at") WHERE "remind_at" IS NOT NULL AND NOT "completed" AND "deleted_at" IS NULL;
-- The trash, most recently trashed first.
CREATE INDEX "tasks_user_deleted_at_idx" ON "tasks"("user_id", "deleted_at", "id") WHERE "deleted_at" IS NOT NULL;

CREATE TABLE "task_labels" (
    "task_id" UUID NOT NULL,
    "label_id" UUID NOT NULL,
    CONSTRAINT "task_labels_pkey" PRIMARY KEY ("task_id", "label_id")
);
CREATE INDEX "task_labels_label_id_idx" ON "task_labels"("label_id", "task_id");
ALTER TABLE "task_labels" ADD CONSTRAINT "task_labels_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "task_labels" ADD CONSTRAINT "task_labels_label_id_fkey" FOREIGN KEY ("label_id") REFERENCES "labels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
