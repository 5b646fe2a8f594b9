/**
 * One byte range of a `Range: bytes=…` header (RFC 9110 §14), for seeking in audio and video.
 * Several ranges, or anything malformed, are treated as no range at all (the whole file),
 * which the RFC allows.
 */
export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

const SINGLE = /^bytes=(\d{0,15})-(\d{0,15})$/;

/** The range asked for in a file of `size` bytes; null for none, 'unsatisfiable' when it lies outside. */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header || !Number.isFinite(size)) return null;
  const match = SINGLE.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** Passes on only the bytes of `range` from a stream of the whole file. */
export async function* sliceStream(source: AsyncIterable<Buffer>, range: ByteRange): AsyncGenerator<Buffer> {
  let offset = 0;
  for await (const chunk of source) {
    const from = Math.max(0, range.start - offset);
    const to = Math.min(chunk.length, range.end + 1 - offset);
    if (to > from) yield chunk.subarray(from, to);
    offset += chunk.length;
    if (offset > range.end) return;
  }
}
