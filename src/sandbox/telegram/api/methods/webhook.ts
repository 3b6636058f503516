/** Getting updates: setWebhook, deleteWebhook, getWebhookInfo, getUpdates. */
import { badRequest, invalid } from '../../api-error.js';
import type { ApiDeps, MethodTable } from '../deps.js';

/** Telegram's checks of a webhook URL ('' removes the webhook). */
function checkWebhookUrl(deps: ApiDeps, url: string): void {
  if (url === '') return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badRequest('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
  }
  if (deps.requireHttpsWebhook && parsed.protocol !== 'https:') {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
  }
}

export const webhookMethods: MethodTable = {
  setWebhook: (deps, { params }) => {
    const url = params.url as string;
    checkWebhookUrl(deps, url);
    const secret = params.secret_token as string | undefined;
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw invalid('secret token contains unallowed characters');
    }
    const maxConnections = params.max_connections as number | undefined;
    if (maxConnections !== undefined && (maxConnections < 1 || maxConnections > 100)) {
      throw invalid('max_connections must be between 1 and 100');
    }
    deps.hub.setWebhook({
      url,
      secretToken: secret,
      maxConnections,
      ipAddress: params.ip_address as string | undefined,
      allowedUpdates: params.allowed_updates as string[] | undefined,
      dropPendingUpdates: params.drop_pending_updates === true,
    });
    return true;
  },
  deleteWebhook: ({ hub }, { params }) => {
    hub.deleteWebhook(params.drop_pending_updates === true);
    return true;
  },
  getWebhookInfo: ({ hub }) => {
    const webhook = hub.webhook;
    const info: Record<string, unknown> = {
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: hub.pendingCount(),
    };
    if (webhook) {
      if (webhook.ipAddress) info.ip_address = webhook.ipAddress;
      if (webhook.lastErrorDate !== undefined) info.last_error_date = webhook.lastErrorDate;
      if (webhook.lastErrorMessage !== undefined)
        info.last_error_message = webhook.lastErrorMessage;
      info.max_connections = webhook.maxConnections;
      if (webhook.allowedUpdates) info.allowed_updates = webhook.allowedUpdates;
    }
    return info;
  },
  getUpdates: ({ hub }, { params, signal }) =>
    hub.getUpdates(
      {
        offset: params.offset as number | undefined,
        limit: params.limit as number | undefined,
        timeout: params.timeout as number | undefined,
        allowed_updates: params.allowed_updates as string[] | undefined,
      },
      signal,
    ),
};
