/**
 * Upstream fastdp's VNI: not a network segment but the (source, destination) pair of 12-bit short peer
 * ids, `tunnel_id = srcShortID | dstShortID << 12` (`router/fastdp.go` `tunnelIDFor`, `extractPeers`;
 * `mesh/peer.go:156-166`). Upstream peers pick short ids at random and resolve clashes by gossip; the
 * model gives them deterministically: the index of the host in the sorted host names, plus one (0 means
 * "no short id" upstream).
 */

export const SHORT_ID_BITS = 12;
export const MAX_SHORT_ID = (1 << SHORT_ID_BITS) - 1;

/** Host name -> short id. */
export function shortIds(hosts: string[]): Record<string, number> {
  const sorted = [...hosts].sort();
  if (sorted.length > MAX_SHORT_ID) throw new Error(`at most ${MAX_SHORT_ID} peers have short ids`);
  return Object.fromEntries(sorted.map((h, i) => [h, i + 1]));
}

export function tunnelVni(ids: Record<string, number>, srcPeer: string, dstPeer: string): number | undefined {
  const s = ids[srcPeer];
  const d = ids[dstPeer];
  return s === undefined || d === undefined ? undefined : s | (d << SHORT_ID_BITS);
}

/** The (srcPeer, dstPeer) a VNI names, if both short ids are known. */
export function peersOfVni(
  ids: Record<string, number>,
  vni: number,
): { srcPeer: string; dstPeer: string } | undefined {
  const s = vni & MAX_SHORT_ID;
  const d = (vni >>> SHORT_ID_BITS) & MAX_SHORT_ID;
  const name = (id: number) => Object.keys(ids).find((h) => ids[h] === id);
  const srcPeer = name(s);
  const dstPeer = name(d);
  return srcPeer === undefined || dstPeer === undefined ? undefined : { srcPeer, dstPeer };
}
