/** The right side: the admin forum group — topics, a topic's messages, the pinned card. */
import { config, SAMPLES, sampleImage, tg, type MessageView, type TopicView } from './api.js';
import { byId, h, replaceLog, toast } from './dom.js';
import { latestPinned, renderMessage, type RenderContext } from './messages.js';

export interface ForumHooks {
  names: Map<number, string>;
  onButton(
    message: MessageView,
    button: { text: string; callbackData?: string; url?: string },
    userId: number,
  ): void;
}

/** Telegram's six topic colours, as CSS. */
function color(iconColor: number): string {
  return `#${iconColor.toString(16).padStart(6, '0')}`;
}

export class ForumPanel {
  threadId = 1;
  private shownThread: number | undefined;
  /** The message the next one replies to (a command such as /ppv or /snippet add). */
  private replyTo: number | undefined;
  private readonly topicList = byId<HTMLUListElement>('topics');
  private readonly log = byId<HTMLOListElement>('topic-log');
  private readonly writer = byId<HTMLSelectElement>('writer');
  private readonly text = byId<HTMLInputElement>('topic-text');

  constructor(private readonly hooks: ForumHooks) {
    this.writer.replaceChildren(
      h('option', { value: config.ownerId }, 'Owner (Creator)'),
      h('option', { value: config.agentId }, 'Agent (group admin)'),
      h('option', { value: config.memberId }, 'Member (not an admin)'),
    );
    byId('topic-compose').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = this.text.value.trim();
      if (!value) return;
      void this.send(value).then((ok) => ok && (this.text.value = ''));
    });
    byId('run-admin').addEventListener('click', () => void this.send('/admin'));
    byId('topic-reply-cancel').addEventListener('click', () => this.setReply(undefined));
    byId('topic-photo').addEventListener('click', () => void this.sendPhoto());
  }

  private setReply(messageId: number | undefined): void {
    this.replyTo = messageId;
    byId('topic-replying').hidden = messageId === undefined;
    byId('topic-reply-target').textContent = messageId === undefined ? '' : `#${messageId}`;
    if (messageId !== undefined) this.text.focus();
  }

  private get replyArgs(): { replyTo?: number } {
    return this.replyTo !== undefined ? { replyTo: this.replyTo } : {};
  }

  private get writerId(): number {
    return Number(this.writer.value);
  }

  private async send(text: string): Promise<boolean> {
    try {
      await tg('adminSendsInTopic', {
        adminId: this.writerId,
        chatId: config.adminChatId,
        threadId: this.threadId,
        content: text,
        ...this.replyArgs,
      });
      this.setReply(undefined);
      return true;
    } catch (error) {
      toast((error as Error).message, 'error');
      return false;
    }
  }

  private async sendPhoto(): Promise<void> {
    try {
      const image = await sampleImage(SAMPLES[0]);
      const caption = this.text.value.trim();
      await tg('adminSendsInTopic', {
        adminId: this.writerId,
        chatId: config.adminChatId,
        threadId: this.threadId,
        content: {
          kind: 'photo',
          ...image,
          mimeType: 'image/png',
          ...(caption ? { caption } : {}),
        },
        ...this.replyArgs,
      });
      this.text.value = '';
      this.setReply(undefined);
    } catch (error) {
      toast((error as Error).message, 'error');
    }
  }

  /** Re-reads the topics and the open topic's messages. */
  async refresh(): Promise<void> {
    const topics = (await tg<TopicView[]>('topics', { chatId: config.adminChatId })).filter(
      (t) => !t.deleted,
    );
    if (!topics.some((t) => t.threadId === this.threadId)) this.threadId = 1;
    if (this.shownThread !== undefined && this.shownThread !== this.threadId) {
      this.setReply(undefined);
    }
    this.topicList.replaceChildren(
      ...topics.map((topic) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              type: 'button',
              class: 'topic',
              'aria-current': topic.threadId === this.threadId ? 'true' : undefined,
              onclick: () => {
                this.threadId = topic.threadId;
                void this.refresh();
              },
            },
            h(
              'span',
              {
                class: 'icon',
                style: { background: color(topic.iconColor) },
                title: topic.iconCustomEmojiId
                  ? `custom emoji ${topic.iconCustomEmojiId}`
                  : undefined,
                'aria-hidden': 'true',
              },
              topic.iconCustomEmojiId ? '★' : topic.name.slice(0, 1),
            ),
            h('span', { class: 'name' }, topic.name),
            topic.closed ? h('span', { class: 'closed' }, ' (closed)') : null,
          ),
        ),
      ),
    );
    const current = topics.find((t) => t.threadId === this.threadId);
    byId('topic-title').textContent = current?.name ?? 'General';
    const messages = await tg<MessageView[]>('messages', {
      chatId: config.adminChatId,
      threadId: this.threadId,
    });
    const ctx: RenderContext = {
      viewerId: this.writerId,
      names: this.hooks.names,
      onButton: (message, button) => this.hooks.onButton(message, button, this.writerId),
      onPayInvoice: () => toast('Invoices are paid by fans.'),
      onUnlock: () => toast('Locked posts are unlocked by fans.'),
      onReply: (message) => this.setReply(message.messageId),
    };
    replaceLog(
      this.log,
      messages.map((m) => renderMessage(m, ctx)),
      this.shownThread !== this.threadId,
    );
    this.shownThread = this.threadId;
    const pinned = latestPinned(messages);
    const card = byId('topic-pinned');
    card.hidden = !pinned;
    card.replaceChildren(...(pinned ? [h('h3', {}, '📌 Pinned'), renderMessage(pinned, ctx)] : []));
  }
}
