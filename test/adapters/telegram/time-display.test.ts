/**
 * Times in the reader's language and the install's time zone (`display.time_zone`), not
 * UTC: the pass-started notice a fan reads, and the fan card the team reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoment } from '../../../src/core/time-format.js';
import { isFanCard, type Harness } from './harness.js';
import { botMessages, startFanHarness, topicOf } from './fan-harness.js';

/** Intl puts narrow no-break spaces before AM/PM in some ICU versions. */
const plain = (text: string | undefined) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ');

describe('times shown to fans and the team', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFanHarness();
    await h.runtime.settings.set('display.time_zone', 'America/New_York');
  });
  afterAll(async () => {
    await h?.close();
  });

  async function startPass(fan: { id: number; first_name: string }): Promise<string> {
    const { sim } = h;
    const ledger = h.runtime.ledger;
    await ledger.ensureUser({ id: fan.id, firstName: fan.first_name });
    await ledger.grantTime(fan.id, 3600, `pass_grant:cs_time_${fan.id}`);
    sim.control.fanSendsText(fan.id, 'hello');
    const notice = await sim.control.waitFor(
      () => botMessages(sim, fan.id).find((m) => m.text?.startsWith('⏳')),
      10_000,
      'pass started notice',
    );
    return notice.text!;
  }

  it("the pass-started notice gives the end in the install's zone, in the fan's language", async () => {
    const fan = h.sim.control.createUser({ first_name: 'Tess', language_code: 'en' });
    const text = await startPass(fan);
    const balance = await h.runtime.ledger.balance(fan.id);
    const ends = formatMoment(balance.passEndsAt!, balance.passStartedAt!, {
      locale: 'en',
      timeZone: 'America/New_York',
    });
    expect(text).toBe(`⏳ Your time pass has started: messages are free until ${ends} (1 h).`);
    expect(plain(ends)).toMatch(/^(\w{3} \d{1,2}, \d{4}, )?\d{1,2}:\d{2} [AP]M E[SD]T$/);
    expect(h.sim.control.violations()).toEqual([]);
  });

  it("the fan card gives first seen and the pass's end in the admin language and the zone", async () => {
    const { sim, adminChatId } = h;
    const fan = sim.control.createUser({ first_name: 'Cara', language_code: 'fr' });
    await startPass(fan);
    const topic = await topicOf(sim, adminChatId, 'Cara');
    const card = await sim.control.waitFor(
      () =>
        sim.control
          .messages(adminChatId, { threadId: topic.threadId })
          .find(
            (m) => isFanCard(m) && m.text?.startsWith('👤 ') && m.text.includes('running until'),
          ),
      10_000,
      'the card with the running pass',
    );
    const lines = plain(card.text).split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^First seen: \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^Pass: running until (\w{3} \d{1,2}, \d{4}, )?\d{1,2}:\d{2} [AP]M E[SD]T \(/,
      ),
    );
    expect(card.text).not.toContain('UTC');
    expect(sim.control.violations()).toEqual([]);
  });

  it('a French fan reads it in French, with the same zone', async () => {
    const fan = h.sim.control.createUser({ first_name: 'Léa', language_code: 'fr' });
    const text = await startPass(fan);
    const balance = await h.runtime.ledger.balance(fan.id);
    const ends = formatMoment(balance.passEndsAt!, balance.passStartedAt!, {
      locale: 'fr',
      timeZone: 'America/New_York',
    });
    expect(text).toBe(
      `⏳ Votre pass temps a démarré : les messages sont gratuits jusqu'à ${ends} (1 h).`,
    );
    expect(plain(ends)).toMatch(/^(\d{1,2} \S+ \d{4}, )?\d{2}:\d{2} UTC−[45]$/);
  });

  it('a French fan without credits gets the French prompt', async () => {
    const { sim } = h;
    const fan = sim.control.createUser({ first_name: 'Hugo', language_code: 'fr-CA' });
    sim.control.fanSendsText(fan.id, 'bonjour');
    const prompt = await sim.control.waitFor(
      () => botMessages(sim, fan.id).find((m) => m.text?.startsWith('Crédits insuffisants')),
      10_000,
      'prompt',
    );
    expect(prompt.text).toBe(
      "Crédits insuffisants : ce message (texte) coûte 1 crédit et vous en avez 0, il vous en manque donc 1. Votre message n'a pas été envoyé. Rechargez pour continuer à discuter :",
    );
    expect(sim.control.violations()).toEqual([]);
  });
});
