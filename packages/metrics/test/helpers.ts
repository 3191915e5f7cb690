import { mulberry32 } from '../src/bootstrap';

/** Labels and scores as the metrics expect them. */
export interface Scored {
  labels: Uint8Array;
  scores: Float64Array;
}

export function scored(labels: number[], scores: number[]): Scored {
  return { labels: Uint8Array.from(labels), scores: Float64Array.from(scores) };
}

/**
 * Seeded synthetic classifier output: `n` rows with the given positive rate, score = sigmoid(shift·(2y − 1) + noise).
 * `shift` 0 gives an uninformative model; larger shifts separate the classes.
 */
export function synthetic(n: number, positiveRate: number, shift: number, seed = 1): Scored {
  const random = mulberry32(seed);
  const labels = new Uint8Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = random() < positiveRate ? 1 : 0;
    // Box-Muller normal noise.
    const noise = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    scores[i] = 1 / (1 + Math.exp(-(shift * (2 * labels[i]! - 1) - 1.5 + noise)));
  }
  return { labels, scores };
}
