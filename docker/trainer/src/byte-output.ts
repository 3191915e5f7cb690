const ZERO = 48;
const latin1 = (text: string): Uint8Array => Buffer.from(text, 'latin1');

/**
 * A growing byte buffer for response bodies. Numbers are written as decimal digits straight into it:
 * turning millions of doubles into strings and joining them costs more than all the scoring.
 */
export class ByteOutput {
  private bytes: Buffer;
  private pos = 0;

  constructor(capacity = 1 << 16) {
    this.bytes = Buffer.allocUnsafe(capacity);
  }

  private ensure(extra: number): void {
    if (this.pos + extra <= this.bytes.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.pos + extra));
    this.bytes.copy(next, 0, 0, this.pos);
    this.bytes = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.bytes[this.pos++] = b;
  }

  /** Bytes prepared once (UTF-8 names, separators). */
  raw(chunk: Uint8Array): void {
    this.ensure(chunk.length);
    this.bytes.set(chunk, this.pos);
    this.pos += chunk.length;
  }

  /**
   * A number with at most 12 decimals, trailing zeros dropped (0.25, -1.5, 3). |x| ≥ 999, |x| < 1e-6 (not 0)
   * and non-finite values are written as JavaScript prints them, to keep their relative precision.
   */
  number(x: number): void {
    const a = x < 0 ? -x : x;
    if (!(a < 999) || (a < 1e-6 && a !== 0)) return this.raw(latin1(String(x)));
    const scaled = Math.round(a * 1e12);
    // Every part below is an integer under 2^31, so the digit arithmetic stays in int32 (no fmod on doubles).
    const whole = (scaled / 1e12) | 0;
    const fraction = scaled - whole * 1e12;
    this.ensure(18);
    if (x < 0 && scaled !== 0) this.bytes[this.pos++] = 45;
    this.whole(whole);
    if (fraction !== 0) this.fraction(fraction);
  }

  /** 0 ≤ n < 1000 in decimal. */
  private whole(n: number): void {
    const b = this.bytes;
    if (n >= 100) b[this.pos++] = ZERO + ((n / 100) | 0);
    if (n >= 10) b[this.pos++] = ZERO + (((n / 10) | 0) % 10);
    b[this.pos++] = ZERO + (n % 10);
  }

  /** '.' and the 12 decimals of 0 < fraction < 1e12, trailing zeros dropped. */
  private fraction(fraction: number): void {
    const b = this.bytes;
    b[this.pos] = 46;
    let hi = (fraction / 1e6) | 0;
    let lo = (fraction - hi * 1e6) | 0;
    for (let k = 6; k >= 1; k--) {
      const q = (hi / 10) | 0;
      b[this.pos + k] = ZERO + hi - q * 10;
      hi = q;
    }
    for (let k = 12; k >= 7; k--) {
      const q = (lo / 10) | 0;
      b[this.pos + k] = ZERO + lo - q * 10;
      lo = q;
    }
    let end = this.pos + 12;
    while (b[end] === ZERO) end--;
    this.pos = end + 1;
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Buffer {
    return this.bytes.subarray(0, this.pos);
  }
}
