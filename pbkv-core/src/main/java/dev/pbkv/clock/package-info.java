/**
 * Logical clocks (docs/design.md §7): {@link LamportClock}, with {@link LamportStamp} for the total
 * order of events by (time, node), and the immutable {@link VectorClock}, which decides
 * happens-before exactly. The runtimes keep these clocks outside the nodes' protocol state to stamp
 * messages and traces; {@code dev.pbkv.mutex.LamportMutex} keeps a Lamport clock as protocol state.
 * The clocks are small values with equality and copies. Like all of pbkv-core, they are
 * deterministic and use no threads, wall clock or sockets.
 */
package dev.pbkv.clock;
