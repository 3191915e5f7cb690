export { generateAttrition, ATTRITION_COLUMNS, ATTRITION_SCORING_COLUMNS, type AttritionOptions } from './attrition';
export { generateChurn, CHURN_COLUMNS, CHURN_SCORING_COLUMNS, type ChurnOptions } from './churn';
export { type GenerateOptions } from './csv';
export { writeDataset } from './write';
export { Rng } from './random';
export { createProgram } from './program';
