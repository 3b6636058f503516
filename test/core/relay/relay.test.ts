import { describe, expect, it } from 'vitest';
import { decideFanMessage } from '../../../src/core/relay/fan-message.js';
import { commandOf, messageKind } from '../../../src/core/relay/message-kind.js';
import { chatActionFor, isInternalTeamMessage } from '../../../src/core/relay/policy.js';

describe('fan message decision', () => {
  const base = {
    banned: false,
    frozen: false,
    credits: 5,
    bankedSeconds: 0,
    pass: { startedAt: null, endsAt: null },
  };
  const now = new Date('2026-11-27T10:00:00Z');
  it('refuses, frees, charges or asks for a top-up', () => {
    expect(decideFanMessage({ ...base, banned: true }, 1, now)).toEqual({
      action: 'refuse',
      reason: 'banned',
    });
    expect(decideFanMessage({ ...base, frozen: true }, 1, now)).toEqual({
      action: 'refuse',
      reason: 'frozen',
    });
    const running = { startedAt: now, endsAt: new Date(now.getTime() + 60_000) };
    expect(decideFanMessage({ ...base, credits: 0, pass: running }, 5, now)).toEqual({
      action: 'free',
      reason: 'pass',
    });
    expect(decideFanMessage({ ...base, credits: 0, bankedSeconds: 60 }, 5, now)).toEqual({
      action: 'free',
      reason: 'start_pass',
    });
    expect(decideFanMessage(base, 0, now)).toEqual({ action: 'free', reason: 'free_type' });
    expect(decideFanMessage(base, 5, now)).toEqual({ action: 'charge', cost: 5 });
    expect(decideFanMessage(base, 7, now)).toEqual({
      action: 'insufficient',
      cost: 7,
      credits: 5,
      shortfall: 2,
    });
  });
});

describe('team side of the relay', () => {
  it('keeps commands and #note internal', () => {
    expect(isInternalTeamMessage('/ban')).toBe(true);
    expect(isInternalTeamMessage('  #note careful')).toBe(true);
    expect(isInternalTeamMessage('#NOTE x')).toBe(true);
    expect(isInternalTeamMessage('#notebook is great')).toBe(false);
    expect(isInternalTeamMessage('hello')).toBe(false);
    expect(isInternalTeamMessage(undefined)).toBe(false);
    expect(chatActionFor('photo')).toBe('upload_photo');
    expect(chatActionFor('text')).toBe('typing');
  });
});

describe('message kind', () => {
  const command = (text: string) => ({
    text,
    entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }],
  });
  it('tells service messages, commands and content apart', () => {
    expect(messageKind({ message_id: 1, pinned_message: {} })).toBe('service');
    expect(messageKind({ message_id: 1, forum_topic_created: {} })).toBe('service');
    expect(messageKind(command('/start'))).toBe('command');
    expect(
      messageKind({ text: 'see /start', entities: [{ type: 'bot_command', offset: 4 }] }),
    ).toBe('content');
    expect(messageKind({ text: 'hello' })).toBe('content');
    expect(messageKind({ photo: [], caption: '/start' })).toBe('content');
  });

  it('names the command without the bot and lower-cased', () => {
    expect(commandOf(command('/Buy10@premium_bot now'))).toBe('buy10');
    expect(commandOf(command('/billing'))).toBe('billing');
    expect(commandOf({ text: 'hello' })).toBeNull();
    expect(commandOf({ message_id: 1, pinned_message: {} })).toBeNull();
  });
});
