// Shared DOM helpers. Text goes in through text nodes only (never innerHTML).

const SVG_NS = 'http://www.w3.org/2000/svg';

export type Child = Node | string;

/** The element with this id; the page is server-rendered, so a missing one is a programming error. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`The page has no #${id}`);
  return node as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

export function svg(
  tag: string,
  attrs: Record<string, string | number> = {},
  children: readonly Child[] = [],
): SVGElement {
  const node = document.createElementNS(SVG_NS, tag) as SVGElement;
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  node.append(...children);
  return node;
}

/** Writes to a live region; an error is announced at once (role=alert). */
export function tell(statusId: string, text: string, isError = false): void {
  const status = $(statusId);
  status.textContent = text;
  status.setAttribute('role', isError ? 'alert' : 'status');
}

/** The console's own status line, under the header. */
export function say(text: string, isError = false): void {
  tell('console-status', text, isError);
}

/** A date and time as people read them: the reader's locale, to the minute (seconds are noise here). */
export function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function focusHeading(id: string): void {
  document.getElementById(id)?.focus();
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
