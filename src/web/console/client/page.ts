import { h, show } from './dom.js';

/** What a page gets: where to draw, and a way to register what must stop when it is left. */
export interface PageContext {
  main: HTMLElement;
  params: Record<string, string>;
  onLeave(stop: () => void): void;
}

export type Page = (context: PageContext) => Promise<void> | void;

/** The page's heading, focused so keyboard and screen-reader users land on the new page. */
export function titled(main: HTMLElement, title: string, ...content: Node[]): void {
  document.title = `${title} · Switchboard console`;
  show(main, h('h1', { tabindex: -1 }, title), ...content);
  main.querySelector('h1')?.focus();
}

/** A status line that announces loading and results politely. */
export const statusLine = () => h('p', { class: 'status', role: 'status' });
