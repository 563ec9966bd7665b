/**
 * Iterates `source` while already fetching up to `ahead` items beyond the one handed out, so the
 * store reads the next page while the consumer hashes this one (a plain `for await` over a paged
 * read waits for each page only when it needs its first item). Errors surface in order.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, ahead: number): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: Array<Promise<IteratorResult<T>>> = [];
  const fill = () => {
    while (buffered.length < ahead) buffered.push(iterator.next());
  };
  try {
    for (;;) {
      fill();
      const result = await buffered.shift()!;
      if (result.done) return;
      yield result.value;
    }
  } finally {
    // Requests already made settle on their own; their errors must not surface unhandled.
    for (const pending of buffered) pending.catch(() => {});
    await iterator.return?.();
  }
}
