/**
 * The view service (docs/design.md §1–2). {@link ViewServer} decides who is primary and who is
 * backup from the servers' pings, counts liveness in check ticks, and changes the {@link View} only
 * after the primary of the current view has acked it. A view names the incarnation (boot id) of
 * each member, so a restarted server never takes the role of its earlier incarnation. {@link
 * ViewServiceMessage} holds the pings, view requests and status replies, {@link ViewServiceTimer}
 * the check tick, and {@link ViewServiceConfig} the ping interval and the dead count. The view
 * service is a deterministic node: no threads, clocks or sockets.
 */
package dev.pbkv.view;
