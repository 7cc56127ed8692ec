/**
 * The TCP runtime and the Java clients (docs/design.md §5 and §8). {@link NetRuntime} runs the same
 * nodes as the simulator over real sockets (Netty): one event-loop thread per process runs every
 * handler, timer and socket I/O, connections open on demand, and a send to an unreachable peer is
 * dropped. {@link PbkvClient} is the thread-safe client that multiplexes many sessions over one
 * connection per server, and {@link DirectClient} drives one session on the caller's thread. An op
 * not done within its timeout throws {@link IndeterminateException} and retires its session; a
 * {@link PbkvException} means the op definitely did not take effect. {@link ViewServiceProbe} asks
 * a view service for its view or status, and {@link Addresses} parses {@code HOST:PORT}; the wire
 * format is in {@code dev.pbkv.net.wire}.
 */
package dev.pbkv.net;
