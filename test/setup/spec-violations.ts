import { afterEach } from 'vitest';
import { simulatorWatch, type Violation } from '../../src/sandbox/telegram/index.js';

/**
 * Zero Bot API violations across the suite: after every test, each Telegram simulator of this
 * process (open, or closed during the test) must have no violation nobody looked at. A test
 * that provokes violations on purpose reads them with `control.violations()`, which marks them
 * seen; any other malformed call fails the test that made it.
 */
afterEach(() => {
  const watch = simulatorWatch();
  const unseen: Violation[] = [...watch.takeClosedUnseen()];
  for (const sim of watch.open) {
    unseen.push(...sim.control.unseenViolations());
    sim.control.violations();
  }
  if (unseen.length === 0) return;
  const list = unseen
    .slice(0, 5)
    .map((v) => `${v.method}: ${v.error_code} ${v.description}`)
    .join('; ');
  throw new Error(`${unseen.length} Bot API call(s) Telegram would reject as malformed: ${list}`);
});
