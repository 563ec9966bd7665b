/**
 * Small render helpers over the DOM. Text always goes in as text nodes, never as markup, so what
 * a provider, a tenant or a webhook sent cannot become part of the page.
 */
export type Child = Node | string | number | null | undefined | false | readonly Child[];
type Attributes = Record<string, string | boolean | number | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.replace(/^on/, ''), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces what `parent` shows. */
export function show(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A table with a caption and one header row; cells are whatever `h` accepts. */
export function table(caption: string, headers: readonly string[], rows: readonly (readonly Child[])[]) {
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': caption, tabindex: 0 },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((header) => h('th', { scope: 'col' }, header)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((cells) =>
          h(
            'tr',
            {},
            cells.map((cell) => h('td', {}, cell)),
          ),
        ),
      ),
    ),
  );
}

export const when = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }) : '—';

/** An alert the screen reader announces; the caller puts it where the failure happened. */
export const alertBox = (message: string) => h('p', { class: 'alert', role: 'alert' }, message);

/**
 * A modal confirmation (the native <dialog> traps focus and closes on Escape); resolves true only
 * when the operator chooses the confirming button.
 */
export function confirmDialog(title: string, detail: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    const close = (answer: string) => () => dialog.close(answer);
    const dialog: HTMLDialogElement = h(
      'dialog',
      { 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, title),
      h('p', {}, detail),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: close('cancel') }, 'Cancel'),
        h('button', { type: 'button', class: 'danger', onclick: close('confirm') }, confirmLabel),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
