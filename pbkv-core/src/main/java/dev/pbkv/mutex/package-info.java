/**
 * Lamport's mutual exclusion over a reliable FIFO channel (docs/design.md §7). {@link LamportMutex}
 * is a lock shared by a fixed group of nodes, built from a Lamport clock and a queue of requests
 * ordered by (timestamp, node). {@link FifoChannel} delivers its {@link MutexMessage}s once and in
 * order over a network that loses, reorders and duplicates, with the {@link ChannelMessage}s and
 * {@link ChannelTimer}s of its own. {@link MutexConfig} holds the settings and {@link MutexRule} a
 * test-only switch that breaks the entry rule. The algorithm does not tolerate crashed nodes. Like
 * all of pbkv-core, the nodes are deterministic and use no threads, clocks or sockets.
 */
package dev.pbkv.mutex;
