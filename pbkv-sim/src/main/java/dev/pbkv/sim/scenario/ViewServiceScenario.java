package dev.pbkv.sim.scenario;

/**
 * A scenario about the view service itself (its restarts, its store, incarnations): the run adds
 * the view service's checks (one view per number; nobody judged dead right after a start).
 */
interface ViewServiceScenario extends Scenario {}
