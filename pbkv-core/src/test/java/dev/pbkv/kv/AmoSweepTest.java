package dev.pbkv.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Session expiry in the at-most-once table: sweeps count, and drop sessions 5 sweeps old. */
class AmoSweepTest {
  private final AmoApplication app = new AmoApplication();

  private void sweeps(int n) {
    for (int i = 0; i < n; i++) {
      app.sweep();
    }
  }

  @Test
  void when_aSessionIsIdleForFourSweeps_then_itIsKept_andTheFifthDropsIt() {
    app.execute("c1", 1, new Command.Append("k", "a"));

    sweeps(AmoApplication.SWEEPS_TO_EXPIRE - 1);
    assertThat(app.cachedResult("c1", 1)).isEqualTo(new Result.Value("a"));

    assertThat(app.sweep()).isEqualTo(1);
    assertThat(app.sessionCount()).isZero();
    assertThat(app.sweeps()).isEqualTo(AmoApplication.SWEEPS_TO_EXPIRE);
    assertThat(app.get("k")).as("only the session goes, never the data").isEqualTo("a");
  }

  @Test
  void when_aSessionWritesAgain_then_itsAgeStartsOver() {
    app.execute("c1", 1, new Command.Put("k", "1"));
    app.execute("c2", 1, new Command.Put("k", "2"));
    sweeps(3);
    app.execute("c1", 2, new Command.Put("k", "3"));

    sweeps(2);
    assertThat(app.sessions()).as("c2 is 5 sweeps old").containsOnlyKeys("c1");
    sweeps(2);
    assertThat(app.sessions()).containsOnlyKeys("c1");
    assertThat(app.sessions().get("c1")).isEqualTo(new AmoEntry(2, Result.OK, 3));
    sweeps(1);
    assertThat(app.sessions()).isEmpty();
  }

  @Test
  void when_aSessionOnlyReads_then_itHasNoEntry_andReadsDoNotKeepAWriteAlive() {
    app.execute("c1", 1, new Command.Put("k", "v"));
    sweeps(2);
    for (long seq = 2; seq <= 4; seq++) {
      app.execute("c1", seq, new Command.Get("k"));
      app.sweep();
    }
    assertThat(app.sessionCount()).isZero();
    app.execute("c2", 1, new Command.Get("k"));
    assertThat(app.sessionCount()).isZero();
  }

  @Test
  void when_anExpiredSessionRetriesItsLastWrite_then_itExecutesAgain_whichIsWhyClientsGiveUp() {
    app.execute("c1", 1, new Command.Append("k", "a"));
    sweeps(AmoApplication.SWEEPS_TO_EXPIRE);

    assertThat(app.alreadyExecuted("c1", 1)).isFalse();
    app.execute("c1", 1, new Command.Append("k", "a"));
    assertThat(app.get("k")).isEqualTo("aa");
  }

  @Test
  void when_aSnapshotIsRestored_then_theSweepCountAndTheAgesComeAlong() {
    app.execute("c1", 1, new Command.Put("a", "1"));
    sweeps(2);
    app.execute("c2", 1, new Command.Put("b", "2"));
    Snapshot snapshot = app.snapshot();
    assertThat(snapshot.sweeps()).isEqualTo(2);

    AmoApplication restored = AmoApplication.restore(snapshot);
    assertThat(restored).isEqualTo(app);
    for (int i = 0; i < AmoApplication.SWEEPS_TO_EXPIRE; i++) {
      app.sweep();
      restored.sweep();
      assertThat(restored.sessions()).isEqualTo(app.sessions());
    }
    assertThat(restored.sessionCount()).isZero();
  }

  @Test
  void when_sweepCountsDiffer_then_theStatesDiffer() {
    AmoApplication other = app.copy();
    other.sweep();
    assertThat(other).isNotEqualTo(app);
    assertThat(other.snapshot()).isNotEqualTo(app.snapshot());
  }
}
