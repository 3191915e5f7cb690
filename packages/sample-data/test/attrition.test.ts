import { beforeAll, describe, expect, it } from 'vitest';
import { generateAttrition } from '../src/index';
import { collect, num, parseCsv, rate, sha256, type Table } from './helpers';
import { holdoutAuc } from './logistic';

/** The IBM HR Employee Attrition header, in its order. */
const IBM_COLUMNS = [
  'Age',
  'Attrition',
  'BusinessTravel',
  'DailyRate',
  'Department',
  'DistanceFromHome',
  'Education',
  'EducationField',
  'EmployeeCount',
  'EmployeeNumber',
  'EnvironmentSatisfaction',
  'Gender',
  'HourlyRate',
  'JobInvolvement',
  'JobLevel',
  'JobRole',
  'JobSatisfaction',
  'MaritalStatus',
  'MonthlyIncome',
  'MonthlyRate',
  'NumCompaniesWorked',
  'Over18',
  'OverTime',
  'PercentSalaryHike',
  'PerformanceRating',
  'RelationshipSatisfaction',
  'StandardHours',
  'StockOptionLevel',
  'TotalWorkingYears',
  'TrainingTimesLastYear',
  'WorkLifeBalance',
  'YearsAtCompany',
  'YearsInCurrentRole',
  'YearsSinceLastPromotion',
  'YearsWithCurrManager',
];

const LEVELS: Record<string, string[]> = {
  Attrition: ['Yes', 'No'],
  BusinessTravel: ['Non-Travel', 'Travel_Rarely', 'Travel_Frequently'],
  Department: ['Research & Development', 'Sales', 'Human Resources'],
  EducationField: ['Life Sciences', 'Medical', 'Marketing', 'Technical Degree', 'Other', 'Human Resources'],
  Gender: ['Male', 'Female'],
  MaritalStatus: ['Single', 'Married', 'Divorced'],
  Over18: ['Y'],
  OverTime: ['Yes', 'No'],
  JobRole: [
    'Sales Executive',
    'Research Scientist',
    'Laboratory Technician',
    'Manufacturing Director',
    'Healthcare Representative',
    'Manager',
    'Sales Representative',
    'Research Director',
    'Human Resources',
  ],
};

const ROLES_OF: Record<string, string[]> = {
  'Research & Development': [
    'Research Scientist',
    'Laboratory Technician',
    'Manufacturing Director',
    'Healthcare Representative',
    'Research Director',
    'Manager',
  ],
  Sales: ['Sales Executive', 'Sales Representative', 'Manager'],
  'Human Resources': ['Human Resources', 'Manager'],
};

const RANGES: Record<string, [number, number]> = {
  Age: [18, 60],
  DailyRate: [102, 1499],
  DistanceFromHome: [1, 29],
  Education: [1, 5],
  EmployeeCount: [1, 1],
  EnvironmentSatisfaction: [1, 4],
  HourlyRate: [30, 100],
  JobInvolvement: [1, 4],
  JobLevel: [1, 5],
  JobSatisfaction: [1, 4],
  MonthlyIncome: [1009, 19999],
  MonthlyRate: [2094, 26999],
  NumCompaniesWorked: [0, 9],
  PercentSalaryHike: [11, 25],
  PerformanceRating: [3, 4],
  RelationshipSatisfaction: [1, 4],
  StandardHours: [80, 80],
  StockOptionLevel: [0, 3],
  TotalWorkingYears: [0, 40],
  TrainingTimesLastYear: [0, 6],
  WorkLifeBalance: [1, 4],
  YearsAtCompany: [0, 40],
  YearsInCurrentRole: [0, 18],
  YearsSinceLastPromotion: [0, 15],
  YearsWithCurrManager: [0, 17],
};

/** sha256 of `generateAttrition({ rows: 1470, seed: 7 })`. Update it knowingly when the generator changes. */
const GOLDEN_SHA256 = '78c2badcacc7cfd3d06f0148c30999c97a87636af76f43d2a3c68363a40825bd';

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
function correlation(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  const cov = mean(xs.map((x, i) => (x - mx) * ((ys[i] ?? 0) - my)));
  const sd = (v: number[], m: number): number => Math.sqrt(mean(v.map((x) => (x - m) ** 2)));
  return cov / (sd(xs, mx) * sd(ys, my));
}

describe('generateAttrition', () => {
  let text: string;
  let table: Table;
  beforeAll(async () => {
    text = await collect(generateAttrition({ rows: 5000, seed: 11 }));
    table = parseCsv(text);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    // Act
    const first = sha256(await collect(generateAttrition({ rows: 1470, seed: 7 })));
    const again = sha256(await collect(generateAttrition({ rows: 1470, seed: 7 })));
    const other = sha256(await collect(generateAttrition({ rows: 1470, seed: 8 })));
    // Assess
    expect(again).toBe(first);
    expect(first).toBe(GOLDEN_SHA256);
    expect(other).not.toBe(first);
  });

  it('gives the same text when the same iterable is read twice', async () => {
    const source = generateAttrition({ rows: 300, seed: 3 });
    expect(await collect(source)).toBe(await collect(source));
  });

  it('writes the IBM header, LF line ends, no BOM and the asked number of rows', () => {
    expect(table.header).toEqual(IBM_COLUMNS);
    expect(table.rows).toHaveLength(5000);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text).not.toContain('\r');
  });

  it('keeps every category inside the IBM levels and every integer inside its range', () => {
    for (const [column, levels] of Object.entries(LEVELS)) {
      expect(new Set(table.rows.map((r) => r[column])), column).toEqual(new Set(levels));
    }
    for (const [column, [lo, hi]] of Object.entries(RANGES)) {
      const values = table.rows.map((r) => num(r, column));
      expect(values.every(Number.isInteger), column).toBe(true);
      expect(Math.min(...values), column).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...values), column).toBeLessThanOrEqual(hi);
    }
  });

  it('holds the tenure relationships and the constant columns', () => {
    const broken = table.rows.filter((r) => {
      const atCompany = num(r, 'YearsAtCompany');
      return (
        atCompany > num(r, 'TotalWorkingYears') ||
        num(r, 'YearsInCurrentRole') > atCompany ||
        num(r, 'YearsWithCurrManager') > atCompany ||
        num(r, 'YearsSinceLastPromotion') > atCompany ||
        num(r, 'Age') - num(r, 'TotalWorkingYears') < 18 ||
        num(r, 'PerformanceRating') !== (num(r, 'PercentSalaryHike') >= 20 ? 4 : 3) ||
        r.EmployeeCount !== '1' ||
        r.Over18 !== 'Y' ||
        r.StandardHours !== '80'
      );
    });
    expect(broken).toEqual([]);
  });

  it('ties job level, income, working years and age together', () => {
    const column = (name: string): number[] => table.rows.map((r) => num(r, name));
    const incomeByLevel = [1, 2, 3, 4, 5].map((level) =>
      mean(table.rows.filter((r) => num(r, 'JobLevel') === level).map((r) => num(r, 'MonthlyIncome'))),
    );
    expect(incomeByLevel).toEqual([...incomeByLevel].sort((a, b) => a - b));
    expect(correlation(column('JobLevel'), column('MonthlyIncome'))).toBeGreaterThan(0.9);
    expect(correlation(column('JobLevel'), column('TotalWorkingYears'))).toBeGreaterThan(0.6);
    expect(correlation(column('TotalWorkingYears'), column('Age'))).toBeGreaterThan(0.6);
  });

  it('keeps department, job role and education field consistent', () => {
    const broken = table.rows.filter(
      (r) =>
        !ROLES_OF[r.Department ?? '']?.includes(r.JobRole ?? '') ||
        (r.EducationField === 'Human Resources' && r.Department !== 'Human Resources') ||
        (r.EducationField === 'Marketing' && r.Department === 'Research & Development'),
    );
    expect(broken).toEqual([]);
  });

  it('has unique employee numbers and about 16% leavers', () => {
    expect(new Set(table.rows.map((r) => r.EmployeeNumber)).size).toBe(table.rows.length);
    const positives = rate(table.rows, 'Attrition', 'Yes');
    expect(positives).toBeGreaterThanOrEqual(0.13);
    expect(positives).toBeLessThanOrEqual(0.19);
  });

  it('carries a learnable signal along the documented drivers', () => {
    const leaves = (where: (r: Record<string, string>) => boolean): number =>
      rate(table.rows, 'Attrition', 'Yes', where);
    expect(leaves((r) => r.OverTime === 'Yes')).toBeGreaterThan(1.8 * leaves((r) => r.OverTime === 'No'));
    expect(leaves((r) => r.MaritalStatus === 'Single')).toBeGreaterThan(
      1.5 * leaves((r) => r.MaritalStatus === 'Married'),
    );
    expect(leaves((r) => r.JobLevel === '1')).toBeGreaterThan(1.5 * leaves((r) => r.JobLevel !== '1'));
    expect(leaves((r) => r.JobSatisfaction === '1')).toBeGreaterThan(leaves((r) => r.JobSatisfaction === '4'));
    expect(leaves((r) => num(r, 'Age') < 30)).toBeGreaterThan(leaves((r) => num(r, 'Age') >= 40));
  });

  it('is learnable by a logistic regression, but not trivially', () => {
    const auc = holdoutAuc(table, 'Attrition', 'Yes', ['EmployeeNumber', 'EmployeeCount', 'Over18', 'StandardHours']);
    expect(auc).toBeGreaterThan(0.78);
    expect(auc).toBeLessThan(0.88);
  });
});

describe('generateAttrition for scoring', () => {
  it('drops the target, uses another stream and keys apart from the training file', async () => {
    // Arrange
    const training = parseCsv(await collect(generateAttrition({ rows: 1470, seed: 7 })));
    // Act
    const scoring = parseCsv(await collect(generateAttrition({ rows: 1470, seed: 7, scoring: true })));
    // Assess
    expect(scoring.header).toEqual(IBM_COLUMNS.filter((c) => c !== 'Attrition'));
    const trainingKeys = new Set(training.rows.map((r) => r.EmployeeNumber));
    const scoringKeys = scoring.rows.map((r) => r.EmployeeNumber);
    expect(new Set(scoringKeys).size).toBe(scoringKeys.length);
    expect(scoringKeys.some((k) => trainingKeys.has(k))).toBe(false);
    expect(
      scoring.rows[0]?.Age === training.rows[0]?.Age && scoring.rows[0]?.DailyRate === training.rows[0]?.DailyRate,
    ).toBe(false);
  });

  it('honours firstKey and an empty file', async () => {
    const rows = parseCsv(await collect(generateAttrition({ rows: 3, seed: 1, firstKey: 500 }))).rows;
    expect(rows[0]?.EmployeeNumber).toBe('500');
    expect(await collect(generateAttrition({ rows: 0, seed: 1 }))).toBe(IBM_COLUMNS.join(',') + '\n');
  });

  it('rejects a row count that is not a non-negative integer', () => {
    expect(() => generateAttrition({ rows: -1, seed: 1 })).toThrow(RangeError);
    expect(() => generateAttrition({ rows: 1.5, seed: 1 })).toThrow(RangeError);
  });
});
