/** Paging for every list of the panel: one page of `size` rows out of `total`. */

export interface Page {
  /** Zero-based, clamped into range. */
  index: number;
  /** At least 1 (an empty list has one empty page). */
  count: number;
  offset: number;
  limit: number;
  hasPrevious: boolean;
  hasNext: boolean;
}

/** The page `requested` of a list of `total` rows, `size` per page. */
export function pageOf(total: number, requested: number, size: number): Page {
  const count = Math.max(1, Math.ceil(Math.max(0, total) / size));
  const index = Math.min(Math.max(0, Math.trunc(requested) || 0), count - 1);
  return {
    index,
    count,
    offset: index * size,
    limit: size,
    hasPrevious: index > 0,
    hasNext: index < count - 1,
  };
}

/** "Page 2 of 5". */
export function pageLabel(page: Page): string {
  return `Page ${page.index + 1} of ${page.count}`;
}
