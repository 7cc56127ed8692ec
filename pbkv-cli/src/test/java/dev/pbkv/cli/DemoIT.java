package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's main command, end to end: real processes, two SIGKILLed primaries, lost = 0. */
class DemoIT {
  @Test
  void when_theDemoRuns_then_twoFailoversHappen_andNothingIsLost() {
    MainTest.Run r = MainTest.run("demo");
    System.out.println(r.out());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("killing the primary", "started a fresh, empty server", "2 failovers", "lost = 0")
        .doesNotContain("FAILED");
  }
}
