/* global module -- loaded by osls' ${file()} with require(): CommonJS on purpose */
'use strict';
/**
 * The stage's VPC for SageMaker jobs, from the params jobSubnetIds and jobSecurityGroupIds (comma-separated ids,
 * both empty by default): `${file(../../packages/serverless-config/network.cjs):<key>}`.
 * - enabled: 'true' when both are set (ingest's HasJobVpc condition), 'false' when both are empty;
 * - subnetArns: the subnets' ARNs (the ec2:Subnet condition on managing the jobs' network interfaces);
 * - createInterfaceResources: what ec2:CreateNetworkInterface is granted on (new interfaces, the subnets, the groups).
 * One set without the other, a malformed id or more than SageMaker accepts fails packaging with the param's name.
 */

const LIMITS = {
  jobSubnetIds: { prefix: 'subnet-', type: 'subnet', max: 16 },
  jobSecurityGroupIds: { prefix: 'sg-', type: 'security-group', max: 5 },
};

function ids(value, param) {
  const { prefix, max } = LIMITS[param];
  const list = String(value ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const bad = list.filter((id) => !new RegExp(`^${prefix}[0-9a-zA-Z]{1,${32 - prefix.length}}$`).test(id));
  if (bad.length > 0) throw new Error(`param ${param}: ${bad.join(', ')} is not a ${prefix}… id (ids separated by commas)`);
  if (list.length > max) throw new Error(`param ${param}: ${list.length} ids, SageMaker accepts at most ${max}`);
  return [...new Set(list)];
}

const arn = (type, id) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:ec2:\${AWS::Region}:\${AWS::AccountId}:${type}/${id}` });

/** What the templates need, from the two params' values (exported for tests). */
function jobNetwork(subnetIds, securityGroupIds) {
  const subnets = ids(subnetIds, 'jobSubnetIds');
  const groups = ids(securityGroupIds, 'jobSecurityGroupIds');
  if ((subnets.length === 0) !== (groups.length === 0)) {
    throw new Error('params jobSubnetIds and jobSecurityGroupIds must be set together (SageMaker needs both for a VpcConfig)');
  }
  const subnetArns = subnets.map((id) => arn(LIMITS.jobSubnetIds.type, id));
  return {
    enabled: subnets.length > 0 ? 'true' : 'false',
    subnetArns,
    createInterfaceResources: [arn('network-interface', '*'), ...subnetArns, ...groups.map((id) => arn(LIMITS.jobSecurityGroupIds.type, id))],
  };
}

module.exports = async ({ resolveVariable }) =>
  jobNetwork(await resolveVariable('param:jobSubnetIds'), await resolveVariable('param:jobSecurityGroupIds'));
module.exports.jobNetwork = jobNetwork;
