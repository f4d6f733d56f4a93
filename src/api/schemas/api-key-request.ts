/** The JSON Schema of a request for a new API key (`POST /api-keys`). Draft-04 subset. */
export const apiKeyRequestSchema = {
  title: 'ApiKeyRequest',
  type: 'object',
  required: ['name', 'scope'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    scope: { type: 'string', enum: ['submit', 'read', 'operate'] },
  },
} as const;
