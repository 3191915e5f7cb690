import type { TableInput } from '@aws-sdk/client-glue';
import type { ColumnType, PipelineConfig } from '@mlops/core';

const GLUE_TYPES: Record<ColumnType, string> = { integer: 'bigint', number: 'double', category: 'string', string: 'string' };

/** Glue/Athena identifiers: lower case, letters, digits and underscores. */
export function glueName(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 255);
}

/**
 * The table's columns. The OpenCSV SerDe maps fields by position, so with the file's header the columns follow the
 * file (declared types, `string` for extra columns): a file with its columns in another order, or with extra ones,
 * is read as locally, by name. Without a usable header, the declared columns in config order.
 */
export function tableColumns(config: PipelineConfig, header?: readonly string[]): { Name: string; Type: string }[] {
  const declared = config.dataset.columns;
  return (header ?? Object.keys(declared)).map((column) => ({ Name: column, Type: GLUE_TYPES[declared[column]?.type ?? 'string'] }));
}

/**
 * The catalog table that makes a run's frozen input visible to Glue: the dataset's columns (see `tableColumns`) over
 * the run's `input/` folder, read with the OpenCSV SerDe (quoted fields, header skipped).
 */
export function datasetTable(name: string, config: PipelineConfig, location: string, configUri: string, header?: readonly string[]): TableInput {
  return {
    Name: name,
    Description: `Input of one ${config.name} run`,
    TableType: 'EXTERNAL_TABLE',
    // `mlops:config` lets the local Glue apply the built-in checks that DQDL cannot express; AWS Glue ignores it.
    Parameters: { classification: 'csv', 'skip.header.line.count': '1', has_encrypted_data: 'false', 'mlops:config': configUri },
    StorageDescriptor: {
      Columns: tableColumns(config, header),
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
