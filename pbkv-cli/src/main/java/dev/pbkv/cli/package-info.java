/**
 * The {@code pbkv} command (picocli). {@link Main} dispatches to one package-private class per
 * subcommand: the view service and server processes ({@code ViewServerCommand}, {@code
 * ServerCommand}), one-shot key-value commands and the shell ({@code KvCommands}, {@code
 * ShellCommand}), {@code StatusCommand}, {@code DemoCommand}, {@code BenchCommand}, the simulator's
 * {@code ScenarioCommand} and {@code SimCommand}, the model checker's {@code CheckCommand}, and the
 * lincheck, mutex-demo and trace tools. {@code ProcessCluster} starts real processes on loopback
 * for the demo and the multi-process tests. A user error is reported in one line naming the problem
 * ({@code UserError}), never as a stack trace. Exit codes: 0 success, 1 a failed outcome, 2 a usage
 * error or an unreachable cluster, 3 an indeterminate op.
 */
package dev.pbkv.cli;
