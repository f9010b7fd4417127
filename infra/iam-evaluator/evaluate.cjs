// Test-time only. Reads a JSON array of requests (each: id, principal, action, resource, resourceAccount,
// context, identityPolicies [{name, policy}], resourcePolicy or null) on stdin and writes one JSON array of
// verdicts (id, result, ignoredContextKeys, errors) on stdout, each evaluated by @cloud-copilot/iam-simulate
// (identity and resource policies together, as AWS does for a request in the principal's account).
'use strict';
const { runSimulation } = require('@cloud-copilot/iam-simulate');

async function evaluate(request) {
  const simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: request.context || {}
    },
    identityPolicies: request.identityPolicies || [],
    serviceControlPolicies: [],
    resourceControlPolicies: []
  };
  if (request.resourcePolicy) {
    simulation.resourcePolicy = request.resourcePolicy;
  }
  const answer = await runSimulation(simulation, {});
  if (answer.errors) {
    return { id: request.id, result: 'Error', ignoredContextKeys: [], errors: answer.errors };
  }
  const ignored = answer.resultType === 'single' ? answer.result.ignoredContextKeys || [] : [];
  return { id: request.id, result: answer.overallResult, ignoredContextKeys: ignored };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const requests = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const verdicts = [];
  for (const request of requests) {
    try {
      verdicts.push(await evaluate(request));
    } catch (e) {
      verdicts.push({ id: request.id, result: 'Error', ignoredContextKeys: [], errors: String(e && e.message ? e.message : e) });
    }
  }
  process.stdout.write(JSON.stringify(verdicts));
}

main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e) + '\n');
  process.exit(1);
});
