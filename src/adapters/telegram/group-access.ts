/**
 * The admin group's availability. When the bot is removed from the group or loses the rights
 * it needs (my_chat_member, or a 403/400 on a send), the group's lane pauses — persisted in
 * `chat_pauses` like a long 429, so every instance and a restart honour it — the owners are
 * told in their private chats at once and every hour, and fans who write are told the team is
 * away while their (charged) messages wait in the outbox. It ends by itself: my_chat_member
 * back to admin, or the periodic getChatMember re-check when that update was missed; the
 * owners are told and the outbox drains. The outage itself is kept in `bot_state`.
 */
import type { Logger } from '../../core/logger.js';
import {
  describeDuration,
  groupAccessProblem,
  parseOutage,
  reminderDue,
  serializeOutage,
  type BotMembership,
  type GroupOutage,
} from '../../core/traffic/group-access.js';
import type { PauseStore, StateStore } from '../../core/traffic/ports.js';
import type { AlertSink } from './alerts.js';
import type { TelegramSender } from './sender.js';

const OUTAGE_KEY = 'admin_group_outage';
/** Marks the lane pause of an outage (a long 429 pause has another reason). */
export const OUTAGE_PAUSE_PREFIX = 'unavailable';

/** What the bot and the outbox ask about the admin group. */
export interface GroupAvailability {
  /** The outage going on (this instance's view), or null. */
  current(): { since: number } | null;
  /** The bot cannot work in the group (`reason`, for people): pause, tell the owners once. */
  lost(reason: string): Promise<void>;
  /** Like `lost`, from a failed call: confirmed with Telegram unless an outage is known. */
  lostByCall(reason: string): Promise<void>;
  /** The bot's membership changed (my_chat_member): lost or restored accordingly. */
  membershipChanged(member: BotMembership): Promise<void>;
}

export interface GroupAccessDeps {
  sender: TelegramSender;
  pauses: PauseStore;
  state: StateStore;
  alerts: AlertSink;
  adminChatId: number;
  botId: number;
  logger: Logger;
  /** How often (real ms) the bot re-checks its membership while the group is lost. */
  recheckMs: number;
  /** How often (real ms) the owners hear again that it goes on. */
  reminderMs: number;
  /** Wakes the outbox worker (the lane drains). */
  wake: () => void;
  now?: () => number;
}

export class GroupAccess implements GroupAvailability {
  private outage: GroupOutage | null = null;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  /** Changes of state run one at a time: a burst of failed sends starts one outage. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly deps: GroupAccessDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Loads an outage a previous run left, and starts the re-check. */
  async start(): Promise<void> {
    this.outage = parseOutage(await this.deps.state.get(OUTAGE_KEY));
    if (this.outage) await this.pauseLane(this.outage.reason);
    this.timer = setInterval(() => void this.recheck(), this.deps.recheckMs);
    this.timer.unref();
    if (this.outage) void this.recheck();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  current(): { since: number } | null {
    if (this.outage) return { since: this.outage.since };
    // Another instance found it: its persisted pause reached this one's scheduler.
    const pause = this.lanePause();
    return pause ? { since: Number(/since=(\d+)/.exec(pause.reason)?.[1] ?? 0) } : null;
  }

  lost(reason: string): Promise<void> {
    return this.serial(() => this.enterOutage(reason));
  }

  /**
   * A call failed as if the bot had lost the group. When no outage is known yet it is
   * confirmed with getChatMember first: an answer from before the bot was added back (a call
   * still in flight at that moment) must not start a new outage.
   */
  lostByCall(reason: string): Promise<void> {
    return this.serial(async () => {
      if (!parseOutage(await this.deps.state.get(OUTAGE_KEY))) {
        const member = await this.deps.sender
          .send<BotMembership>(
            'getChatMember',
            { chat_id: this.deps.adminChatId, user_id: this.deps.botId },
            { maxAttempts: 1 },
          )
          .catch(() => null);
        if (member && groupAccessProblem(member) === null) {
          this.deps.logger.info({ reason }, 'a stale "lost the group" answer: the bot is there');
          return;
        }
      }
      await this.enterOutage(reason);
    });
  }

  private async enterOutage(reason: string): Promise<void> {
    const stored = parseOutage(await this.deps.state.get(OUTAGE_KEY));
    const outage = stored ?? { since: this.now(), reason, remindedAt: this.now() };
    this.outage = outage;
    await this.pauseLane(outage.reason);
    if (stored) return;
    await this.deps.state.set(OUTAGE_KEY, serializeOutage(outage));
    this.deps.logger.error({ reason }, 'the bot lost the admin group: its lane is paused');
    await this.deps.alerts.raise({
      key: `group_lost:${outage.since}`,
      severity: 'critical',
      // The group cannot show it; the owners get it in private.
      audience: 'owners',
      text:
        `The bot lost access to the admin group: ${reason}. ` +
        "Fans' messages are kept (and charged once) and are delivered when it is back; " +
        'fans who write are told the team is temporarily unavailable. ' +
        'To fix it, add the bot to the group again as an admin with the "Manage Topics" right.',
    });
  }

  async membershipChanged(member: BotMembership): Promise<void> {
    const problem = groupAccessProblem(member);
    if (problem) await this.lost(problem);
    else await this.restored('its rights were given back');
  }

  /** The bot can work in the group again: the lane resumes and the owners are told. */
  restored(how: string): Promise<void> {
    return this.serial(() => this.leaveOutage(how));
  }

  private async leaveOutage(how: string): Promise<void> {
    const stored = parseOutage(await this.deps.state.get(OUTAGE_KEY));
    this.outage = null;
    await this.unpauseLane();
    if (!stored) return;
    await this.deps.state.set(OUTAGE_KEY, '');
    this.deps.logger.info({ how }, 'the bot is back in the admin group: its lane resumes');
    this.deps.wake();
    await this.deps.alerts.raise({
      key: `group_back:${stored.since}`,
      severity: 'resolved',
      text:
        `The bot is back in the admin group (${how}) after ${describeDuration(this.now() - stored.since)}. ` +
        'The messages fans sent meanwhile are being delivered to their topics now; nothing to do.',
    });
  }

  /** One re-check (single flight): follows other instances, asks Telegram, reminds the owners. */
  recheck(): Promise<void> {
    this.checking ??= this.runRecheck()
      .catch((err: unknown) => this.deps.logger.warn({ err }, 'admin group re-check failed'))
      .finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async runRecheck(): Promise<void> {
    const stored = parseOutage(await this.deps.state.get(OUTAGE_KEY));
    if (!stored) {
      // Over (here, or on another instance): make sure this scheduler no longer holds it.
      this.outage = null;
      if (this.lanePause()) await this.unpauseLane();
      return;
    }
    this.outage = stored;
    const member = await this.deps.sender
      .send<BotMembership>(
        'getChatMember',
        { chat_id: this.deps.adminChatId, user_id: this.deps.botId },
        { maxAttempts: 1 },
      )
      .catch(() => null);
    const problem = member ? groupAccessProblem(member) : stored.reason;
    if (problem === null) return this.restored('found by the periodic check');
    await this.pauseLane(stored.reason);
    if (!reminderDue(stored, this.now(), this.deps.reminderMs)) return;
    const next = { ...stored, remindedAt: this.now() };
    await this.deps.state.set(OUTAGE_KEY, serializeOutage(next));
    this.outage = next;
    await this.deps.alerts.raise({
      key: `group_lost:${stored.since}:${next.remindedAt}`,
      severity: 'critical',
      audience: 'owners',
      text:
        `Still no access to the admin group, for ${describeDuration(this.now() - stored.since)} now: ${problem}. ` +
        "Fans' messages keep waiting. Add the bot to the group again as an admin with the " +
        '"Manage Topics" right; they are delivered as soon as it is back.',
    });
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private lanePause() {
    const now = this.deps.sender.clock();
    return this.deps.sender.scheduler
      .activePauses(now)
      .find((p) => p.chatId === this.deps.adminChatId && p.reason.startsWith(OUTAGE_PAUSE_PREFIX));
  }

  /** Pauses the lane until a little after the next re-check (which extends it). */
  private async pauseLane(reason: string): Promise<void> {
    const since = this.outage?.since ?? this.now();
    const until = this.deps.sender.clock() + this.deps.recheckMs * 3;
    const pause = this.deps.sender.scheduler.pause(
      this.deps.adminChatId,
      until,
      `${OUTAGE_PAUSE_PREFIX} since=${since}: ${reason}`,
    );
    await this.deps.pauses.save(pause);
  }

  private async unpauseLane(): Promise<void> {
    this.deps.sender.scheduler.unpause(this.deps.adminChatId);
    await this.deps.pauses.remove(this.deps.adminChatId, OUTAGE_PAUSE_PREFIX);
  }
}
