/**
 * Every machine of the model, by id: the components the wiring places (one per role and variant) and the
 * entries composed into them. What `weave-spec coverage` reports on and what docs/machines/ draws.
 */
import type { AnyStateMachine } from 'xstate';
import { bridgeMachine } from './components/bridge.ts';
import { containerMachine } from './components/container.ts';
import {
  h1ControllerMachine,
  h2ControllerMachine,
  h3ControllerMachine,
  upstreamControllerMachine,
} from './components/controller.ts';
import { datapathMachine } from './components/datapath.ts';
import { ethbrMachine } from './components/ethbr.ts';
import { sleeveProxyArpMachine, sleeveUpstreamMachine } from './components/sleeve-router.ts';
import { underlayMachine } from './components/underlay.ts';
import { vtepMachine } from './components/vtep.ts';
import { flowEntryMachine } from './entries/flow-entry.ts';
import { h1TargetMachine } from './entries/h1-target.ts';
import { macCacheMachine } from './entries/mac-cache.ts';
import { neighbourMachine } from './entries/neighbour.ts';
import { vxlanFdbMachine } from './entries/vxlan-fdb.ts';

export interface ModelMachine {
  machine: AnyStateMachine;
  kind: 'component' | 'entry';
  /** The component whose table the entry lives in. */
  owner?: string;
}

export const MODEL_MACHINES: readonly ModelMachine[] = [
  { machine: containerMachine, kind: 'component' },
  { machine: bridgeMachine, kind: 'component' },
  { machine: ethbrMachine, kind: 'component' },
  { machine: sleeveProxyArpMachine, kind: 'component' },
  { machine: sleeveUpstreamMachine, kind: 'component' },
  { machine: datapathMachine, kind: 'component' },
  { machine: h1ControllerMachine, kind: 'component' },
  { machine: h2ControllerMachine, kind: 'component' },
  { machine: h3ControllerMachine, kind: 'component' },
  { machine: upstreamControllerMachine, kind: 'component' },
  { machine: vtepMachine, kind: 'component' },
  { machine: underlayMachine, kind: 'component' },
  { machine: neighbourMachine, kind: 'entry', owner: 'container' },
  { machine: flowEntryMachine, kind: 'entry', owner: 'datapath' },
  { machine: vxlanFdbMachine, kind: 'entry', owner: 'vtep' },
  { machine: macCacheMachine, kind: 'entry', owner: 'sleeve-upstream, controller-upstream' },
  { machine: h1TargetMachine, kind: 'entry', owner: 'controller-h1' },
];
