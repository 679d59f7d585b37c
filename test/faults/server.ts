/**
 * The fault suite's server: the shared test server (killable with `kill -9`, restartable on the same port and
 * data), always on the embedded store unless the run names another (the cluster run passes its nodes).
 */
import { exited, startServer, type RunningServer } from '../e2e/support/server';

export type FaultServer = RunningServer;
export { exited };

export function startFaultServer(env: Record<string, string> = {}): Promise<FaultServer> {
  return startServer(env, { store: 'embedded', tmpPrefix: 'lxe-faults-' });
}
