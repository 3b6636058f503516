/**
 * Fan topics in the admin group: created on first need, recreated once when Telegram says
 * the thread is gone. Both are single flight per fan, so a burst of jobs for a fan whose
 * topic was deleted creates exactly one new topic.
 *
 * The topics this process read or created are kept in memory (bounded, least recently used
 * dropped first), so a relay into a known topic reads nothing from the database. Only this
 * manager writes a fan's topic (`saveTopic`); another instance changes it only by recreating
 * a deleted topic, which this process learns from the send into the old one failing with
 * "message thread not found": `recreate` then reads the stored topic before creating one.
 */
import type { Logger } from '../../core/logger.js';
import { topicTitle as safeTopicTitle } from '../../core/topic-title.js';
import type { FanProfile } from '../../core/fan.js';
import type { FanDirectory, FanTopic, StateStore } from '../../core/traffic/ports.js';
import type { TelegramSender } from './sender.js';

export { ChatBusyError } from './sender.js';

export interface TopicManagerDeps {
  sender: TelegramSender;
  fans: FanDirectory;
  state: StateStore;
  /** The primary admin group: the alerts topic, and fans' topics unless a job names another. */
  adminChatId: number;
  logger: Logger;
  /**
   * Runs right after a fan topic was created (or recreated) and stored, before any job is
   * sent into it (the fan card is posted and pinned here). Failures are the hook's own; it
   * resolves to true when the card was posted (it shows the fan's latest purchase).
   */
  onFanTopicCreated?: (
    fanId: number,
    topicId: number,
    options?: { cardClaimed?: boolean },
  ) => Promise<boolean | void>;
  /** Fans' topics kept in memory at most (default 50,000). */
  maxCachedTopics?: number;
}

const ALERTS_TOPIC_KEY = 'alerts_topic_id';

/** Fans' topics kept in memory at most (a few dozen bytes each). */
const MAX_CACHED_TOPICS = 50_000;

/** A topic title from the fan's names: plain text, at most 128 characters (core/topic-title). */
export function topicTitle(profile: FanProfile | null, fanId: number): string {
  return safeTopicTitle(profile, fanId);
}

/** A topic id, and whether the call that got it opened the topic with its card. */
interface Opened {
  topicId: number;
  withCard: boolean;
}

export class TopicManager {
  private readonly inflight = new Map<string, Promise<Opened>>();
  private readonly known: TopicCache;

  constructor(private readonly deps: TopicManagerDeps) {
    this.known = new TopicCache(deps.maxCachedTopics ?? MAX_CACHED_TOPICS);
  }

  /** The fan's topic as this process last read or stored it (tests, diagnostics). */
  cachedTopic(fanId: number): FanTopic | undefined {
    return this.known.peek(fanId);
  }

  /**
   * The fan's topic id, creating the topic in `chatId` (the fan's admin group, which their
   * jobs name) if the fan has none yet.
   */
  async topicFor(
    fanId: number,
    signal?: AbortSignal,
    chatId: number = this.deps.adminChatId,
  ): Promise<number> {
    return (await this.openTopic(fanId, signal, chatId)).topicId;
  }

  /**
   * As `topicFor`, and whether this call opened the topic with its card posted (`withCard`):
   * a job waiting on that creation (the sale note of a first purchase) is then already shown
   * by the card.
   */
  openTopic(
    fanId: number,
    signal?: AbortSignal,
    chatId: number = this.deps.adminChatId,
  ): Promise<{ topicId: number; withCard: boolean }> {
    const cached = this.known.get(fanId);
    if (cached) return Promise.resolve({ topicId: cached.topicId, withCard: false });
    return this.singleFlight(`fan:${fanId}`, async () => {
      const existing = await this.deps.fans.topicOf(fanId);
      if (existing) {
        this.known.set(fanId, existing);
        return { topicId: existing.topicId, withCard: false };
      }
      const { topicId, title } = await this.create(fanId, chatId, signal);
      // With a card to post, its claim rides on the topic's insert (a statement less).
      const { topic: stored, cardClaimed } =
        this.deps.onFanTopicCreated && this.deps.fans.saveTopicClaimingCard
          ? await this.deps.fans.saveTopicClaimingCard(fanId, { chatId, topicId }, title)
          : {
              topic: await this.deps.fans.saveTopic(fanId, { chatId, topicId }, title),
              cardClaimed: false,
            };
      if (stored.topicId !== topicId) {
        this.known.set(fanId, stored);
        await this.discard(chatId, topicId);
        return { topicId: stored.topicId, withCard: false };
      }
      const withCard =
        (await this.deps.onFanTopicCreated?.(fanId, topicId, { cardClaimed })) === true;
      // Remembered only now: until its card is posted, callers wait in the flight.
      this.known.set(fanId, stored);
      return { topicId, withCard };
    });
  }

  /**
   * Replaces a deleted topic (once: if someone already replaced it, their topic is used), in
   * the fan's group (the deleted topic's, else `chatId`).
   */
  recreate(
    fanId: number,
    deletedTopicId: number,
    signal?: AbortSignal,
    chatId: number = this.deps.adminChatId,
  ): Promise<number> {
    return this.flight(`fan:${fanId}`, async () => {
      // What this process knew is stale: the stored topic decides (another instance may
      // have replaced the deleted one already).
      this.known.delete(fanId);
      const current = await this.deps.fans.topicOf(fanId);
      if (current && current.topicId !== deletedTopicId) {
        this.known.set(fanId, current);
        return current.topicId;
      }
      const group = current?.chatId ?? chatId;
      const { topicId, title } = await this.create(fanId, group, signal);
      const stored = current
        ? await this.deps.fans.saveTopic(fanId, { chatId: group, topicId }, title, deletedTopicId)
        : await this.deps.fans.saveTopic(fanId, { chatId: group, topicId }, title);
      if (stored.topicId !== topicId) await this.discard(group, topicId);
      else await this.deps.onFanTopicCreated?.(fanId, topicId);
      // Remembered once its card is posted (callers meanwhile wait in the flight).
      this.known.set(fanId, stored);
      this.deps.logger.info(
        { fanId, deletedTopicId, topicId: stored.topicId },
        'fan topic recreated',
      );
      return stored.topicId;
    });
  }

  /** The alerts topic of the admin group, created on first use. */
  alertsTopic(signal?: AbortSignal): Promise<number> {
    return this.flight('alerts', async () => {
      const stored = await this.deps.state.get(ALERTS_TOPIC_KEY);
      if (stored) return Number(stored);
      const topic = await this.createTopic(this.deps.adminChatId, '⚠️ Alerts', signal);
      await this.deps.state.set(ALERTS_TOPIC_KEY, String(topic));
      return topic;
    });
  }

  /** Forgets a deleted alerts topic so the next alert creates a new one. */
  async forgetAlertsTopic(deletedTopicId: number): Promise<void> {
    const stored = await this.deps.state.get(ALERTS_TOPIC_KEY);
    if (stored === String(deletedTopicId)) await this.deps.state.set(ALERTS_TOPIC_KEY, '');
  }

  private async create(
    fanId: number,
    chatId: number,
    signal?: AbortSignal,
  ): Promise<{ topicId: number; title: string }> {
    const title = topicTitle(await this.deps.fans.profile(fanId), fanId);
    return { topicId: await this.createTopic(chatId, title, signal), title };
  }

  private async createTopic(chatId: number, name: string, signal?: AbortSignal): Promise<number> {
    // Topic creation spends the group's budget; a job does not wait out a long pause for it.
    const topic = await this.deps.sender.send<{ message_thread_id: number }>(
      'createForumTopic',
      { chat_id: chatId, name },
      { maxAttempts: 3, signal, maxWaitMs: this.deps.sender.scheduler.rules.group.windowMs * 2 },
    );
    return topic.message_thread_id;
  }

  private async discard(chatId: number, topicId: number): Promise<void> {
    // Another instance stored its topic first; ours stays empty, so remove it.
    await this.deps.sender
      .send('deleteForumTopic', { chat_id: chatId, message_thread_id: topicId }, { maxAttempts: 2 })
      .catch(() => {});
  }

  /** A single flight whose answer is a topic id. */
  private async flight(key: string, task: () => Promise<number>): Promise<number> {
    return (await this.singleFlight(key, async () => ({ topicId: await task(), withCard: false })))
      .topicId;
  }

  /**
   * One creation per key at a time; a caller joining a running flight gets its answer with
   * `withCard` false (the topic was opened for the caller that started it).
   */
  private singleFlight(key: string, task: () => Promise<Opened>): Promise<Opened> {
    const running = this.inflight.get(key);
    if (running) return running.then((opened) => ({ ...opened, withCard: false }));
    const promise = task().finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }
}

/** Fans' topics by fan id, the least recently used dropped first beyond `max`. */
class TopicCache {
  private readonly topics = new Map<number, FanTopic>();

  constructor(private readonly max: number) {}

  get(fanId: number): FanTopic | undefined {
    const topic = this.topics.get(fanId);
    if (topic) {
      // Map keeps insertion order: re-inserting makes it the most recently used.
      this.topics.delete(fanId);
      this.topics.set(fanId, topic);
    }
    return topic;
  }

  peek(fanId: number): FanTopic | undefined {
    return this.topics.get(fanId);
  }

  set(fanId: number, topic: FanTopic): void {
    this.topics.delete(fanId);
    this.topics.set(fanId, { chatId: topic.chatId, topicId: topic.topicId });
    if (this.topics.size > this.max) {
      const oldest = this.topics.keys().next().value;
      if (oldest !== undefined) this.topics.delete(oldest);
    }
  }

  delete(fanId: number): void {
    this.topics.delete(fanId);
  }
}
