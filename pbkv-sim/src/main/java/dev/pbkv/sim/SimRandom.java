package dev.pbkv.sim;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Seeded random streams for the simulator. Every stream is an {@code L64X128MixRandom} generator (a
 * named algorithm, so a seed means the same run on every JDK) seeded from the run's seed and the
 * stream's name: streams are independent, and adding a client (a new stream) does not change the
 * network's decisions.
 */
public final class SimRandom {
  /** The algorithm behind every stream. */
  public static final String ALGORITHM = "L64X128MixRandom";

  private static final RandomGeneratorFactory<RandomGenerator> FACTORY =
      RandomGeneratorFactory.of(ALGORITHM);

  private SimRandom() {}

  /** The stream called {@code name} of the run with seed {@code seed}. */
  public static RandomGenerator stream(long seed, String name) {
    return FACTORY.create(mix(seed ^ mix(name.hashCode() * 0x9E3779B97F4A7C15L)));
  }

  /** SplitMix64's finalizer: spreads every bit of the input over the output. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
