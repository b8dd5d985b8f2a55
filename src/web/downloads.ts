/**
 * Where a received file goes in a web page: a download of the engine's own verified copy.
 *
 * Why a download of the OPFS file and nothing more: the engine already streams every chunk to
 * disk (the Origin Private File System, written by a worker) and checks its BLAKE3 before it
 * calls saveFile, so the File it hands over is disk-backed. A blob URL of that File makes the
 * browser copy it from disk to disk into its downloads: memory stays bounded whatever the
 * size, in every browser with OPFS (Chromium, Firefox, Safari, their phone versions), with no
 * permission prompt and no service worker. A service-worker stream would only move the same
 * bytes again; File System Access (a folder picker, which would keep folder structure) exists
 * in desktop Chromium only and is a later addition. A download's name cannot hold a folder:
 * "album/one.jpg" is saved as "album_one.jpg".
 *
 * The copy stays until the browser can no longer need it: a download reads the File after
 * saveFile returns, and a page cannot see when it is done. It goes when the next transfer
 * starts, or when the page goes.
 */

/** A download name for a relative path: its folders joined with "_" (a name has no "/"). */
export const downloadName = (path: string): string => path.split('/').join('_');

interface Kept {
  path: string;
  url: string;
  release: () => Promise<void>;
}

export class Downloads {
  private kept: Kept[] = [];

  /** Starts the download of `file`, a verified disk-backed copy; keeps it for "again". */
  save(file: File, path: string, release: () => Promise<void>): void {
    // As octet-stream, so the browser keeps the sender's extension instead of guessing one.
    const url = URL.createObjectURL(file.slice(0, file.size, 'application/octet-stream'));
    this.kept.push({ path, url, release });
    this.download(url, path);
  }

  /** Downloads the kept files among `paths` once more; how many there were. */
  again(paths: readonly string[]): number {
    const wanted = this.kept.filter((kept) => paths.includes(kept.path));
    for (const { url, path } of wanted) this.download(url, path);
    return wanted.length;
  }

  /** Frees every kept copy (OPFS) and its URL. */
  async releaseAll(): Promise<void> {
    const kept = this.kept;
    this.kept = [];
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
