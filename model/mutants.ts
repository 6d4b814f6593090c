/**
 * Named mutants: deliberately broken variants of the model, switched on only in tests, each showing that
 * some property can fail (the vacuity check). The wiring turns a mutant on through the input of the one
 * machine it breaks.
 */
export const MUTANTS = {
  'bridge-floods-ingress': 'the bridge floods a frame back out of the port it came in on',
  'vtep-refloods': 'the vtep sends frames that came from the underlay back into it',
  'kernel-answers-any-arp': 'the host kernel answers ARP for any IP with its own MAC',
  'proxy-wrong-mac': "the proxy-ARP router answers with another container's MAC",
  'container-never-retries': 'a container sends one ARP request per resolution and never retries',
  'datapath-drops-upcalled': 'the upstream datapath drops the packet it upcalled instead of executing it',
} as const;

export type MutantName = keyof typeof MUTANTS;
export const MUTANT_NAMES = Object.keys(MUTANTS) as MutantName[];

export function isMutant(name: string): name is MutantName {
  return name in MUTANTS;
}
