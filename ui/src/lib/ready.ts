// End-to-end tests wait for `<html data-ready="true">` before they look at the
// page. It is set once, after the first view has loaded its data (or failed).

export function markReady(): void {
  const root = document.documentElement;
  if (root.dataset.ready !== 'true') {
    root.dataset.ready = 'true';
  }
}
