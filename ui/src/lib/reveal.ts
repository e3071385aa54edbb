/** Scrolls the page's main area so that `el` is fully visible.
 * (WebKitGTK's scrollIntoView does not move the inner scroller here.) */
export function reveal(el: HTMLElement | null, margin = 16): void {
  const scroller = el?.closest("main");
  if (!el || !scroller) return;
  const below =
    el.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom + margin;
  if (below > 0) scroller.scrollTop += below;
}
