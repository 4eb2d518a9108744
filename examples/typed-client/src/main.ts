// A typed client session against the Task API: sign up, create tasks, page through them with cursors,
// toggle one, survive a rejected access token (refresh and retry), delete one. Prints each step; exits
// non-zero on the first thing that is not as expected.
//
//   API_URL=http://localhost:4000/graphql npm start
import { randomUUID } from 'node:crypto';
import type { AnyVariables, Client, OperationResult } from '@urql/core';
import { createClient, emptySession, storeTokens, type Session } from './client.ts';
import type { TaskFieldsFragment, TaskPriority, TasksPageQuery } from './gql/graphql.ts';
import {
  createTaskMutation,
  deleteTaskMutation,
  meQuery,
  signupMutation,
  tasksPageQuery,
  toggleTaskCompletedMutation,
} from './operations.ts';

const API_URL = process.env.API_URL ?? 'http://localhost:4000/graphql';
const PAGE_SIZE = 2;

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** The result's data, or an error naming the operation (GraphQL errors, network errors). */
function dataOf<Data, Variables extends AnyVariables>(result: OperationResult<Data, Variables>, what: string): Data {
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  check(result.data, `${what}: no data`);
  return result.data;
}

const step = (message: string) => console.log(`- ${message}`);

async function run(client: Client, session: Session): Promise<void> {
  console.log(`Task API at ${API_URL}`);

  // 1. Sign up. Expected failures are members of the result union, not GraphQL errors.
  const email = `typed-client-${randomUUID()}@example.com`;
  const signup = dataOf(await client.mutation(signupMutation, { input: { email, password: 'a long password', name: 'Typed Client' } }), 'signup').signup;
  if (signup.__typename !== 'AuthPayload') {
    const details = signup.__typename === 'ValidationError' ? ` ${JSON.stringify(signup.fieldErrors)}` : '';
    throw new Error(`signup: ${signup.__typename}: ${signup.message}${details}`);
  }
  storeTokens(session, signup);
  step(`signed up as ${signup.user.email} (access token until ${signup.accessTokenExpiresAt})`);

  const me = dataOf(await client.query(meQuery, {}), 'me').me;
  check(me?.email === email, `me: expected ${email}, got ${JSON.stringify(me)}`);
  step(`me: ${me.email}`);

  // 2. Create tasks; a bad one comes back as a ValidationError naming the field.
  const priorities: TaskPriority[] = ['HIGH', 'LOW', 'MEDIUM', 'NONE', 'HIGH'];
  const created: TaskFieldsFragment[] = [];
  for (const [i, priority] of priorities.entries()) {
    const dueAt = new Date(Date.UTC(2030, 0, i + 1, 9)).toISOString();
    const result = dataOf(await client.mutation(createTaskMutation, { input: { title: `Example task ${i + 1}`, priority, dueAt } }), 'createTask').createTask;
    check(result.__typename === 'TaskPayload', `createTask: ${JSON.stringify(result)}`);
    created.push(result.task);
  }
  step(`created ${created.length} tasks: ${created.map((t) => t.title).join(', ')}`);

  const invalid = dataOf(await client.mutation(createTaskMutation, { input: { title: '   ' } }), 'createTask (blank title)').createTask;
  check(invalid.__typename === 'ValidationError', `createTask (blank title): expected a ValidationError, got ${invalid.__typename}`);
  check(invalid.fieldErrors.some((e) => e.path.join('.') === 'input.title'), `createTask (blank title): ${JSON.stringify(invalid.fieldErrors)}`);
  step(`a blank title is refused: ${invalid.fieldErrors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; ')}`);

  // 3. Page through them with cursors, by title.
  const seen = await allTasks(client);
  const expected = created.map((t) => t.title).sort();
  check(JSON.stringify(seen.map((t) => t.title)) === JSON.stringify(expected), `paging: expected ${expected.join(', ')}, got ${seen.map((t) => t.title).join(', ')}`);

  // 4. Toggle one.
  const target = created[1]!;
  const toggled = dataOf(await client.mutation(toggleTaskCompletedMutation, { input: { id: target.id } }), 'toggleTaskCompleted').toggleTaskCompleted;
  check(toggled.__typename === 'TaskPayload', `toggleTaskCompleted: ${JSON.stringify(toggled)}`);
  check(toggled.task.completed && toggled.task.completedAt, `toggleTaskCompleted: not completed: ${JSON.stringify(toggled.task)}`);
  step(`toggled "${toggled.task.title}": completed at ${toggled.task.completedAt}`);

  // 5. The access token goes bad (here: tampered with; in real life: expired or its session revoked).
  //    The API answers 401 UNAUTHENTICATED; the client refreshes the pair and retries the request.
  const before = { refreshToken: session.refreshToken, refreshes: session.refreshes };
  session.accessToken = `${session.accessToken}x`;
  const again = dataOf(await client.query(meQuery, {}), 'me (after a rejected token)').me;
  check(again?.email === email, `me (after a rejected token): ${JSON.stringify(again)}`);
  check(session.refreshes === before.refreshes + 1, `expected one refresh, saw ${session.refreshes - before.refreshes}`);
  check(session.refreshToken !== before.refreshToken, 'the refresh did not rotate the refresh token');
  step('access token rejected (401 UNAUTHENTICATED): refreshed the token pair and retried: me still answers');

  // 6. Delete one; the list follows.
  const victim = created[2]!;
  const deleted = dataOf(await client.mutation(deleteTaskMutation, { input: { id: victim.id } }), 'deleteTask').deleteTask;
  check(deleted.__typename === 'DeleteTaskPayload' && deleted.deletedTaskId === victim.id, `deleteTask: ${JSON.stringify(deleted)}`);
  step(`deleted "${victim.title}"`);

  const done = dataOf(await client.query(tasksPageQuery, { first: 100, filter: { completed: true } }), 'tasks (completed)').tasks;
  const remaining = await allTasks(client);
  check(remaining.length === created.length - 1 && !remaining.some((t) => t.id === victim.id), `after delete: ${remaining.map((t) => t.title).join(', ')}`);
  check(done.totalCount === 1 && done.edges[0]?.node.id === target.id, `completed filter: ${JSON.stringify(done)}`);
  step(`${remaining.length} tasks left, ${done.totalCount} completed`);

  console.log(`OK: all steps passed (token refreshes: ${session.refreshes})`);
}

/** Every task, PAGE_SIZE at a time, following pageInfo.endCursor. */
async function allTasks(client: Client): Promise<TaskFieldsFragment[]> {
  const tasks: TaskFieldsFragment[] = [];
  let after: string | null = null;
  for (let page = 1; ; page++) {
    check(page <= 50, 'paging: too many pages');
    const connection: TasksPageQuery['tasks'] = dataOf(
      await client.query(tasksPageQuery, { first: PAGE_SIZE, after, orderBy: { field: 'TITLE', direction: 'ASC' } }),
      `tasks page ${page}`,
    ).tasks;
    tasks.push(...connection.edges.map((edge) => edge.node));
    step(`page ${page}: ${connection.edges.map((e) => e.node.title).join(', ')} (${tasks.length}/${connection.totalCount})`);
    if (!connection.pageInfo.hasNextPage) break;
    check(connection.pageInfo.endCursor, `tasks page ${page}: hasNextPage without endCursor`);
    after = connection.pageInfo.endCursor;
  }
  check(new Set(tasks.map((t) => t.id)).size === tasks.length, 'paging: a task came twice');
  return tasks;
}

const session = emptySession();
try {
  await run(createClient(API_URL, session), session);
} catch (error) {
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
