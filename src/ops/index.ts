/**
 * Operations: metric time series, alarm definitions evaluated with CloudWatch's semantics, and
 * alert delivery. This is the entry point the API, dashboard, CLI and wiring import from.
 */
export * from './alarm-definitions.js';
export * from './alarm-evaluator.js';
export * from './alarm-monitor.js';
export * from './alerts.js';
export * from './alert-sinks/email-sink.js';
export * from './alert-sinks/log-sink.js';
export * from './alert-sinks/webhook-sink.js';
export * from './history-metrics.js';
export * from './metrics.js';
export * from './ops-metrics.js';
export * from './ops-runtime.js';
export * from './payment-metrics.js';
export * from './prometheus-metrics.js';
export * from './publisher-alert-topic.js';
export * from './schedule.js';
export * from './sqlite-metric-store.js';
