/** The command menu fans see (setMyCommands for private chats, one list per template locale). */
import type { Logger } from '../../core/logger.js';
import type { MessageCatalog } from '../../core/templates.js';
import type { TelegramSender } from './sender.js';

export const FAN_COMMANDS = [
  'start',
  'balance',
  'buy',
  'billing',
  'autorecharge',
  'library',
  'paysupport',
  'terms',
  'help',
] as const;

/** Publishes the fan command menu; a failure is logged (the bot works without the menu). */
export async function publishFanCommands(
  sender: TelegramSender,
  templates: MessageCatalog,
  logger: Logger,
): Promise<void> {
  for (const locale of templates.locales) {
    const t = templates.forLanguage(locale);
    const commands = FAN_COMMANDS.map((command) => ({
      command,
      description: t(`commands.${command}`).slice(0, 256),
    }));
    try {
      await sender.send(
        'setMyCommands',
        {
          commands,
          scope: { type: 'all_private_chats' },
          ...(locale === 'en' ? {} : { language_code: locale.split('-')[0] }),
        },
        { maxAttempts: 3 },
      );
    } catch (err) {
      logger.warn({ err, locale }, 'could not publish the fan command menu');
    }
  }
}
