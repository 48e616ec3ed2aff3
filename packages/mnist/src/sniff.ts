// What a dataset file's first bytes say it is: gzip or the IDX header of its role, or else an HTML page, JSON, XML or
// plain text (a mirror's error page, a captive portal). Pure functions of bytes; cache.ts and download.ts do the I/O.

import type { MnistRole } from './descriptors.js';
import { isGzip } from './idx.js';

/** The IDX header an MNIST-layout file starts with: ubyte (08), 3 dimensions for images, 1 for labels. */
const IDX_HEADER: Record<MnistRole, readonly number[]> = {
  trainImages: [0, 0, 0x08, 3],
  testImages: [0, 0, 0x08, 3],
  trainLabels: [0, 0, 0x08, 1],
  testLabels: [0, 0, 0x08, 1],
};

/** Bytes to read before judging (a decision needs 4; the kind of a wrong body is clearer with a few more). */
export const SNIFF_BYTES = 64;

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

/** True when `head` (at least 4 bytes) is gzip or starts with the IDX header of `role`. */
export function startsLikeRole(head: Uint8Array, role: MnistRole): boolean {
  return isGzip(head) || (head.length >= 4 && IDX_HEADER[role].every((b, i) => head[i] === b));
}

/** 'an HTML page', 'JSON', 'an XML document' or 'plain text' when the bytes (or the HTTP content type) say so. */
export function textKind(head: Uint8Array, contentType = ''): string | null {
  const type = contentType.toLowerCase();
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(head.subarray(0, SNIFF_BYTES))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (type.includes('html') || /^<(!doctype html|html|head|body|!--)/.test(text)) return 'an HTML page';
  if (type.includes('json') || /^[{[]/.test(text)) return 'JSON';
  if (type.includes('xml') || text.startsWith('<')) return 'an XML document';
  const printable = head.length > 0 && head.subarray(0, SNIFF_BYTES).every((b) => b === 9 || b === 10 || b === 13 || (b >= 0x20 && b !== 0x7f));
  if (type.startsWith('text/') || printable) return 'plain text';
  return null;
}

/**
 * Why a file that starts with `head` cannot be the `role` file, or null when it starts like one (gzip, or its IDX
 * header). Names what it is instead when it can tell (an HTML page, JSON, …).
 */
export function contentProblem(head: Uint8Array, role: MnistRole): string | null {
  if (startsLikeRole(head, role)) return null;
  const first = head.subarray(0, 4);
  const text = Array.from(first, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  const want = IDX_HEADER[role];
  const kind = want[3] === 3 ? 'images' : 'labels';
  const what = textKind(head);
  return `starts with ${hex(first) || 'nothing'}${first.length ? ` (${JSON.stringify(text)})` : ''}, which is neither gzip (1f 8b) nor an IDX ${kind} header (${hex(Uint8Array.from(want))}); ${what ? `it is ${what}, not the dataset file` : 'it looks like an error page or another file'}`;
}

/**
 * Judges a download's body from its start: once SNIFF_BYTES have arrived (or the body ends), a body that is neither
 * gzip nor the role's IDX header is named as what it is ("the mirror answered with an HTML page, not <name>").
 */
export class BodySniffer {
  private head = new Uint8Array(0);
  private done = false;
  constructor(
    private readonly name: string,
    private readonly role: MnistRole,
    private readonly contentType: string,
  ) {}

  /** Feed the next chunk (`ended`: the body is over). Why the body is not the file, once it can tell; else null. */
  take(chunk: Uint8Array, ended: boolean): string | null {
    if (this.done) return null;
    const joined = new Uint8Array(Math.min(this.head.length + chunk.length, SNIFF_BYTES));
    joined.set(this.head);
    joined.set(chunk.subarray(0, joined.length - this.head.length), this.head.length);
    this.head = joined;
    if (this.head.length < SNIFF_BYTES && !ended) return null;
    this.done = true;
    if (this.head.length >= 4 && startsLikeRole(this.head, this.role)) return null;
    const kind = textKind(this.head, this.contentType);
    const what = kind ?? (this.head.length === 0 ? 'an empty body' : `bytes that are neither gzip nor IDX (${hex(this.head.subarray(0, 4))})`);
    return `the mirror answered with ${what}, not ${this.name}`;
  }
}
