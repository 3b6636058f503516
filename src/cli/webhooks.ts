/**
 * Pointing Telegram and Stripe at PUBLIC_URL, and checking that they are: shared by
 * `set-webhooks`, `setup webhooks` and `doctor`.
 */
import type { StripeClient } from '../adapters/stripe/client.js';
import {
  ensureWebhookEndpoint,
  inspectWebhookEndpoint,
  STRIPE_EVENTS,
  stripeWebhookUrl,
} from '../adapters/stripe/webhook-endpoint.js';
import {
  ALLOWED_UPDATES,
  telegramWebhookUrl,
  type OperatorApi,
  type TgWebhookInfo,
} from '../adapters/telegram/operator-api.js';
import { ErrorCodes, PremiumbotError } from '../core/errors.js';
import { withProgress } from './progress.js';
import type { Output } from './ui.js';

/** The result of one check: problems fail it, warnings do not. */
export interface CheckOutcome {
  summary: string;
  problems: string[];
  warnings: string[];
}

/** Compares getWebhookInfo with what `serve` needs. */
export function judgeTelegramWebhook(
  info: TgWebhookInfo,
  publicUrl: string,
  now = Date.now(),
): CheckOutcome {
  const expected = telegramWebhookUrl(publicUrl);
  const problems: string[] = [];
  const warnings: string[] = [];
  if (info.url === '') problems.push(`no webhook is set (expected ${expected})`);
  else if (info.url !== expected)
    problems.push(`the webhook points at ${info.url}, expected ${expected}`);
  if (info.url !== '') {
    const allowed = info.allowed_updates;
    const missing = allowed
      ? ALLOWED_UPDATES.filter((u) => !allowed.includes(u))
      : ['message_reaction'];
    if (missing.length > 0) problems.push(`allowed_updates lacks ${missing.join(', ')}`);
  }
  let recovered = '';
  if (info.last_error_date !== undefined && info.last_error_message) {
    const minutes = Math.max(0, Math.round((now / 1000 - info.last_error_date) / 60));
    const error = `last delivery error ${minutes} min ago: ${info.last_error_message}`;
    // Telegram keeps the last error after deliveries recover; only a backlog means it persists.
    if (info.pending_update_count > 0) warnings.push(error);
    else recovered = ` (all delivered since the ${error})`;
  }
  const pending =
    info.pending_update_count > 0 ? `, ${info.pending_update_count} update(s) pending` : '';
  return {
    summary: info.url === '' ? 'no webhook set' : `webhook ${info.url}${pending}${recovered}`,
    problems,
    warnings,
  };
}

/** Compares the Stripe endpoint for PUBLIC_URL with what `serve` needs. */
export async function inspectStripeWebhook(
  stripe: StripeClient,
  publicUrl: string,
  secrets: readonly string[],
): Promise<CheckOutcome> {
  const url = stripeWebhookUrl(publicUrl);
  const status = await inspectWebhookEndpoint(stripe, url);
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!status.endpoint) problems.push(`no endpoint for ${url}`);
  else {
    if (!status.enabled) problems.push(`the endpoint ${status.endpoint.id} is disabled`);
    if (status.missingEvents.length > 0)
      problems.push(`the endpoint does not receive ${status.missingEvents.join(', ')}`);
    if (status.others > 0)
      warnings.push(
        `${status.others} other endpoint(s) also point at ${url}: each one delivers every event again`,
      );
  }
  if (secrets.length === 0)
    problems.push('STRIPE_WEBHOOK_SECRET is not set, so serve cannot verify events');
  return {
    summary: status.endpoint
      ? `endpoint ${status.endpoint.id} → ${url} (${status.endpoint.status})`
      : `no endpoint for ${url}`,
    problems,
    warnings,
  };
}

export interface SetWebhooksOptions {
  telegram: OperatorApi;
  /** Absent without STRIPE_API_KEY (Telegram Stars only): no Stripe endpoint is needed. */
  stripe?: StripeClient;
  publicUrl: string;
  telegramSecret: string;
  /** The signing secrets known locally (STRIPE_WEBHOOK_SECRET). */
  stripeSecrets: readonly string[];
  output: Output;
  /** Persists a new Stripe signing secret (into .env). */
  storeStripeSecret(secret: string): Promise<void> | void;
  /** Delete and recreate the Stripe endpoint (to obtain a new signing secret). */
  recreateStripeEndpoint?: boolean;
}

/** Sets the Telegram webhook and ensures the Stripe endpoint; stores a new signing secret. */
export async function setWebhooks(
  options: SetWebhooksOptions,
): Promise<{ createdStripeEndpoint: boolean }> {
  const { telegram, stripe, output } = options;
  const tgUrl = telegramWebhookUrl(options.publicUrl);
  await withProgress(
    output,
    `Setting the Telegram webhook to ${tgUrl}`,
    async () => {
      await telegram.setWebhook({
        url: tgUrl,
        secret_token: options.telegramSecret,
        allowed_updates: ALLOWED_UPDATES,
        max_connections: 40,
      });
      const info = await telegram.getWebhookInfo();
      const verdict = judgeTelegramWebhook(info, options.publicUrl);
      if (verdict.problems.length > 0) {
        throw new PremiumbotError(
          ErrorCodes.telegram,
          `Telegram accepted the webhook but reports: ${verdict.problems.join('; ')}`,
          {
            hint: 'Run `premiumbot set-webhooks` again; if it persists check PUBLIC_URL.',
          },
        );
      }
    },
    () => `Telegram webhook set: ${tgUrl} (secret token, updates: ${ALLOWED_UPDATES.join(', ')})`,
  );

  if (!stripe) {
    output.out('Stripe not used (no STRIPE_API_KEY): no Stripe endpoint needed.');
    return { createdStripeEndpoint: false };
  }
  const stripeUrl = stripeWebhookUrl(options.publicUrl);
  const before = await inspectWebhookEndpoint(stripe, stripeUrl);
  const recreate = options.recreateStripeEndpoint === true;
  if (before.endpoint && !recreate && options.stripeSecrets.length === 0) {
    throw new PremiumbotError(
      ErrorCodes.stripe,
      `Stripe already has the endpoint ${before.endpoint.id} for ${stripeUrl}, but STRIPE_WEBHOOK_SECRET is not set and Stripe only reveals a signing secret when an endpoint is created.`,
      {
        hint: 'Copy the signing secret from Dashboard → Developers → Webhooks into STRIPE_WEBHOOK_SECRET, or run `premiumbot set-webhooks --recreate-stripe-endpoint` to replace the endpoint and store a new secret.',
      },
    );
  }
  const result = await withProgress(
    output,
    `Ensuring the Stripe endpoint ${stripeUrl}`,
    () => ensureWebhookEndpoint(stripe, stripeUrl, { recreate }),
    (r) =>
      r.action === 'created'
        ? `Stripe endpoint created: ${r.endpoint.id} → ${stripeUrl} (${STRIPE_EVENTS.length} events)`
        : r.action === 'updated'
          ? `Stripe endpoint ${r.endpoint.id} updated: ${r.changes.join('; ')}`
          : `Stripe endpoint ${r.endpoint.id} already up to date (nothing created)`,
  );
  if (result.action === 'created') {
    await options.storeStripeSecret(result.secret);
    output.out('✔ Stored its signing secret in STRIPE_WEBHOOK_SECRET.');
  }
  return { createdStripeEndpoint: result.action === 'created' };
}
