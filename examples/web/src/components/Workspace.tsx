// The signed-in screen: its own Apollo Client and socket for as long as it is shown, a header with the live
// status and Log out, the lists on the left and the selected group of tasks on the right.
import { ApolloProvider, useMutation, useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { connect, type Connection } from '../apollo/client.ts';
import { endSession } from '../auth/session.ts';
import type { LiveStatus } from '../live/live-sync.ts';
import { LogoutMutation, MeQuery } from '../operations.ts';
import { Sidebar } from './Sidebar.tsx';
import { TaskGroup } from './TaskGroup.tsx';

const STATUS_TEXT: Record<LiveStatus, string> = { starting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

export function Workspace({ email }: { email: string }) {
  const [connection, setConnection] = useState<Connection | null>(null);
  const [ready, setReady] = useState(false);
  const [status, setStatus] = useState<LiveStatus>('starting');

  useEffect(() => {
    const opened = connect();
    setConnection(opened);
    const offStatus = opened.live.onStatus(setStatus);
    let current = true;
    opened.live.ready.then(
      () => current && setReady(true),
      () => current && setStatus('reconnecting'),
    );
    return () => {
      current = false;
      offStatus();
      opened.dispose();
    };
  }, []);

  if (!connection) return null;
  return (
    <ApolloProvider client={connection.client}>
      <div className="workspace">
        <header>
          <h1>Tasks</h1>
          <span className={`status ${status}`} data-testid="live-status">{STATUS_TEXT[status]}</span>
          <span className="email">{email}</span>
          <LogoutButton />
        </header>
        {ready ? <Lists /> : <p className="loading">Loading…</p>}
      </div>
    </ApolloProvider>
  );
}

function Lists() {
  const { data, error } = useQuery(MeQuery);
  const [listId, setListId] = useState<string | null>(null);
  if (error) return <p role="alert">{error.message}</p>;
  if (!data?.me) return <p className="loading">Loading…</p>;
  const lists = data.me.taskLists;
  // The selected list may have been deleted (here or elsewhere): fall back to the Inbox.
  const selected = lists.find((list) => list.id === listId) ?? null;
  return (
    <div className="columns">
      <Sidebar lists={lists} selectedId={selected?.id ?? null} onSelect={setListId} />
      <TaskGroup key={selected?.id ?? 'inbox'} listId={selected?.id ?? null} title={selected?.name ?? 'Inbox'} />
    </div>
  );
}

/** Ends the session on the server (every tab sharing it is signed out too), then forgets the tokens. */
function LogoutButton() {
  const [logout, { loading }] = useMutation(LogoutMutation);
  return (
    <button
      type="button"
      disabled={loading}
      onClick={() => {
        logout().catch(() => {}).finally(endSession);
      }}
    >
      Log out
    </button>
  );
}
