/**
 * The web page's stand-in for src/popup/show-in-folder.ts (swapped in at build): a page cannot
 * open the file manager, so the finish's button downloads the received files once more
 * (its label says so: web_popup_showInFolder).
 */
import type * as Extension from '../popup/show-in-folder.js';
import { engine } from './engine-client.js';

export const findReceivedDownload: typeof Extension.findReceivedDownload = async () => undefined;

export const showReceivedFiles: typeof Extension.showReceivedFiles = async (paths) =>
  engine.downloads().again(paths);
