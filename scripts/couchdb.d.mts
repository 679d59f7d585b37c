// Types of scripts/couchdb.mjs for the TypeScript tests and bench that start CouchDB from a kit.
export interface Lane {
  url?: string;
  kit?: string;
  none?: string;
}
export interface CouchNode {
  url: string;
  pid: number;
  dataDir: string;
  stop(): void;
}
export interface CouchCluster {
  urls: string[];
  readonly pids: number[];
  dataDir: string;
  kill(i: number): void;
  restart(): number[];
  stop(): void;
}
export function freePorts(count?: number): Promise<number>;
export function laneTarget(value?: string): Lane;
export function startNode(kit: string): Promise<CouchNode>;
export function startCluster(kit: string, nodes?: number): Promise<CouchCluster>;
