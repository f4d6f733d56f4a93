/**
 * The shape of an Amazon States Language definition, as the States Language specification and the
 * AWS Step Functions developer guide describe it. These types describe a definition that has
 * passed validation (see validate.ts); nothing here checks anything.
 */
import type { Json, JsonObject } from './json.js';

export const QueryLanguage = { JSONPath: 'JSONPath', JSONata: 'JSONata' } as const;
export type QueryLanguage = (typeof QueryLanguage)[keyof typeof QueryLanguage];

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, State>;
  TimeoutSeconds?: number;
  Version?: string;
  QueryLanguage?: QueryLanguage;
}

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
  Comment?: string;
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
  Output?: Json;
  Assign?: JsonObject;
  Comment?: string;
}

interface StateBase {
  Type: string;
  Comment?: string;
  QueryLanguage?: QueryLanguage;
  Next?: string;
  End?: boolean;
  /** JSONPath only. */
  InputPath?: string | null;
  OutputPath?: string | null;
  /** JSONata only. */
  Output?: Json;
  /** Both query languages. */
  Assign?: JsonObject;
}

export interface TaskState extends StateBase {
  Type: 'Task';
  Resource: string;
  Parameters?: Json;
  Arguments?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
  TimeoutSeconds?: number | string;
  TimeoutSecondsPath?: string;
  HeartbeatSeconds?: number | string;
  HeartbeatSecondsPath?: string;
  Credentials?: Json;
}

export interface PassState extends StateBase {
  Type: 'Pass';
  Result?: Json;
  ResultPath?: string | null;
  Parameters?: Json;
}

export interface ChoiceRule {
  Variable?: string;
  Next?: string;
  And?: ChoiceRule[];
  Or?: ChoiceRule[];
  Not?: ChoiceRule;
  /** JSONata only. */
  Condition?: string | boolean;
  Output?: Json;
  Assign?: JsonObject;
  Comment?: string;
  [operator: string]: Json | ChoiceRule | ChoiceRule[] | undefined;
}

export interface ChoiceState extends StateBase {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
}

export interface WaitState extends StateBase {
  Type: 'Wait';
  Seconds?: number | string;
  Timestamp?: string;
  SecondsPath?: string;
  TimestampPath?: string;
}

export interface SucceedState extends StateBase {
  Type: 'Succeed';
}

export interface FailState extends StateBase {
  Type: 'Fail';
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
}

export interface Branch {
  StartAt: string;
  States: Record<string, State>;
  Comment?: string;
  QueryLanguage?: QueryLanguage;
  /** Map's ItemProcessor only. */
  ProcessorConfig?: { Mode?: 'INLINE' | 'DISTRIBUTED'; ExecutionType?: string };
}

export interface ParallelState extends StateBase {
  Type: 'Parallel';
  Branches: Branch[];
  Parameters?: Json;
  Arguments?: Json;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export interface MapState extends StateBase {
  Type: 'Map';
  ItemProcessor?: Branch;
  /** Legacy name of ItemProcessor. */
  Iterator?: Branch;
  ItemsPath?: string;
  /** JSONata only: an array or an expression that yields one. */
  Items?: Json;
  ItemSelector?: Json;
  /** Legacy name of ItemSelector. */
  Parameters?: Json;
  MaxConcurrency?: number | string;
  MaxConcurrencyPath?: string;
  ToleratedFailureCount?: number | string;
  ToleratedFailureCountPath?: string;
  ToleratedFailurePercentage?: number | string;
  ToleratedFailurePercentagePath?: string;
  ResultSelector?: Json;
  ResultPath?: string | null;
  Retry?: Retrier[];
  Catch?: Catcher[];
}

export type State =
  | TaskState
  | PassState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;
