/**
 * Known-answer tests from draft-irtf-cfrg-cpace-21, Appendix A (string utilities) and
 * Appendix B.3 (CPACE-RISTR255-SHA512).
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { toHex, utf8 } from './bytes.js';
import {
  DSI,
  IDENTITY,
  calculateGenerator,
  deriveIsk,
  generatorString,
  lvCat,
  prependLen,
  sampleScalar,
  scalarMult,
  scalarMultVfy,
  transcriptIr,
} from './cpace.js';

const hex = (text: string): Uint8Array => hexToBytes(text.replace(/\s+/g, ''));
const range = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => i);
/** Scalars in the test vectors are little-endian bytes: replay them through sample_scalar. */
const scalarFrom = (bytes: Uint8Array): bigint => sampleScalar(() => bytes);

const B3 = {
  prs: utf8('Password'),
  ci: hex('0b415f696e69746961746f720b425f726573706f6e646572'),
  sid: hex('7e4b4791d6a8ef019b936c79fb7f2c57'),
  generatorString: hex(`
    11435061636552697374726574746f3235350850617373776f726464
    00000000000000000000000000000000000000000000000000000000
    00000000000000000000000000000000000000000000000000000000
    00000000000000000000000000000000000000000000000000000000
    00000000000000000000000000000000180b415f696e69746961746f
    720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f
    2c57`),
  g: '222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56',
  ya: hex('da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08'),
  ADa: utf8('ADa'),
  Ya: 'd6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157',
  yb: hex('d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d'),
  ADb: utf8('ADb'),
  Yb: '3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258',
  K: '80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc9887c8b40f',
  transcriptIr: `
    20d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0e
    ec482b915703414461203ea7e0b19560d7c0b0f5734f63b955286dfa
    8232b5ebe63324e2d9e7433f725803414462`,
  iskIr: `
    b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dc
    ae7b35cd2b38950a39dfd5d4a79164614c2984f7daa460b588c1e80c
    3fa2068af7900447`,
};

describe('CPace string utilities match the draft (Appendix A)', () => {
  it('prepends LEB128 lengths (A.1.2)', () => {
    expect(toHex(prependLen(new Uint8Array()))).toBe('00');
    expect(toHex(prependLen(utf8('1234')))).toBe('0431323334');
    expect(toHex(prependLen(range(127)).subarray(0, 2))).toBe('7f00');
    expect(prependLen(range(127))).toHaveLength(128);
    expect(toHex(prependLen(range(128)).subarray(0, 3))).toBe('800100');
    expect(prependLen(range(128))).toHaveLength(130);
  });

  it('concatenates prefix-free (A.1.4)', () => {
    const parts = ['1234', '5', '', '678'].map(utf8);
    expect(toHex(lvCat(...parts))).toBe('043132333401350003363738');
  });

  it('builds the initiator-responder transcript (A.3.5)', () => {
    const [a, partyA, b, partyB] = ['123', 'PartyA', '234', 'PartyB'].map(utf8);
    expect(toHex(transcriptIr(a!, partyA!, b!, partyB!))).toBe(
      '03313233065061727479410332333406506172747942',
    );
  });
});

describe('CPACE-RISTR255-SHA512 matches the draft (Appendix B.3)', () => {
  it('derives the generator string and the generator (B.3.1)', () => {
    expect(generatorString(DSI, B3.prs, B3.ci, B3.sid, 128)).toEqual(B3.generatorString);
    expect(toHex(calculateGenerator(B3.prs, B3.ci, B3.sid).toBytes())).toBe(B3.g);
  });

  it('computes both shares, the same K on both sides and the ISK (B.3.2–B.3.5)', () => {
    const g = calculateGenerator(B3.prs, B3.ci, B3.sid);
    const ya = scalarFrom(B3.ya);
    const yb = scalarFrom(B3.yb);
    const Ya = scalarMult(ya, g);
    const Yb = scalarMult(yb, g);
    expect(toHex(Ya)).toBe(B3.Ya);
    expect(toHex(Yb)).toBe(B3.Yb);
    const kA = scalarMultVfy(ya, Yb);
    expect(toHex(kA)).toBe(B3.K);
    expect(scalarMultVfy(yb, Ya)).toEqual(kA);
    const transcript = transcriptIr(Ya, B3.ADa, Yb, B3.ADb);
    expect(transcript).toEqual(hex(B3.transcriptIr));
    expect(deriveIsk(B3.sid, kA, transcript)).toEqual(hex(B3.iskIr));
  });

  it('multiplies a valid encoded element (B.3.10)', () => {
    const s = scalarFrom(hex('7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05'));
    const X = hex('2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c');
    expect(toHex(scalarMultVfy(s, X))).toBe(
      '7c13645fe790a468f62c39beb7388e541d8405d1ade69d1778c5fe3e7f6b600e',
    );
  });

  it('returns G.I for an undecodable element and for the identity (B.3.11)', () => {
    const s = scalarFrom(hex('7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05'));
    const invalid = hex('2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c');
    expect(scalarMultVfy(s, invalid)).toEqual(IDENTITY);
    expect(scalarMultVfy(s, IDENTITY)).toEqual(IDENTITY);
    expect(scalarMultVfy(s, new Uint8Array(31))).toEqual(IDENTITY);
  });
});

describe('scalar sampling (§8.3)', () => {
  it('clears the bits above 252 and never returns zero', () => {
    const ones = new Uint8Array(32).fill(0xff);
    expect(sampleScalar(() => ones)).toBe(2n ** 252n - 1n);
    let calls = 0;
    const zeroThenOne = () => {
      calls++;
      const bytes = new Uint8Array(32);
      if (calls > 1) bytes[0] = 1;
      return bytes;
    };
    expect(sampleScalar(zeroThenOne)).toBe(1n);
    expect(calls).toBe(2);
  });
});
