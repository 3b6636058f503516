/**
 * How the outbox's alerts describe jobs to the team: the fan by name, @username and a link
 * to their topic, what the message was, and what to do — never job ids or kinds alone.
 */
import type { OutboxJob } from '../../../../core/traffic/outbox.js';
import type { FanDirectory } from '../../../../core/traffic/ports.js';
import { fanForAlert } from '../../alerts.js';

const KIND_NAMES: Record<string, string> = {
  'relay.team': 'an answer of the team',
  'notice.fan': 'a notice of the bot',
  'notice.payment': 'a payment notice',
  'notice.topic': 'a note in a fan topic',
  'notice.sale': 'a sale note in a fan topic',
  'notice.balance': 'a balance update',
  'notice.pass': 'a pass notice',
  'card.edit': "an update of a fan's card",
  'topic.title': "a topic's new title",
  'edit.team': "an edit of the team's answer",
  alert: 'an alert',
};

/** "a payment notice", "an answer of the team"…: what a job was, for people. */
export function describeKind(kind: string): string {
  return KIND_NAMES[kind] ?? 'a message of the bot';
}

/** The fan a job is about, for an alert ("Ada (@ada, id 42), topic https://t.me/c/…"), or null. */
export async function fanOfJob(
  fans: Pick<FanDirectory, 'profile' | 'topicOf'>,
  job: OutboxJob,
): Promise<string | null> {
  const fanId = job.fanId ?? (job.target.type === 'topic' ? job.target.fanId : null);
  return fanId === null ? null : fanForAlert(fans, fanId);
}

/** The alert about jobs whose delivery Telegram never confirmed. */
export function uncertainText(job: OutboxJob, count: number, fan: string | null, reason: string) {
  const unconfirmed = `Telegram did not confirm it (${reason}), and it was not sent again so nobody gets it twice.`;
  if (job.kind === 'relay.fan') {
    const what = count > 1 ? `${count} messages` : 'A message';
    return (
      `${what} from ${fan ?? 'a fan'} may not have reached the team: ${unconfirmed} ` +
      'Open their topic: if it is missing there, tap 🔁 Resend under the notice.'
    );
  }
  if (job.kind === 'relay.team') {
    return (
      `An answer to ${fan ?? 'a fan'} may not have arrived: ${unconfirmed} ` +
      'If it matters, ask the fan in their topic and send it again.'
    );
  }
  const to = fan ? ` about ${fan}` : '';
  return `${capitalize(describeKind(job.kind))}${to} may not have arrived: ${unconfirmed} Usually nothing to do.`;
}

/** The alert about jobs given up after every attempt failed. */
export function gaveUpText(job: OutboxJob, fan: string | null, attempts: number, reason: string) {
  const failed = `could not be delivered after ${attempts} attempts (${reason}) and was given up.`;
  if (job.kind === 'relay.fan') {
    return (
      `A message from ${fan ?? 'a fan'} ${failed} ` +
      'If it was paid for, the fan got the credits back with a notice. ' +
      'If this keeps happening, run `premiumbot doctor`.'
    );
  }
  const to = fan ? ` about ${fan}` : '';
  return `${capitalize(describeKind(job.kind))}${to} ${failed} If this keeps happening, run \`premiumbot doctor\`.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
