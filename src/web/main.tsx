/**
 * The no-install web page, a full Peerbeam peer: the engine runs here (platform-web.ts), the
 * screens are the extension's own components. `/watch` (old links too) is its watch screen;
 * every other path it is served at is the start screen. Each screen loads its own code and
 * styles: the dark player never styles the start screen, nor the popup's styles the player.
 */
if (/^\/watch\/?$/.test(location.pathname)) {
  void import('../web-viewer/watch-screen.js').then(({ showWatchScreen }) =>
    showWatchScreen(document.body),
  );
} else {
  void import('./App.js').then(({ showApp }) => showApp(document.getElementById('root')!));
}
