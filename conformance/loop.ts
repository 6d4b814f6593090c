/**
 * Loop freedom against the kernel (docs/kernel.md §6). A loop-free topology: after the
 * case's traffic (the announcements are broadcasts), a quiet window in which the underlay counters must
 * not move, and a model run that ends on its own. A deliberately looped topology (the mutant: a veth with
 * both ends on one host's bridge, rate-limited by tbf, always cut by deleting the namespaces under a hard
 * timeout): the kernel's counters keep moving and the model's run is a storm (it hits its step bound).
 */
import type { LinuxConfig } from '../model/config.ts';
import type { Case } from './case.ts';
import { withKernel } from './kernel.ts';
import { runModel } from './model-run.ts';

/** Length of the quiet window (ms). */
export const QUIET_MS = 500;

export interface LoopResult {
  /** Did the model show a loop (a storm that hit the step bound)? */
  modelLoops: boolean;
  /** Underlay frames during the quiet window in the kernel (0 for a loop-free topology). */
  kernelQuietFrames: number;
  kernelLoops: boolean;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function total(counts: Record<string, { sent: number; received: number }>): number {
  return Object.values(counts).reduce((n, c) => n + c.sent + c.received, 0);
}

/** Run the case in both, with an optional loop on `bridgeLoop`'s bridge, and measure the quiet window. */
export function loopCheck(c: Case, config: LinuxConfig, bridgeLoop?: string): LoopResult {
  const modelLoops = runModel(c, config, [], bridgeLoop ? { bridgeLoop } : {}).run.truncated;
  const kernelQuietFrames = withKernel(
    c,
    config,
    (k) => {
      if (bridgeLoop) k.announce();
      else k.run();
      sleep(200);
      const before = total(k.underlayCounters());
      sleep(QUIET_MS);
      return total(k.underlayCounters()) - before;
    },
    bridgeLoop ? { bridgeLoop } : {},
  );
  return { modelLoops, kernelQuietFrames, kernelLoops: kernelQuietFrames > 0 };
}
