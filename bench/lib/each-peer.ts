/**
 * Runs a benchmark pass per peer, one after the other: an unavailable peer is skipped (or, when
 * it is the only one asked for, an error), and a failing peer does not hide the others' figures.
 */
export interface EachPeerOutcome<R> {
  results: R[];
  skipped: Record<string, string>;
  failed: Record<string, string>;
}

export async function eachPeer<P extends { name: string; unavailable(): string }, R>(
  peers: readonly P[],
  only: string | undefined,
  log: (msg: string) => void,
  run: (peer: P) => Promise<R>,
): Promise<EachPeerOutcome<R>> {
  const out: EachPeerOutcome<R> = { results: [], skipped: {}, failed: {} };
  for (const peer of peers) {
    const why = peer.unavailable();
    if (why !== '') {
      if (only !== undefined) throw new Error(`cannot run ${peer.name}: ${why}`);
      log(`${peer.name}: SKIPPED: ${why}`);
      out.skipped[peer.name] = why;
      continue;
    }
    try {
      out.results.push(await run(peer));
    } catch (err) {
      out.failed[peer.name] = err instanceof Error ? err.message : String(err);
      log(`${peer.name}: FAILED: ${out.failed[peer.name]}`);
    }
  }
  return out;
}
