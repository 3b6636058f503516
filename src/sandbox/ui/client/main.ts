/**
 * The sandbox page: wires the fan chat, the admin forum and the payments strip to the
 * simulators. Every change a simulator reports on its event stream re-reads what is shown
 * (one read at a time, the latest change always read); nothing polls.
 */
import { config, follow, loadConfig, tg, type Button, type MessageView } from './api.js';
import { byId, toast } from './dom.js';
import { FanPanel } from './fan.js';
import { ForumPanel } from './forum.js';
import { PaymentsStrip } from './payments.js';

interface CallbackAnswer {
  answer?: { text?: string; show_alert?: boolean; url?: string };
}

const names = new Map<number, string>();
/** Button presses whose answer (toast or alert) has not been shown yet. */
const pendingAnswers = new Set<string>();
let payments: PaymentsStrip;

function isCheckoutUrl(url: string): boolean {
  return url.startsWith(`${config.stripeApiBase}/_sim/checkout/`);
}

function pressButton(message: MessageView, button: Button, userId: number): void {
  if (button.url) {
    if (isCheckoutUrl(button.url)) payments.openCheckout(button.url);
    else toast(`This button opens ${button.url} (outside the sandbox).`);
    return;
  }
  if (button.callbackData === undefined) return;
  tg<string>('pressButton', {
    userId,
    chatId: message.chatId,
    messageId: message.messageId,
    callbackData: button.callbackData,
  }).then(
    (id) => pendingAnswers.add(id),
    (error: unknown) => toast((error as Error).message, 'error'),
  );
}

async function showAnswers(): Promise<void> {
  for (const id of [...pendingAnswers]) {
    const query = await tg<CallbackAnswer | undefined>('callbackQuery', { id });
    if (!query?.answer) continue;
    pendingAnswers.delete(id);
    const text = query.answer?.text;
    if (text) toast(text);
    if (query.answer?.url && isCheckoutUrl(query.answer.url))
      payments.openCheckout(query.answer.url);
  }
}

async function main(): Promise<void> {
  await loadConfig();
  const fan = new FanPanel({ names, onButton: pressButton });
  const forum = new ForumPanel({ names, onButton: pressButton });
  payments = new PaymentsStrip();
  let running = false;
  let again = false;
  const refresh = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await fan.refresh();
        await forum.refresh();
        await payments.refresh();
        await showAnswers();
      } while (again);
      byId('status').textContent = 'Live';
    } catch (error) {
      byId('status').textContent = `Not connected: ${(error as Error).message}`;
    } finally {
      running = false;
    }
  };
  const onChange = () => void refresh();
  follow(config.telegramApiRoot, onChange);
  follow(config.stripeApiBase, onChange);
  await refresh();
}

void main();
