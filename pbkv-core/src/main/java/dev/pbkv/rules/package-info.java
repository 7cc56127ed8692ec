/**
 * Test-only switches that break the protocol on purpose (docs/design.md §3). Each {@link
 * RuleSwitch} breaks one of the five rules, the ack rule or at-most-once, so that the scenarios,
 * the swarm and the model checker can show that they catch the anomaly the rule prevents. The view
 * service, the servers and the clients read the switches from their configurations. Production
 * configurations use none of them.
 */
package dev.pbkv.rules;
