// The statements Prisma sends for the benchmark's operations, verbatim (text and parameter shapes), so
// that the floor server runs exactly the same SQL as the API. They were captured from the pg pool under
// Prisma; `npm run bench` captures them again before measuring and stops if they no longer match
// (see checkFloorSql in run.ts), so this file cannot silently drift from the application.

import { PAGE_SIZE } from './operations.ts';

const TASK_COLUMN_NAMES = [
  'id', 'user_id', 'title', 'title_key', 'description', 'completed', 'completed_at', 'due_at', 'priority', 'created_at', 'updated_at',
  'list_id', 'parent_id', 'position', 'recurrence', 'recurrence_start', 'remind_at', 'reminded_at', 'armed_seq', 'version', 'deleted_at',
  'trashed_by', 'changed_seq', 'live_seq', 'created_seq', 'trashed_seq',
];
const TASK_COLUMNS = TASK_COLUMN_NAMES.map((column) => `"public"."tasks"."${column}"`).join(', ');

/** The session check of src/context.ts (plain SQL, a named statement). Values: session id, user id, token version. */
export const SESSION_SQL =
  'SELECT s."expires_at" FROM "sessions" s JOIN "users" u ON u."id" = s."user_id" ' +
  'WHERE s."id" = $1 AND s."user_id" = $2 AND s."revoked_at" IS NULL AND s."expires_at" > now() AND u."token_version" = $3';

// Task pages come from src/services/task-sql.ts (plain SQL, named statements) and read only the columns
// the selection needs (src/schema/task/columns.ts): for the bench's id, title, completed, createdAt, those four.
const TASK_SELECT = 't."id", t."title", t."completed", t."created_at" AS "createdAt"';
const PAGE_ORDER = 'ORDER BY t."created_at" DESC, t."id" DESC';
const LIVE_TASKS = 't."user_id" = $1 AND t."deleted_at" IS NULL';
/** The page size + 1 (the look-ahead row), written into the text as the API does. */
const PAGE_LIMIT = `LIMIT ${PAGE_SIZE + 1}`;

/** W1: the first page, newest first (the trash left out). Values: user id. */
export const FIRST_PAGE_SQL = `SELECT ${TASK_SELECT} FROM "tasks" t WHERE (${LIVE_TASKS}) ${PAGE_ORDER} ${PAGE_LIMIT}`;

/** W2: the page after a keyset cursor (a row comparison). Values: user id, created_at, id. */
export const AFTER_PAGE_SQL =
  `SELECT ${TASK_SELECT} FROM "tasks" t WHERE (${LIVE_TASKS}) AND (((t."created_at", t."id") < ($2, $3))) ${PAGE_ORDER} ${PAGE_LIMIT}`;

/** W5: the first page of a search. Values: user id, escaped term x2. */
export const SEARCH_PAGE_SQL =
  `SELECT ${TASK_SELECT} FROM "tasks" t WHERE (${LIVE_TASKS} AND ((t."title" ILIKE ('%' || $2 || '%')) OR (t."description" ILIKE ('%' || $3 || '%')))) ${PAGE_ORDER} ${PAGE_LIMIT}`;

/** W3: createTask is one transaction: BEGIN, the user's change value, the last Inbox position, the insert, COMMIT. */
export const BEGIN_SQL = 'BEGIN';
export const COMMIT_SQL = 'COMMIT';
/** Values: user id. */
export const CHANGE_SEQ_SQL = 'SELECT "taskapi_change_seq"($1::uuid)';
/** Values: user id, '1', '0'. */
export const LAST_INBOX_POSITION_SQL =
  'SELECT "public"."tasks"."id", "public"."tasks"."position" FROM "public"."tasks" WHERE ("public"."tasks"."user_id" = $1 ' +
  'AND "public"."tasks"."deleted_at" IS NULL AND "public"."tasks"."list_id" IS NULL AND "public"."tasks"."parent_id" IS NULL) ' +
  'ORDER BY "public"."tasks"."position" DESC, "public"."tasks"."id" DESC LIMIT $2 OFFSET $3';
/**
 * Values: id (UUIDv7), user id, title, description, completed, completed_at, due_at, priority, created_at,
 * updated_at, list_id, parent_id, position, recurrence, recurrence_start, remind_at, armed_seq ('0'), version
 * ('1'), and the four change values ('0'; the trigger sets them and armed_seq).
 */
export const INSERT_TASK_SQL =
  'INSERT INTO "public"."tasks" ("id","user_id","title","description","completed","completed_at","due_at","priority","created_at","updated_at",' +
  '"list_id","parent_id","position","recurrence","recurrence_start","remind_at","armed_seq","version","changed_seq","live_seq","created_seq","trashed_seq") ' +
  `VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22) RETURNING ${TASK_COLUMNS}`;

/** Login, 1/3: the user by email. Values: email, '1', '0'. */
export const USER_BY_EMAIL_SQL =
  'SELECT "public"."users"."id", "public"."users"."email", "public"."users"."name", "public"."users"."password_hash", ' +
  '"public"."users"."token_version", "public"."users"."time_zone", "public"."users"."change_seq", "public"."users"."created_at", ' +
  '"public"."users"."updated_at" FROM "public"."users" ' +
  'WHERE ("public"."users"."email" = $1 AND 1=1) LIMIT $2 OFFSET $3';

/** Login, 2/3: the session. Values: id (UUIDv7), user id, created_at, expires_at. */
export const INSERT_SESSION_SQL =
  'INSERT INTO "public"."sessions" ("id","user_id","created_at","expires_at") VALUES ($1,$2,$3,$4) RETURNING "public"."sessions"."id"';

/** Login, 3/3: the refresh token. Values: id (UUIDv7), session id, token hash, created_at. */
export const INSERT_REFRESH_TOKEN_SQL =
  'INSERT INTO "public"."refresh_tokens" ("id","session_id","token_hash","created_at") VALUES ($1,$2,$3,$4) ' +
  'RETURNING "public"."refresh_tokens"."id", "public"."refresh_tokens"."session_id", "public"."refresh_tokens"."token_hash", ' +
  '"public"."refresh_tokens"."created_at", "public"."refresh_tokens"."used_at"';

export const FLOOR_SQL = {
  SESSION_SQL,
  FIRST_PAGE_SQL,
  AFTER_PAGE_SQL,
  SEARCH_PAGE_SQL,
  BEGIN_SQL,
  CHANGE_SEQ_SQL,
  LAST_INBOX_POSITION_SQL,
  INSERT_TASK_SQL,
  COMMIT_SQL,
  USER_BY_EMAIL_SQL,
  INSERT_SESSION_SQL,
  INSERT_REFRESH_TOKEN_SQL,
};

/** How Prisma sends a DateTime parameter: "2026-01-06 12:00:00.000" (UTC). */
export const sqlTimestamp = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 23);
