/**
 * Client histories and the linearizability checker (docs/design.md §9). A {@link History} records
 * the call, return and result of each {@link HistoryOp} (no result: indeterminate), and {@link
 * HistoryFiles} reads histories in the pbkv, Porcupine/Jepsen and synthetic line formats and writes
 * the pbkv one. {@link LinearizabilityChecker} runs the Wing &amp; Gong search with Lowe's
 * memoization on each key separately ({@code KeySearch}, {@code ConfigCache}) and returns a {@link
 * CheckResult} whose {@link Verdict} is OK, ILLEGAL (explained by {@code Explainer}) or UNKNOWN.
 * {@link AppendCheck} checks append-only workloads: every acknowledged token is present exactly
 * once. The package depends only on pbkv-core's key-value model ({@code Command} and {@code
 * Result}).
 */
package dev.pbkv.history;
