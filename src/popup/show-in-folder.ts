import browser from 'webextension-polyfill';

/** Received files land in Downloads/Peerbeam/<path> (uniquified names keep the folder). */
function isOurs(filename: string, path: string): boolean {
  const normal = filename.replaceAll('\\', '/');
  return normal.endsWith(`/Peerbeam/${path}`);
}

/**
 * The download of the first received file (by its path), else the newest Peerbeam download:
 * "Show in folder" opens the file manager there. Undefined when none is found.
 */
export async function findReceivedDownload(paths: string[]): Promise<number | undefined> {
  const items = await browser.downloads.search({ orderBy: ['-startTime'], limit: 200 });
  const ours = items.filter((item) => item.filename.replaceAll('\\', '/').includes('/Peerbeam/'));
  const exact = ours.find((item) => paths.some((path) => isOurs(item.filename, path)));
  return (exact ?? ours[0])?.id;
}

/** Shows the received files in the file manager (Downloads itself if none is found). */
export async function showReceivedFiles(paths: string[]): Promise<number | undefined> {
  const id = await findReceivedDownload(paths);
  // chrome.* directly: the polyfill would add a callback these synchronous calls do not take.
  if (id === undefined) chrome.downloads.showDefaultFolder();
  else chrome.downloads.show(id);
  return id;
}
