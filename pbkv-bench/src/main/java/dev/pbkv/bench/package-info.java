/**
 * Benchmarks, run by hand and never by the build. JMH measures the linearizability checker ({@link
 * LinCheckBenchmark}), the servers' per-op path without I/O ({@link ServerPathBenchmark}) and the
 * wire codec ({@link WireCodecBenchmark}): {@code java -jar pbkv-bench/target/benchmarks.jar}. Two
 * programs with a {@code main} measure the heap a server's store takes ({@link StoreMemory}) and a
 * state transfer over loopback TCP ({@link TransferTime}). Each prints what it measured and asserts
 * nothing.
 */
package dev.pbkv.bench;
