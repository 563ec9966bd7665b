/**
 * `load` at most once per `ttlMs`, and once at a time: every scrape (of every scraper, and of each
 * gauge fed by the same query) within the window shares one answer. A failed load is not kept.
 */
export function cachedLoad<T>(load: () => Promise<T>, ttlMs: number, now = Date.now): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (kept && now() - kept.at < ttlMs) return kept.value;
    const value = load();
    const entry = { at: now(), value };
    kept = entry;
    value.catch(() => {
      if (kept === entry) kept = null;
    });
    return value;
  };
}
