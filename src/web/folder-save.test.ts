import { describe, expect, it } from 'vitest';
import { candidateName } from './folder-save.js';

describe('a file saved into a picked folder never overwrites one already there', () => {
  it('takes the next free name as a download does, before the extension', () => {
    expect(candidateName('notes.md', 0)).toBe('notes.md');
    expect(candidateName('notes.md', 1)).toBe('notes (1).md');
    expect(candidateName('archive.tar.gz', 2)).toBe('archive.tar (2).gz');
  });

  it('names without an extension, and dot files, get the number at the end', () => {
    expect(candidateName('README', 1)).toBe('README (1)');
    expect(candidateName('.env', 1)).toBe('.env (1)');
  });
});
