/**
 * Names shared by the Lambda code and the CDK stack, kept in src so the Lambda bundles do not
 * import infrastructure code.
 */

/** The structured log field that carries a finished payment's duration in milliseconds. */
export const DURATION_LOG_FIELD = 'processing_duration_ms';
