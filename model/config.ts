/**
 * The configurations: each seed guess, and what upstream Weave does, as one discriminated union with
 * short stable ids used everywhere (CLI, docs, file names). See docs/seed-flows.md and docs/spec.md.
 */

/** How a vtep finds its peers (FD-X.6): V1 multicast group, V2 unicast list, V3 all-zero-MAC FDB entries. */
export type VtepVariant = 'multicast' | 'unicast' | 'zero-mac';
export const VTEP_VARIANTS: readonly VtepVariant[] = ['multicast', 'unicast', 'zero-mac'];

/** How ARP crosses hosts under FDP (FD-X.2.2): H1 controller upcall, H2 fake MAC, H3 through the vtep. */
export type Hypothesis = 'h1' | 'h2' | 'h3';
export const HYPOTHESES: readonly Hypothesis[] = ['h1', 'h2', 'h3'];

export type SleeveConfig =
  /** The seed's Sleeve: the router answers ARP for remote containers itself (SL-X.2.2.2). */
  | { id: 'sleeve/proxy-arp'; plane: 'sleeve'; arp: 'proxy' }
  /** Upstream Sleeve: ARP is flooded to peers along broadcast trees and the owner answers. */
  | { id: 'sleeve/upstream'; plane: 'sleeve'; arp: 'flood' };

export interface FdpSeedConfig {
  id: string;
  plane: 'fdp';
  hypothesis: Hypothesis;
  vtep: VtepVariant;
  /** VXLAN learning: on in the seed (FD-X.6); off is an option. */
  learning: boolean;
}

/** Upstream FDP: generic miss upcall, missed packet executed at once, per-flow tunnel, no FDB. */
export interface FdpUpstreamConfig {
  id: 'fdp/upstream';
  plane: 'fdp';
  hypothesis: 'upstream';
}

/** How the Linux-native layout's vtep finds its peers: the seed's V1–V3, or one `remote` peer. */
export type LinuxVtep = VtepVariant | 'remote';
export const LINUX_VTEPS: readonly LinuxVtep[] = ['multicast', 'unicast', 'zero-mac', 'remote'];

/**
 * The Linux-native layout the kernel itself can run (docs/conformance.md): no Weave router, no datapath;
 * the vxlan device is a port of the bridge. Used by the differential test against the real kernel, not
 * part of the seed's guesses. `unicast` is written as zero-MAC FDB entries (`remote` for the first peer,
 * `bridge fdb append` for the rest), the only way Linux can list several remotes.
 */
export interface LinuxConfig {
  id: string;
  plane: 'linux';
  vtep: LinuxVtep;
  /** The vxlan device's `learning` (the bridge always learns). */
  learning: boolean;
}

export type Config = SleeveConfig | FdpSeedConfig | FdpUpstreamConfig | LinuxConfig;

/** The id of the seed's Fast Datapath under `hypothesis` and `vtep`, learning on or off. */
export function fdpSeedId(hypothesis: Hypothesis, vtep: VtepVariant, learning: boolean): string {
  return `fdp/${hypothesis}/${vtep}${learning ? '' : '/no-learning'}`;
}

function fdpSeed(hypothesis: Hypothesis, vtep: VtepVariant, learning: boolean): FdpSeedConfig {
  return { id: fdpSeedId(hypothesis, vtep, learning), plane: 'fdp', hypothesis, vtep, learning };
}

function linux(vtep: LinuxVtep, learning: boolean): LinuxConfig {
  return { id: `linux/${vtep}${learning ? '' : '/no-learning'}`, plane: 'linux', vtep, learning };
}

const SLEEVE: SleeveConfig[] = [
  { id: 'sleeve/proxy-arp', plane: 'sleeve', arp: 'proxy' },
  { id: 'sleeve/upstream', plane: 'sleeve', arp: 'flood' },
];
const FDP_SEED = HYPOTHESES.flatMap((h) => VTEP_VARIANTS.map((v) => fdpSeed(h, v, true)));
const FDP_NO_LEARNING = HYPOTHESES.flatMap((h) => VTEP_VARIANTS.map((v) => fdpSeed(h, v, false)));
const FDP_UPSTREAM: FdpUpstreamConfig = { id: 'fdp/upstream', plane: 'fdp', hypothesis: 'upstream' };

/** The Linux-native layout, learning on then off: the kernel conformance configurations. */
export const LINUX_CONFIGS: readonly LinuxConfig[] = [
  ...LINUX_VTEPS.map((v) => linux(v, true)),
  ...LINUX_VTEPS.map((v) => linux(v, false)),
];

/** Every configuration the model runs, in a stable order. */
export const ALL_CONFIGS: readonly Config[] = [
  ...SLEEVE,
  ...FDP_SEED,
  FDP_UPSTREAM,
  ...FDP_NO_LEARNING,
  ...LINUX_CONFIGS,
];

/** The default scope: the seed's guesses as the seed states them (learning on) and upstream (not the
 *  Linux-native layout, which is for kernel conformance). */
export const DEFAULT_CONFIGS: readonly Config[] = [...SLEEVE, ...FDP_SEED, FDP_UPSTREAM];

export const CONFIG_IDS: readonly string[] = ALL_CONFIGS.map((c) => c.id);

export class UnknownConfigError extends Error {
  constructor(readonly id: string) {
    super(`unknown configuration id "${id}"; valid ids: ${CONFIG_IDS.join(', ')}`);
  }
}

export function configById(id: string): Config {
  const config = ALL_CONFIGS.find((c) => c.id === id);
  if (!config) throw new UnknownConfigError(id);
  return config;
}

const HYPOTHESIS_TEXT: Record<Hypothesis, string> = {
  h1: 'H1 (ARP punted to the controller)',
  h2: 'H2 (fake-MAC ARP answers, rewritten by the peer)',
  h3: 'H3 (ARP crosses through the vtep)',
};
const VTEP_TEXT: Record<LinuxVtep, string> = {
  multicast: 'vtep V1, multicast group',
  unicast: 'vtep V2, unicast list',
  'zero-mac': 'vtep V3, all-zero-MAC FDB entries',
  remote: 'vxlan with one `remote` peer',
};

/** One line saying what a configuration models (`weave-spec list`, the README's table). */
export function describeConfig(config: Config): string {
  switch (config.plane) {
    case 'sleeve':
      return config.arp === 'proxy'
        ? 'Sleeve as the seed has it: the router answers ARP for remote containers itself (SL-X.2.2.2)'
        : 'upstream Sleeve: ARP floods to the peers along broadcast trees, and the owner answers';
    case 'fdp':
      if (config.hypothesis === 'upstream')
        return 'upstream Fast Datapath: any miss is upcalled, the missed packet executed at once, the tunnel set per flow';
      return `Fast Datapath, ${HYPOTHESIS_TEXT[config.hypothesis]}; ${VTEP_TEXT[config.vtep]}; VXLAN learning ${config.learning ? 'on' : 'off'}`;
    case 'linux':
      return `Linux bridge and vxlan alone, no Weave router (kernel conformance); ${VTEP_TEXT[config.vtep]}; learning ${config.learning ? 'on' : 'off'}`;
  }
}
