import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderSystemdUnit } from '../../systemd.js';
import { TEMPLATES_DIR } from '../../templates.js';
import type { SetupStep } from '../types.js';

const SYSTEM_UNIT = '/etc/systemd/system/premiumbot.service';

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Offers a systemd unit that runs `premiumbot serve` from this folder. */
export const systemdStep: SetupStep = {
  id: 'systemd',
  title: 'Service',
  async run(ctx) {
    const explicit = ctx.options.systemdUnit;
    if (!explicit && fs.existsSync(SYSTEM_UNIT)) {
      ctx.output.out(
        `${SYSTEM_UNIT} is installed: start it with \`sudo systemctl enable --now premiumbot\`.`,
      );
      return;
    }
    if (!explicit) {
      const hasSystemd = process.platform === 'linux' && fs.existsSync('/run/systemd/system');
      if (ctx.options.nonInteractive || !hasSystemd) {
        ctx.output.out(
          'No systemd unit written (pass --systemd-unit FILE to write one); run `premiumbot serve` under your process manager.',
        );
        return;
      }
      const go = await ctx.prompter.confirm({
        message: 'Write a systemd unit so premiumbot starts on boot?',
        default: true,
      });
      if (!go) return;
    }
    const dataDir = path.dirname(ctx.envFile);
    const target = explicit
      ? path.resolve(ctx.cli.cwd, explicit)
      : writable(path.dirname(SYSTEM_UNIT))
        ? SYSTEM_UNIT
        : path.join(dataDir, 'premiumbot.service');
    const user = os.userInfo();
    let group = String(user.gid);
    try {
      const line = fs
        .readFileSync('/etc/group', 'utf8')
        .split('\n')
        .find((l) => l.split(':')[2] === String(user.gid));
      if (line) group = line.split(':')[0] as string;
    } catch {
      // No /etc/group (not Linux): the numeric gid works too.
    }
    const unit = renderSystemdUnit({
      user: user.username,
      group,
      appDir: path.dirname(TEMPLATES_DIR),
      dataDir,
      node: process.execPath,
    });
    fs.writeFileSync(target, unit, { mode: 0o644 });
    ctx.output.out(`✔ Wrote the systemd unit ${target}`);
    if (target === SYSTEM_UNIT)
      ctx.output.out(
        '  Start it: sudo systemctl daemon-reload && sudo systemctl enable --now premiumbot',
      );
    else
      ctx.output.out(
        `  Install it: sudo cp ${target} ${SYSTEM_UNIT} && sudo systemctl daemon-reload && sudo systemctl enable --now premiumbot`,
      );
  },
};
