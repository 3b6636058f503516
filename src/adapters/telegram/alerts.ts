/**
 * Admin alerts: deduplicated and rate limited (core/traffic/alert-throttle), posted to the
 * alerts topic of the admin group through the outbox; critical ones also go to the owners'
 * private chats, which keep working when the group itself is paused by Telegram.
 * Alerts carry ids and counts only, never message text or secrets.
 */
import { AlertThrottle, type AlertThrottleOptions } from '../../core/traffic/alert-throttle.js';
import { PRIORITY, type OutboxStore } from '../../core/traffic/outbox.js';
import type { Logger } from '../../core/logger.js';
import type { RuntimeMetrics } from '../../core/metrics.js';

export interface Alert {
  /** Deduplication key: the same key alerts once per dedupe window. */
  key: string;
  severity: 'warning' | 'critical';
  text: string;
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
    const icon = alert.severity === 'critical' ? '🚨' : '⚠️';
    const repeated =
      verdict.suppressedBefore > 0
        ? `\n(${verdict.suppressedBefore} similar alerts suppressed)`
        : '';
    const text = `${icon} ${alert.text}${repeated}`.slice(0, 4000);
    const slot = Math.floor(this.now() / 1000);
    const jobs = [
      {
        kind: 'alert',
        target: { type: 'chat' as const, chatId: this.deps.adminChatId },
        method: 'sendMessage',
        params: { text },
        priority: PRIORITY.alert,
        dedupeKey: `alert:${alert.key}:${slot}`,
      },
    ];
    if (alert.severity === 'critical') {
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
