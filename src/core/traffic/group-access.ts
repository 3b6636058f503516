/**
 * Whether the bot can work in the admin group, and the record of an outage while it cannot
 * (removed, or an admin without the rights it needs). Pure: the adapter reads the bot's
 * membership (my_chat_member, getChatMember) and the failures of its calls, this decides.
 */

/** The parts of a ChatMember this needs (Bot API field names). */
export interface BotMembership {
  status: string;
  can_manage_topics?: boolean;
  can_send_messages?: boolean;
}

/** Why the bot cannot work in the admin group with this membership, or null when it can. */
export function groupAccessProblem(member: BotMembership): string | null {
  switch (member.status) {
    case 'creator':
      return null;
    case 'administrator':
      return member.can_manage_topics === false
        ? 'the bot is an admin without the "Manage Topics" right'
        : null;
    case 'kicked':
      return 'the bot was removed from the group';
    case 'left':
      return 'the bot is no longer a member of the group';
    case 'restricted':
      return member.can_send_messages === false
        ? 'the bot may not send messages in the group'
        : 'the bot is no longer an admin of the group';
    default:
      return 'the bot is no longer an admin of the group';
  }
}

/** An outage of the admin group, kept in the bot's durable state. */
export interface GroupOutage {
  /** When it started (epoch ms). */
  since: number;
  reason: string;
  /** When the owners were last told (epoch ms). */
  remindedAt: number;
}

/** The outage as stored (JSON), or null when the value holds none. */
export function parseOutage(value: string | null): GroupOutage | null {
  if (!value) return null;
  try {
    const raw = JSON.parse(value) as Partial<GroupOutage>;
    if (typeof raw.since !== 'number' || typeof raw.remindedAt !== 'number') return null;
    return { since: raw.since, reason: String(raw.reason ?? ''), remindedAt: raw.remindedAt };
  } catch {
    return null;
  }
}

export function serializeOutage(outage: GroupOutage): string {
  return JSON.stringify(outage);
}

/** True when the owners should hear again that the outage goes on. */
export function reminderDue(outage: GroupOutage, now: number, everyMs: number): boolean {
  return now - outage.remindedAt >= everyMs;
}

/** "2 h 5 min", "3 min", "less than a minute": how long an outage lasted, for people. */
export function describeDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${minutes} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** Telegram's refusal (e.g. "Forbidden: bot was kicked from the supergroup chat"), for people. */
export function describeLostRights(description: string): string {
  if (/kicked/i.test(description)) return 'the bot was removed from the group';
  if (/not a member/i.test(description)) return 'the bot is no longer a member of the group';
  if (/topic/i.test(description))
    return 'the bot may not create topics there (it needs the "Manage Topics" right)';
  return 'the bot may not send messages in the group';
}
