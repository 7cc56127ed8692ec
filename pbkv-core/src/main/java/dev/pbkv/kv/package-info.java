/**
 * The key-value application the servers replicate (docs/design.md §4.3). {@link KvStore} executes
 * each {@link Command} deterministically into a {@link Result}, and {@link AmoApplication} wraps it
 * in at-most-once sessions whose table of {@link AmoEntry}s is part of the replicated state. Idle
 * sessions expire through replicated sweeps that are counted, not timed, so every replica drops the
 * same sessions. {@link Snapshot} is an immutable copy of the state, {@link DataChunk} carries some
 * of the store's entries in its own encoding in one chunk of a state transfer, and {@link Commands}
 * parses the text form of the command line. Like all of pbkv-core, the package is deterministic and
 * uses no threads, clocks or sockets.
 */
package dev.pbkv.kv;
