import { describe, expect, it } from 'vitest';
import { notBuilt } from '../../src/cli/commands/not-built.js';
import { exitCodeFor } from '../../src/cli/ui.js';
import { ErrorCodes, PremiumbotError } from '../../src/core/errors.js';

describe('a command that is not built yet', () => {
  it('says so, names where it comes from, and exits 2', () => {
    let error: unknown;
    try {
      notBuilt('frobnicate', 'issue 99');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PremiumbotError);
    expect((error as PremiumbotError).code).toBe(ErrorCodes.notImplemented);
    expect((error as PremiumbotError).message).toContain(
      '`premiumbot frobnicate` is not built yet',
    );
    expect((error as PremiumbotError).hint).toContain('issue 99');
    expect(exitCodeFor(error)).toBe(2);
  });
});
