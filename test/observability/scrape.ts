import { OPERATOR_TOKEN, type TestHub } from '../support/hub.js';

/** One sample of the exposition text: `name{label="value",...} 12`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments left out). */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line.trim());
    if (!match || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL))
      labels[key!] = value!.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** What the hub's /metrics says now, read over HTTP as a scraper would. */
export async function scrape(hub: TestHub): Promise<Scraped> {
  const response = await fetch(`${hub.url}/metrics`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  });
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  return new Scraped(parseExposition(await response.text()));
}

export class Scraped {
  constructor(readonly samples: Sample[]) {}

  /** The samples of `name` whose labels include `labels`. */
  find(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter(
      (sample) =>
        sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    );
  }

  /** Sum of the matching samples (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.find(name, labels).reduce((sum, sample) => sum + sample.value, 0);
  }
}

/** How much each counter moved between two scrapes, for the labels given. */
export const moved = (before: Scraped, after: Scraped, name: string, labels: Record<string, string> = {}) =>
  after.value(name, labels) - before.value(name, labels);
