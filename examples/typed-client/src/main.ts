// A typed client session against the Task API: sign up, create tasks, page through them with cursors,
// toggle one, survive a rejected access token (refresh and retry), delete one; then, with a `changes`
// subscription open over graphql-ws, queue a list, a label, a task and a subtask offline with client-made
// ids, replay the queue through a lost response (Idempotency-Key: it runs once), read the list back, and
// resolve a StaleTaskError. Every operation is sent as its trusted-document id. Prints each step; exits
// non-zero on the first thing that is not as expected.
//
//   API_URL=http://localhost:4000/graphql npm start
import { randomUUID } from 'node:crypto';
import type { AnyVariables, Client, OperationResult } from '@urql/core';
import { createClient, emptySession, storeTokens, type Session } from './client.ts';
import type { ChangesSubscription, TaskFieldsFragment, TaskPriority, TasksPageQuery } from './gql/graphql.ts';
import { clientId, OfflineQueue } from './offline.ts';
import {
  changesSubscription,
  createLabelMutation,
  createOrganizedTaskMutation,
  createTaskListMutation,
  createTaskMutation,
  deleteTaskMutation,
  listTasksQuery,
  meQuery,
  organizingQuery,
  signupMutation,
  syncTokenQuery,
  tasksPageQuery,
  toggleTaskCompletedMutation,
  updateTaskMutation,
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

  await organizeOffline(client);

  console.log(`OK: all steps passed (token refreshes: ${session.refreshes})`);
}

type Change = ChangesSubscription['changes'];

/** Steps 7 to 10: live changes, an offline queue with client ids and retries, lists, labels, subtasks, a conflict. */
async function organizeOffline(client: Client): Promise<void> {
  // 7. Live updates: every change to this user's data, as it commits, over graphql-ws, from the current
  //    syncToken (the stream starts with anything since then, so the writes below cannot slip past it).
  const start = dataOf(await client.query(syncTokenQuery, {}), 'sync').sync;
  check(!start.hasMore && start.syncToken, `sync: ${JSON.stringify(start)}`);
  const changes: Change[] = [];
  let streamError: string | null = null;
  const live = client.subscription(changesSubscription, { after: start.syncToken }).subscribe((result) => {
    if (result.error) streamError = result.error.message;
    if (result.data) changes.push(result.data.changes);
  });
  step('subscribed to changes over graphql-ws from the current syncToken');

  // 8. Offline: queue a list, a label, a task in the list with the label, and a subtask under it. Ids are made
  //    here, so later mutations name objects the server has not seen yet.
  const ids = { list: clientId('TaskList'), label: clientId('Label'), task: clientId('Task'), subtask: clientId('Task') };
  const queue = new OfflineQueue();
  queue.enqueue('createTaskList "Errands"', createTaskListMutation, { input: { id: ids.list, name: 'Errands' } });
  queue.enqueue('createLabel "urgent"', createLabelMutation, { input: { id: ids.label, name: 'urgent' } });
  const lossy = queue.enqueue('createTask "Buy milk"', createOrganizedTaskMutation, { input: { id: ids.task, title: 'Buy milk', listId: ids.list, labelIds: [ids.label] } });
  queue.enqueue('createTask "Oat milk" (subtask)', createOrganizedTaskMutation, { input: { id: ids.subtask, title: 'Oat milk', parentId: ids.task } });
  step(`queued ${queue.pending.length} mutations offline with client-made ids: ${queue.pending.map((m) => m.label).join(', ')}`);

  // Back online, on a bad network: the server runs "Buy milk" but its response is lost on the way back.
  network.loseResponse(lossy.idempotencyKey);
  const first = await queue.replay(client);
  check(first.stoppedBy?.mutation === lossy, `replay 1: expected the lost response to stop it, got ${JSON.stringify(first.stoppedBy)}`);
  step(`replay 1: ${first.sent.length} sent, then the response to ${lossy.label} was lost (${first.stoppedBy.message}): ${queue.pending.length} still queued`);

  // Resend with the same Idempotency-Key: the server answers with the response it kept, without running it again.
  const second = await queue.replay(client);
  check(second.stoppedBy === null && queue.pending.length === 0, `replay 2: ${JSON.stringify(second.stoppedBy)}`);
  for (const { mutation, result } of [...first.sent, ...second.sent]) {
    if (result.error) throw new Error(`${mutation.label}: ${result.error.message}`);
    const payload = Object.values(result.data as Record<string, { __typename: string }>)[0];
    check(payload?.__typename.endsWith('Payload'), `${mutation.label}: ${JSON.stringify(result.data)}`);
  }
  check(network.replayed.has(lossy.idempotencyKey), `replay 2: ${lossy.label} was not answered with Idempotent-Replayed: true`);
  step(`replay 2: ${lossy.label} answered with Idempotent-Replayed: true (it ran once), ${second.sent.length} sent, queue empty`);

  // 9. Read back: the list, its one top-level task with its label, and the subtask, all under the client's ids.
  const list = dataOf(await client.query(listTasksQuery, { id: ids.list }), 'taskList').taskList;
  check(list?.id === ids.list, `taskList: ${JSON.stringify(list)}`);
  const top = list.tasks.edges.map((e) => e.node);
  check(top.length === 1 && top[0]!.id === ids.task, `taskList tasks (a duplicate would show here): ${JSON.stringify(top)}`);
  const task = top[0]!;
  const subtasks = task.subtasks.edges.map((e) => e.node);
  check(task.labels.map((l) => l.id).join() === ids.label && subtasks.length === 1 && subtasks[0]!.id === ids.subtask && subtasks[0]!.parent?.id === ids.task, `task: ${JSON.stringify(task)}`);
  const organizing = dataOf(await client.query(organizingQuery, {}), 'me (lists, labels)').me;
  check(organizing?.taskLists.some((l) => l.id === ids.list) && organizing.labels.some((l) => l.id === ids.label), `me: ${JSON.stringify(organizing)}`);
  step(`list "${list.name}": ${task.title} [${task.labels.map((l) => l.name).join(', ')}] > ${subtasks.map((s) => s.title).join(', ')} (${task.subtaskCount} subtask)`);

  // 10. A conflict: this device edits from version 1 while another device has changed the task since.
  const seenVersion = task.version;
  const other = dataOf(await client.mutation(updateTaskMutation, { input: { id: ids.task, title: 'Buy milk and bread' } }), 'updateTask (other device)').updateTask;
  check(other.__typename === 'TaskPayload', `updateTask (other device): ${JSON.stringify(other)}`);
  const stale = dataOf(await client.mutation(updateTaskMutation, { input: { id: ids.task, removeLabelIds: [ids.label], expectedVersion: seenVersion } }), 'updateTask (stale)').updateTask;
  check(stale.__typename === 'StaleTaskError', `updateTask with version ${seenVersion}: expected a StaleTaskError, got ${stale.__typename}`);
  check(stale.task.version === seenVersion + 1 && stale.task.title === 'Buy milk and bread', `StaleTaskError.task: ${JSON.stringify(stale.task)}`);
  // Merge: our change (drop the label) does not clash with theirs (the title): re-apply on the current version.
  const merged = dataOf(await client.mutation(updateTaskMutation, { input: { id: ids.task, removeLabelIds: [ids.label], expectedVersion: stale.task.version } }), 'updateTask (re-applied)').updateTask;
  check(merged.__typename === 'TaskPayload' && merged.task.labels.length === 0 && merged.task.title === 'Buy milk and bread', `updateTask (re-applied): ${JSON.stringify(merged)}`);
  step(`StaleTaskError: we had version ${seenVersion}, the server ${stale.task.version} ("${stale.task.title}"); re-applied on it: version ${merged.task.version}`);

  // 11. Every change above arrived over the subscription.
  const expected = [
    ['CREATED', ids.list], ['CREATED', ids.label], ['CREATED', ids.task], ['CREATED', ids.subtask],
  ] as const;
  const arrived = () =>
    expected.every(([kind, id]) => changes.some((c) => c.kind === kind && c.nodeId === id)) &&
    changes.some((c) => c.nodeId === ids.task && c.node?.__typename === 'Task' && c.node.version === merged.task.version);
  for (let waited = 0; !arrived() && waited < 5_000 && !streamError; waited += 50) await sleep(50);
  live.unsubscribe();
  check(!streamError, `changes subscription: ${streamError}`);
  check(arrived(), `changes subscription: missing events; got ${JSON.stringify(changes.map((c) => [c.kind, c.nodeType, c.nodeId]))}`);
  step(`changes over graphql-ws: the list, the label and both tasks CREATED, then the task UPDATED up to version ${merged.task.version}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The client's fetch: notes which Idempotency-Keys were answered with `Idempotent-Replayed: true`, and can
 * lose one response after the server has answered (a connection reset on the way back), to show a retry.
 */
const network = {
  replayed: new Set<string>(),
  losing: new Set<string>(),
  loseResponse(key: string) {
    this.losing.add(key);
  },
  fetch: (async (input, init) => {
    const response = await fetch(input, init);
    const key = new Headers(init?.headers).get('idempotency-key');
    if (key && response.headers.get('idempotent-replayed') === 'true') network.replayed.add(key);
    if (key && network.losing.delete(key)) {
      await response.body?.cancel();
      throw new TypeError('connection reset (simulated)');
    }
    return response;
  }) as typeof fetch,
};

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
const api = createClient(API_URL, session, { fetch: network.fetch });
try {
  await run(api.client, session);
} catch (error) {
  console.error(`FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await api.close();
}
