/**
 * A tiny ASCII line builder over one reused byte buffer. Building CSV lines by string concatenation leaves
 * millions of short-lived rope nodes to the garbage collector (measured: more than half the time at 1M rows);
 * writing bytes in place and cutting one flat string per chunk keeps generation allocation-free per row.
 * Only for ASCII text: every value the generators emit is ASCII, so the output is valid UTF-8 as well.
 */
export class AsciiWriter {
  private readonly buf: Buffer;
  private pos = 0;
  private readonly digits = new Uint8Array(24);

  constructor(capacity = 1 << 17) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Bytes written since the last `take`. */
  get length(): number {
    return this.pos;
  }

  /** Room left before the buffer is full. */
  get free(): number {
    return this.buf.length - this.pos;
  }

  /** Append an ASCII string. */
  str(s: string): this {
    const { buf } = this;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
    return this;
  }

  /** Append an integer in plain decimal notation. */
  int(n: number): this {
    const { buf } = this;
    let v = Math.trunc(n);
    if (v < 0) {
      buf[this.pos++] = 45; // '-'
      v = -v;
    }
    if (v < 100) {
      if (v >= 10) buf[this.pos++] = 48 + ((v / 10) | 0);
      buf[this.pos++] = 48 + (v % 10);
      return this;
    }
    const { digits } = this;
    let k = 0;
    while (v > 0) {
      const q = v < 0x7fffffff ? (v / 10) | 0 : Math.floor(v / 10);
      digits[k++] = 48 + (v - q * 10);
      v = q;
    }
    while (k > 0) buf[this.pos++] = digits[--k] ?? 48;
    return this;
  }

  /** Append a non-negative number rounded to two decimals (`12.5` → `12.50`). */
  cents(x: number): this {
    const c = Math.round(x * 100);
    const whole = Math.floor(c / 100);
    const frac = c - whole * 100;
    this.int(whole);
    this.buf[this.pos++] = 46; // '.'
    this.buf[this.pos++] = 48 + Math.floor(frac / 10);
    this.buf[this.pos++] = 48 + (frac % 10);
    return this;
  }

  /** Append a comma. */
  comma(): this {
    this.buf[this.pos++] = 44;
    return this;
  }

  /** End the line with LF. */
  eol(): this {
    this.buf[this.pos++] = 10;
    return this;
  }

  /** Return what was written as one flat string and start over. */
  take(): string {
    const text = this.buf.toString('latin1', 0, this.pos);
    this.pos = 0;
    return text;
  }
}
