/**
 * Synthetic telecom customer churn: a second binary problem with its own column names, a string row key,
 * a decimal column and an optional numeric column with empty cells (new customers have no total yet).
 */
import type { AsciiWriter } from './ascii';
import { checkOptions, chunkedCsv, type GenerateOptions, type RowWriter } from './csv';
import { Categorical, clamp, Rng, sigmoid } from './random';

/** Columns of the churn file, in order. */
export const CHURN_COLUMNS = [
  'customer_id',
  'region',
  'age',
  'has_partner',
  'has_dependents',
  'tenure_months',
  'contract_type',
  'payment_method',
  'paperless_billing',
  'internet_service',
  'streaming',
  'tech_support',
  'phone_lines',
  'monthly_charges',
  'total_charges',
  'support_calls',
  'churned',
] as const;

/** Options of `generateChurn`. */
export interface ChurnOptions extends GenerateOptions {
  /** Customers to score: another random stream, ids from `firstKey`, and no `churned` column. */
  scoring?: boolean;
  /** Number behind the first customer id `C<n>` (default 10000001, or 50000001 for scoring files). */
  firstKey?: number;
}

/** Columns of a churn scoring file: the training columns without the target. */
export const CHURN_SCORING_COLUMNS = CHURN_COLUMNS.filter((c) => c !== 'churned');

const REGIONS = Categorical.of([
  ['north', 22],
  ['south', 26],
  ['east', 19],
  ['west', 24],
  ['central', 9],
]);
const PAYMENT = Categorical.of([
  ['electronic-check', 34],
  ['mailed-check', 23],
  ['bank-transfer', 22],
  ['credit-card', 21],
]);
const INTERNET = Categorical.of([
  ['fiber', 44],
  ['dsl', 34],
  ['none', 22],
]);
const LINES = new Categorical([1, 2, 3], [60, 30, 10]);

/** Intercept chosen so that about 26% of customers churn (calibrated on 200k rows). */
const INTERCEPT = -1.3;
const HIDDEN_SD = 0.6;
const CONTRACT_EFFECT: Record<string, number> = { 'month-to-month': 1.2, 'one-year': 0, 'two-year': -1.2 };
const INTERNET_EFFECT: Record<string, number> = { fiber: 0.6, dsl: 0, none: -0.5 };
const BASE_CHARGE: Record<string, number> = { fiber: 70, dsl: 45, none: 20 };

/** One synthetic customer; reused across rows. */
class Customer {
  age = 40;
  partner = false;
  dependents = false;
  tenure = 0;
  contract = '';
  payment = '';
  paperless = false;
  internet = '';
  streaming = false;
  techSupport = false;
  lines = 1;
  monthly = 0;
  /** Billed so far; prices drift, so not exactly monthly × tenure. */
  total = 0;
  supportCalls = 0;
}

/** Poisson draw by inversion (small means only). */
function poisson(rng: Rng, mean: number): number {
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  const u = rng.uniform();
  while (u > cdf && k < 30) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** Household and contract: long-standing customers hold longer contracts. */
function drawAccount(rng: Rng, c: Customer): void {
  c.age = clamp(Math.round(45 + 15 * rng.normal()), 18, 85);
  c.partner = rng.chance(0.48);
  c.dependents = rng.chance(c.partner ? 0.5 : 0.1);
  c.tenure = rng.chance(0.35) ? Math.min(72, Math.floor(rng.exponential(10))) : rng.int(1, 72);
  const twoYear = Math.min(0.6, 0.03 + 0.008 * c.tenure);
  const monthToMonth = Math.max(0.1, 0.8 - 0.009 * c.tenure);
  const u = rng.uniform();
  c.contract = u < monthToMonth ? 'month-to-month' : u < monthToMonth + twoYear ? 'two-year' : 'one-year';
  c.payment = PAYMENT.draw(rng);
  c.paperless = rng.chance(0.59);
}

/** Services and what they cost; fiber without tech support brings the most support calls. */
function drawServices(rng: Rng, c: Customer): void {
  c.internet = INTERNET.draw(rng);
  const online = c.internet !== 'none';
  c.streaming = online && rng.chance(0.5);
  c.techSupport = online && rng.chance(0.35);
  c.lines = LINES.draw(rng);
  const charge = (BASE_CHARGE[c.internet] ?? 20) + (c.streaming ? 18 : 0) + (c.techSupport ? 10 : 0);
  c.monthly = Math.max(18.25, charge + 8 * (c.lines - 1) + 4 * rng.normal());
  c.total = c.monthly * c.tenure * (0.92 + 0.16 * rng.uniform());
  const callRate = 0.7 + (c.internet === 'fiber' ? 0.7 : 0) + (online && !c.techSupport ? 0.5 : 0);
  c.supportCalls = Math.min(12, poisson(rng, callRate));
}

function churnLogit(c: Customer): number {
  return (
    INTERCEPT +
    (CONTRACT_EFFECT[c.contract] ?? 0) +
    (INTERNET_EFFECT[c.internet] ?? 0) +
    (c.payment === 'electronic-check' ? 0.5 : 0) -
    0.45 * Math.log1p(c.tenure) +
    0.3 * c.supportCalls +
    0.012 * (c.monthly - 65) +
    (c.paperless ? 0.25 : 0) -
    (c.techSupport ? 0.5 : 0) -
    (c.partner ? 0.2 : 0) -
    (c.dependents ? 0.2 : 0) +
    (c.age >= 65 ? 0.35 : 0)
  );
}

const yesNo = (b: boolean): string => (b ? 'yes,' : 'no,');

function writeLine(out: AsciiWriter, c: Customer, key: number, region: string, churned: string | undefined): void {
  out.str('C').int(key).comma().str(region).comma().int(c.age).comma().str(yesNo(c.partner));
  out.str(yesNo(c.dependents)).int(c.tenure).comma().str(c.contract).comma().str(c.payment).comma();
  out.str(yesNo(c.paperless)).str(c.internet).comma().str(yesNo(c.streaming)).str(yesNo(c.techSupport));
  out.int(c.lines).comma().cents(c.monthly).comma();
  if (c.tenure > 0) out.cents(c.total); // empty for customers in their first month
  out.comma().int(c.supportCalls);
  if (churned !== undefined) out.comma().str(churned);
  out.eol();
}

function churnRows(seed: number, scoring: boolean, firstKey: number): RowWriter {
  const rng = new Rng(seed, scoring ? 0xc5c0 : 0xc4a7);
  const c = new Customer();
  let key = firstKey;
  return (out) => {
    const region = REGIONS.draw(rng);
    drawAccount(rng, c);
    drawServices(rng, c);
    const churns = rng.chance(sigmoid(churnLogit(c) + HIDDEN_SD * rng.normal()));
    writeLine(out, c, key++, region, scoring ? undefined : churns ? 'yes' : 'no');
  };
}

/**
 * Stream a synthetic customer churn CSV (header + `rows` lines, LF, UTF-8 without BOM), identical for the same options.
 * @example await writeDataset(generateChurn({ rows: 5000, seed: 1 }), 'data/sample/churn.csv')
 */
export function generateChurn(options: ChurnOptions): AsyncIterable<string> {
  checkOptions(options);
  const scoring = options.scoring ?? false;
  const firstKey = options.firstKey ?? (scoring ? 50_000_001 : 10_000_001);
  const columns = scoring ? CHURN_SCORING_COLUMNS : CHURN_COLUMNS;
  return chunkedCsv(columns, options.rows, () => churnRows(options.seed, scoring, firstKey));
}
