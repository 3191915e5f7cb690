/** Coefficients of Numerical Recipes' erfcc, lowest power first. */
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];

/** Complementary error function with relative error below 1.2e-7 everywhere (Numerical Recipes' erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = ERFC.reduceRight((acc, c) => c + t * acc, 0);
  const r = t * Math.exp(-z * z + poly);
  return x >= 0 ? r : 2 - r;
}

/** Standard normal cumulative distribution. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Expected improvement over `best` of a normal posterior (maximisation), with an exploration margin `xi`.
 * Never NaN: a zero standard deviation gives the plain improvement.
 *
 * @example
 * expectedImprovement(1.2, 0.3, 1.0) // > 0.2
 */
export function expectedImprovement(mean: number, sd: number, best: number, xi = 0): number {
  const gain = mean - best - xi;
  if (!(sd > 1e-12)) return Math.max(gain, 0);
  const z = gain / sd;
  const ei = gain * normalCdf(z) + sd * normalPdf(z);
  return Number.isFinite(ei) ? Math.max(ei, 0) : 0;
}
