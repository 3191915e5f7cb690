/**
 * Distributions behind the synthetic HR attrition data. Levels and rough proportions follow the public IBM HR
 * Attrition schema (aggregate shares only; no row of it is used). Weights need not sum to 1.
 */
import { Categorical } from './random';

/** The 35 columns, in the order of the IBM file. */
export const ATTRITION_COLUMNS = [
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
] as const;

export type Department = 'Research & Development' | 'Sales' | 'Human Resources';

export const DEPARTMENTS = Categorical.of<Department>([
  ['Research & Development', 65],
  ['Sales', 30],
  ['Human Resources', 5],
]);

/** Job roles within each department. */
export const ROLES_BY_DEPARTMENT: Record<Department, Categorical<string>> = {
  'Research & Development': Categorical.of([
    ['Research Scientist', 30],
    ['Laboratory Technician', 27],
    ['Manufacturing Director', 15],
    ['Healthcare Representative', 14],
    ['Research Director', 8],
    ['Manager', 6],
  ]),
  Sales: Categorical.of([
    ['Sales Executive', 73],
    ['Sales Representative', 19],
    ['Manager', 8],
  ]),
  'Human Resources': Categorical.of([
    ['Human Resources', 82],
    ['Manager', 18],
  ]),
};

/** Education fields within each department (no Marketing in R&D, HR degrees only in HR). */
export const FIELDS_BY_DEPARTMENT: Record<Department, Categorical<string>> = {
  'Research & Development': Categorical.of([
    ['Life Sciences', 46],
    ['Medical', 38],
    ['Technical Degree', 10],
    ['Other', 6],
  ]),
  Sales: Categorical.of([
    ['Marketing', 36],
    ['Life Sciences', 33],
    ['Medical', 20],
    ['Technical Degree', 8],
    ['Other', 3],
  ]),
  'Human Resources': Categorical.of([
    ['Human Resources', 43],
    ['Life Sciences', 25],
    ['Medical', 20],
    ['Technical Degree', 7],
    ['Other', 5],
  ]),
};

const levels = (w: readonly number[]): Categorical<number> => new Categorical([1, 2, 3, 4, 5], w);

/** Job level (1–5) given the role: technicians and representatives start low, directors and managers high. */
export const LEVEL_BY_ROLE: Record<string, Categorical<number>> = {
  'Research Scientist': levels([80, 19, 1, 0, 0]),
  'Laboratory Technician': levels([77, 22, 1, 0, 0]),
  'Sales Representative': levels([91, 9, 0, 0, 0]),
  'Human Resources': levels([63, 25, 12, 0, 0]),
  'Sales Executive': levels([0, 71, 24, 5, 0]),
  'Manufacturing Director': levels([0, 62, 31, 7, 0]),
  'Healthcare Representative': levels([0, 60, 33, 7, 0]),
  'Research Director': levels([0, 0, 35, 33, 32]),
  Manager: levels([0, 0, 12, 46, 42]),
};

/**
 * Career shape per job level (index 0 = level 1): total working years ~ N(mean, sd) clamped to [min, 40];
 * monthly income = base + perYear * years + N(0, sd) clamped to [min, max].
 */
export const CAREER_BY_LEVEL = [
  { years: { mean: 5.5, sd: 3.5, min: 0 }, income: { base: 2050, perYear: 120, sd: 650, min: 1009, max: 4999 } },
  { years: { mean: 10, sd: 4, min: 3 }, income: { base: 4300, perYear: 115, sd: 1300, min: 2000, max: 9999 } },
  { years: { mean: 15, sd: 5.5, min: 6 }, income: { base: 8000, perYear: 120, sd: 1600, min: 5000, max: 13999 } },
  { years: { mean: 24, sd: 6, min: 9 }, income: { base: 13000, perYear: 100, sd: 1300, min: 11000, max: 17999 } },
  { years: { mean: 27, sd: 5, min: 18 }, income: { base: 18300, perYear: 33, sd: 450, min: 18000, max: 19999 } },
] as const;

export const BUSINESS_TRAVEL = Categorical.of([
  ['Travel_Rarely', 71],
  ['Travel_Frequently', 19],
  ['Non-Travel', 10],
]);

/** Stock option level (0–3) given marital status; single employees almost never hold options. */
export const STOCK_BY_MARITAL: Record<string, Categorical<number>> = {
  Single: new Categorical([0, 1, 2, 3], [92, 6, 2, 0]),
  Married: new Categorical([0, 1, 2, 3], [23, 59, 12, 6]),
  Divorced: new Categorical([0, 1, 2, 3], [4, 59, 23, 14]),
};

const scale4 = (w: readonly number[]): Categorical<number> => new Categorical([1, 2, 3, 4], w);

export const EDUCATION = new Categorical([1, 2, 3, 4, 5], [12, 19, 39, 27, 3]);
export const ENVIRONMENT_SATISFACTION = scale4([19, 20, 31, 30]);
export const JOB_SATISFACTION = scale4([20, 19, 30, 31]);
export const RELATIONSHIP_SATISFACTION = scale4([19, 21, 31, 29]);
export const JOB_INVOLVEMENT = scale4([6, 25, 59, 10]);
export const WORK_LIFE_BALANCE = scale4([5, 24, 61, 10]);
export const NUM_COMPANIES = new Categorical([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [13, 36, 10, 11, 9, 4, 5, 5, 3, 4]);
export const TRAINING_TIMES = new Categorical([0, 1, 2, 3, 4, 5, 6], [4, 5, 37, 33, 8, 8, 5]);
