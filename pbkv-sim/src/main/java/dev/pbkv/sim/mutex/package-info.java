/**
 * Lamport's mutual exclusion in the simulator, as {@code pbkv mutex-demo} shows it. {@link
 * MutexDemo} runs a group of {@code dev.pbkv.mutex.LamportMutex} nodes over a network that loses,
 * duplicates and reorders messages, and narrates each request, grant and release. It checks on
 * every event that no two nodes hold the lock and that grants follow the order of the requests'
 * (timestamp, node) stamps, and at the end that every request was granted and released. No node
 * crashes, since the algorithm does not tolerate crashed nodes. The same seed gives the same run.
 */
package dev.pbkv.sim.mutex;
