/** The team inbox's pure rules: placeholders, quiet hours, topic icons, tags, medians. */
import { describe, expect, it } from 'vitest';
import { formatWait, median } from '../../src/core/attribution/team-figures.js';
import { isQuiet, parseQuietHours } from '../../src/core/response-time/alerts.js';
import { iconChanges, tagChanges, topicStateOf } from '../../src/core/response-time/topic-state.js';
import {
  fillPlaceholders,
  snippetCall,
  snippetName,
  snippetSourceOf,
  snippetJobKey,
} from '../../src/core/snippets/snippet.js';

describe('snippet placeholders', () => {
  const fan = { id: 42, firstName: 'Zoë_*', lastName: '<b>Ng</b>', username: 'zoe' };

  it('fills known placeholders as plain text and keeps unknown ones', () => {
    expect(fillPlaceholders('Hi {first_name} {nope} {username}', [], fan).text).toBe(
      'Hi Zoë_* {nope} @zoe',
    );
    expect(fillPlaceholders('{full_name} #{fan_id}', [], fan).text).toBe('Zoë_* <b>Ng</b> #42');
  });

  it('moves entities: after, around and inside a placeholder', () => {
    // "Dear {first_name}, hello": bold on "hello" (after), italic on the whole text (around).
    const text = 'Dear {first_name}, hello';
    const out = fillPlaceholders(
      text,
      [
        { type: 'bold', offset: 19, length: 5 },
        { type: 'italic', offset: 0, length: text.length },
        { type: 'underline', offset: 6, length: 4 },
      ],
      { id: 1, firstName: 'Al' },
    );
    expect(out.text).toBe('Dear Al, hello');
    expect(out.entities).toEqual([
      { type: 'bold', offset: 9, length: 5 },
      { type: 'italic', offset: 0, length: 14 },
      { type: 'underline', offset: 5, length: 2 },
    ]);
  });

  it('cuts to the limit and drops entities past it', () => {
    const out = fillPlaceholders(
      'ab {first_name}',
      [{ type: 'bold', offset: 3, length: 12 }],
      {
        id: 1,
        firstName: 'x'.repeat(20),
      },
      10,
    );
    expect(out.text).toHaveLength(10);
    expect(out.entities).toEqual([{ type: 'bold', offset: 3, length: 7 }]);
  });

  it('sends media with its caption, text with its entities', () => {
    expect(
      snippetCall({ kind: 'voice', text: null, entities: [], fileId: 'F' }, { id: 1 }),
    ).toEqual({ method: 'sendVoice', params: { voice: 'F' } });
    expect(
      snippetCall({ kind: 'photo', text: 'Hi {first_name}', entities: [], fileId: 'P' }, fan),
    ).toEqual({ method: 'sendPhoto', params: { photo: 'P', caption: 'Hi Zoë_*' } });
  });

  it('names and job keys', () => {
    expect(snippetName(' Welcome ')).toBe('welcome');
    expect(snippetName('no spaces')).toBeNull();
    expect(snippetName('x'.repeat(33))).toBeNull();
    expect(snippetSourceOf(snippetJobKey(-100123, 55, 7))).toEqual({
      from_chat_id: -100123,
      message_id: 55,
    });
    expect(snippetSourceOf('relay:team:5')).toBeNull();
  });
});

describe('quiet hours', () => {
  const at = (hhmm: string) => new Date(`2026-12-07T${hhmm}:00Z`);
  it('parses and wraps around midnight', () => {
    expect(parseQuietHours('')).toBe('none');
    expect(parseQuietHours('25:00-08:00')).toBeNull();
    expect(isQuiet(at('23:30'), '22:00-08:00', 'UTC')).toBe(true);
    expect(isQuiet(at('07:59'), '22:00-08:00', 'UTC')).toBe(true);
    expect(isQuiet(at('08:00'), '22:00-08:00', 'UTC')).toBe(false);
    expect(isQuiet(at('12:00'), '09:00-17:00', 'UTC')).toBe(true);
    expect(isQuiet(at('12:00'), '', 'UTC')).toBe(false);
  });
  it('reads the hours in the display time zone', () => {
    // 21:30 UTC is 22:30 in Paris (winter).
    expect(isQuiet(at('21:30'), '22:00-08:00', 'Europe/Paris')).toBe(true);
    expect(isQuiet(at('21:30'), '22:00-08:00', 'UTC')).toBe(false);
  });
});

describe('topic icons and member tags', () => {
  it('🔥 before 🔒 before 💎', () => {
    expect(topicStateOf({ waiting: true, claimed: true, tier: 'vip' })).toBe('waiting');
    expect(topicStateOf({ waiting: false, claimed: true, tier: 'vip' })).toBe('claimed');
    expect(topicStateOf({ waiting: false, claimed: false, tier: 'vip' })).toBe('vip');
    expect(topicStateOf({ waiting: false, claimed: false, tier: 'new' })).toBeNull();
  });
  it('edits only changed topics, oldest change first, a few at a time', () => {
    const row = (fanId: number, shown: 'vip' | null, at: number, tier = 'vip') => ({
      fanId,
      shown,
      shownAt: new Date(at),
      waiting: false,
      claimed: false,
      tier,
    });
    const rows = [row(1, 'vip', 1), row(2, null, 5), row(3, null, 2), row(4, 'vip', 0, 'new')];
    expect(iconChanges(rows, 2).map((r) => r.fanId)).toEqual([4, 3]);
  });
  it('tags what changed and untags who left', () => {
    const wanted = new Map([
      [1, 'Owner'],
      [2, 'Agent'],
    ]);
    expect(tagChanges(wanted, { '1': 'Owner', '2': 'Admin', '3': 'Agent' })).toEqual([
      { userId: 2, tag: 'Agent' },
      { userId: 3, tag: '' },
    ]);
  });
});

describe('team figures', () => {
  it('median and waits', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 10])).toBe(3);
    expect(formatWait(45_000)).toBe('45 s');
    expect(formatWait(12 * 60_000)).toBe('12 min');
    expect(formatWait(185 * 60_000)).toBe('3 h 05');
  });
});
