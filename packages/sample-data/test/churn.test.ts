import { fileURLToPath } from 'node:url';
import { featureColumns, loadPipelineConfig } from '@mlops/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHURN_COLUMNS, generateChurn } from '../src/index';
import { collect, num, parseCsv, rate, sha256, type Table } from './helpers';
import { holdoutAuc } from './logistic';

const CONFIG_PATH = fileURLToPath(new URL('../../../pipelines/churn.yml', import.meta.url));

describe('generateChurn', () => {
  let table: Table;
  beforeAll(async () => {
    table = parseCsv(await collect(generateChurn({ rows: 5000, seed: 11 })));
  });

  it('is deterministic for a seed', async () => {
    const first = sha256(await collect(generateChurn({ rows: 2000, seed: 7 })));
    expect(sha256(await collect(generateChurn({ rows: 2000, seed: 7 })))).toBe(first);
    expect(sha256(await collect(generateChurn({ rows: 2000, seed: 8 })))).not.toBe(first);
  });

  it('has unique customer ids, about a quarter of churners and consistent services', () => {
    expect(table.header).toEqual([...CHURN_COLUMNS]);
    expect(new Set(table.rows.map((r) => r.customer_id)).size).toBe(table.rows.length);
    const churners = rate(table.rows, 'churned', 'yes');
    expect(churners).toBeGreaterThan(0.2);
    expect(churners).toBeLessThan(0.32);
    const broken = table.rows.filter(
      (r) =>
        (r.internet_service === 'none' && (r.streaming === 'yes' || r.tech_support === 'yes')) ||
        (r.total_charges === '') !== (r.tenure_months === '0') ||
        !(num(r, 'monthly_charges') > 0),
    );
    expect(broken).toEqual([]);
  });

  it('carries a learnable signal', () => {
    const churn = (where: (r: Record<string, string>) => boolean): number => rate(table.rows, 'churned', 'yes', where);
    expect(churn((r) => r.contract_type === 'month-to-month')).toBeGreaterThan(
      3 * churn((r) => r.contract_type === 'two-year'),
    );
    expect(churn((r) => num(r, 'support_calls') >= 3)).toBeGreaterThan(churn((r) => r.support_calls === '0'));
    const auc = holdoutAuc(table, 'churned', 'yes', ['customer_id']);
    expect(auc).toBeGreaterThan(0.75);
    expect(auc).toBeLessThan(0.9);
  });

  it('drops the target when scoring', async () => {
    const scoring = parseCsv(await collect(generateChurn({ rows: 10, seed: 7, scoring: true })));
    expect(scoring.header).toEqual(CHURN_COLUMNS.filter((c) => c !== 'churned'));
  });
});

describe('pipelines/churn.yml', () => {
  it('loads with the pipeline config schema and matches the generated columns', async () => {
    // Act
    const config = await loadPipelineConfig(CONFIG_PATH);
    // Assess
    expect(config.name).toBe('churn');
    expect(Object.keys(config.dataset.columns)).toEqual([...CHURN_COLUMNS]);
    expect(config.dataset.rowKey).toBe('customer_id');
    expect(featureColumns(config)).not.toContain('customer_id');
    expect(config.validation.rules).toMatch(/^Rules = \[/m);
  });
});
