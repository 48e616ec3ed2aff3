// Tests for telling a dataset file from what a mirror may send instead: kinds of text, and the streaming judge.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeIdx } from './idx.js';
import { BodySniffer, SNIFF_BYTES, contentProblem, textKind } from './sniff.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('textKind', () => {
  it('names HTML, JSON, XML and plain text from the bytes, or from the content type', () => {
    expect(textKind(text('\uFEFF  <!doctype HTML><html>'))).toBe('an HTML page');
    expect(textKind(text('<html><body>moved</body>'))).toBe('an HTML page');
    expect(textKind(text(' {"error": "NoSuchKey"}'))).toBe('JSON');
    expect(textKind(text('<?xml version="1.0"?><Error>'))).toBe('an XML document');
    expect(textKind(text('Access denied\n'))).toBe('plain text');
    expect(textKind(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 1, 2))).toBeNull();
    expect(textKind(Uint8Array.of(0x89, 0x50, 0x4e, 0x47), 'text/html; charset=utf-8')).toBe('an HTML page');
    expect(textKind(Uint8Array.of(0x89, 0x50), 'application/problem+json')).toBe('JSON');
  });
});

describe('BodySniffer', () => {
  const feed = (sniffer: BodySniffer, chunks: Uint8Array[]) => {
    const said: (string | null)[] = [];
    chunks.forEach((c, i) => said.push(sniffer.take(c, i === chunks.length - 1)));
    return said;
  };

  it('accepts gzip and the role IDX header whatever the content type says', () => {
    const gz = gzipSync(writeIdx({ dims: [3], data: Uint8Array.of(1, 2, 3) }));
    expect(feed(new BodySniffer('f.gz', 'trainLabels', 'text/html'), [gz])).toEqual([null]);
    const idx = writeIdx({ dims: [20, 2, 2], data: new Uint8Array(80) });
    expect(feed(new BodySniffer('f', 'testImages', ''), [idx.subarray(0, 3), idx.subarray(3)])).toEqual([null, null]);
  });

  it('waits for enough bytes across chunks, judges once, and names what it got', () => {
    const page = text('<!DOCTYPE html>\n<html><head><title>Not here</title></head><body>Gone.</body></html>');
    expect(page.length).toBeGreaterThan(SNIFF_BYTES);
    const s = new BodySniffer('x.gz', 'trainImages', '');
    expect(s.take(page.subarray(0, 2), false)).toBeNull();
    expect(s.take(page.subarray(2), false)).toBe('the mirror answered with an HTML page, not x.gz');
    expect(s.take(page, true)).toBeNull();
    expect(feed(new BodySniffer('x.gz', 'trainImages', ''), [new Uint8Array(0)])).toEqual(['the mirror answered with an empty body, not x.gz']);
    expect(feed(new BodySniffer('x.gz', 'trainImages', ''), [Uint8Array.of(0x50, 0x4b, 3, 4, 0)])).toEqual([
      'the mirror answered with bytes that are neither gzip nor IDX (50 4b 03 04), not x.gz',
    ]);
    // IDX of the other role is not this file either.
    expect(contentProblem(writeIdx({ dims: [2], data: new Uint8Array(2) }), 'trainImages')).toMatch(/^starts with 00 00 08 01/);
  });
});
