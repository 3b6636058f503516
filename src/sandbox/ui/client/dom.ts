/** A tiny element builder: `h('button', { onclick, 'aria-label': '…' }, 'text', child)`. */
export type Child = Node | string | number | null | undefined | false;
type Props = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value as EventListener);
    } else if (key === 'class') {
      element.className = String(value);
    } else if (key === 'style' && typeof value === 'object') {
      Object.assign(element.style, value);
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces a chat log's children, keeping the scroll at the bottom if it was there (or when
 * `toBottom`, e.g. another chat was opened), also once its images have loaded.
 */
export function replaceLog(log: HTMLElement, children: Node[], toBottom = false): void {
  const stick = toBottom || log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  log.replaceChildren(...children);
  if (!stick) return;
  log.scrollTop = log.scrollHeight;
  for (const img of log.querySelectorAll('img')) {
    img.addEventListener('load', () => (log.scrollTop = log.scrollHeight), { once: true });
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

let toastTimer: number | undefined;

/** A short notice (callback answers, errors), announced to screen readers. */
export function toast(text: string, kind: 'info' | 'error' = 'info'): void {
  const box = byId('toast');
  box.textContent = text;
  box.dataset.kind = kind;
  box.hidden = false;
  if (toastTimer !== undefined) window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => (box.hidden = true), 4000);
}
