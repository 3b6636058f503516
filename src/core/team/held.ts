/**
 * The collision guard's held messages: a team member wrote in a topic someone else claimed,
 * so the message waits here instead of reaching the fan. Its author decides once: send it
 * anyway, or take the fan over (and send it). The store is `src/adapters/db/claim-store.ts`.
 */
import type { TeamReplyInput } from '../relay/team-reply.js';

export interface HeldMessage {
  id: number;
  fanId: number;
  authorId: number;
  /** Who held the fan when the message was written. */
  claimerId: number;
  threadId: number;
  messageId: number;
  input: TeamReplyInput;
  status: 'held' | 'sent' | 'dropped';
}

export interface HeldMessageStore {
  /** Holds a message (a redelivered update finds the first row); its id. */
  hold(message: Omit<HeldMessage, 'id' | 'status'>, now: Date): Promise<number>;
  get(id: number): Promise<HeldMessage | null>;
  /** Marks a held message decided (`held` → `status`) once; false when it already was. */
  decide(id: number, status: 'sent' | 'dropped', now: Date): Promise<boolean>;
}
