/**
 * The encoding and hashing intrinsics: States.Base64Encode, Base64Decode and Hash. AWS limits each
 * input to 10,000 characters; strings are taken as UTF-8.
 */
import { createHash } from 'node:crypto';
import { boundedStringArg, intrinsicFailure, stringArg } from './definition.js';
import type { IntrinsicDefinition } from './definition.js';

/** AWS: the algorithms States.Hash accepts, by their ASL names. */
export const HashAlgorithm = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
} as const;
export type HashAlgorithm = keyof typeof HashAlgorithm;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const encodingFunctions: Readonly<Record<string, IntrinsicDefinition>> = {
  'States.Base64Encode': {
    minArgs: 1,
    maxArgs: 1,
    evaluate: (args) =>
      Buffer.from(boundedStringArg('States.Base64Encode', args, 0), 'utf8').toString('base64'),
  },
  'States.Base64Decode': {
    minArgs: 1,
    maxArgs: 1,
    evaluate(args) {
      const fn = 'States.Base64Decode';
      const encoded = boundedStringArg(fn, args, 0);
      // Node's decoder skips characters it does not know; a workflow should hear about them.
      if (!BASE64.test(encoded)) throw intrinsicFailure(fn, 'argument 1 is not valid Base64');
      return Buffer.from(encoded, 'base64').toString('utf8');
    },
  },
  'States.Hash': {
    minArgs: 2,
    maxArgs: 2,
    evaluate(args) {
      const fn = 'States.Hash';
      const data = boundedStringArg(fn, args, 0);
      const algorithm = stringArg(fn, args, 1);
      if (!Object.hasOwn(HashAlgorithm, algorithm)) {
        throw intrinsicFailure(
          fn,
          `unknown algorithm '${algorithm}'; use one of ${Object.keys(HashAlgorithm).join(', ')}`,
        );
      }
      return createHash(HashAlgorithm[algorithm as HashAlgorithm])
        .update(data, 'utf8')
        .digest('hex');
    },
  },
};
