/**
 * The live camera (getUserMedia): the rear camera when there is one, a frame grabbed as a JPEG that then goes
 * through the same capture path (type check, compression in the worker, quality warnings, hash) as a picked file.
 */

/** Why the live camera cannot be used; the UI then points to the file input (which opens the camera on phones). */
export type CameraProblem = 'unsupported' | 'denied' | 'notFound' | 'failed';

export function cameraSupported(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

/** The browser's refusal as one of our problems. */
export function cameraProblemOf(e: unknown): CameraProblem {
  const name = (e as { name?: string } | undefined)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'notFound';
  return 'failed';
}

/** Rear camera preferred (`facingMode: environment`), at a size that keeps A4 text readable. */
export const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: { facingMode: { ideal: 'environment' }, width: { ideal: 1920 }, height: { ideal: 1440 } },
};

export async function openCamera(): Promise<MediaStream> {
  if (!cameraSupported()) throw Object.assign(new Error('getUserMedia is not available'), { name: 'NotSupportedError' });
  return navigator.mediaDevices.getUserMedia(CAMERA_CONSTRAINTS);
}

export function stopCamera(stream: MediaStream | null | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** The video's current frame as a JPEG file (the capture path compresses it further). */
export async function grabFrame(video: HTMLVideoElement, now = new Date()): Promise<File> {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (!width || !height) throw new Error('the camera has no picture yet');
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) throw new Error('no 2d canvas');
  g.drawImage(video, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
  if (!blob) throw new Error('the frame could not be encoded');
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return new File([blob], `camera-${stamp}.jpg`, { type: 'image/jpeg' });
}
