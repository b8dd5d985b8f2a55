/**
 * Whether a WebRTC session runs direct or through a TURN relay, read from getStats():
 * the transport's selected candidate pair, and the types of its two candidates.
 */
export type IcePath = 'direct' | 'relay';

/** The selected pair: the path, and each candidate's type (host, srflx, prflx, relay). */
export interface SelectedPair {
  path: IcePath;
  local: string;
  remote: string;
}

interface StatsEntry {
  id: string;
  type: string;
  [key: string]: unknown;
}

export function selectedPairFromStats(reports: Iterable<StatsEntry>): SelectedPair | undefined {
  const byId = new Map<string, StatsEntry>();
  for (const report of reports) byId.set(report.id, report);
  let pair: StatsEntry | undefined;
  for (const report of byId.values()) {
    if (report.type === 'transport' && typeof report.selectedCandidatePairId === 'string') {
      pair = byId.get(report.selectedCandidatePairId);
      break;
    }
  }
  if (!pair) return undefined;
  const local = byId.get(String(pair.localCandidateId));
  const remote = byId.get(String(pair.remoteCandidateId));
  if (!local || !remote) return undefined;
  const localType = String(local.candidateType);
  const remoteType = String(remote.candidateType);
  const path = localType === 'relay' || remoteType === 'relay' ? 'relay' : 'direct';
  return { path, local: localType, remote: remoteType };
}
