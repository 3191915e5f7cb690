export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

export interface SplitRatios {
  train: number;
  validation: number;
  test: number;
  salt: string;
}

const encoder = new TextEncoder();

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `text`, followed by murmur3's fmix32 finaliser so that keys
 * differing only in their last character (1, 2, 3, ...) still land far apart.
 * @example stableHash32('attrition-v1:1001') // same number on every machine and every run
 */
export function stableHash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return finalize(fnvBytes(h, encoder.encode(text.slice(i))));
    h = Math.imul(h ^ c, 0x01000193);
  }
  return finalize(h);
}

function fnvBytes(seed: number, bytes: Uint8Array): number {
  let h = seed;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h;
}

function finalize(input: number): number {
  let h = input;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A row key's position in [0, 1): depends only on the salt and the key, so a row keeps its split across retrains. */
export function splitPosition(rowKey: string, salt: string): number {
  return stableHash32(`${salt}:${rowKey}`) / 4294967296;
}

/**
 * The split a row belongs to: train for positions below `train`, validation up to `train + validation`, test above.
 * @example assignSplit('1001', { train: 0.7, validation: 0.15, test: 0.15, salt: 'attrition-v1' })
 */
export function assignSplit(rowKey: string, ratios: SplitRatios): SplitName {
  const u = splitPosition(rowKey, ratios.salt);
  if (u < ratios.train) return 'train';
  return u < ratios.train + ratios.validation ? 'validation' : 'test';
}
