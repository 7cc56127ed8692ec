package dev.pbkv.sim.scenario;

/** One expectation of a scenario and whether it held. */
public record Check(String expectation, boolean passed, String detail) {
  @Override
  public String toString() {
    return (passed ? "[ok]   " : "[FAIL] ")
        + expectation
        + (detail.isEmpty() ? "" : " — " + detail);
  }
}
