/**
 * Saving received files into a folder the person picked (File System Access, desktop
 * Chromium): folders keep their structure, which a download cannot ("album/one.jpg" stays
 * album/one.jpg). The engine hands over its verified copy; this streams it into the folder,
 * so memory stays bounded, and never overwrites a file that is already there: it takes the
 * next free name, "notes (1).md", as a download does.
 */

/** The picker, where the browser has it (desktop Chromium, Edge, Opera). */
type DirectoryPicker = (options?: {
  mode?: 'read' | 'readwrite';
  id?: string;
}) => Promise<FileSystemDirectoryHandle>;

export function directoryPicker(): DirectoryPicker | undefined {
  const picker = (globalThis as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  return typeof picker === 'function' ? picker.bind(globalThis) : undefined;
}

/** "notes.md", "notes (1).md", "notes (2).md", …; a name without extension: "notes (1)". */
export function candidateName(name: string, attempt: number): string {
  if (attempt === 0) return name;
  const dot = name.lastIndexOf('.');
  const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  return `${stem} (${attempt})${extension}`;
}

const MAX_ATTEMPTS = 1_000;

async function exists(folder: FileSystemDirectoryHandle, name: string): Promise<boolean> {
  try {
    await folder.getFileHandle(name);
    return true;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'NotFoundError') return false;
    // A folder of that name (TypeMismatchError) is taken too.
    if (error instanceof DOMException && error.name === 'TypeMismatchError') return true;
    throw error;
  }
}

/**
 * Writes `file` at `relativePath` (already checked by the engine: no "..", no empty parts)
 * under `root`, creating its folders; returns the path it was saved as.
 */
export async function saveIntoFolder(
  root: FileSystemDirectoryHandle,
  relativePath: string,
  file: Blob,
): Promise<string> {
  const parts = relativePath.split('/');
  const name = parts.pop()!;
  let folder = root;
  for (const part of parts) folder = await folder.getDirectoryHandle(part, { create: true });
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const candidate = candidateName(name, attempt);
    if (await exists(folder, candidate)) continue;
    const handle = await folder.getFileHandle(candidate, { create: true });
    try {
      // Written to a swap file that replaces the (empty) new one on close; aborted on error.
      await file.stream().pipeTo(await handle.createWritable());
    } catch (error) {
      // No empty file left behind as if it had been saved.
      await folder.removeEntry(candidate).catch(() => undefined);
      throw error;
    }
    return [...parts, candidate].join('/');
  }
  throw new Error(`no free name for ${relativePath}`);
}
