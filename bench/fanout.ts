// W8, fan-out: many open `changes` subscriptions (graphql-ws, one socket each, as many devices would hold)
// across many users, while tasks are created through the API at a steady rate. Reports the events
// delivered per second, how many of the expected ones arrived, and the delivery latency: from sending the
// createTask request to the event reaching its subscriber.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { requestBody } from './operations.ts';

export interface FanOutOptions {
  /** Access tokens of the users, one per user. */
  tokens: string[];
  subscriptionsPerUser: number;
  /** createTask requests per second, spread over the users in turn. */
  createsPerSecond: number;
  seconds: number;
}

export interface FanOutResult {
  subscriptions: number;
  tasksCreated: number;
  eventsExpected: number;
  eventsDelivered: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  createFailures: number;
}

const SUBSCRIPTION = 'subscription { changes { kind nodeId node { ... on Task { title } } } }';

export async function fanOut(apiUrl: string, options: FanOutOptions): Promise<FanOutResult> {
  const wsUrl = `${apiUrl.replace(/^http/, 'ws')}/graphql`;
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  const clients: Client[] = [];
  const stops: (() => void)[] = [];
  let ready = 0;
  const closedEarly: string[] = [];
  // A task created during the run reported as anything but CREATED (not counted as delivered).
  const wrongKinds: string[] = [];
  // Subscriptions that have received a probe of their user's: registered, so no later change can miss them.
  const live = new Set<string>();
  const probeTitle = (user: number) => `Fan-out probe ${process.pid} ${user}`;
  for (const [user, token] of options.tokens.entries()) {
    for (let i = 0; i < options.subscriptionsPerUser; i++) {
      const subscription = `${user}/${i}`;
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        lazy: false,
        retryAttempts: 0,
        on: {
          connected: () => ready++,
          closed: (event) => {
            const code = (event as { code?: number }).code;
            if (code !== 1000) closedEarly.push(`${code} user ${user + 1}`);
          },
        },
      });
      clients.push(client);
      stops.push(
        client.subscribe<{ changes: { kind: string; node: { title?: string } | null } }>(
          { query: SUBSCRIPTION },
          {
            next: ({ data }) => {
              const title = data?.changes.node?.title;
              if (title === probeTitle(user)) live.add(subscription);
              const at = title === undefined ? undefined : sent.get(title);
              if (at === undefined) return;
              if (data?.changes.kind !== 'CREATED') {
                wrongKinds.push(`${data?.changes.kind} for "${title}"`);
                return;
              }
              delivered++;
              latencies.push(performance.now() - at);
            },
            error: () => {},
            complete: () => {},
          },
        ),
      );
    }
  }
  const total = clients.length;
  try {
    const deadline = Date.now() + 60_000;
    while (ready < total && Date.now() < deadline) await sleep(100);
    if (ready < total) throw new Error(`W8: only ${ready} of ${total} WebSockets connected`);
    // A subscription starts at the change log's position when the server registers it, which can take a while
    // for a thousand of them: a task created before would never reach it. Each user creates a probe task until
    // every subscription of theirs has received it (a fixed pause here once lost 10 % of the events).
    const userLive = (user: number) => Array.from({ length: options.subscriptionsPerUser }, (_, i) => live.has(`${user}/${i}`)).every(Boolean);
    while (live.size < total) {
      if (Date.now() > deadline) throw new Error(`W8: only ${live.size} of ${total} subscriptions received a probe`);
      await Promise.all(
        options.tokens.map(async (token, user) => {
          if (userLive(user)) return;
          await fetch(`${apiUrl}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: requestBody('CreateTask', { input: { title: probeTitle(user) } }),
          });
        }),
      );
      const waitUntil = Date.now() + 2_000;
      while (live.size < total && Date.now() < waitUntil) await sleep(50);
    }

    let created = 0;
    let failures = 0;
    const inFlight = new Set<Promise<void>>();
    const started = performance.now();
    const interval = 1000 / options.createsPerSecond;
    for (let n = 0; performance.now() - started < options.seconds * 1000; n++) {
      const due = started + n * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const token = options.tokens[n % options.tokens.length]!;
      const title = `Fan-out ${process.pid} ${n}`;
      sent.set(title, performance.now());
      const request = fetch(`${apiUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: requestBody('CreateTask', { input: { title } }),
      })
        .then(async (res) => {
          const body = await res.text();
          if (res.status !== 200 || !body.includes('"TaskPayload"')) failures++;
          else created++;
        }, () => void failures++)
        .finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - started) / 1000;
    const expected = created * options.subscriptionsPerUser;
    // The last events are still on their way: wait until every expected one arrived, or 5 s.
    const settle = Date.now() + 5_000;
    while (delivered < expected && Date.now() < settle) await sleep(50);
    const sorted = Float64Array.from(latencies).sort();
    const pick = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
    return {
      subscriptions: total,
      tasksCreated: created,
      eventsExpected: expected,
      eventsDelivered: delivered,
      eventsPerSecond: delivered / elapsed,
      p50Ms: pick(50),
      p99Ms: pick(99),
      maxMs: sorted.length ? sorted[sorted.length - 1]! : NaN,
      createFailures: failures,
    };
  } finally {
    if (closedEarly.length) console.error(`W8: ${closedEarly.length} sockets closed early: ${[...new Set(closedEarly)].join(", ")}`);
    if (wrongKinds.length) console.error(`W8: ${wrongKinds.length} events of created tasks were not CREATED: ${wrongKinds.slice(0, 5).join(', ')}`);
    for (const stop of stops) stop();
    await Promise.all(clients.map((client) => client.dispose()));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
