// The floor's work, shared by the floor (bench/floor.ts) and the yoga reference (bench/reference.ts): the same JWT verification (the
// application's token service: jsonwebtoken, HS256 KeyObject, iss/aud), the same session lookup, the same
// SQL text and parameters as Prisma (bench/sql.ts), the same argon2 verification and the same JSON out.
// No schema, parsing, validation, Prisma, plugins or logging. The API's throughput divided by this one is
// the "ratio to the floor" of the benchmark.
//
// Started by bench/run.ts with the server's environment (PORT, DATABASE_URL, JWT_SECRET, …).
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { needsRehash, verifyAgainstDummy, verifyPassword } from '../src/auth/passwords.ts';
import { createTokenService, hashRefreshToken, newRefreshToken, type AccessClaims } from '../src/auth/tokens.ts';
import { clientWithDeadline } from '../src/db/query-deadline.ts';
import { PAGE_SIZE } from './operations.ts';
import { generateKeyBetween } from 'fractional-indexing';
import {
  AFTER_PAGE_SQL,
  BEGIN_SQL,
  CHANGE_SEQ_SQL,
  COMMIT_SQL,
  FIRST_PAGE_SQL,
  LAST_INBOX_POSITION_SQL,
  INSERT_REFRESH_TOKEN_SQL,
  INSERT_SESSION_SQL,
  INSERT_TASK_SQL,
  SEARCH_PAGE_SQL,
  SESSION_SQL,
  sqlTimestamp,
  USER_BY_EMAIL_SQL,
} from './sql.ts';

export const config = loadConfig();
if (!config.DATABASE_URL) throw new Error('the floor needs DATABASE_URL');
export const tokens = createTokenService(config);

// The same pool settings as src/db/database.ts, its query deadline included.
export const pool = new pg.Pool({
  connectionString: config.DATABASE_URL,
  max: config.DATABASE_POOL_SIZE,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  statement_timeout: 15_000,
  Client: clientWithDeadline(pg.Client, 17_000),
});
pool.on('error', () => {});

const query = (text: string, values: unknown[]) => pool.query({ text, values, rowMode: 'array' });
// The statements the API prepares (named statements), prepared here too: the same work on the database.
const named = (name: string, text: string, values: unknown[]) => pool.query({ name, text, values, rowMode: 'array' });

export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

// The API remembers a live session for SESSION_CACHE_SECONDS (src/auth/session-cache.ts): so does the floor.
const checked = new Map<string, number>();

export async function viewer(authorization: string | undefined): Promise<AccessClaims> {
  const match = authorization ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(authorization.trim()) : null;
  const claims = match ? tokens.verifyAccess(match[1]!) : null;
  if (!claims) throw new HttpError(401, 'The access token is malformed, expired or invalid');
  const at = checked.get(claims.sessionId);
  if (at !== undefined && Date.now() - at < config.SESSION_CACHE_SECONDS * 1000) return claims;
  const checkedAt = Date.now();
  const { rows } = await named('session_check', SESSION_SQL, [claims.sessionId, claims.userId, claims.tokenVersion]);
  if (rows.length === 0) throw new HttpError(401, 'The access token has been revoked');
  checked.set(claims.sessionId, checkedAt);
  return claims;
}

// Row = the page's columns (bench/sql.ts): id, title, completed, created_at.
export type TaskRow = [string, string, boolean, Date];
export const globalId = (id: string) => Buffer.from(`Task:${id}`, 'utf8').toString('base64url');
export const cursor = (row: TaskRow) =>
  Buffer.from(JSON.stringify(['CREATED_AT:DESC', row[3].toISOString(), row[0]]), 'utf8').toString('base64url');
export const node = (row: TaskRow) => ({ id: globalId(row[0]), title: row[1], completed: row[2], createdAt: row[3].toISOString() });

export async function tasksPage(claims: AccessClaims, variables: { after?: string; search?: string }) {
  let result;
  if (variables.after) {
    const [tag, value, id] = JSON.parse(Buffer.from(variables.after, 'base64url').toString('utf8')) as [string, string, string];
    if (tag !== 'CREATED_AT:DESC') throw new HttpError(400, 'bad cursor');
    const at = sqlTimestamp(new Date(value));
    result = await named('after_page', AFTER_PAGE_SQL, [claims.userId, at, id]);
  } else if (variables.search) {
    const term = variables.search.replace(/[\\%_]/g, '\\$&');
    result = await named('search_page', SEARCH_PAGE_SQL, [claims.userId, term, term]);
  } else {
    result = await named('first_page', FIRST_PAGE_SQL, [claims.userId]);
  }
  const rows = result.rows as TaskRow[];
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return {
    tasks: {
      edges: page.map((row) => ({ node: node(row) })),
      pageInfo: { hasNextPage: rows.length > PAGE_SIZE, endCursor: last ? cursor(last) : null },
    },
  };
}

export async function createTask(claims: AccessClaims, variables: { input: { title: string } }) {
  const title = variables.input.title.trim();
  if (title.length < 1 || title.length > 200) throw new HttpError(400, 'bad title');
  const now = sqlTimestamp(new Date());
  // The API's transaction, statement for statement: the user's change value (and row lock) first, then
  // the last Inbox position for the new one's key, then the insert.
  const client = await pool.connect();
  try {
    await client.query(BEGIN_SQL);
    try {
      await client.query({ text: CHANGE_SEQ_SQL, values: [claims.userId], rowMode: 'array' });
      const last = await client.query({ text: LAST_INBOX_POSITION_SQL, values: [claims.userId, '1', '0'], rowMode: 'array' });
      const position = generateKeyBetween((last.rows[0] as [string, string] | undefined)?.[1] ?? null, null);
      const { rows } = await client.query({
        text: INSERT_TASK_SQL,
        values: [uuid7(), claims.userId, title, null, false, null, null, 0, now, now, null, null, position, null, null, null, '0', '1', '0', '0', '0', '0'],
        rowMode: 'array',
      });
      await client.query(COMMIT_SQL);
      // RETURNING gives every column in the model's order (bench/sql.ts): id, user_id, title, title_key, description,
      // completed, …, created_at.
      const row = rows[0] as unknown[];
      return { createTask: { __typename: 'TaskPayload', task: node([row[0], row[2], row[5], row[9]] as TaskRow) } };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    client.release();
  }
}

export async function login(variables: { input: { email: string; password: string } }) {
  const email = variables.input.email.trim().toLowerCase();
  const { rows } = await query(USER_BY_EMAIL_SQL, [email, '1', '0']);
  const user = rows[0] as [string, string, string | null, string, number] | undefined;
  const ok = user ? await verifyPassword(user[3], variables.input.password) : await verifyAgainstDummy(variables.input.password);
  if (!user || !ok) return { login: { __typename: 'InvalidCredentialsError' } };
  if (needsRehash(user[3])) throw new Error('bench users are hashed with the current parameters');
  const now = new Date();
  const session = await query(INSERT_SESSION_SQL, [
    uuid7(), user[0], sqlTimestamp(now), sqlTimestamp(new Date(now.getTime() + config.SESSION_TTL_SECONDS * 1000)),
  ]);
  const sessionId = (session.rows[0] as [string])[0];
  const refreshToken = newRefreshToken();
  await query(INSERT_REFRESH_TOKEN_SQL, [uuid7(), sessionId, hashRefreshToken(refreshToken), sqlTimestamp(new Date())]);
  const access = tokens.signAccess({ userId: user[0], sessionId, tokenVersion: user[4] });
  return { login: { __typename: 'AuthPayload', accessToken: access.token } };
}

/** A UUIDv7, as Prisma's uuid(7) default makes them for new rows. */
function uuid7(): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Listens on PORT as the bench starts it, and ends the process (pool included) on SIGTERM or SIGINT. */
export function serve(server: Server, name: string) {
  server.keepAliveTimeout = 65_000;
  server.listen(config.PORT, config.HOST, () => console.log(`${name} on http://localhost:${config.PORT}/graphql`));
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void pool.end().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
