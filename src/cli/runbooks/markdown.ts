/** Inline code that survives any text: backticks inside become a longer fence. */
export function code(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return fence === '``' ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A section heading with an explicit anchor, so links survive a reworded title. */
export function heading(anchor: string, title: string): string {
  return `<a id="${anchor}"></a>\n## ${title}`;
}

/** A GitHub table; pipes and newlines in cells would break the row. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [
    `| ${headers.map(cell).join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

export const bullets = (items: readonly string[]): string => items.map((item) => `- ${item}`).join('\n');

/** "a, b and c" */
export function sentenceList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** A duration in the largest whole unit: 3600 → "hour", 60 → "minute", 10 → "10 seconds". */
export function per(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds % size === 0) {
      const count = seconds / size;
      return count === 1 ? name : `${count} ${name}s`;
    }
  }
  return `${seconds} seconds`;
}
