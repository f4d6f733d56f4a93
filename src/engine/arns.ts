/** ARNs in AWS Step Functions' shape, for a configurable region and account. */

export function arns(region: string, accountId: string) {
  const prefix = `arn:aws:states:${region}:${accountId}`;
  return {
    stateMachine: (name: string) => `${prefix}:stateMachine:${name}`,
    execution: (stateMachineName: string, name: string) =>
      `${prefix}:execution:${stateMachineName}:${name}`,
  };
}

/** Parses an execution ARN into its state machine name and execution name, or undefined. */
export function parseExecutionArn(
  arn: string,
): { region: string; accountId: string; stateMachineName: string; name: string } | undefined {
  const match = /^arn:aws[\w-]*:states:([^:]+):(\d{12}):execution:([^:]+):([^:]+)$/.exec(arn);
  if (!match) return undefined;
  return {
    region: match[1] as string,
    accountId: match[2] as string,
    stateMachineName: match[3] as string,
    name: match[4] as string,
  };
}

export function parseStateMachineArn(
  arn: string,
): { region: string; accountId: string; name: string } | undefined {
  const match = /^arn:aws[\w-]*:states:([^:]+):(\d{12}):stateMachine:([^:]+)$/.exec(arn);
  if (!match) return undefined;
  return { region: match[1] as string, accountId: match[2] as string, name: match[3] as string };
}
