import { describe, expect, it } from 'vitest';
import { encodeForm, parseForm } from '../../../src/sandbox/stripe/index.js';

describe("Stripe's bracket form encoding", () => {
  it('nests hashes and indexed or pushed arrays', () => {
    expect(
      parseForm(
        'mode=payment&line_items[0][price]=price_x&line_items[0][quantity]=1&line_items[1][price]=price_y&metadata[fan_id]=42&expand[]=a&expand[]=b',
      ),
    ).toEqual({
      mode: 'payment',
      line_items: [{ price: 'price_x', quantity: '1' }, { price: 'price_y' }],
      metadata: { fan_id: '42' },
      expand: ['a', 'b'],
    });
  });

  it('accepts percent-encoded brackets and keeps numeric metadata keys as keys', () => {
    expect(parseForm('metadata%5B0%5D=zero&created%5Bgte%5D=5')).toEqual({
      metadata: { '0': 'zero' },
      created: { gte: '5' },
    });
  });

  it('orders indexed items by index', () => {
    expect(parseForm('types[1]=b&types[0]=a')).toEqual({ types: ['a', 'b'] });
  });

  it('rejects a key used as both a value and a hash', () => {
    expect(() => parseForm('metadata=x&metadata[a]=b')).toThrow('Invalid hash');
  });

  it('round-trips with encodeForm', () => {
    const data = { a: 'x y', b: { c: ['1', '2'] }, d: { e: { f: '&' } } };
    expect(parseForm(encodeForm(data))).toEqual(data);
  });
});
