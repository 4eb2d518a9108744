// One group of tasks (the Inbox's or a list's top-level tasks) in manual order: add, complete, rename, move up
// and delete, each shown at once (optimistic) and on every other tab within a second (the changes stream).
import { useQuery } from '@apollo/client/react';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { groupFilter } from '../apollo/changes.ts';
import { TasksQuery } from '../operations.ts';
import { useTaskActions, type Outcome, type Task } from '../tasks/actions.ts';

interface Props {
  listId: string | null;
  title: string;
}

export function TaskGroup({ listId, title }: Props) {
  const { data, error } = useQuery(TasksQuery, { variables: { filter: groupFilter(listId) } });
  const actions = useTaskActions(listId);
  const [problem, setProblem] = useState<string | null>(null);
  const [newTitle, setNewTitle] = useState('');

  /** Runs an action and shows what went wrong, if anything. */
  const run = (action: Promise<Outcome>) => {
    setProblem(null);
    action.then(setProblem, (e: Error) => setProblem(e.message));
  };

  if (error) return <p role="alert">{error.message}</p>;
  if (!data) return <p className="loading">Loading…</p>;
  const tasks = data.tasks.edges.map((edge) => edge.node);

  function add(event: FormEvent) {
    event.preventDefault();
    if (!newTitle.trim()) return;
    run(actions.create(newTitle, tasks.at(-1)));
    setNewTitle('');
  }

  return (
    <section className="tasks" aria-label={title}>
      <h2>{title}</h2>
      <form onSubmit={add}>
        <input aria-label="New task" placeholder="Add a task" value={newTitle} onChange={(e) => setNewTitle(e.target.value)} />
      </form>
      {problem && <p role="alert">{problem}</p>}
      <ul>
        {tasks.map((task, index) => (
          <TaskRow
            key={task.id}
            task={task}
            onComplete={(completed) => run(actions.setCompleted(task, completed))}
            onRename={(name) => run(actions.rename(task, name))}
            onMoveUp={index > 0 ? () => run(actions.moveUp(task, tasks[index - 1]!, tasks[index - 2])) : undefined}
            onDelete={() => run(actions.remove(task))}
          />
        ))}
      </ul>
      {tasks.length === 0 && <p className="empty">Nothing here yet.</p>}
    </section>
  );
}

interface RowProps {
  task: Task;
  onComplete(completed: boolean): void;
  onRename(title: string): void;
  onMoveUp: (() => void) | undefined;
  onDelete(): void;
}

function TaskRow({ task, onComplete, onRename, onMoveUp, onDelete }: RowProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(task.title);

  function finish(save: boolean) {
    setEditing(false);
    if (save && draft.trim() && draft.trim() !== task.title) onRename(draft);
  }
  function keys(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter') finish(true);
    if (event.key === 'Escape') finish(false);
  }

  return (
    <li className={task.completed ? 'task done' : 'task'} data-testid="task">
      <input type="checkbox" aria-label={`Complete ${task.title}`} checked={task.completed} onChange={(e) => onComplete(e.target.checked)} />
      {editing ? (
        <input aria-label="Title" autoFocus value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={keys} onBlur={() => finish(true)} />
      ) : (
        <span className="title" data-testid="task-title" onDoubleClick={() => { setDraft(task.title); setEditing(true); }}>
          {task.title}
        </span>
      )}
      <span className="actions">
        <button type="button" aria-label={`Rename ${task.title}`} onClick={() => { setDraft(task.title); setEditing(true); }}>✎</button>
        <button type="button" aria-label={`Move ${task.title} up`} disabled={!onMoveUp} onClick={onMoveUp}>↑</button>
        <button type="button" aria-label={`Delete ${task.title}`} onClick={onDelete}>✕</button>
      </span>
    </li>
  );
}
