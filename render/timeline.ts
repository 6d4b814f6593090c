/** A timeline in words, one line an item: pings by number, arpings and static neighbour entries, the
 *  containers that start, stop and move, the peers that leave and join, and the links that go down and up. */
import { type ArpItem, isLinkItem, isMeshItem, isPing, type Timeline } from '../model/timeline.ts';

const ARPING_FLAG = { request: '', unsolicited: ' -U', answer: ' -A' } as const;

function arpingLine(item: ArpItem): string {
  const flags = `${ARPING_FLAG[item.mode ?? 'request']}${item.source ? ` -s ${item.source}` : ''}`;
  return `at ${item.at} ms, ${item.from} runs arping${flags} ${item.to}`;
}

export function describeTimeline(timeline: Timeline): string[] {
  let ping = 0;
  return timeline.map((item) => {
    if (isPing(item)) return `ping ${++ping}: at ${item.at} ms, ${item.from} pings ${item.to}`;
    if (isLinkItem(item))
      return `at ${item.at} ms, the link ${item.peers.join(' - ')} goes ${item.kind === 'link-down' ? 'down' : 'up'}`;
    if (isMeshItem(item))
      return `at ${item.at} ms, the peer ${item.host} ${item.kind === 'peer-leave' ? 'leaves the mesh' : 'joins the mesh again'}`;
    if (item.kind === 'arp') return arpingLine(item);
    if (item.kind === 'neigh')
      return `at ${item.at} ms, ${item.container} gets a static neighbour entry ${item.ip} at ${item.mac}`;
    // A container announces itself only when asked (`DEFAULT_ANNOUNCE`); a move keeps its own unless told.
    const announce = item.kind === 'stop' ? undefined : item.announce;
    const quiet =
      announce === true
        ? ', announced by a gratuitous ARP'
        : announce === false
          ? ', without a gratuitous ARP'
          : '';
    if (item.kind === 'start')
      return `at ${item.at} ms, ${item.container} starts on ${item.host} as ${item.ip} (${item.mac})${quiet}`;
    if (item.kind === 'stop') return `at ${item.at} ms, ${item.container} stops`;
    const as = [item.ip, item.mac].filter((x) => x !== undefined).join(', ');
    return `at ${item.at} ms, ${item.container} moves to ${item.host}${as ? ` as ${as}` : ''}${quiet}`;
  });
}
