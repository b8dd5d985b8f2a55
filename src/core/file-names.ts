/**
 * File names from a peer are hostile until proven otherwise. Each path a sender announces is
 * turned into a relative path that is safe on every desktop OS and accepted by
 * chrome.downloads: no traversal, no separators inside names, no control or bidi characters,
 * no Windows device names, bounded lengths, and no two files landing on the same name.
 */

/** Bytes per path segment: below the common 255-byte limit, with room for " (12)" suffixes. */
export const MAX_SEGMENT_BYTES = 200;
export const MAX_PATH_DEPTH = 32;

// Control characters are exactly what this strips.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Bidi overrides and isolates can disguise "evil\u202Eexe.txt" as "eviltxt.exe". */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const RESERVED_CHARS = /[<>:"/\\|?*]/g;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
const encoder = new TextEncoder();

const utf8Length = (text: string): number => encoder.encode(text).length;

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let used = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (used + size > maxBytes) break;
    out += char;
    used += size;
  }
  return out;
}

/** Splits "name.ext" so truncation and de-duplication keep the extension. */
function splitExtension(name: string): [string, string] {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > 16) return [name, ''];
  return [name.slice(0, dot), name.slice(dot)];
}

export function sanitizeSegment(raw: string): string {
  let name = raw
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(BIDI, '')
    .replace(RESERVED_CHARS, '_');
  name = name.trim().replace(/[. ]+$/, ''); // Windows drops trailing dots and spaces
  name = name.replace(/^\.+/, (dots) => '_'.repeat(dots.length)); // no hidden files, no '..'
  if (WINDOWS_DEVICE.test(name)) name = `_${name}`;
  if (utf8Length(name) > MAX_SEGMENT_BYTES) {
    const [stem, extension] = splitExtension(name);
    name = truncateUtf8(stem, MAX_SEGMENT_BYTES - utf8Length(extension)).trimEnd() + extension;
  }
  return name || 'file';
}

/**
 * A sender's relative path ("folder/sub/name.txt", either separator) as safe segments.
 * Empty, "." and ".." segments are dropped, never followed.
 */
export function sanitizeRelativePath(raw: string): string {
  const segments = raw
    .split(/[/\\]+/)
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    .map(sanitizeSegment);
  if (segments.length === 0) return 'file';
  // Deep trees are flattened into their last levels rather than refused.
  return segments.slice(-MAX_PATH_DEPTH).join('/');
}

/**
 * Sanitises every path and makes them unique, case-insensitively (macOS and Windows folders
 * are): later duplicates become "name (1).ext", "name (2).ext", … A file never shares a path
 * with a folder either.
 *
 * Linear in the number of paths: each name remembers the last number it handed out, so
 * 100,000 copies of one name (a hostile offer) do not restart the count at 1 every time.
 */
export function safeUniquePaths(rawPaths: readonly string[]): string[] {
  const taken = new Set<string>();
  const folders = new Set<string>();
  const nextNumber = new Map<string, number>();
  const paths = rawPaths.map(sanitizeRelativePath);
  for (const path of paths) {
    const parts = path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      folders.add(parts.slice(0, depth).join('/').toLowerCase());
    }
  }
  const isFree = (candidate: string): boolean =>
    !taken.has(candidate.toLowerCase()) && !folders.has(candidate.toLowerCase());
  return paths.map((path) => {
    let candidate = path;
    if (!isFree(candidate)) {
      const slash = path.lastIndexOf('/');
      const folder = slash === -1 ? '' : path.slice(0, slash + 1);
      const [stem, extension] = splitExtension(path.slice(slash + 1));
      const key = path.toLowerCase();
      let n = nextNumber.get(key) ?? 1;
      do candidate = `${folder}${stem} (${n++})${extension}`;
      while (!isFree(candidate));
      nextNumber.set(key, n);
    }
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
