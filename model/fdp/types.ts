/**
 * What the Fast Datapath controller (the Weave Router as the datapath's controller) is configured with and
 * keeps, shared by its per-hypothesis helpers in `model/fdp/` and the machine in
 * `model/components/controller.ts`.
 */
import type { Ip, Mac } from '../addresses.ts';
import type { Directory } from '../directory.ts';
import type { MacTable } from '../mac-table.ts';
import type { MeshRoutes } from '../routing.ts';
import type { MacCache } from '../weave-router.ts';

/** The control plane the seed's controller answers from (`model/directory.ts`). */
export type FdpDirectory = Directory;

export interface FdpHost {
  /** Underlay address: upstream's outer destination for that host. */
  address: Ip;
  /** H2: the fake MAC the datapaths answer with for that host's IPs (one per host). */
  fakeMac?: Mac;
}

export type FdpHypothesis = 'h1' | 'h2' | 'h3' | 'upstream';

export interface ControllerInput {
  host: string;
  address: Ip;
  hypothesis: FdpHypothesis;
  /** The overlay VNI of the seed's vtep; informational here (the vtep sets it). Upstream packs the
   *  (source, destination) short peer ids into the VNI instead (`model/fdp/vni.ts`). */
  vni: number;
  directory: FdpDirectory;
  /** Every host, this one included. */
  hosts: Record<string, FdpHost>;
  /** Upstream: mesh routes of this peer (`model/routing.ts`). */
  routes: MeshRoutes;
  /** Upstream: MAC cache ageing; default 10 min as upstream. */
  macAgeMs?: number;
}

/** Upstream fastdp's own bridge table `sendToMAC` (`router/fastdp.go:47-54`): MAC -> bridge port. */
export interface PortEntry {
  /** `bridge` (the vethwe-datapath vport) or `router` (the pseudo-port of the Weave Router). */
  port: 'bridge' | 'router';
  /** Virtual ms the MAC was learned; entries are not refreshed (upstream only learns absent MACs). */
  seen: number;
}

export interface ControllerContext extends Required<ControllerInput> {
  /** Upstream: the router's MAC cache (`model/weave-router.ts`). */
  macs: MacCache;
  /** Upstream: fastdp's MAC -> port table. */
  sendToMac: MacTable<PortEntry>;
  /** Upstream: every peer's short id (`model/fdp/vni.ts`), fixed for the run; empty for H1, H2, H3. */
  shortIds: Record<string, number>;
  /** H1: the state of each target IP a request was punted for (`model/entries/h1-target.ts`). */
  h1Targets: Record<Ip, unknown>;
}
