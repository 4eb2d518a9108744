// Keeps the cache live: applies the `changes` stream, and after the socket dropped and came back, catches up
// with `sync` pages from the last syncToken applied before subscribing again from the token it reached.
//
// The starting token comes first (a full `sync` that selects only its tokens), before any data is shown: the
// queries then see at least that state, and every change after it arrives on the stream, so nothing falls
// in between.
import type { ApolloClient } from '@apollo/client';
import type { Client } from 'graphql-ws';
import type { Subscription } from 'rxjs';
import { applyChange } from '../apollo/changes.ts';
import type { SyncTokenQuery as SyncTokenQueryType } from '../gql/graphql.ts';
import { ChangesSubscription, SyncQuery, SyncTokenQuery } from '../operations.ts';

export type LiveStatus = 'starting' | 'live' | 'reconnecting';

export interface LiveSync {
  /** Resolves once the starting token is known: show data from then on. */
  ready: Promise<void>;
  status(): LiveStatus;
  onStatus(listener: (status: LiveStatus) => void): () => void;
  stop(): void;
}

const SYNC_PAGE = 500;

/** Call right after creating the socket, so that its first `connected` event is not missed. */
export function startLiveSync(client: ApolloClient, socket: Client): LiveSync {
  let status: LiveStatus = 'starting';
  const listeners = new Set<(status: LiveStatus) => void>();
  const onStatus = (next: LiveStatus) => {
    status = next;
    for (const listener of listeners) listener(next);
  };
  let token: string | null = null;
  let stream: Subscription | null = null;
  let stopped = false;
  // Bumped whenever the socket closes: work begun for an older connection must not subscribe.
  let connection = 0;
  let connectedBefore = false;

  const ready = (async () => {
    // Until the server answers (it may be restarting, or the network down): show nothing rather than a gap.
    for (let attempt = 0; ; attempt++) {
      try {
        token = await startingToken();
        return;
      } catch (error) {
        if (stopped) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 5_000)));
      }
    }
  })();

  const offConnected = socket.on('connected', () => {
    const current = ++connection;
    const reconnect = connectedBefore;
    connectedBefore = true;
    void (async () => {
      try {
        await ready;
        if (reconnect) await catchUp(current);
        if (stopped || current !== connection) return;
        subscribe();
        onStatus('live');
      } catch {
        // The catch-up failed (the network went again): drop this socket; the next connection tries again.
        if (!stopped && current === connection) socket.terminate();
      }
    })();
  });

  const offClosed = socket.on('closed', () => {
    connection++;
    // Resubscribing later starts from the token reached by then, not from this subscription's variables.
    stream?.unsubscribe();
    stream = null;
    if (!stopped) onStatus('reconnecting');
  });

  async function startingToken(): Promise<string> {
    let after: string | null = null;
    for (;;) {
      const { data }: { data?: SyncTokenQueryType } = await client.query({ query: SyncTokenQuery, variables: { after }, fetchPolicy: 'no-cache' });
      if (!data) throw new Error('sync answered no data');
      if (!data.sync.hasMore) return data.sync.syncToken;
      after = data.sync.syncToken;
    }
  }

  /** Every change since the last token applied, page by page, in order. */
  async function catchUp(current: number): Promise<void> {
    for (;;) {
      const { data } = await client.query({ query: SyncQuery, variables: { after: token, first: SYNC_PAGE }, fetchPolicy: 'no-cache' });
      if (!data || stopped || current !== connection) return;
      for (const change of data.sync.changes) applyChange(client.cache, change);
      token = data.sync.syncToken;
      if (!data.sync.hasMore) return;
    }
  }

  function subscribe(): void {
    stream = client
      .subscribe({ query: ChangesSubscription, variables: { after: token }, fetchPolicy: 'no-cache' })
      .subscribe({
        next: ({ data, error }) => {
          if (error) {
            // The stream refused the token (it cannot happen with tokens from the server, but a client
            // must not sit on a dead stream): start over.
            void restart();
            return;
          }
          if (!data) return;
          applyChange(client.cache, data.changes);
          token = data.changes.syncToken;
        },
      });
  }

  /** Forgets the token and reconnects: the catch-up is then a full sync, and the queries on screen refetch. */
  async function restart(): Promise<void> {
    stream?.unsubscribe();
    stream = null;
    token = null;
    await client.refetchQueries({ include: 'active' }).catch(() => {});
    if (!stopped) socket.terminate();
  }

  return {
    ready,
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      offConnected();
      offClosed();
      stream?.unsubscribe();
    },
  };
}
