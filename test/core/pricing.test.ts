import { describe, expect, it } from 'vitest';
import {
  costOf,
  costOfMessage,
  MESSAGE_TYPES,
  messageTypeOf,
  type MessageCosts,
} from '../../src/core/pricing.js';

const costs: MessageCosts = {
  text: 1,
  photo: 3,
  voice: 5,
  video: 5,
  video_note: 6,
  audio: 4,
  animation: 2,
  document: 3,
  sticker: 1,
  location: 7,
  contact: 8,
  other: 9,
};

describe('messageTypeOf', () => {
  it('classifies Telegram messages', () => {
    expect(messageTypeOf({ text: 'hi' })).toBe('text');
    expect(messageTypeOf({ photo: [{}], text: undefined })).toBe('photo');
    expect(messageTypeOf({ voice: {} })).toBe('voice');
    expect(messageTypeOf({ video: {} })).toBe('video');
    expect(messageTypeOf({ video_note: {} })).toBe('video_note');
    expect(messageTypeOf({ audio: {} })).toBe('audio');
    expect(messageTypeOf({ document: {} })).toBe('document');
    expect(messageTypeOf({ sticker: {} })).toBe('sticker');
    expect(messageTypeOf({ location: {} })).toBe('location');
    expect(messageTypeOf({ venue: {}, location: {} })).toBe('location');
    expect(messageTypeOf({ contact: {} })).toBe('contact');
    expect(messageTypeOf({})).toBe('other');
  });

  it('treats an animation (which also carries a document) as an animation', () => {
    expect(messageTypeOf({ animation: {}, document: {} })).toBe('animation');
  });
});

describe('costs', () => {
  it('looks up every type', () => {
    for (const type of MESSAGE_TYPES) expect(costOf(type, costs)).toBe(costs[type]);
    expect(costOfMessage({ text: 'hello' }, costs)).toBe(1);
    expect(costOfMessage({ video_note: {} }, costs)).toBe(6);
    expect(costOfMessage({ poll: {} } as object, costs)).toBe(9);
  });
});
