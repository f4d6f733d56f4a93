/**
 * The array intrinsics: States.Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem,
 * ArrayLength and ArrayUnique, with the argument rules of the AWS Step Functions developer guide.
 */
import type { Json } from '../json.js';
import { arrayArg, integerArg, intrinsicFailure } from './definition.js';
import type { IntrinsicDefinition } from './definition.js';
import { jsonEquals } from './json-equals.js';

/** AWS: States.ArrayRange may produce at most 1000 items. */
export const MAX_RANGE_ITEMS = 1000;

export const arrayFunctions: Readonly<Record<string, IntrinsicDefinition>> = {
  'States.Array': {
    minArgs: 0,
    maxArgs: Infinity,
    evaluate: (args) => args.slice(),
  },
  'States.ArrayPartition': {
    minArgs: 2,
    maxArgs: 2,
    evaluate(args) {
      const fn = 'States.ArrayPartition';
      const array = arrayArg(fn, args, 0);
      const size = integerArg(fn, args, 1);
      if (size <= 0) throw intrinsicFailure(fn, 'the chunk size must be a positive integer');
      const chunks: Json[] = [];
      for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
      return chunks;
    },
  },
  'States.ArrayContains': {
    minArgs: 2,
    maxArgs: 2,
    evaluate(args) {
      const array = arrayArg('States.ArrayContains', args, 0);
      const wanted = args[1]!;
      return array.some((item) => jsonEquals(item, wanted));
    },
  },
  'States.ArrayRange': {
    minArgs: 3,
    maxArgs: 3,
    evaluate(args) {
      const fn = 'States.ArrayRange';
      const first = integerArg(fn, args, 0);
      const last = integerArg(fn, args, 1);
      const step = integerArg(fn, args, 2);
      if (step === 0) throw intrinsicFailure(fn, 'the increment must not be 0');
      const span = Math.floor((last - first) / step);
      const count = span < 0 ? 0 : span + 1;
      if (count > MAX_RANGE_ITEMS) {
        throw intrinsicFailure(
          fn,
          `the range would have ${count} items; at most ${MAX_RANGE_ITEMS} are allowed`,
        );
      }
      const range: Json[] = new Array<Json>(count);
      for (let i = 0; i < count; i++) range[i] = first + i * step;
      return range;
    },
  },
  'States.ArrayGetItem': {
    minArgs: 2,
    maxArgs: 2,
    evaluate(args) {
      const fn = 'States.ArrayGetItem';
      const array = arrayArg(fn, args, 0);
      const index = integerArg(fn, args, 1);
      if (index < 0 || index >= array.length) {
        throw intrinsicFailure(fn, `index ${index} is outside the array of ${array.length} items`);
      }
      return array[index]!;
    },
  },
  'States.ArrayLength': {
    minArgs: 1,
    maxArgs: 1,
    evaluate: (args) => arrayArg('States.ArrayLength', args, 0).length,
  },
  'States.ArrayUnique': {
    minArgs: 1,
    maxArgs: 1,
    evaluate(args) {
      const array = arrayArg('States.ArrayUnique', args, 0);
      const seenScalars = new Set<string>();
      const unique: Json[] = [];
      for (const item of array) {
        if (item === null || typeof item !== 'object') {
          // Scalars by type and value, so 1 and "1" stay distinct.
          const key = `${typeof item}:${String(item)}`;
          if (seenScalars.has(key)) continue;
          seenScalars.add(key);
        } else if (unique.some((kept) => jsonEquals(kept, item))) {
          continue;
        }
        unique.push(item);
      }
      return unique;
    },
  },
};
