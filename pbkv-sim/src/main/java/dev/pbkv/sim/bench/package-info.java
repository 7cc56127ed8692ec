/**
 * How fast the simulator runs. {@link SimBenchmark} measures how many simulated events per second
 * it processes: a view service, a primary, a backup and many closed-loop clients doing puts and
 * gets, without faults. It runs by hand through {@code pbkv sim-bench}, warms up first and reports
 * each measured round. It is a measurement, not a test.
 */
package dev.pbkv.sim.bench;
