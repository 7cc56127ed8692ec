package dev.pbkv.mutex;

/**
 * Test-only switches that break Lamport's mutual exclusion on purpose, so that tests can show that
 * the checks catch the anomaly the rule prevents. Production configurations use none of them.
 */
public enum MutexRule {
  /**
   * Entry without the second condition: a node enters as soon as its own request heads its own
   * queue, without waiting for a later-stamped message from every other node. A request with a
   * smaller timestamp may still be on its way, so two nodes can hold the lock at once.
   */
  ENTER_WITHOUT_ALL_ACKS("enter as soon as one's own request heads one's own queue");

  private final String description;

  MutexRule(String description) {
    this.description = description;
  }

  /** What the broken behaviour is, in words. */
  public String description() {
    return description;
  }
}
