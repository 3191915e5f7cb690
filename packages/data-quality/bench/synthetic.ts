import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mulberry32 } from '@mlops/core';
import { ATTRITION_COLUMNS } from '@mlops/sample-data';

/** Categorical columns of the attrition sample and the values the generator draws from. */
const CATEGORIES: Record<string, string[]> = {
  Attrition: ['Yes', 'No', 'No', 'No', 'No', 'No'],
  BusinessTravel: ['Non-Travel', 'Travel_Rarely', 'Travel_Frequently'],
  Department: ['Sales', 'Research & Development', 'Human Resources'],
  EducationField: ['Life Sciences', 'Medical', 'Marketing', 'Technical Degree', 'Other', 'Human Resources'],
  Gender: ['Female', 'Male'],
  JobRole: ['Sales Executive', 'Research Scientist', 'Laboratory Technician', 'Manager', 'Sales Representative'],
  MaritalStatus: ['Single', 'Married', 'Divorced'],
  Over18: ['Y'],
  OverTime: ['Yes', 'No'],
};

/** Integer columns as [min, max] ranges (inclusive). */
const INTEGERS: Record<string, [number, number]> = {
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

/** The 35 columns of the attrition sample, in the order of the original file (one list: @mlops/sample-data's). */
export { ATTRITION_COLUMNS };


function cell(column: string, row: number, random: () => number): string {
  if (column === 'EmployeeNumber') return String(row + 1);
  const choices = CATEGORIES[column];
  if (choices) {
    const value = choices[Math.floor(random() * choices.length)] ?? '';
    return value.includes(',') ? `"${value}"` : value;
  }
  const [min, max] = INTEGERS[column] ?? [0, 0];
  return String(min + Math.floor(random() * (max - min + 1)));
}

/**
 * Write `rows` synthetic attrition-shaped rows (header first, CRLF, BOM) to `path`.
 * @example await writeSyntheticAttritionCsv('/tmp/big.csv', 1_000_000)
 */
export async function writeSyntheticAttritionCsv(path: string, rows: number, seed = 42): Promise<void> {
  const random = mulberry32(seed);
  const out = createWriteStream(path);
  out.write(`\uFEFF${ATTRITION_COLUMNS.join(',')}\r\n`);
  let batch: string[] = [];
  for (let row = 0; row < rows; row += 1) {
    batch.push(ATTRITION_COLUMNS.map((c) => cell(c, row, random)).join(','));
    if (batch.length === 5000 || row === rows - 1) {
      if (!out.write(`${batch.join('\r\n')}\r\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  out.end();
  await once(out, 'finish');
}
