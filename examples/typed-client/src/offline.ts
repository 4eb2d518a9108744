// Offline writes: objects get their ids on the client (so queued mutations can refer to each other before
// the server has seen any of them), and each queued mutation carries its own Idempotency-Key, so resending
// it after a lost response never runs it twice: the server answers a resend with the first response and
// `Idempotent-Replayed: true`.
import { randomUUID } from 'node:crypto';
import type { AnyVariables, Client, OperationResult, TypedDocumentNode } from '@urql/core';

/** A global id made on the client: base64url of "<Type>:<uuid>", as the API's create* inputs accept in `id`. */
export function clientId(type: 'Task' | 'TaskList' | 'Label'): string {
  return Buffer.from(`${type}:${randomUUID()}`, 'utf8').toString('base64url');
}

export interface QueuedMutation<Data = any, Variables extends AnyVariables = any> {
  /** For logs: what it does. */
  label: string;
  document: TypedDocumentNode<Data, Variables>;
  variables: Variables;
  /** Chosen when it is queued and kept across resends. */
  idempotencyKey: string;
}

export interface ReplayOutcome {
  /** Mutations answered (in queue order) and taken off the queue. */
  sent: { mutation: QueuedMutation; result: OperationResult }[];
  /** The network error that stopped the replay (the rest stays queued), if any. */
  stoppedBy: { mutation: QueuedMutation; message: string } | null;
}

export class OfflineQueue {
  readonly pending: QueuedMutation[] = [];

  enqueue<Data, Variables extends AnyVariables>(label: string, document: TypedDocumentNode<Data, Variables>, variables: Variables): QueuedMutation<Data, Variables> {
    const mutation = { label, document, variables, idempotencyKey: randomUUID() };
    this.pending.push(mutation);
    return mutation;
  }

  /**
   * Sends the queue in order, each mutation with its Idempotency-Key. A network error (no answer: the
   * request may or may not have run) stops the replay and keeps that mutation and the rest for the next one.
   * An answer (data, or a GraphQL error) takes the mutation off the queue.
   */
  async replay(client: Client): Promise<ReplayOutcome> {
    const outcome: ReplayOutcome = { sent: [], stoppedBy: null };
    while (this.pending.length > 0) {
      const mutation = this.pending[0]!;
      const result = await client.mutation(mutation.document, mutation.variables, {
        fetchOptions: { headers: { 'Idempotency-Key': mutation.idempotencyKey } },
      });
      if (result.error?.networkError) {
        outcome.stoppedBy = { mutation, message: result.error.networkError.message };
        break;
      }
      this.pending.shift();
      outcome.sent.push({ mutation, result });
    }
    return outcome;
  }
}
