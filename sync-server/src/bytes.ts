/**
 * A zero-copy Uint8Array view of a Buffer. Buffer is a Uint8Array at run time, but when DOM-flavoured test
 * typings are in the same program TypeScript stops treating it as one; a view satisfies both.
 */
export const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
