/**
 * Time and memory of the ranking and probability metrics on 1,000,000 rows (a plain script, not a test):
 *   pnpm --filter @mlops/metrics bench
 */
import { logLoss, mulberry32, prAuc, rankScores, rocAuc } from '../src';

const rows = Number(process.argv[2] ?? 1_000_000);
const random = mulberry32(1);
const labels = new Uint8Array(rows);
const scores = new Float64Array(rows);
for (let i = 0; i < rows; i++) {
  labels[i] = random() < 0.16 ? 1 : 0;
  scores[i] = 1 / (1 + Math.exp(-(labels[i]! * 1.5 - 2 + 2 * (random() - 0.5))));
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const before = process.memoryUsage();
const time = <T>(label: string, f: () => T): T => {
  const start = performance.now();
  const result = f();
  console.log(`${label.padEnd(28)} ${(performance.now() - start).toFixed(1).padStart(8)} ms`);
  return result;
};

const total = performance.now();
const ranking = time('rankScores (sort once)', () => rankScores(labels, scores));
const auc = time('rocAuc', () => rocAuc(labels, scores, ranking));
const ap = time('prAuc', () => prAuc(labels, scores, ranking));
const loss = time('logLoss', () => logLoss(labels, scores));
console.log(`${'total'.padEnd(28)} ${(performance.now() - total).toFixed(1).padStart(8)} ms`);
time('rocAuc without a shared sort', () => rocAuc(labels, scores));

const after = process.memoryUsage();
console.log(`rows=${rows} roc_auc=${auc.toFixed(6)} pr_auc=${ap.toFixed(6)} log_loss=${loss.toFixed(6)}`);
console.log(
  `rss ${mib(after.rss)} (before metrics ${mib(before.rss)}), input arrays ${mib(labels.byteLength + scores.byteLength)}`,
);
