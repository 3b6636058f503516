/** The strip below: Stripe Checkout sessions, charges, Telegram Stars payments, the clock. */
import { formatAmount, stripe, tg } from './api.js';
import { byId, h, toast } from './dom.js';

interface Session {
  id: string;
  status: string;
  payment_status: string;
  amount_total: number;
  currency: string;
  url: string | null;
}

interface Charge {
  id: string;
  amount: number;
  amount_refunded: number;
  refunded: boolean;
  disputed: boolean;
  currency: string;
  status: string;
}

interface StarsPayment {
  userId?: number;
  totalAmount?: number;
  currency?: string;
  telegramChargeId?: string;
  refunded?: boolean;
  [key: string]: unknown;
}

async function act(run: () => Promise<unknown>, done?: string): Promise<void> {
  try {
    await run();
    if (done) toast(done);
  } catch (error) {
    toast((error as Error).message, 'error');
  }
}

export class PaymentsStrip {
  private openSession: string | undefined;
  private readonly dialog = byId<HTMLDialogElement>('checkout');

  constructor() {
    byId('checkout-close').addEventListener('click', () => this.closeCheckout());
    this.dialog.addEventListener('close', () => (this.openSession = undefined));
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-advance]')) {
      button.addEventListener('click', () => {
        const seconds = Number(button.dataset.advance);
        void act(
          () => stripe('POST', 'clock/advance', { seconds }),
          `Clock moved ${button.textContent ?? ''}`,
        );
      });
    }
  }

  /** Shows the simulated Stripe Checkout page for a session (a fan's 💳 Pay button). */
  openCheckout(url: string): void {
    const id = /\/_sim\/checkout\/([^/?#]+)/.exec(url)?.[1];
    this.openSession = id;
    byId<HTMLIFrameElement>('checkout-frame').src = url;
    if (!this.dialog.open) this.dialog.showModal();
  }

  private closeCheckout(): void {
    byId<HTMLIFrameElement>('checkout-frame').src = 'about:blank';
    if (this.dialog.open) this.dialog.close();
  }

  async refresh(): Promise<void> {
    const [sessions, charges, state, stars] = await Promise.all([
      stripe<Session[]>('GET', 'objects?type=checkout.session'),
      stripe<Charge[]>('GET', 'objects?type=charge'),
      stripe<{ now: number }>('GET', 'state'),
      tg<StarsPayment[]>('payments'),
    ]);
    byId('clock-now').textContent = new Date(state.now * 1000).toISOString().replace('.000Z', 'Z');
    const current = sessions.find((s) => s.id === this.openSession);
    if (current && current.status !== 'open') this.closeCheckout();
    byId('sessions').replaceChildren(...sessions.slice(0, 6).map((s) => this.session(s)));
    byId('charges').replaceChildren(...charges.slice(0, 6).map((c) => this.charge(c)));
    byId('stars').replaceChildren(
      ...stars
        .slice(-6)
        .reverse()
        .map((p) => this.star(p)),
    );
  }

  private session(s: Session): HTMLLIElement {
    const price = formatAmount(s.amount_total, s.currency);
    const open = s.status === 'open';
    return h(
      'li',
      { 'data-session': s.id },
      h('span', {}, `Checkout ${price} — ${open ? 'open' : `${s.status}, ${s.payment_status}`}`),
      open && s.url
        ? h(
            'button',
            { type: 'button', onclick: () => this.openCheckout(s.url as string) },
            'Open Checkout page',
          )
        : null,
      open
        ? h(
            'button',
            {
              type: 'button',
              onclick: () =>
                void act(() => stripe('POST', `checkout/sessions/${s.id}/pay`, {}), 'Paid'),
            },
            'Pay',
          )
        : null,
      open
        ? h(
            'button',
            {
              type: 'button',
              onclick: () =>
                void act(
                  () => stripe('POST', `checkout/sessions/${s.id}/pay`, { fail: true }),
                  'Card declined',
                ),
            },
            'Decline',
          )
        : null,
    );
  }

  private charge(c: Charge): HTMLLIElement {
    const price = formatAmount(c.amount, c.currency);
    const status = c.refunded ? 'refunded' : c.disputed ? 'disputed' : c.status;
    return h(
      'li',
      { 'data-charge': c.id },
      h('span', {}, `Charge ${price} — ${status}`),
      !c.refunded
        ? h(
            'button',
            {
              type: 'button',
              onclick: () =>
                void act(() => stripe('POST', 'refunds', { target: c.id }), 'Refunded'),
            },
            'Refund',
          )
        : null,
      !c.disputed && !c.refunded
        ? h(
            'button',
            {
              type: 'button',
              onclick: () =>
                void act(() => stripe('POST', 'disputes', { charge: c.id }), 'Dispute opened'),
            },
            'Dispute',
          )
        : null,
    );
  }

  private star(p: StarsPayment): HTMLLIElement {
    const amount =
      typeof p.totalAmount === 'number'
        ? formatAmount(p.totalAmount, String(p.currency ?? 'XTR'))
        : '⭐';
    return h(
      'li',
      {},
      `Stars ${amount}${p.refunded ? ' — refunded' : ''} (fan ${String(p.userId ?? '?')})`,
    );
  }
}
