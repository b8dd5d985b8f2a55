/**
 * Where this transfer's files are saved, for the sentences that say so (i18n.ts): the name of
 * the folder the person picked, or undefined for the browser's downloads. No imports, so the
 * strings module can read it without pulling in the engine.
 */
let folderName: string | undefined;

export const savingFolder = (): string | undefined => folderName;

export function setSavingFolder(name: string | undefined): void {
  folderName = name;
}
