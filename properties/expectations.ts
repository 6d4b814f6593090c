/**
 * What each configuration is expected to do to each property: one readable table. Every cell holds
 * unless listed here; a listed cell fails, by design of the seed's guess or as a finding, and says what
 * its counterexample shows about the guess (the paragraph goes into docs/verdicts.md). Found by running
 * the model (`npx weave-spec matrix`), each failure checked against the seed and upstream Weave.
 * A configuration not named (a new one) is expected to hold everywhere until someone says otherwise.
 */
import type { Verdict } from './matrix.ts';

export interface ExpectedFailure {
  /** A configuration id, or a prefix ending in `/` (`fdp/h1/` for every vtep variant of H1). */
  config: string;
  property: string;
  /** What the counterexample shows about the seed's guess. */
  why: string;
}

const PROXY_BROADCAST =
  "The seed's Sleeve router answers ARP for remote containers itself (SL-X.2.2.2) and drops everything " +
  'else that is not unicast to a known remote MAC, so a broadcast never leaves its host: the overlay is ' +
  'not one Ethernet segment but one per host, glued by proxy ARP. Unicast IP works (delivery holds), but ' +
  'anything that needs a real broadcast domain across hosts (DHCP, gratuitous ARP after a move, other ' +
  'protocols than IPv4 ARP) does not. Upstream Weave floods broadcasts to every peer (sleeve/upstream holds).';

const H1_ANSWERED =
  "This is the seed's own description of H1 (FD-X.3): the datapath punts the first ARP request to the " +
  'controller, which consumes it and installs a responder flow, so the first request is never answered ' +
  'and the container only resolves on its retry one retrans_time (1 s) later. Delivery still holds because ' +
  "Linux retries (mcast_solicit 3); the counterexample's ping arrives, a second late. Upstream Weave " +
  'executes the missed packet at once (fdp/upstream holds), which is where H1 is wrong.';

const H1_BROADCAST =
  'Under H1 every ARP request from the bridge goes to the controller and no further (FD-X.2.2 H1), so a ' +
  'broadcast ARP never reaches the containers of other hosts; the counterexample shows one that stops at ' +
  'the datapath. The seed does not say what happens to other broadcasts; with the punt flow matching all ' +
  'ARP requests, gratuitous ARP and ARP probes are consumed too, so the network is not one broadcast ' +
  'domain. Upstream Weave floods broadcasts along broadcast trees (fdp/upstream holds).';

const H2_STRICT =
  'By design: under H2 the datapath answers ARP for a remote IP with a fake MAC, one per remote host ' +
  "(FD-X.2.2 H2), so the requester's neighbour entry maps the IP to a MAC its owner does not have. The " +
  'peer datapath rewrites the fake MAC to the real one, which is why arp-functional and delivery still ' +
  'hold. What it costs: every container sees one MAC for all containers of a host, so anything keyed on ' +
  'MACs (bridge FDBs, tcpdump, MAC-based policy) sees a different network from the real one. Upstream ' +
  'Weave has no MAC rewriting anywhere (fdp/upstream holds).';

const H2_BROADCAST =
  'Under H2 an ARP request for a remote IP is answered by the local responder flow and goes no further ' +
  '(FD-X.2.2 H2), so that broadcast never reaches the other hosts; the counterexample shows the request ' +
  "consumed at the sender's datapath. The overlay is not one broadcast domain for ARP.";

const LINUX_REMOTE =
  'A Linux vxlan device created with one `remote` (`ip link add ... remote X`) has a single default ' +
  'destination: with three or more hosts, frames for an unknown MAC and broadcasts (ARP requests among ' +
  'them) reach only that one host, so containers on the others are unreachable. Not a seed guess: the ' +
  'kernel-conformance configuration that shows why V2 needs one all-zero-MAC entry per remote vtep.';

const EXPECTED_FAILURES: readonly ExpectedFailure[] = [
  { config: 'sleeve/proxy-arp', property: 'broadcast-once', why: PROXY_BROADCAST },
  { config: 'fdp/h1/', property: 'arp-answered', why: H1_ANSWERED },
  { config: 'fdp/h1/', property: 'broadcast-once', why: H1_BROADCAST },
  { config: 'fdp/h2/', property: 'arp-strict', why: H2_STRICT },
  { config: 'fdp/h2/', property: 'broadcast-once', why: H2_BROADCAST },
  { config: 'linux/remote', property: 'delivery', why: LINUX_REMOTE },
  { config: 'linux/remote', property: 'arp-functional', why: LINUX_REMOTE },
  { config: 'linux/remote', property: 'arp-answered', why: LINUX_REMOTE },
  { config: 'linux/remote', property: 'broadcast-once', why: LINUX_REMOTE },
];

/** `fdp/h1/` names every H1 variant; `linux/remote` names it and its `/no-learning` variant. */
function applies(f: ExpectedFailure, config: string): boolean {
  return f.config.endsWith('/')
    ? config.startsWith(f.config)
    : config === f.config || config.startsWith(`${f.config}/`);
}

export function expectedFailure(config: string, property: string): ExpectedFailure | undefined {
  return EXPECTED_FAILURES.find((f) => f.property === property && applies(f, config));
}

export function expectedVerdict(config: string, property: string): Verdict {
  return expectedFailure(config, property) ? 'fails' : 'holds';
}

/** Every (configuration, property) of `configs` expected to fail, in configuration then property order. */
export function expectedFailuresIn(
  configs: readonly string[],
  properties: readonly string[],
): { config: string; property: string; why: string }[] {
  return configs.flatMap((config) =>
    properties.flatMap((property) => {
      const f = expectedFailure(config, property);
      return f ? [{ config, property, why: f.why }] : [];
    }),
  );
}
