/**
 * Admin alerts: deduplicated and rate limited (core/traffic/alert-throttle), posted to the
 * "⚠️ Alerts" topic of the admin group through the outbox; critical ones (and the news that
 * a critical problem is over) also go to the owners' private chats, which keep working when
 * the group itself is paused or lost. An owner who never pressed Start cannot get them there:
 * the outbox then says so in the Alerts topic (failure-actions/blocked.ts).
 * Alerts name fans (name, @username, a link to their topic) and say what to do; they never
 * carry message text or secrets.
 */
import type { FanProfile } from '../../core/fan.js';
import { AlertThrottle, type AlertThrottleOptions } from '../../core/traffic/alert-throttle.js';
import { PRIORITY, type OutboxStore } from '../../core/traffic/outbox.js';
import type { FanDirectory } from '../../core/traffic/ports.js';
import type { Logger } from '../../core/logger.js';
import type { RuntimeMetrics } from '../../core/metrics.js';

export interface Alert {
  /** Deduplication key: the same key alerts once per dedupe window. */
  key: string;
  /** `resolved`: a critical problem is over (told where the problem was). */
  severity: 'warning' | 'critical' | 'resolved';
  text: string;
  /**
   * Where it goes: the Alerts topic, the owners' private chats, or both. Default: warnings
   * to the group only, critical and resolved ones to both.
   */
  audience?: 'group' | 'owners' | 'both';
}

const ICONS: Record<Alert['severity'], string> = {
  warning: '⚠️',
  critical: '🚨',
  resolved: '✅',
};

/** A t.me link that opens a topic of a supergroup for its members (private groups included). */
export function topicLink(chatId: number, threadId: number): string {
  // Supergroup ids are -100<internal id>; t.me/c links take the internal id.
  const internal = String(-chatId).replace(/^100/, '');
  return `https://t.me/c/${internal}/${threadId}`;
}

/** "Ada Lovelace (@ada, id 42)": a fan (or any user) as the team's alerts name them. */
export function personLabel(profile: FanProfile | null, userId: number): string {
  const name = [profile?.firstName, profile?.lastName].filter(Boolean).join(' ') || 'A fan';
  const handle = profile?.username ? `@${profile.username}, ` : '';
  return `${name} (${handle}id ${userId})`;
}

/** A fan for an alert: who it is and, when they have one, the link to their topic. */
export async function fanForAlert(
  fans: Pick<FanDirectory, 'profile' | 'topicOf'>,
  fanId: number,
): Promise<string> {
  const [profile, topic] = await Promise.all([
    fans.profile(fanId).catch(() => null),
    fans.topicOf(fanId).catch(() => null),
  ]);
  const label = personLabel(profile, fanId);
  return topic ? `${label}, topic ${topicLink(topic.chatId, topic.topicId)}` : label;
}

export interface AlertSink {
  raise(alert: Alert): Promise<void>;
}

export interface AlertReporterDeps {
  outbox: Pick<OutboxStore, 'enqueue'>;
  adminChatId: number;
  ownerIds: readonly number[];
  logger: Logger;
  metrics: RuntimeMetrics;
  now?: () => number;
  throttle?: AlertThrottleOptions;
  /** Wakes the outbox worker after an enqueue. */
  onEnqueued?: () => void;
}

export class AlertReporter implements AlertSink {
  private readonly throttle: AlertThrottle;
  private readonly now: () => number;

  constructor(private readonly deps: AlertReporterDeps) {
    this.throttle = new AlertThrottle(deps.throttle);
    this.now = deps.now ?? Date.now;
  }

  async raise(alert: Alert): Promise<void> {
    const verdict = this.throttle.check(alert.key, this.now());
    if (!verdict.send) {
      this.deps.metrics.alerts.inc({ result: 'suppressed' });
      return;
    }
    this.deps.metrics.alerts.inc({ result: 'sent' });
    const icon = ICONS[alert.severity];
    const audience = alert.audience ?? (alert.severity === 'warning' ? 'group' : 'both');
    const repeated =
      verdict.suppressedBefore > 0
        ? `\n(${verdict.suppressedBefore} similar alerts suppressed)`
        : '';
    const text = `${icon} ${alert.text}${repeated}`.slice(0, 4000);
    const slot = Math.floor(this.now() / 1000);
    const jobs = [];
    if (audience !== 'owners') {
      jobs.push({
        kind: 'alert',
        target: { type: 'chat' as const, chatId: this.deps.adminChatId },
        method: 'sendMessage',
        params: { text },
        priority: PRIORITY.alert,
        dedupeKey: `alert:${alert.key}:${slot}`,
      });
    }
    if (audience !== 'group') {
      for (const owner of this.deps.ownerIds) {
        jobs.push({
          kind: 'alert',
          target: { type: 'chat' as const, chatId: owner },
          method: 'sendMessage',
          params: { text },
          priority: PRIORITY.alert,
          dedupeKey: `alert:${alert.key}:${slot}:${owner}`,
        });
      }
    }
    try {
      await this.deps.outbox.enqueue(jobs);
      this.deps.onEnqueued?.();
    } catch (err) {
      this.deps.logger.error({ err, alertKey: alert.key }, 'could not enqueue an alert');
    }
  }
}
