/** The pure rules behind edits, live locations and /delete (core/relay). */
import { describe, expect, it } from 'vitest';
import { editNoticeParts, splitText } from '../../../src/core/relay/edit-notice.js';
import {
  decideLiveLocationEdit,
  liveLocationUpdateKey,
} from '../../../src/core/relay/live-location.js';
import { retractOutcome } from '../../../src/core/relay/team-retract.js';

describe('edit notices', () => {
  it('fit in one message when short, the label in italics and the fan formatting shifted', () => {
    const parts = editNoticeParts('✏️ Edited:', 'hi *you*', [
      { type: 'bold', offset: 3, length: 5 },
    ]);
    expect(parts).toEqual([
      {
        text: '✏️ Edited:\nhi *you*',
        entities: [
          { type: 'italic', offset: 0, length: 10 },
          { type: 'bold', offset: 14, length: 5 },
        ],
      },
    ]);
  });

  it('split on a space with entities clipped to each part, never dropping a character', () => {
    const text = 'a'.repeat(8) + ' ' + 'b'.repeat(8);
    const parts = splitText(text, [{ type: 'bold', offset: 6, length: 6 }], 10);
    expect(parts.map((p) => p.text)).toEqual(['aaaaaaaa ', 'bbbbbbbb']);
    expect(parts[0]!.entities).toEqual([{ type: 'bold', offset: 6, length: 3 }]);
    expect(parts[1]!.entities).toEqual([{ type: 'bold', offset: 0, length: 3 }]);
  });

  it('never cut a surrogate pair', () => {
    const parts = splitText('x'.repeat(9) + '😀' + 'y', [], 10);
    expect(parts.map((p) => p.text)).toEqual(['x'.repeat(9), '😀y']);
  });
});

describe('live locations', () => {
  const start = 1_000_000;
  it('show a move at most once per interval, and nothing once sharing stopped', () => {
    const at = (ms: number, live = true) =>
      decideLiveLocationEdit(
        { messageId: 7, live, startedAtMs: start, editedAtMs: start + ms },
        300_000,
      );
    expect(at(10_000)).toEqual({ action: 'ignore', reason: 'too_soon' });
    expect(at(300_000)).toEqual({ action: 'update', slot: 1 });
    expect(at(599_000)).toEqual({ action: 'update', slot: 1 });
    expect(at(600_000)).toEqual({ action: 'update', slot: 2 });
    expect(at(900_000, false)).toEqual({ action: 'ignore', reason: 'stopped' });
    expect(liveLocationUpdateKey(42, 7, 2)).toBe('live:42:7:2');
  });
});

describe('/delete', () => {
  it('is done when deleted or already gone, refused otherwise', () => {
    expect(retractOutcome({ ok: true })).toBe('deleted');
    const gone = {
      ok: false,
      code: 400,
      description: 'Bad Request: message to delete not found',
    } as const;
    expect(retractOutcome(gone)).toBe('deleted');
    const old = {
      ok: false,
      code: 400,
      description: "Bad Request: message can't be deleted",
    } as const;
    expect(retractOutcome(old)).toBe('refused');
  });
});
