/**
 * The JSON Schema of an operator's manual-review decision
 * (`POST /transactions/{id}/review`). Draft-04 subset.
 */
export const reviewDecisionSchema = {
  title: 'ReviewDecision',
  type: 'object',
  required: ['decision'],
  additionalProperties: false,
  properties: {
    decision: { type: 'string', enum: ['approve', 'reject'] },
    note: { type: 'string', maxLength: 500 },
  },
} as const;
