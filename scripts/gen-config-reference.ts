/** Write docs/pipeline-config.md from the pipeline config schema (`pnpm docs:config`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configReferenceMarkdown } from '@mlops/core';
import { ROOT } from './seed-compose-state';

writeFileSync(join(ROOT, 'docs', 'pipeline-config.md'), configReferenceMarkdown());
process.stdout.write('wrote docs/pipeline-config.md\n');
