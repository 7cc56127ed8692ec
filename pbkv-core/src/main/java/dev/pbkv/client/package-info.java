/**
 * The client session as a node (docs/design.md §5). {@link PbClient} caches the view, sends one
 * command at a time to the primary and retries it with the same sequence number; it asks the view
 * service only when it has no view, on a retry or after a rejection. It never gives up on its own:
 * the runtime that drives it decides when an op is indeterminate and retires the session. {@link
 * ClientConfig} holds the retry interval and {@link ClientTimer} the retry tick. Like all of
 * pbkv-core, the session is deterministic and uses no threads, clocks or sockets.
 */
package dev.pbkv.client;
