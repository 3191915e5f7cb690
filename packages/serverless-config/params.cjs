/* global require, module, __dirname -- loaded by osls' ${file()} with require(): CommonJS on purpose */
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
/**
 * `params: ${file(../../packages/serverless-config/params.cjs)}` in every service.
 * Returns params.yml with the service's own `custom.params` merged into `default`, so a service adds the params
 * only it can define (e.g. `dataBucketName: !Ref DataBucket` in ingest, its own function ARNs in training)
 * while every stage setting stays in one file.
 *
 * osls resolves `params` before it can resolve any `${param:...}`: `custom.params` must therefore not use
 * `${param:}` or `${sls:}` itself (CloudFormation intrinsics, `${self:}`, `${opt:}`, `${env:}` are fine).
 */
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const RESERVED = ['default', 'dev', 'staging', 'prod'];

module.exports = async ({ resolveConfigurationProperty }) => {
  const shared = YAML.parse(fs.readFileSync(path.join(__dirname, 'params.yml'), 'utf8'));
  let own;
  try {
    own = (await resolveConfigurationProperty(['custom', 'params'])) || {};
  } catch (error) {
    if (error && error.code === 'MISSING_VARIABLE_DEPENDENCY') {
      throw new Error(
        'custom.params uses a variable that needs params itself (${param:...} or ${sls:...}); ' +
          'use CloudFormation intrinsics (!Sub with ${AWS::StackName}, !Ref) or move the value to params.yml',
        { cause: error },
      );
    }
    throw error;
  }
  const clash = Object.keys(own).filter((key) => key in shared.default || RESERVED.includes(key));
  if (clash.length > 0) {
    throw new Error(`custom.params redefines shared params (${clash.join(', ')}): change them in params.yml`);
  }
  return { ...shared, default: { ...shared.default, ...own } };
};
