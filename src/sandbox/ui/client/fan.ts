/** The left side: a phone-like private chat between one fan and the bot. */
import { config, SAMPLES, sampleImage, tg, type MessageView, type User } from './api.js';
import { byId, h, replaceLog, toast } from './dom.js';
import { latestPinned, renderMessage, type RenderContext } from './messages.js';

export interface FanHooks {
  names: Map<number, string>;
  onButton(
    message: MessageView,
    button: { text: string; callbackData?: string; url?: string },
    userId: number,
  ): void;
}

export class FanPanel {
  fanId: number | undefined;
  private shownFan: number | undefined;
  private readonly picker = byId<HTMLSelectElement>('fan-picker');
  private readonly log = byId<HTMLOListElement>('fan-chat');
  private readonly text = byId<HTMLInputElement>('fan-text');

  constructor(private readonly hooks: FanHooks) {
    byId('fan-create').addEventListener('submit', (event) => {
      event.preventDefault();
      void this.create();
    });
    this.picker.addEventListener('change', () => {
      this.fanId = Number(this.picker.value) || undefined;
      void this.refresh();
    });
    byId('fan-compose').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = this.text.value.trim();
      if (!value) return;
      void this.act(() => tg('fanSendsText', { userId: this.requireFan(), text: value })).then(
        (ok) => ok && (this.text.value = ''),
      );
    });
    byId('fan-start').addEventListener(
      'click',
      () => void this.act(() => tg('fanSendsText', { userId: this.requireFan(), text: '/start' })),
    );
    byId('fan-voice').addEventListener(
      'click',
      () => void this.act(() => tg('fanSendsVoice', { userId: this.requireFan(), duration: 7 })),
    );
    byId('fan-album').addEventListener('click', () => void this.act(() => this.sendAlbum()));
    const photos = byId('fan-photos');
    for (const name of SAMPLES) {
      photos.append(
        h(
          'button',
          {
            type: 'button',
            class: 'sample',
            'aria-label': `Send the sample photo “${name}”`,
            onclick: () => void this.act(() => this.sendPhoto(name)),
          },
          h('img', { src: `/samples/${name}.png`, alt: '' }),
        ),
      );
    }
  }

  private requireFan(): number {
    if (this.fanId === undefined) throw new Error('Pick or create a fan first.');
    return this.fanId;
  }

  private async act(run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      toast((error as Error).message, 'error');
      return false;
    }
  }

  private async create(): Promise<void> {
    const input = byId<HTMLInputElement>('fan-name');
    const name = input.value.trim();
    if (!name) {
      toast('Type a name for the new fan.', 'error');
      input.focus();
      return;
    }
    await this.act(async () => {
      const user = await tg<User>('createUser', { first_name: name, language_code: 'en' });
      this.fanId = user.id;
      input.value = '';
      await this.refresh();
      byId('fan-start').focus();
    });
  }

  private async sendPhoto(name: string): Promise<void> {
    const image = await sampleImage(name);
    const caption = this.text.value.trim();
    await tg('fanSends', {
      userId: this.requireFan(),
      content: { kind: 'photo', ...image, mimeType: 'image/png', ...(caption ? { caption } : {}) },
    });
    this.text.value = '';
  }

  private async sendAlbum(): Promise<void> {
    const items = await Promise.all(
      SAMPLES.map(async (name) => ({ kind: 'photo', ...(await sampleImage(name)) })),
    );
    await tg('fanSendsAlbum', { userId: this.requireFan(), items });
  }

  /** Re-reads the fans and the chosen fan's chat. */
  async refresh(): Promise<void> {
    const users = await tg<User[]>('users');
    const team = new Set([config.ownerId, config.agentId, config.memberId]);
    const fans = users.filter((u) => !u.is_bot && !team.has(u.id));
    for (const user of users) this.hooks.names.set(user.id, user.first_name);
    const options = fans.map((fan) =>
      h(
        'option',
        { value: fan.id, selected: fan.id === this.fanId },
        `${fan.first_name} (${fan.id})`,
      ),
    );
    this.picker.replaceChildren(h('option', { value: '' }, '— choose a fan —'), ...options);
    if (this.fanId !== undefined) this.picker.value = String(this.fanId);
    byId('fan-title').textContent =
      this.fanId !== undefined ? (this.hooks.names.get(this.fanId) ?? 'Fan') : 'No fan yet';
    const messages =
      this.fanId !== undefined ? await tg<MessageView[]>('messages', { chatId: this.fanId }) : [];
    this.render(messages);
  }

  private render(messages: MessageView[]): void {
    const fanId = this.fanId ?? 0;
    const ctx: RenderContext = {
      viewerId: fanId,
      names: this.hooks.names,
      onButton: (message, button) => this.hooks.onButton(message, button, fanId),
      onPayInvoice: (message) =>
        void this.act(() =>
          tg('startPreCheckout', { userId: fanId, invoiceMessageId: message.messageId }),
        ),
      onUnlock: (message) =>
        void this.act(() => tg('buyPaidMedia', { userId: fanId, messageId: message.messageId })),
    };
    replaceLog(
      this.log,
      messages.map((m) => renderMessage(m, ctx)),
      this.shownFan !== this.fanId,
    );
    this.shownFan = this.fanId;
    const pinned = latestPinned(messages);
    const bar = byId('fan-pinned');
    bar.hidden = !pinned;
    bar.textContent = pinned ? `📌 ${pinned.text ?? pinned.caption ?? ''}` : '';
    byId('fan-start').hidden = this.fanId === undefined || messages.length > 0;
    this.renderReplyKeyboard(messages);
  }

  /** A reply keyboard the bot set (the latest one): its buttons send their text. */
  private renderReplyKeyboard(messages: MessageView[]): void {
    const box = byId('fan-reply-keyboard');
    const latest = [...messages].reverse().find((m) => m.replyKeyboard);
    const rows = latest?.replyKeyboard?.keyboard ?? [];
    box.replaceChildren(
      ...rows.map((row) =>
        h(
          'div',
          { class: 'row' },
          ...row.map((button) => {
            const label = typeof button === 'string' ? button : button.text;
            return h(
              'button',
              {
                type: 'button',
                onclick: () =>
                  void this.act(() =>
                    tg('fanSendsText', { userId: this.requireFan(), text: label }),
                  ),
              },
              label,
            );
          }),
        ),
      ),
    );
  }
}
