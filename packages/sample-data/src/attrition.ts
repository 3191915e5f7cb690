/**
 * Synthetic HR attrition data shaped like the IBM HR Employee Attrition file: same 35 columns, types and levels,
 * similar marginals, consistent relationships, and a target driven by a noisy logistic model.
 */
import {
  ATTRITION_COLUMNS,
  BUSINESS_TRAVEL,
  CAREER_BY_LEVEL,
  DEPARTMENTS,
  EDUCATION,
  ENVIRONMENT_SATISFACTION,
  FIELDS_BY_DEPARTMENT,
  JOB_INVOLVEMENT,
  JOB_SATISFACTION,
  LEVEL_BY_ROLE,
  NUM_COMPANIES,
  RELATIONSHIP_SATISFACTION,
  ROLES_BY_DEPARTMENT,
  STOCK_BY_MARITAL,
  TRAINING_TIMES,
  WORK_LIFE_BALANCE,
  type Department,
} from './attrition-tables';
import type { AsciiWriter } from './ascii';
import { checkOptions, chunkedCsv, type GenerateOptions, type RowWriter } from './csv';
import { clamp, Rng, sigmoid } from './random';

export { ATTRITION_COLUMNS } from './attrition-tables';

/** Options of `generateAttrition`. */
export interface AttritionOptions extends GenerateOptions {
  /** Current employees to score: another random stream, keys from `firstKey`, and no `Attrition` column. */
  scoring?: boolean;
  /** First EmployeeNumber (default 1, or 100001 for scoring files). Keys increase with small random gaps. */
  firstKey?: number;
}

/** Columns of a scoring file: the training columns without the target. */
export const ATTRITION_SCORING_COLUMNS = ATTRITION_COLUMNS.filter((c) => c !== 'Attrition');

/** Intercept chosen so that about 16% of employees leave (calibrated on 200k rows). */
const INTERCEPT = -3.4;
/** Spread of the unobserved part of the leaving propensity: keeps the problem learnable but far from separable. */
const HIDDEN_SD = 0.9;

const ROLE_EFFECT: Record<string, number> = {
  'Sales Representative': 0.6,
  'Laboratory Technician': 0.3,
  'Human Resources': 0.3,
  'Research Director': -0.5,
  Manager: -0.3,
};
const TRAVEL_EFFECT: Record<string, number> = { Travel_Frequently: 0.9, Travel_Rarely: 0.4, 'Non-Travel': 0 };
const MARITAL_EFFECT: Record<string, number> = { Single: 0.8, Married: 0, Divorced: -0.1 };

/** One synthetic employee; reused across rows so that generation allocates almost nothing. */
class Employee {
  key = 0;
  department: Department = 'Sales';
  role = '';
  field = '';
  jobLevel = 1;
  education = 3;
  totalYears = 0;
  age = 18;
  income = 0;
  companies = 0;
  yearsAtCompany = 0;
  yearsInRole = 0;
  yearsWithManager = 0;
  yearsSincePromotion = 0;
  gender = '';
  marital = '';
  stock = 0;
  travel = '';
  overTime = false;
  distance = 1;
  envSat = 3;
  jobSat = 3;
  relSat = 3;
  involvement = 3;
  workLife = 3;
  training = 3;
  hike = 11;
  performance = 3;
}

function drawJob(rng: Rng, e: Employee): void {
  e.department = DEPARTMENTS.draw(rng);
  e.role = ROLES_BY_DEPARTMENT[e.department].draw(rng);
  e.field = FIELDS_BY_DEPARTMENT[e.department].draw(rng);
  e.jobLevel = LEVEL_BY_ROLE[e.role]?.draw(rng) ?? 1;
  e.education = EDUCATION.draw(rng);
}

/** Level → total working years → age and income; then company tenure nested inside the career. */
function drawCareer(rng: Rng, e: Employee): void {
  const { years, income } = CAREER_BY_LEVEL[e.jobLevel - 1] ?? CAREER_BY_LEVEL[0];
  e.totalYears = clamp(Math.round(years.mean + years.sd * rng.normal()), years.min, 40);
  const headroom = 42 - e.totalYears; // nobody older than 60 or working before 18
  const extra = Math.floor(rng.exponential(8.5));
  e.age = 18 + e.totalYears + (extra <= headroom ? extra : rng.int(0, headroom));
  const pay = income.base + income.perYear * e.totalYears + income.sd * rng.normal();
  e.income = clamp(Math.round(pay), income.min, income.max);
  e.companies = Math.min(NUM_COMPANIES.draw(rng), 1 + e.totalYears);
  const loyal = e.companies === 1 && rng.chance(0.9);
  e.yearsAtCompany = loyal ? e.totalYears : Math.floor(e.totalYears * rng.uniform() * 1.05);
  e.yearsAtCompany = Math.min(e.yearsAtCompany, e.totalYears);
  const settled = e.yearsAtCompany > 10 ? 10 + 0.4 * (e.yearsAtCompany - 10) : e.yearsAtCompany; // roles change
  e.yearsInRole = Math.min(18, Math.floor(settled * (0.3 + 0.7 * rng.uniform())));
  const manager = Math.round(e.yearsInRole + 1.5 * rng.normal());
  e.yearsWithManager = clamp(manager, 0, Math.min(17, e.yearsAtCompany));
  const promotion = Math.floor(rng.exponential(0.6 + 0.5 * e.yearsInRole));
  e.yearsSincePromotion = Math.min(promotion, 15, e.yearsAtCompany);
}

/** Personal situation: marital status leans on age, stock options on marital status. */
function drawPersonal(rng: Rng, e: Employee): void {
  e.gender = rng.chance(0.6) ? 'Male' : 'Female';
  const single = e.age < 28 ? 0.55 : e.age < 40 ? 0.32 : 0.2;
  const divorced = e.age < 28 ? 0.1 : e.age < 40 ? 0.22 : 0.3;
  const u = rng.uniform();
  e.marital = u < single ? 'Single' : u < single + divorced ? 'Divorced' : 'Married';
  e.stock = STOCK_BY_MARITAL[e.marital]?.draw(rng) ?? 0;
  const distance = 1 + Math.floor(rng.exponential(9));
  e.distance = distance <= 29 ? distance : rng.int(15, 29);
}

function drawWork(rng: Rng, e: Employee): void {
  e.travel = BUSINESS_TRAVEL.draw(rng);
  e.overTime = rng.chance(0.28);
  e.envSat = ENVIRONMENT_SATISFACTION.draw(rng);
  e.jobSat = JOB_SATISFACTION.draw(rng);
  e.relSat = RELATIONSHIP_SATISFACTION.draw(rng);
  e.involvement = JOB_INVOLVEMENT.draw(rng);
  e.workLife = WORK_LIFE_BALANCE.draw(rng);
  e.training = TRAINING_TIMES.draw(rng);
  e.hike = Math.min(25, 11 + Math.floor(rng.exponential(4.3)));
  e.performance = e.hike >= 20 ? 4 : 3;
}

/** Log-odds of leaving, before the hidden noise. */
function attritionLogit(e: Readonly<Employee>): number {
  return (
    INTERCEPT +
    (e.overTime ? 1.5 : 0) +
    (MARITAL_EFFECT[e.marital] ?? 0) +
    (TRAVEL_EFFECT[e.travel] ?? 0) +
    (ROLE_EFFECT[e.role] ?? 0) +
    (e.department === 'Sales' ? 0.35 : 0) +
    (e.jobLevel === 1 ? 0.5 : 0) -
    0.7 * Math.log(e.income / 5000) +
    (e.stock === 0 ? 0.5 : 0) -
    0.35 * (e.jobSat - 2.5) -
    0.35 * (e.envSat - 2.5) -
    0.5 * (e.involvement - 2.5) -
    0.4 * (e.workLife - 2.5) -
    0.15 * (e.relSat - 2.5) -
    0.03 * (e.age - 37) -
    0.35 * Math.log1p(e.yearsAtCompany) +
    0.035 * (e.distance - 9) +
    0.08 * (e.companies - 2.5) -
    0.08 * (e.training - 2.8) -
    0.04 * (e.yearsWithManager - 4) +
    0.06 * (e.yearsSincePromotion - 2) +
    (e.gender === 'Male' ? 0.1 : 0)
  );
}

/** One CSV row, in `ATTRITION_COLUMNS` order; the three pay rates are independent noise, as in the IBM file. */
function writeLine(out: AsciiWriter, e: Employee, rng: Rng, attrition: string | undefined): void {
  out.int(e.age).comma();
  if (attrition !== undefined) out.str(attrition).comma();
  out.str(e.travel).comma().int(rng.int(102, 1499)).comma().str(e.department).comma().int(e.distance).comma();
  out.int(e.education).comma().str(e.field).comma().str('1,').int(e.key).comma().int(e.envSat).comma();
  out.str(e.gender).comma().int(rng.int(30, 100)).comma().int(e.involvement).comma().int(e.jobLevel).comma();
  out.str(e.role).comma().int(e.jobSat).comma().str(e.marital).comma().int(e.income).comma();
  const overTime = e.overTime ? 'Y,Yes,' : 'Y,No,'; // with the constant Over18 before it
  out.int(rng.int(2094, 26999)).comma().int(e.companies).comma().str(overTime);
  out.int(e.hike).comma().int(e.performance).comma().int(e.relSat).comma().str('80,').int(e.stock).comma();
  out.int(e.totalYears).comma().int(e.training).comma().int(e.workLife).comma().int(e.yearsAtCompany).comma();
  out.int(e.yearsInRole).comma().int(e.yearsSincePromotion).comma().int(e.yearsWithManager).eol();
}

/** A row writer: each call appends the next CSV line of the stream. */
function attritionRows(seed: number, scoring: boolean, firstKey: number): RowWriter {
  const rng = new Rng(seed, scoring ? 0x5c0 : 0xa77);
  const e = new Employee();
  let key = firstKey;
  return (out) => {
    e.key = key;
    key += rng.chance(0.4) ? 2 : 1; // gaps, as in a real HR extract
    drawJob(rng, e);
    drawCareer(rng, e);
    drawPersonal(rng, e);
    drawWork(rng, e);
    const leaves = rng.chance(sigmoid(attritionLogit(e) + HIDDEN_SD * rng.normal()));
    writeLine(out, e, rng, scoring ? undefined : leaves ? 'Yes' : 'No');
  };
}

/**
 * Stream a synthetic HR attrition CSV (header + `rows` lines, LF, UTF-8 without BOM), identical for the same options.
 * @example for await (const chunk of generateAttrition({ rows: 1470, seed: 7 })) process.stdout.write(chunk);
 */
export function generateAttrition(options: AttritionOptions): AsyncIterable<string> {
  checkOptions(options);
  const scoring = options.scoring ?? false;
  const firstKey = options.firstKey ?? (scoring ? 100_001 : 1);
  const columns = scoring ? ATTRITION_SCORING_COLUMNS : ATTRITION_COLUMNS;
  return chunkedCsv(columns, options.rows, () => attritionRows(options.seed, scoring, firstKey));
}
