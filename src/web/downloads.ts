/**
 * Where a received file goes in a web page: a download of the engine's own verified copy.
 *
 * Why a download of the OPFS file and nothing more: the engine already streams every chunk to
 * disk (the Origin Private File System, written by a worker) and checks its BLAKE3 before it
 * calls saveFile, so the File it hands over is disk-backed. A blob URL of that File makes the
 * browser copy it from disk to disk into its downloads: memory stays bounded whatever the
 * size, in every browser with OPFS (Chromium, Firefox, Safari, their phone versions), with no
 * permission prompt and no service worker. A service-worker stream would only move the same
 * bytes again, and would show a file in Downloads before it is verified. A download's name
 * cannot hold a folder: "album/one.jpg" is saved as "album_one.jpg". Where the browser has File
 * System Access (desktop Chromium), the person may pick a folder before Accept instead: the
 * verified copy is streamed into it, folders kept (folder-save.ts).
 *
 * A browser without OPFS (staging.ts) has nothing to stream into: its files wait in memory
 * (memory-scratch.ts), verified the same way, and the same download copies them out. Only
 * offers within its memory limit get that far; a larger one is refused before Accept.
 *
 * The copy stays until the browser can no longer need it: a download reads the File after
 * saveFile returns, and a page cannot see when it is done. It goes when the next transfer
 * starts, or when the page goes.
 */

import { saveIntoFolder } from './folder-save.js';
import { setSavingFolder } from './saving-place.js';

/** A download name for a relative path: its folders joined with "_" (a name has no "/"). */
export const downloadName = (path: string): string => path.split('/').join('_');

interface Kept {
  path: string;
  url: string;
  release: () => Promise<void>;
}

export class Downloads {
  private kept: Kept[] = [];
  /** The folder the person picked for this transfer; none: the browser's downloads. */
  private folder: FileSystemDirectoryHandle | undefined;

  /** This transfer's files go into `folder` (until the next transfer starts). */
  useFolder(folder: FileSystemDirectoryHandle): void {
    this.folder = folder;
    setSavingFolder(folder.name);
  }

  /** Starts the download of `file`, a verified copy (on disk, or in memory); keeps it for "again". */
  async save(file: File, path: string, release: () => Promise<void>): Promise<void> {
    // As octet-stream, so the browser keeps the sender's extension instead of guessing one.
    const url = URL.createObjectURL(file.slice(0, file.size, 'application/octet-stream'));
    this.kept.push({ path, url, release });
    // Resolves once the folder holds the whole file: only then is it shown as saved.
    if (this.folder) await saveIntoFolder(this.folder, path, file);
    else this.download(url, path);
  }

  /** Downloads the kept files among `paths` once more; how many there were. */
  again(paths: readonly string[]): number {
    const wanted = this.kept.filter((kept) => paths.includes(kept.path));
    for (const { url, path } of wanted) this.download(url, path);
    return wanted.length;
  }

  /** Frees every kept copy (OPFS, or memory) and its URL. */
  async releaseAll(): Promise<void> {
    const kept = this.kept;
    this.kept = [];
    this.folder = undefined;
    setSavingFolder(undefined);
    for (const { url } of kept) URL.revokeObjectURL(url);
    await Promise.allSettled(kept.map(({ release }) => release()));
  }

  private download(url: string, path: string): void {
    const link = document.createElement('a');
    link.href = url;
    link.download = downloadName(path);
    link.rel = 'noopener';
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
  }
}
