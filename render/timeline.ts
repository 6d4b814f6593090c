/** A timeline in words, one line an item: pings by number, and the containers that start, stop and move. */
import { isPing, type Timeline } from '../model/timeline.ts';

export function describeTimeline(timeline: Timeline): string[] {
  let ping = 0;
  return timeline.map((item) => {
    if (isPing(item)) return `ping ${++ping}: at ${item.at} ms, ${item.from} pings ${item.to}`;
    const quiet = item.kind !== 'stop' && item.announce === false ? ', without a gratuitous ARP' : '';
    if (item.kind === 'start')
      return `at ${item.at} ms, ${item.container} starts on ${item.host} as ${item.ip} (${item.mac})${quiet}`;
    if (item.kind === 'stop') return `at ${item.at} ms, ${item.container} stops`;
    const as = [item.ip, item.mac].filter((x) => x !== undefined).join(', ');
    return `at ${item.at} ms, ${item.container} moves to ${item.host}${as ? ` as ${as}` : ''}${quiet}`;
  });
}
