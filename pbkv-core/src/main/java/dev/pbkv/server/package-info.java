/**
 * The primary/backup server (docs/design.md §3–4). {@link PbServer} takes its role from the newest
 * view it has learned. As primary it forwards every op, reads included, through a numbered, batched
 * and pipelined log ({@code PrimaryLog}) and executes only what the backup has acknowledged; it
 * streams its state to each new backup in chunks ({@code OutgoingTransfer}) and executes nothing
 * meanwhile. As backup it applies the forwards of its own view strictly in order. {@link
 * ReplicationMessage} and {@link ClientMessage} are its messages, {@link ServerTimer} its timers
 * and {@link ServerConfig} its settings. The server is a deterministic node: no threads, clocks or
 * sockets.
 */
package dev.pbkv.server;
