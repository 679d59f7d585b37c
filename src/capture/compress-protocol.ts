/** Messages between the page and the compression worker. */
export interface CompressRequest {
  id: number;
  blob: Blob;
  maxSide: number;
  targetBytes: number;
}

export type CompressResponse =
  | { id: number; kind: 'progress'; stage: 'decode' | 'resize' | 'encode' }
  | { id: number; kind: 'done'; blob: Blob; width: number; height: number; sharpness: number; brightness: number }
  | { id: number; kind: 'error'; message: string };
