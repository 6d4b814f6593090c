/**
 * Traffic: pings, each sent by a container at a virtual time to an IP. Item `i` is ping number `i + 1`;
 * the echo request and the echo reply carry that number, so that a property can account for each.
 */
import { type Ip, isIp } from './addresses.ts';
import type { Topology, TopologyIssue } from './topology.ts';

/** The latest virtual time a traffic item may have: one week (ms). Every ageing timer of the model is
 *  minutes at most, so a week leaves room for any pause that matters, and keeps the clock exact. */
export const MAX_TIME_MS = 7 * 24 * 3600 * 1000;

export interface Ping {
  /**
   * Virtual time in milliseconds, at most one week (604800000).
   * @TJS-type integer
   * @minimum 0
   * @maximum 604800000
   */
  at: number;
  /** The sending container, by name. */
  from: string;
  to: Ip;
}

export type Traffic = Ping[];

export function trafficIssues(traffic: Traffic, topology: Topology): TopologyIssue[] {
  const names = new Set(topology.containers.map((c) => c.name));
  const issues: TopologyIssue[] = [];
  traffic.forEach((p, i) => {
    if (!Number.isInteger(p.at) || p.at < 0 || p.at > MAX_TIME_MS)
      issues.push({
        path: `[${i}].at`,
        message: `not a time in whole milliseconds from 0 to ${MAX_TIME_MS} (one week): ${JSON.stringify(p.at)}`,
      });
    if (!names.has(p.from))
      issues.push({ path: `[${i}].from`, message: `unknown container ${JSON.stringify(p.from)}` });
    if (!isIp(p.to))
      issues.push({ path: `[${i}].to`, message: `not an IPv4 address: ${JSON.stringify(p.to)}` });
  });
  return issues;
}
