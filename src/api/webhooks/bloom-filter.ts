/**
 * A Bloom filter over strings that grows: a set that answers "certainly not added" or "maybe
 * added", in about 10 bits per key at a 1% false-positive rate, whatever the keys' length.
 *
 * The webhook event log uses it so that a new event (nearly every request) is told apart from a
 * processed one without a SQLite read, which on a 2-core VM costs about as much CPU as the HMAC
 * check. A "maybe" is settled by reading the store.
 *
 * Growth: when the newest layer holds its capacity, a layer twice its size is added, with half
 * its false-positive rate, so the rate over all layers stays about twice the first layer's at
 * most (the scalable Bloom filter of Almeida et al., 2007; measured: 2.1% over 11 layers at
 * 1%). A key is looked up in every layer; there are about log2(keys / initial capacity) of them.
 * Keys are never removed.
 *
 * Hashing: two 32-bit hashes of the key (`hash32`, FNV-1a with murmur3's finaliser, under two
 * seeds), combined as h1 + i * h2 for the i-th probe (Kirsch and Mitzenmacher, 2006). Not a
 * cryptographic hash: an adversary who chooses event ids can raise the false-positive rate,
 * which costs store reads, never a wrong answer.
 */
import { hash32 } from '../../adapters/gateway/seeded-random.js';

/** Seeds the second hash differently from the first (any odd constant far from 0 will do). */
const SECOND_SEED = 0x9e3779b9;

interface Layer {
  readonly bits: Uint32Array;
  /** Bit count - 1; the bit count is a power of two. */
  readonly mask: number;
  readonly probes: number;
  readonly capacity: number;
  count: number;
}

export class BloomFilter {
  readonly #layers: Layer[] = [];
  readonly #falsePositiveRate: number;
  #size = 0;

  /**
   * @param initialCapacity keys the first layer holds at `falsePositiveRate`; later layers double.
   * @param falsePositiveRate the first layer's; the whole filter stays about twice it at most.
   */
  constructor(initialCapacity = 1 << 16, falsePositiveRate = 0.01) {
    if (!Number.isInteger(initialCapacity) || initialCapacity < 1) {
      throw new RangeError(`initialCapacity must be a positive integer, not ${initialCapacity}`);
    }
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1)) {
      throw new RangeError(`falsePositiveRate must be in (0, 1), not ${falsePositiveRate}`);
    }
    this.#falsePositiveRate = falsePositiveRate;
    this.#addLayer(initialCapacity, falsePositiveRate);
  }

  /** How many keys were added (counting a key added twice twice). */
  get size(): number {
    return this.#size;
  }

  add(key: string): void {
    let layer = this.#layers[this.#layers.length - 1]!;
    if (layer.count >= layer.capacity) {
      const rate = this.#falsePositiveRate / 2 ** this.#layers.length;
      layer = this.#addLayer(layer.capacity * 2, rate);
    }
    const h1 = hash32(key);
    const h2 = hash32(key, SECOND_SEED) | 1;
    const { bits, mask, probes } = layer;
    for (let i = 0; i < probes; i++) {
      const bit = (h1 + Math.imul(i, h2)) & mask;
      bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    layer.count++;
    this.#size++;
  }

  /** False: `key` was certainly never added. True: it probably was. */
  mightContain(key: string): boolean {
    const h1 = hash32(key);
    const h2 = hash32(key, SECOND_SEED) | 1;
    for (const { bits, mask, probes } of this.#layers) {
      let all = true;
      for (let i = 0; i < probes; i++) {
        const bit = (h1 + Math.imul(i, h2)) & mask;
        if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  #addLayer(capacity: number, falsePositiveRate: number): Layer {
    // The optimum for n keys at rate p: m = -n ln p / (ln 2)^2 bits and k = (m / n) ln 2 probes.
    const wanted = Math.ceil((-capacity * Math.log(falsePositiveRate)) / Math.LN2 ** 2);
    const bitCount = 2 ** Math.max(5, Math.ceil(Math.log2(wanted)));
    const probes = Math.max(1, Math.round(-Math.log2(falsePositiveRate)));
    const layer: Layer = {
      bits: new Uint32Array(bitCount / 32),
      mask: bitCount - 1,
      probes,
      // Rounding the bit count up to a power of two leaves room: the layer holds more keys at
      // the same rate.
      capacity: Math.floor((bitCount * Math.LN2 ** 2) / -Math.log(falsePositiveRate)),
      count: 0,
    };
    this.#layers.push(layer);
    return layer;
  }
}
