/**
 * The seed's three guesses for the Fast Datapath controller (docs/seed-flows.md FD-L, FD-X.2.2, FD-X.3,
 * FD-X.5, FD-X.7), as pure functions: the standing flows installed at start, and H1's upcall handling.
 *
 * Common to H1–H3: the datapath floods data frames between its two data ports, i.e. standing
 * low-priority flows `in_port=bridge -> output:vtep` (FD-X.5) and `in_port=vtep -> output:bridge`
 * (FD-X.7): on a two-port datapath that is a flood. Same-host ARP (FD-L.2.2) therefore reaches the
 * datapath and goes on towards the vtep (H2, H3) or the controller (H1); no answer comes from that side.
 *
 * - H1: a standing flow sends ARP requests from the bridge up to the controller. The seed says only that
 *   the router "installs flows" and that the first request gets no reply but the retry does (FD-X.3).
 *   Reading chosen: the controller consumes the punted request and installs an **ARP responder flow** for
 *   that target IP (answer with the owner's real MAC from the directory), so the datapath answers the
 *   retry itself. Reason: the controller holds the directory (it can answer), and the other reading
 *   (install a flow that forwards the retry to the owner's host) would make H1 just H3 with a lost first
 *   packet. For a target on this host the request is consumed as well and a flow that drops requests
 *   for that IP is installed: the bridge already delivered the request to the local owner, who answers
 *   (FD-L.2.2). For an IP no one owns the request is consumed and nothing is installed.
 * - H2: the datapath answers every ARP request for a remote IP with a fake MAC, **one per remote host**
 *   (`hosts[h].fakeMac`), from standing responder flows `in_port=bridge, arp request, tpa=X ->
 *   arp-respond(fake MAC of X's host)`; the responder match has no dl_dst, as the seed's wording ("answers
 *   ARP with a fake MAC") implies, so Linux's unicast probes (NUD PROBE, sent to the fake MAC) are answered
 *   the same way and the neighbour entry stays on the fake MAC for good. The peer rewrites: standing flows
 *   `in_port=vtep, dl_dst=own fake MAC, ip, nw_dst=Y -> mod_dl_dst(real MAC of Y), output:bridge` for every
 *   local IP Y.
 * - H3: no ARP flows at all: the request floods through the vtep and travels as a data frame does
 *   (FD-X.3 note); the remote datapath floods it into its bridge and the owner answers.
 */
import { ipToInt } from '../addresses.ts';
import type { Flow, FlowDelete, FlowInstall } from '../flows.ts';
import type { Output } from '../machine/io.ts';
import type { ControllerContext } from './types.ts';

/** Priorities: flood < ARP punt < per-IP responders, drops and rewrites. */
export const PRIO_FLOOD = 1;
export const PRIO_PUNT = 10;
export const PRIO_PER_IP = 20;

export function install(flow: Flow): Output {
  const msg: FlowInstall = { kind: 'flow-install', flow };
  return { type: 'send', port: 'datapath', packet: msg, origin: true };
}

/** Deletes the datapath's flow of `flow`'s match and priority. */
export function uninstall(flow: Flow): Output {
  const msg: FlowDelete = { kind: 'flow-delete', flow };
  return { type: 'send', port: 'datapath', packet: msg, origin: true };
}

function sortedIps(ctx: ControllerContext): string[] {
  return Object.keys(ctx.directory.ips).sort((a, b) => ipToInt(a) - ipToInt(b));
}

const FLOOD_FLOWS: Flow[] = [
  {
    match: { inPort: 'bridge' },
    actions: [{ type: 'output', port: 'vtep' }],
    priority: PRIO_FLOOD,
    label: 'flood bridge to vtep',
    seed: 'FD-X.5',
  },
  {
    match: { inPort: 'vtep' },
    actions: [{ type: 'output', port: 'bridge' }],
    priority: PRIO_FLOOD,
    label: 'flood vtep to bridge',
    seed: 'FD-X.7',
  },
];

function h2Flows(ctx: ControllerContext): Flow[] {
  const flows: Flow[] = [];
  const ownFake = ctx.hosts[ctx.host]?.fakeMac;
  for (const ip of sortedIps(ctx)) {
    const owner = ctx.directory.ips[ip]!;
    if (owner.host !== ctx.host) {
      const fake = ctx.hosts[owner.host]?.fakeMac;
      if (fake === undefined) continue;
      flows.push({
        match: { inPort: 'bridge', ethType: 'arp', arpOp: 'request', arpTpa: ip },
        actions: [{ type: 'arp-respond', mac: fake }],
        priority: PRIO_PER_IP,
        label: `H2: answer who-has ${ip} with fake ${fake}`,
        seed: 'FD-X.2.2',
      });
    } else if (ownFake !== undefined) {
      flows.push({
        match: { inPort: 'vtep', ethDst: ownFake, ethType: 'ipv4', ipDst: ip },
        actions: [
          { type: 'set-eth-dst', mac: owner.mac },
          { type: 'output', port: 'bridge' },
        ],
        priority: PRIO_PER_IP,
        label: `H2: rewrite fake ${ownFake} to ${owner.mac} for ${ip}`,
        seed: 'FD-X.2.2',
      });
    }
  }
  return flows;
}

/** The flows a seed controller installs at start. */
export function standingFlows(ctx: ControllerContext): Flow[] {
  switch (ctx.hypothesis) {
    case 'h1':
      return [
        ...FLOOD_FLOWS,
        {
          match: { inPort: 'bridge', ethType: 'arp', arpOp: 'request' },
          actions: [{ type: 'upcall' }],
          priority: PRIO_PUNT,
          label: 'H1: ARP requests to the controller',
          seed: 'FD-X.2.2',
        },
      ];
    case 'h2':
      return [...FLOOD_FLOWS, ...h2Flows(ctx)];
    case 'h3':
      return FLOOD_FLOWS;
    case 'upstream':
      return [];
  }
}

/** Notes a reader wants when H2 cannot be set up as the wiring asked. */
export function standingWarnings(ctx: ControllerContext): Output[] {
  if (ctx.hypothesis !== 'h2') return [];
  const missing = Object.keys(ctx.hosts)
    .filter((h) => ctx.hosts[h]!.fakeMac === undefined)
    .sort();
  return missing.length === 0
    ? []
    : [
        {
          type: 'note',
          text: `H2: no fake MAC for ${missing.join(', ')}: no responder or rewrite flows for them`,
        },
      ];
}
