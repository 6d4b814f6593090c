/**
 * What each configuration is expected to do to each property: one readable table. Every cell holds
 * unless listed here; a listed cell fails, by design of the seed's guess or as a finding, and says what
 * its counterexample shows about the guess (the paragraph goes into docs/verdicts.md). Found by running
 * the model (`npx weave-spec matrix`), each failure checked against the seed and upstream Weave.
 * A configuration not named (a new one) is expected to hold everywhere until someone says otherwise.
 */
import { WORLDS, type World } from './arbitraries.ts';
import type { Verdict } from './property.ts';

export interface ExpectedFailure {
  /** A configuration id, or a prefix ending in `/` (`fdp/h1/` for every vtep variant of H1). */
  config: string;
  property: string;
  /** The world it fails in; both when not given (what fails frozen fails in a world that changes too). */
  world?: World;
  /** What the counterexample shows about the seed's guess. */
  why: string;
  /** The only way the cell is expected to fail: a violation whose message this does not match is a
   *  failure nobody expected (so the expected one cannot hide a regression elsewhere in the cell). */
  only?: RegExp;
}

const PROXY_BROADCAST =
  "The seed's Sleeve router answers ARP for remote containers itself (SL-X.2.2.2) and drops everything " +
  'else that is not unicast to a known remote MAC, so a broadcast never leaves its host: the overlay is ' +
  'not one Ethernet segment but one per host, glued by proxy ARP. Unicast IP between containers works ' +
  '(delivery holds for them), but ' +
  'anything that needs a real broadcast domain across hosts (DHCP, gratuitous ARP after a move, other ' +
  'protocols than IPv4 ARP) does not. Upstream Weave floods broadcasts to every peer (sleeve/upstream holds).';

const EXPOSED_UNKNOWN =
  "The seed's Sleeve router (SL-X.2.2.2) and H1's controller (FD-X.2.2 H1) answer ARP from the directory " +
  'of containers and send no ARP request on. An exposed host IP (`weave expose`) is in no directory, so ' +
  'a container on another host asks for it in vain (the router: "nobody owns it"; H1: "nothing ' +
  'installed"), and its ping never arrives (delivery, no-black-hole, arp-answered). Only the containers on ' +
  "the exposed host's own host reach it, through their bridge, which hands the request to the bridge " +
  'device. Upstream Weave floods the request to every peer and the host kernel answers it ' +
  '(sleeve/upstream and fdp/upstream hold). In a deployment built this way: `weave expose` would reach the ' +
  "local host's containers only.";

const H1_ANSWERED =
  "This is the seed's own description of H1 (FD-X.3): the datapath punts the first ARP request to the " +
  'controller, which consumes it and installs a responder flow, so the first request is never answered ' +
  'and the container only resolves on its retry one retrans_time (1 s) later. Delivery to containers still holds because ' +
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

// ---- The world that changes (docs/dynamics.md): findings, each cell failing once containers move,
// restart or give their IP to another container.

const PROXY_REUSE =
  "When an IP passes to a new container with another MAC, on another host, the new owner's gratuitous ARP " +
  "never leaves its host (the seed's Sleeve router drops broadcasts, SL-X.2.2.2), so a container that had " +
  'the IP cached keeps the old MAC. Its frames to that MAC go nowhere: the bridge has flushed the old port ' +
  'and the router no longer knows the MAC. Linux gives the entry up only through STALE, DELAY and a unicast ' +
  "probe (2 s and 1 s with Weave's settings), and the next packet after that asks again and gets the new " +
  'MAC from the proxy. In a real deployment: after an IP is recycled onto another host, every peer that had it cached loses the first seconds of its next conversation with ' +
  'it (the ping of the counterexample), and its neighbour table shows the old MAC meanwhile (arp-strict).';

const UPSTREAM_MOVE =
  'A MAC that moves to another host is black-holed at its new host. Upstream Weave learns a remote MAC from ' +
  'forwarded frames with `AddForced` (router/network_router.go, `handleForwardedPacket`) but a local one ' +
  'from captured frames with `Add` (`handleCapturedPacket`), which refuses a MAC the cache already has at ' +
  'another peer and discards the frame ("Captured frame from MAC ... associated with another peer"). So ' +
  'once the new host has seen the MAC at the old one, everything the moved container sends is dropped by ' +
  'its own router (its gratuitous ARP, its ARP requests, its replies) and the old host keeps the MAC as ' +
  'local, until the stale entries expire: 10 minutes after they were last refreshed, swept every minute ' +
  '(router/mac_cache.go, `expire`). The counterexample: a container that talked to another host moves ' +
  'there, and is unreachable from its old host once the network has settled; it stays so for as long ' +
  'as those entries live. Reported upstream as weaveworks/weave#2436 ("networking ' +
  'broken for containers with moved MAC") and #2357 (live migration); FDP shares the code, through its ' +
  'miss handler.';

const H1_MOVE =
  'Under H1 every ARP request from the bridge is punted to the controller and consumed (FD-X.2.2 H1), ' +
  'gratuitous ARP included, so nothing on the data plane tells the other hosts that a container moved or ' +
  "that its IP now has another MAC. A moved container's MAC stays learned at its old host in every remote " +
  "vtep's FDB (vxlan learning, FD-X.7) until a frame from it crosses that vtep or the entry ages out (5 " +
  'min), and frames sent to it meanwhile go to the old host and are lost (delivery, arp-functional); a ' +
  "container that had a recycled IP cached keeps the old owner's MAC, since the controller's responder " +
  'flow answers only new requests (arp-strict). In a real deployment: after a move, peers that had not ' +
  'heard from the container since lose their packets to it for up to the vxlan ageing time.';

const STALE_NEIGH_LINGERS =
  'A stale neighbour entry is another matter: no timer of the model mends it. Linux keeps a STALE entry ' +
  'until it is used: `neigh_periodic_work` collects nothing while the neighbour table (one for the whole ' +
  'host, every namespace included) holds fewer than gc_thresh1 = 128 entries, and above that only entries ' +
  'unused for gc_stale_time (60 s); the model is a host below the threshold. A container there finds out ' +
  "only when it uses the entry, through DELAY and a unicast probe (2 s and 1 s with Weave's settings). So " +
  'however long the network has been quiet, the first exchange with the container is lost ' +
  '(no-black-hole); the probe then corrects the entry or gives it up, and the next exchange goes through. ' +
  'On a host with more than 128 neighbour entries, an entry idle for a minute is collected and this heals.';

const PROXY_GOSSIP =
  'A stale MAC also comes from the proxy itself: it answers from its directory, which hears of a change ' +
  'on another host only through the mesh, a second later. A container that asks for a recycled IP in that ' +
  "second is told the old owner's MAC, and keeps it.";

const H2_GOSSIP =
  "Under H2 each host's datapath answers ARP for remote IPs from its controller's directory (FD-X.2.2 H2), " +
  'and a controller hears of a change on another host only through the mesh, a second later. A container ' +
  'that asks for a moved or recycled IP in that second gets the fake MAC of the old host, and keeps it: ' +
  'nothing on the data plane corrects a cached entry (gratuitous ARP is answered locally, not carried). ' +
  "Its frames go to the old host's fake MAC, where no flow rewrites them for a container that is no longer " +
  `there (delivery, arp-functional). ${STALE_NEIGH_LINGERS} In a real deployment: a peer that happened to ` +
  'resolve the address in the moment of a move loses its next conversation with it, however much later.';

const LINUX_REMOTE_REUSE =
  `${LINUX_REMOTE} In a world that changes it also keeps stale MACs: the gratuitous ARP of a container that ` +
  'takes a recycled IP reaches only the one remote, so containers on the other hosts keep the old MAC.';

// ---- Peers and links (docs/dynamics.md, "Peers and links"): findings once peers leave and join and links
// go down and up.

const NO_RELAY =
  "The seed's guesses and the Linux vxlan device send every frame straight to the owner's host " +
  "(SL-X.5.2, FD-X.5, the vtep's FDB and its default destinations); only upstream Weave routes over the " +
  'peer graph (mesh/routes.go) and relays through a third peer. So when the link between two hosts is ' +
  'down and the mesh still connects them through another, their containers cannot reach each other (nor ' +
  'the exposed host on the other side), their broadcasts and ARP requests included, for as long as the link is down, however long the network ' +
  'has been quiet (the counterexample pings across a link that is down, seconds after the mesh settled). ' +
  'In a real deployment: a partial outage between two hosts (a firewall rule, a broken route) cuts their ' +
  'containers off from each other while both still reach everyone else; upstream Weave carries the ' +
  'traffic through a third peer.';

const UPSTREAM_VIEWS =
  "While the peers' views of the peer graph differ (a second in the model: the time the topology gossip " +
  'takes to reach a peer that is not at either end of the change), each peer computes its routes and ' +
  'broadcast trees from its own view (mesh/routes.go), and they disagree. A peer whose view still has a ' +
  'link relays a broadcast along a tree in which another peer, that already knows better, is reached ' +
  'through it, so the broadcast arrives twice (an ARP request answered twice: arp-no-spurious); and a ' +
  'unicast next hop of one peer points back at the peer that sent the frame, so the frame goes back and ' +
  "forth between the two (loop-free). Weave's forwarded frames carry no hop count " +
  '(router/network_router.go, `relay`): in a real deployment such a frame circulates until the second ' +
  'peer hears of the change, a burst of copies between two hosts some milliseconds long; in the model, ' +
  'where links have no latency and a view changes only when the gossip arrives, it circulates until the ' +
  "run's step bound (quiescent), and the run judges nothing after that.";

const LOST_ANNOUNCEMENT =
  'A gratuitous ARP sent while the way to a peer is broken (its router restarting, the link to it down) is ' +
  'lost for good: nothing announces the container again once the peer is back. A container on that peer ' +
  "that had the IP cached with the previous owner's MAC keeps the entry STALE, and when it next uses it " +
  'holds the wrong MAC through DELAY and a unicast probe (arp-strict) and loses that exchange. The ' +
  'generator hides an IP reuse behind a two-second outage between the new owner and a peer that had the ' +
  'IP cached. In a real deployment: after an IP is recycled during a partial outage or a router restart, ' +
  'the first conversation with it from the far side fails, however much later it comes.';

const STALE_RESPONDERS =
  "H1's and H2's ARP responders are datapath flows, kept up to date by the controller as the directory " +
  "changes (FD-X.2.2). While a host's router is away (its peer left the mesh) the kernel keeps its flows, " +
  'and nobody updates them: a container there that asks for the IP of a container that stopped meanwhile ' +
  'is still answered, with the MAC the flow was installed with (arp-no-spurious), and its frames go to a ' +
  'host where nobody has the IP; one that asks for a container that moved onto its own host is told the ' +
  "MAC of the container's old place (H2: that host's fake MAC), and keeps it: once the fresh router has " +
  'put the flows right, its unicast probe to that MAC is answered by nobody (arp-answered). The fresh ' +
  'router that joins deletes every flow and installs them from the directory as it is. In a real ' +
  'deployment: during a router restart (an upgrade), the ARP answers on that host are as old as the restart.';

const STALE_CONFIRMED =
  'So a peer that asks for the IP again and again while its router is away is told the dead MAC each ' +
  'time: its DELAY and PROBE find nothing wrong, and it keeps sending to a container that is gone for as ' +
  'long as the router stays away (staleness; the generator asks 7 s and 23 s into such an outage, 16 s ' +
  "apart, past a neighbour entry's bound). Linux alone would have given the entry up after one unanswered " +
  'probe. In a real deployment: during a router restart, a container on that host keeps talking to a ' +
  'stopped container, its packets lost, until the restart is over.';

const EXPECTED_FAILURES: readonly ExpectedFailure[] = [
  { config: 'sleeve/proxy-arp', property: 'delivery', world: 'dynamic', why: PROXY_REUSE },
  { config: 'sleeve/proxy-arp', property: 'arp-strict', world: 'dynamic', why: PROXY_REUSE },
  { config: 'sleeve/proxy-arp', property: 'arp-functional', world: 'dynamic', why: PROXY_REUSE },
  {
    config: 'sleeve/proxy-arp',
    property: 'no-black-hole',
    world: 'dynamic',
    why: `${PROXY_REUSE} ${PROXY_GOSSIP} ${STALE_NEIGH_LINGERS}`,
  },
  ...['sleeve/upstream', 'fdp/upstream'].flatMap((config) =>
    ['delivery', 'arp-functional', 'arp-answered', 'broadcast-once'].map((property) => ({
      config,
      property,
      world: 'dynamic' as const,
      why: UPSTREAM_MOVE,
    })),
  ),
  ...['delivery', 'arp-strict', 'arp-functional'].map((property) => ({
    config: 'fdp/h1/',
    property,
    world: 'dynamic' as const,
    why: H1_MOVE,
  })),
  {
    config: 'fdp/h1/',
    property: 'no-black-hole',
    world: 'dynamic',
    why: `${H1_MOVE} ${STALE_NEIGH_LINGERS}`,
  },
  ...['delivery', 'no-black-hole', 'arp-functional'].map((property) => ({
    config: 'fdp/h2/',
    property,
    world: 'dynamic' as const,
    why: H2_GOSSIP,
  })),
  { config: 'sleeve/proxy-arp', property: 'broadcast-once', why: PROXY_BROADCAST },
  ...['sleeve/proxy-arp', 'fdp/h1/'].flatMap((config) =>
    ['delivery', 'no-black-hole', 'arp-answered'].map((property) => ({
      config,
      property,
      why: EXPOSED_UNKNOWN,
      // Pings and ARP between containers must still work there.
      only: /host kernel/,
    })),
  ),
  { config: 'fdp/h1/', property: 'arp-answered', why: H1_ANSWERED },
  { config: 'fdp/h1/', property: 'broadcast-once', why: H1_BROADCAST },
  { config: 'fdp/h2/', property: 'arp-strict', why: H2_STRICT },
  { config: 'fdp/h2/', property: 'broadcast-once', why: H2_BROADCAST },
  { config: 'linux/remote', property: 'delivery', why: LINUX_REMOTE },
  { config: 'linux/remote', property: 'no-black-hole', why: LINUX_REMOTE },
  { config: 'linux/remote', property: 'arp-functional', why: LINUX_REMOTE },
  { config: 'linux/remote', property: 'arp-answered', why: LINUX_REMOTE },
  { config: 'linux/remote', property: 'broadcast-once', why: LINUX_REMOTE },
  { config: 'linux/remote', property: 'arp-strict', world: 'dynamic', why: LINUX_REMOTE_REUSE },
  // H1 and H2 answer ARP on the requester's host and carry no broadcast across hosts anyway: only their
  // unicast needs the link; and H2's ARP for an exposed host, which is in no directory, goes across like
  // any broadcast (H1 answers nobody for it anywhere, EXPOSED_UNKNOWN).
  ...['fdp/h1/', 'fdp/h2/', 'fdp/h3/', 'linux/multicast', 'linux/unicast', 'linux/zero-mac'].flatMap(
    (config) =>
      ['delivery', 'arp-functional']
        .concat(
          config.startsWith('fdp/h1')
            ? []
            : config.startsWith('fdp/h2')
              ? ['arp-answered']
              : ['arp-answered', 'broadcast-once'],
        )
        .map((property) => ({ config, property, world: 'dynamic' as const, why: NO_RELAY })),
  ),
  ...['sleeve/upstream', 'fdp/upstream'].flatMap((config) => [
    ...['loop-free', 'quiescent', 'arp-no-spurious'].map((property) => ({
      config,
      property,
      world: 'dynamic' as const,
      why: UPSTREAM_VIEWS,
    })),
  ]),
  ...['fdp/h1/', 'fdp/h2/'].flatMap((config) =>
    ['arp-no-spurious', 'staleness'].map((property) => ({
      config,
      property,
      world: 'dynamic' as const,
      why: property === 'staleness' ? `${STALE_RESPONDERS} ${STALE_CONFIRMED}` : STALE_RESPONDERS,
    })),
  ),
  // Wherever a gratuitous ARP is what corrects the caches of other hosts.
  ...[
    'sleeve/upstream',
    'fdp/upstream',
    'fdp/h3/',
    'linux/multicast',
    'linux/unicast',
    'linux/zero-mac',
  ].flatMap((config) => [
    { config, property: 'arp-strict', world: 'dynamic' as const, why: LOST_ANNOUNCEMENT },
    {
      config,
      property: 'no-black-hole',
      world: 'dynamic' as const,
      why: `${LOST_ANNOUNCEMENT} ${STALE_NEIGH_LINGERS}`,
    },
  ]),
];
/** `fdp/h1/` names every H1 variant; `linux/remote` names it and its `/no-learning` variant. */
function applies(f: ExpectedFailure, config: string): boolean {
  return f.config.endsWith('/')
    ? config.startsWith(f.config)
    : config === f.config || config.startsWith(`${f.config}/`);
}

/** The expected failure of a cell; a cell that fails for several reasons gives each, in the table's order. */
export function expectedFailure(
  config: string,
  property: string,
  world: World = 'static',
): ExpectedFailure | undefined {
  const all = EXPECTED_FAILURES.filter(
    (f) => f.property === property && applies(f, config) && (f.world ?? world) === world,
  );
  if (all.length <= 1) return all[0];
  // Failing for several reasons, it may fail any way one of them allows.
  const ways = all.map((f) => f.only);
  const only = ways.every((o) => o !== undefined)
    ? new RegExp(ways.map((o) => o.source).join('|'))
    : undefined;
  const { only: _, ...first } = all[0]!;
  return { ...first, why: [...new Set(all.map((f) => f.why))].join(' '), ...(only && { only }) };
}

/** Whether a violation of `property` under `config` with this message is one the table expects. */
export function violationExpected(config: string, property: string, world: World, message: string): boolean {
  const f = expectedFailure(config, property, world);
  return f !== undefined && (f.only === undefined || f.only.test(message));
}

export function expectedVerdict(config: string, property: string, world: World = 'static'): Verdict {
  return expectedFailure(config, property, world) ? 'fails' : 'holds';
}

/** Every (configuration, property, world) of `configs` expected to fail, in configuration, world, then
 *  property order. */
export function expectedFailuresIn(
  configs: readonly string[],
  properties: readonly string[],
  worlds: readonly World[] = WORLDS,
): { config: string; property: string; world: World; why: string }[] {
  return configs.flatMap((config) =>
    worlds.flatMap((world) =>
      properties.flatMap((property) => {
        const f = expectedFailure(config, property, world);
        return f ? [{ config, property, world, why: f.why }] : [];
      }),
    ),
  );
}
