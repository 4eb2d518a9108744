// The Inbox and the user's lists (in manual order, with their open task counts), and a form for a new list.
import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { placeTaskList } from '../apollo/changes.ts';
import type { TaskListFieldsFragment } from '../gql/graphql.ts';
import { CreateTaskListMutation } from '../operations.ts';
import { newGlobalId } from '../tasks/actions.ts';

interface Props {
  lists: readonly TaskListFieldsFragment[];
  selectedId: string | null;
  onSelect(listId: string | null): void;
}

export function Sidebar({ lists, selectedId, onSelect }: Props) {
  return (
    <nav aria-label="Lists">
      <ul>
        <li>
          <button type="button" aria-current={selectedId === null} onClick={() => onSelect(null)}>Inbox</button>
        </li>
        {lists.map((list) => (
          <li key={list.id}>
            <button type="button" aria-current={selectedId === list.id} onClick={() => onSelect(list.id)}>
              <span className="swatch" style={{ background: list.color ?? 'transparent' }} />
              {list.name}
              <span className="count" aria-label="open tasks">{list.openTaskCount}</span>
            </button>
          </li>
        ))}
      </ul>
      <NewListForm onCreated={onSelect} />
    </nav>
  );
}

function NewListForm({ onCreated }: { onCreated(listId: string): void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [createTaskList] = useMutation(CreateTaskListMutation);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const id = newGlobalId('TaskList');
    const { data } = await createTaskList({
      variables: { input: { id, name } },
      update: (cache, { data }) => {
        if (data?.createTaskList.__typename === 'TaskListPayload') placeTaskList(cache, data.createTaskList.taskList);
      },
    });
    if (data?.createTaskList.__typename === 'TaskListPayload') {
      setName('');
      setError(null);
      onCreated(id);
    } else {
      setError(data?.createTaskList.message ?? 'Not saved');
    }
  }

  return (
    <form onSubmit={submit} className="new-list">
      <input aria-label="New list" placeholder="New list" value={name} required onChange={(e) => setName(e.target.value)} />
      {error && <p role="alert">{error}</p>}
    </form>
  );
}
