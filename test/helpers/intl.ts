/**
 * Counts the `Intl` objects of one kind built while `work` runs (issue 17: formats and
 * plural rules are built once per locale, not per rendering). `new` of a function that
 * returns an object gives that object, so what `work` builds is the real thing.
 */
export function countIntlBuilt<T>(
  kind: 'NumberFormat' | 'PluralRules',
  work: () => T,
): { built: number; result: T } {
  const intl = Intl as unknown as Record<string, unknown>;
  const original = intl[kind] as new (...args: unknown[]) => object;
  let built = 0;
  intl[kind] = function (...args: unknown[]) {
    built += 1;
    return new original(...args);
  };
  try {
    const result = work();
    return { built, result };
  } finally {
    intl[kind] = original;
  }
}
