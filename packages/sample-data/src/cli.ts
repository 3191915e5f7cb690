/**
 * `tsx packages/sample-data/src/cli.ts attrition --rows 1470 --seed 7 --out data/sample/attrition.csv [--scoring]`
 * `tsx packages/sample-data/src/cli.ts churn --rows 5000 --seed 7 --out data/sample/churn.csv`
 */
import { createProgram } from './program';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
