import type { Page } from 'playwright-core';

export interface LowContrast {
  text: string;
  ratio: number;
}

/**
 * Every visible text node's colour against the first opaque background behind it (WCAG 2 relative
 * luminance), answering those under `minimum`. Good enough for flat pages like the console's: it
 * does not look through images or gradients.
 */
export function lowContrastText(page: Page, minimum = 4.5): Promise<LowContrast[]> {
  return page.evaluate((minimum) => {
    const rgb = (color: string) => (color.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const channel = (value: number) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r!) + 0.7152 * channel(g!) + 0.0722 * channel(b!);
    };
    const background = (element: Element | null): number[] => {
      for (let current = element; current; current = current.parentElement) {
        const parts = rgb(getComputedStyle(current).backgroundColor);
        if (parts.length === 3 || (parts[3] ?? 0) >= 1) return parts.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const found: { text: string; ratio: number }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      const text = node.textContent?.trim();
      if (!element || !text || !element.checkVisibility()) continue;
      const fore = luminance(rgb(getComputedStyle(element).color));
      const back = luminance(background(element));
      const ratio = (Math.max(fore, back) + 0.05) / (Math.min(fore, back) + 0.05);
      if (ratio < minimum) found.push({ text, ratio: Math.round(ratio * 100) / 100 });
    }
    return found;
  }, minimum);
}
