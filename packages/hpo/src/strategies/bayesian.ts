import { expectedImprovement } from '../acquisition';
import { GaussianProcess } from '../gp';
import { mixSeed, normal, seededRng, type Rng } from '../random';
import type { SearchSpace } from '../space';
import type { HyperparameterSearch, ObjectiveType, Trial } from '../types';
import { sampleUnseen } from './random';

const BAYES_SALT = 0x42415945;
const RANDOM_CANDIDATES = 2048;
/** Local candidates around each of the best few points, so EI can refine near the incumbent. */
const LOCAL_CANDIDATES = 192;
const LOCAL_CENTRES = 3;
const LOCAL_STEPS = [0.02, 0.08];
/** Exploration margin of EI, in standard deviations of the observed objective. */
const XI = 0.01;
const UCB_BETA = 2;

interface Point {
  x: Float64Array;
  y: number;
}

interface Data {
  observed: Point[];
  failed: Float64Array[];
  pending: Float64Array[];
}

export interface BayesianOptions {
  seed: number;
  maxJobs: number;
  objectiveType: ObjectiveType;
  warmStartTrials: readonly Trial[];
}

/**
 * Splits trials: a job still running is pending; a finished job with a finite objective (Completed, or Stopped after
 * reporting one) is an observation; anything else (Failed, or ended without a metric) is a failure.
 */
function collect(space: SearchSpace, trials: readonly Trial[], sign: number): Data {
  const data: Data = { observed: [], failed: [], pending: [] };
  for (const t of trials) {
    const x = space.encode(t.hyperparameters);
    if (!x) continue;
    const hasObjective = typeof t.objective === 'number' && Number.isFinite(t.objective);
    if (t.status === 'InProgress' || t.status === 'Stopping') data.pending.push(x);
    else if (hasObjective && t.status !== 'Failed') data.observed.push({ x, y: sign * (t.objective as number) });
    else data.failed.push(x);
  }
  return data;
}

function standardise(points: Point[]): Point[] {
  const n = points.length;
  const mean = points.reduce((s, p) => s + p.y, 0) / n;
  const variance = points.reduce((s, p) => s + (p.y - mean) ** 2, 0) / n;
  const sd = variance > 1e-24 ? Math.sqrt(variance) : 1;
  return points.map((p) => ({ x: p.x, y: (p.y - mean) / sd }));
}

/**
 * The model to maximise EI over: failures enter as "constant liars" at the worst observed value (so the search
 * moves away from them); pending trials as "kriging believers" at the posterior mean (so parallel proposals differ).
 * Kernel settings are chosen on the real observations only.
 */
function fitModel(data: Data, width: number): { gp: GaussianProcess; best: number } | undefined {
  const observed = standardise(data.observed);
  const xy = (points: Point[]) => [points.map((p) => p.x), points.map((p) => p.y)] as const;
  const selected = GaussianProcess.select(...xy(observed), width);
  if (!selected) return undefined;
  const worst = Math.min(...observed.map((p) => p.y));
  let best = Math.max(...observed.map((p) => p.y));
  let points = [...observed, ...data.failed.map((x) => ({ x, y: worst }))];
  let gp = data.failed.length > 0 ? GaussianProcess.fit(...xy(points), selected.params) : selected;
  if (gp && data.pending.length > 0) {
    const model = gp;
    const believed = data.pending.map((x) => ({ x, y: model.predict(x).mean }));
    best = Math.max(best, ...believed.map((p) => p.y));
    const exactFrom = points.length;
    points = [...points, ...believed];
    gp = GaussianProcess.fit(...xy(points), selected.params, exactFrom);
  }
  return gp ? { gp, best } : undefined;
}

/** Random candidates plus Gaussian steps around the best observations, all snapped to feasible points. */
function candidates(space: SearchSpace, rng: Rng, observed: Point[]): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < RANDOM_CANDIDATES; i++) out.push(space.sampleEncoded(rng));
  const centres = [...observed].sort((a, b) => b.y - a.y).slice(0, LOCAL_CENTRES);
  for (const centre of centres) {
    for (let i = 0; i < LOCAL_CANDIDATES; i++) {
      const step = LOCAL_STEPS[i % LOCAL_STEPS.length] ?? 0.05;
      const u = Float64Array.from(centre.x);
      for (const d of space.dimensions) {
        if (d.kind !== 'categorical') u[d.offset] = (u[d.offset] ?? 0) + step * normal(rng);
        else if (rng() < 0.2) u[d.offset + Math.floor(rng() * d.values.length)] = 2;
      }
      out.push(space.snap(u));
    }
  }
  return out;
}

/**
 * The candidate of highest expected improvement (or upper confidence bound when EI vanishes everywhere), skipping
 * points already tried. Repeats are only possible, hence only checked, when every range is discrete.
 */
function argmaxAcquisition(
  space: SearchSpace,
  pool: Float64Array[],
  seen: ReadonlySet<string>,
  model: { gp: GaussianProcess; best: number },
): Record<string, string> | undefined {
  const finite = Number.isFinite(space.size);
  let [bestEi, bestUcb] = [0, -Infinity];
  let [byEi, byUcb]: (Float64Array | undefined)[] = [undefined, undefined];
  for (const u of pool) {
    if (finite && seen.has(space.key(space.decode(u)))) continue;
    const { mean, sd } = model.gp.predict(u);
    const ei = expectedImprovement(mean, sd, model.best, XI);
    if (ei > bestEi) [bestEi, byEi] = [ei, u];
    const ucb = mean + UCB_BETA * sd;
    if (ucb > bestUcb) [bestUcb, byUcb] = [ucb, u];
  }
  const choice = byEi ?? byUcb;
  return choice && space.decode(choice);
}

/**
 * Bayesian optimisation: a Gaussian process on the encoded space and expected improvement maximised over a few
 * thousand candidates. The first max(2, ranges + 1) trials (warm-start trials included) are random.
 */
export function bayesianSearch(space: SearchSpace, options: BayesianOptions): HyperparameterSearch {
  const { seed, maxJobs, warmStartTrials } = options;
  const sign = options.objectiveType === 'Maximize' ? 1 : -1;
  const initial = Math.max(2, space.dimensions.length + 1);
  return {
    strategy: 'Bayesian',
    maxJobs,
    propose(history: readonly Trial[]) {
      if (history.length >= maxJobs) return undefined;
      const rng = seededRng(mixSeed(seed, history.length, BAYES_SALT));
      const trials = [...warmStartTrials, ...history];
      const seen = new Set(trials.map((t) => space.key(t.hyperparameters)));
      const data = collect(space, trials, sign);
      if (trials.length < initial || data.observed.length < 2) return sampleUnseen(space, rng, seen);
      const model = fitModel(data, space.width);
      const choice = model && argmaxAcquisition(space, candidates(space, rng, data.observed), seen, model);
      return choice ?? sampleUnseen(space, rng, seen);
    },
  };
}
