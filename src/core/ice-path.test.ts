import { describe, expect, it } from 'vitest';
import { selectedPairFromStats } from './ice-path.js';

function stats(localType: string, remoteType: string) {
  return [
    { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' },
    { id: 'CP2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1' },
    { id: 'L1', type: 'local-candidate', candidateType: localType },
    { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R1', type: 'remote-candidate', candidateType: remoteType },
  ];
}

describe('the path shown to the user comes from the selected candidate pair', () => {
  it.each([
    ['host', 'host', 'direct'],
    ['srflx', 'srflx', 'direct'],
    ['prflx', 'srflx', 'direct'],
    ['relay', 'srflx', 'relay'],
    ['prflx', 'relay', 'relay'],
  ])('%s → %s is %s', (local, remote, expected) => {
    expect(selectedPairFromStats(stats(local, remote))).toEqual({ path: expected, local, remote });
  });

  it('is unknown before a pair is selected', () => {
    expect(selectedPairFromStats([{ id: 'T1', type: 'transport' }])).toBeUndefined();
  });
});
