/**
 * The control plane the seed's routers and controllers answer from: which IP and which MAC live on which
 * host. The wiring gives every router the topology's containers; as containers start and stop, the
 * simulator brings each router and controller the news (`model/network/schedule.ts`: at once on the
 * container's own host, after the gossip delay elsewhere), and `updateDirectory` applies it.
 *
 * News from different hosts arrives out of order (a container's stop, gossiped from afar, may arrive after
 * the start of the one that took its IP here), so the directory keeps, like any gossip-based store, the
 * version of the change behind each entry (the change's place in the order of all changes): a release
 * removes an entry only if it is the releasing holder's, and news older than the entry changes nothing.
 */
import type { Ip, Mac } from './addresses.ts';

export interface DirectoryEntry {
  mac: Mac;
  host: string;
  /** The version of the change that gave the holder the IP (0: the topology's own). */
  version: number;
}

export interface Directory {
  ips: Record<Ip, DirectoryEntry>;
  macs: Record<Mac, string>;
}

/** A container took an IP (`holds`) or released it, with its MAC, on a host, in the change `version`. */
export interface DirectoryNews {
  ip: Ip;
  mac: Mac;
  host: string;
  holds: boolean;
  version: number;
}

/** The directory after `news` (the same object when the news changes nothing); a MAC no IP holds any
 *  more is forgotten. */
export function updateDirectory(dir: Directory, news: DirectoryNews): Directory {
  const old = dir.ips[news.ip];
  if (old !== undefined && old.version > news.version) return dir;
  const same = old !== undefined && old.mac === news.mac && old.host === news.host;
  if (!news.holds && !same) return dir;
  if (news.holds && same) return dir;
  const { [news.ip]: _, ...ips } = dir.ips;
  if (news.holds) ips[news.ip] = { mac: news.mac, host: news.host, version: news.version };
  const macs = { ...dir.macs };
  if (old && !Object.values(ips).some((e) => e.mac === old.mac)) delete macs[old.mac];
  if (news.holds) macs[news.mac] = news.host;
  return { ips, macs };
}

/** The directory of a network's containers at time 0. */
export function initialDirectory(containers: readonly { ip: Ip; mac: Mac; host: string }[]): Directory {
  return {
    ips: Object.fromEntries(containers.map((c) => [c.ip, { mac: c.mac, host: c.host, version: 0 }])),
    macs: Object.fromEntries(containers.map((c) => [c.mac, c.host])),
  };
}
