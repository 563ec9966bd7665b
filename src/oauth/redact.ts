/**
 * Providers sometimes echo what they were sent ("The code 'abc' has expired"). Before their words
 * reach an error's detail (and so the logs), every secret of the request is cut out, and the text
 * is bounded.
 */
export function redact(text: unknown, secrets: ReadonlyArray<string | null | undefined>): string | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  let result = text;
  for (const secret of secrets) {
    // Short values would blank out ordinary words; real tokens, codes and secrets are longer.
    if (secret && secret.length >= 6) result = result.split(secret).join('[redacted]');
  }
  // Cut after redacting, so a secret straddling the limit cannot leave a prefix behind.
  return result.slice(0, 300);
}
