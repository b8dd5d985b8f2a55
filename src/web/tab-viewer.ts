/**
 * The web page's viewer (Platform.openTabViewer). A code typed on the start screen that turns
 * out to be a tab share's is spent by then, and its sealed signaling is the engine's, in this
 * page: so no new tab opens, the start screen gives way to the watch screen, which plays the
 * share the engine offered (web-viewer/watch.ts watchInPage). The address becomes /watch;
 * Back, or the screen's Home link, loads the start screen again.
 */
import { render } from 'preact';
import type { ViewerEngine } from '../web-viewer/watch.js';

export async function showTabViewer(viewerId: string, engine: ViewerEngine): Promise<void> {
  // Each screen wears only its own styles (main.tsx): the start screen's go with it.
  const startStyles = [...document.querySelectorAll('link[rel="stylesheet"], style')];
  const [{ showWatchScreen }, { watchInPage }] = await Promise.all([
    import('../web-viewer/watch-screen.js'),
    import('../web-viewer/watch.js'),
  ]);
  const root = document.getElementById('root');
  if (root) render(null, root);
  for (const style of startStyles) style.remove();
  history.pushState(null, '', '/watch');
  addEventListener('popstate', () => location.reload(), { once: true });
  showWatchScreen(document.body, (hooks, signal) => watchInPage(engine, viewerId, hooks, signal));
}
