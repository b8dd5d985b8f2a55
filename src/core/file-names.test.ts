import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_SEGMENT_BYTES,
  safeUniquePaths,
  sanitizeRelativePath,
  sanitizeSegment,
} from './file-names.js';

const bytes = (text: string) => new TextEncoder().encode(text).length;

describe('hostile file names arrive sanitised', () => {
  it.each([
    ['../../etc/passwd', 'etc/passwd'],
    ['..\\..\\Windows\\System32\\evil.dll', 'Windows/System32/evil.dll'],
    ['/absolute/path.txt', 'absolute/path.txt'],
    ['C:\\Users\\x\\file.txt', 'C_/Users/x/file.txt'],
    ['a/./b/../c.txt', 'a/b/c.txt'],
    ['', 'file'],
    ['..', 'file'],
  ])('path %j becomes %j', (raw, safe) => {
    expect(sanitizeRelativePath(raw)).toBe(safe);
  });

  it.each([
    ['control characters', 'bad\u0000name\u001f\u007f.txt', 'badname.txt'],
    ['bidi override that fakes an extension', 'invoice\u202Egpj.exe', 'invoicegpj.exe'],
    ['reserved characters', 'a<b>c:d"e|f?g*h.txt', 'a_b_c_d_e_f_g_h.txt'],
    ['Windows device name', 'CON', '_CON'],
    ['Windows device name with extension', 'nul.txt', '_nul.txt'],
    ['port device name', 'COM1.log', '_COM1.log'],
    ['trailing dots and spaces', 'report. . ', 'report'],
    ['hidden file', '.bashrc', '_bashrc'],
    ['only dots and spaces', ' . . ', 'file'],
  ])('%s', (_case, raw, safe) => {
    expect(sanitizeSegment(raw)).toBe(safe);
  });

  it('cuts over-long names to the byte limit, keeping the extension and whole characters', () => {
    const long = `${'名'.repeat(300)}.tar.gz`;
    const safe = sanitizeSegment(long);
    expect(bytes(safe)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    expect(safe.endsWith('.gz')).toBe(true);
    expect(safe).not.toContain('\ufffd');
  });

  it('gives duplicates distinct names, case-insensitively, keeping extensions', () => {
    expect(
      safeUniquePaths(['a.txt', 'A.TXT', 'a.txt', 'dir/a.txt', 'Dir/A.txt', '../a.txt']),
    ).toEqual(['a.txt', 'A (1).TXT', 'a (2).txt', 'dir/a.txt', 'Dir/A (1).txt', 'a (3).txt']);
  });

  it('makes 100,000 identical names unique at about the cost of 100,000 distinct ones', () => {
    const timed = (names: string[]) => {
      const started = performance.now();
      const paths = safeUniquePaths(names);
      return { paths, ms: performance.now() - started };
    };
    // The baseline, in the same run, so a slow or busy machine slows both alike.
    const distinct = timed(Array.from({ length: 100_000 }, (_, i) => `photo-${i}.jpg`));
    const identical = timed(Array.from({ length: 100_000 }, () => 'photo.jpg'));
    expect(new Set(identical.paths.map((path) => path.toLowerCase())).size).toBe(100_000);
    expect(identical.paths[0]).toBe('photo.jpg');
    expect(identical.paths[99_999]).toBe('photo (99999).jpg');
    // Linear: a few times the baseline. The quadratic version took ~5 s for 8,000 names and
    // about ten minutes for these, thousands of times the baseline.
    expect(identical.ms).toBeLessThan(20 * distinct.ms + 100);
  });

  it('skips a numbered name a sender already used literally', () => {
    expect(safeUniquePaths(['a (1).txt', 'a.txt', 'a.txt', 'A.txt'])).toEqual([
      'a (1).txt',
      'a.txt',
      'a (2).txt',
      'A (3).txt',
    ]);
  });

  it('never lets a file take the name of a folder', () => {
    expect(safeUniquePaths(['photos', 'photos/1.jpg'])).toEqual(['photos (1)', 'photos/1.jpg']);
  });

  it('any input gives safe, unique, relative paths (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 300 }), { maxLength: 20 }),
        (raw) => {
          const paths = safeUniquePaths(raw);
          expect(new Set(paths.map((p) => p.toLowerCase())).size).toBe(paths.length);
          for (const path of paths) {
            expect(path.startsWith('/')).toBe(false);
            for (const segment of path.split('/')) {
              expect(segment).not.toBe('');
              expect(segment.startsWith('.')).toBe(false);
              // eslint-disable-next-line no-control-regex
              expect(segment).not.toMatch(/[\u0000-\u001f<>:"\\|?*]/);
              expect(bytes(segment)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES + 8);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
