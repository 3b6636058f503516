import fs from 'node:fs';
import path from 'node:path';
import { ErrorCodes, PremiumbotError, UsageError } from '../../core/errors.js';
import { createSimClock } from '../../sandbox/stripe/clock.js';
import { createStripeSimulator } from '../../sandbox/stripe/index.js';
import { createTelegramSimulator, DEFAULT_BOT_TOKEN } from '../../sandbox/telegram/index.js';
import { startSandboxUi, type SandboxUi } from '../../sandbox/ui/server.js';
import type { CliContext, CommandModule } from '../context.js';

interface SandboxOptions {
  telegramPort: string;
  stripePort: string;
  host: string;
  writeEnv?: string;
  rateLimits: boolean;
  servePort: string;
  ui: boolean;
  uiPort: string;
}

/** The Stripe key the sandbox accepts; any sk_test_ key works, this one is printed. */
export const SANDBOX_STRIPE_KEY = 'sk_test_sandbox';

/** `premiumbot sandbox`: the local Telegram and Stripe simulators (DESIGN §8). */
export const sandboxCommand: CommandModule = {
  register(program, ctx) {
    program
      .command('sandbox')
      .description('run the local Telegram and Stripe simulators for offline testing')
      .option('--telegram-port <port>', 'port of the Telegram simulator', '8081')
      .option('--stripe-port <port>', 'port of the Stripe simulator', '8082')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option(
        '--write-env <file>',
        'also write the printed settings to this env file (refuses to overwrite)',
      )
      .option('--no-rate-limits', 'turn off the simulated Telegram rate limits')
      .option(
        '--serve-port <port>',
        'port your local `premiumbot serve` listens on (for PUBLIC_URL)',
        '8080',
      )
      .option('--ui', 'also serve the sandbox page: fan chat, admin forum, payments, clock')
      .option('--ui-port <port>', 'port of the sandbox page (loopback only)', '8083')
      .action((opts: SandboxOptions) => runSandbox(ctx, opts));
  },
};

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`${flag} must be a port number from 0 to 65535 (got "${value}").`);
  }
  return n;
}

async function runSandbox(ctx: CliContext, opts: SandboxOptions): Promise<void> {
  const telegramPort = port(opts.telegramPort, '--telegram-port');
  const stripePort = port(opts.stripePort, '--stripe-port');
  port(opts.servePort, '--serve-port');
  const uiPort = port(opts.uiPort, '--ui-port');
  // One clock for both simulators (message dates, Stripe objects and signatures), moved by the
  // page's clock control; a `serve` given SANDBOX_CLOCK_URL follows it too.
  const clock = createSimClock();
  const telegram = createTelegramSimulator({
    rateLimits: opts.rateLimits ? undefined : false,
    clock: { now: () => clock.nowMs() },
  });
  const stripe = createStripeSimulator({ clock });
  try {
    await telegram.listen(telegramPort, opts.host);
    await stripe.listen(stripePort, opts.host);
  } catch (cause) {
    await Promise.allSettled([telegram.close(), stripe.close()]);
    throw new PremiumbotError(
      ErrorCodes.internal,
      `The sandbox could not start: ${(cause as Error).message}`,
      {
        hint: 'A port is probably in use: choose others with --telegram-port and --stripe-port.',
        cause,
      },
    );
  }

  // A ready-made world: the creator, and an admin forum group where the bot is admin.
  const creator = telegram.control.createUser({ first_name: 'Creator', username: 'creator' });
  // Two more people in the group for the page: an administrator (an agent once the owner adds
  // them with /team) and a plain member, whose messages the bot must not treat as the team's.
  const agent = telegram.control.createUser({ first_name: 'Agent', username: 'agent' });
  const member = telegram.control.createUser({ first_name: 'Member', username: 'member' });
  const group = telegram.control.createForumGroup({
    title: 'premiumbot admins',
    ownerId: creator.id,
    admins: [agent.id],
    members: [member.id],
  });
  // The creator has pressed Start, as the guide asks every owner to, so alerts reach them in
  // private (the /start waits in the update queue until premiumbot takes its updates).
  telegram.control.fanSendsText(creator.id, '/start');

  const env: [string, string][] = [
    ['TELEGRAM_API_ROOT', telegram.apiRoot],
    ['BOT_TOKEN', DEFAULT_BOT_TOKEN],
    ['ADMIN_CHAT_ID', String(group.chatId)],
    ['ADMIN_USER_IDS', String(creator.id)],
    ['STRIPE_API_BASE', stripe.apiBase],
    ['STRIPE_API_KEY', SANDBOX_STRIPE_KEY],
    // Where a local `premiumbot serve` listens; plain http is accepted on loopback only.
    ['PUBLIC_URL', `http://127.0.0.1:${opts.servePort}`],
    // premiumbot's own clock follows the sandbox's (pass ends, response-time alerts).
    ['SANDBOX_CLOCK_URL', `${stripe.apiBase}/_sim/clock/stream`],
  ];
  let ui: SandboxUi | undefined;
  if (opts.ui) {
    try {
      ui = await startSandboxUi(
        {
          telegramApiRoot: telegram.apiRoot,
          stripeApiBase: stripe.apiBase,
          botToken: DEFAULT_BOT_TOKEN,
          adminChatId: group.chatId,
          ownerId: creator.id,
          agentId: agent.id,
          memberId: member.id,
        },
        { port: uiPort, host: opts.host },
      );
    } catch (cause) {
      await Promise.allSettled([telegram.close(), stripe.close()]);
      throw new PremiumbotError(
        ErrorCodes.internal,
        `The sandbox page could not start: ${(cause as Error).message}`,
        { hint: 'Choose another port with --ui-port (or leave --host at 127.0.0.1).', cause },
      );
    }
  }
  const out = ctx.output;
  out.out('premiumbot sandbox is running (Ctrl-C to stop).');
  out.out('');
  out.out(`Telegram simulator: ${telegram.apiRoot}  (control API: ${telegram.apiRoot}/_sim/)`);
  out.out(`Stripe simulator:   ${stripe.apiBase}  (control API: ${stripe.apiBase}/_sim/)`);
  if (ui) out.out(`Sandbox page:       ${ui.url}  (open it in a browser)`);
  out.out('');
  out.out('Put these in your .env (or the environment) to point premiumbot at the sandbox:');
  out.out('');
  for (const [key, value] of env) out.out(`${key}=${value}`);
  out.out('');
  out.out(
    'Then run `premiumbot set-webhooks` to create the Stripe endpoint and its STRIPE_WEBHOOK_SECRET.',
  );
  if (opts.writeEnv) {
    const file = path.resolve(ctx.cwd, opts.writeEnv);
    if (fs.existsSync(file)) {
      out.err(
        `Not writing ${file}: it already exists (remove it or choose another --write-env path).`,
      );
    } else {
      fs.writeFileSync(
        file,
        `# Written by premiumbot sandbox\n${env.map(([k, v]) => `${k}=${v}`).join('\n')}\n`,
        {
          mode: 0o600,
        },
      );
      out.out(`Wrote ${file}.`);
    }
  }

  await new Promise<void>((resolve) => {
    ctx.signals.once('shutdown', () => resolve());
  });
  out.out('Stopping the sandbox…');
  await Promise.allSettled([telegram.close(), stripe.close(), ui?.close()]);
  out.out('Sandbox stopped.');
}
