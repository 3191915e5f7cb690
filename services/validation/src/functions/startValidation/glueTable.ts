import type { TableInput } from '@aws-sdk/client-glue';
import type { ColumnType, PipelineConfig } from '@mlops/core';

const GLUE_TYPES: Record<ColumnType, string> = { integer: 'bigint', number: 'double', category: 'string', string: 'string' };

/** Glue/Athena identifiers: lower case, letters, digits and underscores. */
export function glueName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 255);
}

/**
 * The catalog table that makes a run's frozen input visible to Glue: the pipeline's declared columns over the
 * run's `input/` folder, read with the OpenCSV SerDe (quoted fields, header skipped).
 */
export function datasetTable(name: string, config: PipelineConfig, location: string, configUri: string): TableInput {
  return {
    Name: name,
    Description: `Input of one ${config.name} run`,
    TableType: 'EXTERNAL_TABLE',
    // `mlops:config` lets the local Glue apply the built-in checks that DQDL cannot express; AWS Glue ignores it.
    Parameters: { classification: 'csv', 'skip.header.line.count': '1', has_encrypted_data: 'false', 'mlops:config': configUri },
    StorageDescriptor: {
      Columns: Object.entries(config.dataset.columns).map(([column, spec]) => ({ Name: column, Type: GLUE_TYPES[spec.type] })),
      Location: location,
      InputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
      OutputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
      SerdeInfo: {
        SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
        Parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
      },
    },
  };
}
