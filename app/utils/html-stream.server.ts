import { Transform, type TransformCallback } from "node:stream";

/**
 * React 18.3's Node renderer (`renderToPipeableStream`) flushes its whole 2 KB buffer when a
 * string does not fit: if a 3-byte character (all of Chinese) was what did not fit, the unused
 * bytes at the end of the buffer go out as NUL bytes, and browsers show them as "��" in the
 * middle of the text (react-dom-server.node `writeStringChunk`; fixed in React 19). UTF-8 text
 * never contains a 0x00 byte and HTML has no use for one, so dropping them restores the page.
 */
export class StripNulBytes extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.indexOf(0) === -1) {
      callback(null, chunk);
      return;
    }
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (const byte of chunk) if (byte !== 0) out[n++] = byte;
    callback(null, out.subarray(0, n));
  }
}
