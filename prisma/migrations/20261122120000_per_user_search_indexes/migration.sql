-- Search looks inside one user's tasks, so its trigram indexes start with the user. The global ones found
-- a term in every user's tasks and then read all those rows from the heap to keep the caller's: for a
-- user with 100,000 tasks and a term that 0.5 % of all tasks contain, 5,200 buffers and ~19 ms, against
-- 650 buffers and ~6 ms here (bench/README.md). btree_gin lets a GIN index hold the uuid beside the trigrams.
CREATE EXTENSION IF NOT EXISTS btree_gin;

DROP INDEX IF EXISTS "tasks_title_trgm_idx";
DROP INDEX IF EXISTS "tasks_description_trgm_idx";

-- fastupdate = off: with GIN's default pending list, every search scans all entries written since the last
-- vacuum; after a few thousand new tasks that tripled a search's database CPU (4.7 -> 17.8 ms in the
-- bench). Writing each new task's trigrams into the index directly cost createTask nothing measurable.
CREATE INDEX "tasks_user_title_trgm_idx" ON "tasks" USING GIN ("user_id", "title" gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX "tasks_user_description_trgm_idx" ON "tasks" USING GIN ("user_id", "description" gin_trgm_ops) WITH (fastupdate = off);
