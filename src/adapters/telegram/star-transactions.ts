/**
 * The bot's Star transactions (`getStarTransactions`) and balance (`getMyStarBalance`), read
 * with only the fields premiumbot relies on validated; a partner or type it does not know is
 * kept as "not ours" rather than failing the whole page.
 */
import { z } from 'zod';
import type { StarTransaction, StarTransactionsSource } from '../../core/payments/stars-upkeep.js';
import type { BotApi } from './bot-api.js';

const partnerSchema = z
  .object({
    type: z.string(),
    transaction_type: z.string().optional(),
    user: z.object({ id: z.number() }).passthrough().optional(),
    invoice_payload: z.string().optional(),
    subscription_period: z.number().optional(),
  })
  .passthrough();

const transactionSchema = z
  .object({
    id: z.string(),
    amount: z.number(),
    date: z.number(),
    source: partnerSchema.optional(),
    receiver: partnerSchema.optional(),
  })
  .passthrough();

const pageSchema = z.object({ transactions: z.array(transactionSchema) }).passthrough();

/** One listed transaction as the upkeep reads it. */
function toTransaction(row: z.infer<typeof transactionSchema>): StarTransaction {
  const partner = row.source ?? row.receiver;
  const isUser = partner?.type === 'user' && partner.user !== undefined;
  return {
    id: row.id,
    amount: row.amount,
    date: row.date,
    direction: row.source ? 'in' : 'out',
    fanId: isUser ? partner.user!.id : null,
    transactionType: partner?.transaction_type ?? null,
    invoicePayload: partner?.invoice_payload ?? null,
    subscriptionPeriod: partner?.subscription_period ?? null,
  };
}

/** `getStarTransactions` as the upkeep's source. */
export function createStarTransactionsSource(api: BotApi): StarTransactionsSource {
  return {
    async list(offset, limit) {
      const page = pageSchema.parse(await api.call('getStarTransactions', { offset, limit }));
      return page.transactions.map(toTransaction);
    },
  };
}

/**
 * `starBalance` remembered for `ttlMs` (a dashboard refresh need not ask Telegram each time);
 * a failure is not remembered: it is thrown, and the next read asks again.
 */
export function cachedStarBalance(
  api: BotApi,
  options: { ttlMs?: number; now?: () => number } = {},
): () => Promise<number> {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  let cached: { amount: number; at: number } | undefined;
  return async () => {
    if (cached && now() - cached.at < ttlMs) return cached.amount;
    const amount = await starBalance(api);
    cached = { amount, at: now() };
    return amount;
  };
}

/** The bot's Star balance (`getMyStarBalance`): whole Stars. */
export async function starBalance(api: BotApi): Promise<number> {
  const answer = z
    .object({ amount: z.number() })
    .passthrough()
    .parse(await api.call('getMyStarBalance', {}));
  return answer.amount;
}
