import { describe, expect, it } from 'vitest';
import { medianInterval } from './report.js';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => n - i);

describe('the median interval of a benchmark figure', () => {
  it('spans the 2nd to the 7th of 8 rounds at 90 % (93 % coverage)', () => {
    expect(medianInterval(oneTo(8))).toEqual({ low: 2, high: 7 });
  });

  it('narrows with more rounds: the 5th to the 12th of 16', () => {
    expect(medianInterval(oneTo(16))).toEqual({ low: 5, high: 12 });
  });

  it('asks more of the data for more confidence', () => {
    expect(medianInterval(oneTo(16), 0.99)).toEqual({ low: 3, high: 14 });
  });

  it('says nothing from too few rounds', () => {
    expect(medianInterval(oneTo(4))).toBeUndefined();
    expect(medianInterval(oneTo(5))).toEqual({ low: 1, high: 5 });
  });
});
