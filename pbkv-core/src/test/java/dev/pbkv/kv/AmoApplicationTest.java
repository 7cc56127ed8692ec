package dev.pbkv.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AmoApplicationTest {
  private final AmoApplication app = new AmoApplication();

  @Test
  void when_writeIsExecuted_then_itsResultIsCachedForItsSequenceNumber() {
    Result r = app.execute("c1", 1, new Command.Put("k", "v"));

    assertThat(r).isEqualTo(Result.OK);
    assertThat(app.get("k")).isEqualTo("v");
    assertThat(app.alreadyExecuted("c1", 1)).isTrue();
    assertThat(app.alreadyExecuted("c1", 2)).isFalse();
    assertThat(app.cachedResult("c1", 1)).isEqualTo(Result.OK);
    assertThat(app.sessionCount()).isEqualTo(1);
  }

  @Test
  void when_duplicateArrives_then_cachedResultIsReturned_andItIsNotExecutedTwice() {
    Result first = app.execute("c1", 1, new Command.Append("k", "a"));
    Result second = app.execute("c1", 1, new Command.Append("k", "a"));

    assertThat(first).isEqualTo(new Result.Value("a"));
    assertThat(second).isEqualTo(first);
    assertThat(app.get("k")).as("appended once").isEqualTo("a");
  }

  @Test
  void when_duplicateArrivesAfterOtherClientsWrote_then_theOriginalResultIsReturned() {
    app.execute("c1", 1, new Command.Append("k", "a"));
    app.execute("c2", 1, new Command.Append("k", "b"));

    assertThat(app.execute("c1", 1, new Command.Append("k", "a"))).isEqualTo(new Result.Value("a"));
    assertThat(app.get("k")).isEqualTo("ab");
  }

  @Test
  void when_olderSequenceNumberArrives_then_resultIsNull_andNothingChanges() {
    app.execute("c1", 1, new Command.Append("k", "a"));
    app.execute("c1", 2, new Command.Append("k", "b"));

    Result stale = app.execute("c1", 1, new Command.Append("k", "zzz"));

    assertThat(stale).isNull();
    assertThat(app.get("k")).isEqualTo("ab");
    assertThat(app.alreadyExecuted("c1", 1)).isTrue();
    assertThat(app.cachedResult("c1", 1)).as("superseded by seq 2").isNull();
    assertThat(app.cachedResult("c1", 2)).isEqualTo(new Result.Value("ab"));
  }

  @Test
  void when_clientsUseTheSameSequenceNumbers_then_theirSessionsAreIndependent() {
    app.execute("c1", 1, new Command.Append("k", "a"));
    Result r = app.execute("c2", 1, new Command.Append("k", "b"));

    assertThat(r).isEqualTo(new Result.Value("ab"));
    assertThat(app.sessionCount()).isEqualTo(2);
  }

  @Test
  void when_readIsExecuted_then_itLeavesNoEntry_andRunsAgainOnRetry() {
    Result r1 = app.execute("c1", 1, new Command.Get("k"));
    assertThat(r1).isEqualTo(new Result.Value(null));
    assertThat(app.sessionCount()).isZero();
    assertThat(app.alreadyExecuted("c1", 1)).isFalse();

    app.execute("c2", 1, new Command.Put("k", "v"));
    Result r2 = app.execute("c1", 1, new Command.Get("k"));

    assertThat(r2).as("a read may run more than once").isEqualTo(new Result.Value("v"));
    assertThat(app.cachedResult("c1", 1)).isNull();
  }

  @Test
  void when_readFollowsAWrite_then_theWritesEntryStays() {
    app.execute("c1", 1, new Command.Put("k", "v"));
    app.execute("c1", 2, new Command.Get("k"));

    assertThat(app.cachedResult("c1", 1)).isEqualTo(Result.OK);
    assertThat(app.alreadyExecuted("c1", 2)).isFalse();
    assertThat(app.sessionCount()).isEqualTo(1);
  }

  @Test
  void when_restoredFromSnapshot_then_theAtMostOnceTableComesAlong() {
    app.execute("c1", 1, new Command.Append("k", "a"));
    Snapshot snapshot = app.snapshot();
    assertThat(snapshot.sessions()).containsEntry("c1", new AmoEntry(1, new Result.Value("a")));
    assertThat(snapshot.data()).containsExactly(Map.entry("k", "a"));

    AmoApplication restored = AmoApplication.restore(snapshot);

    assertThat(restored).isEqualTo(app).hasSameHashCodeAs(app);
    assertThat(restored.execute("c1", 1, new Command.Append("k", "a")))
        .isEqualTo(new Result.Value("a"));
    assertThat(restored.get("k")).as("the duplicate is not re-executed").isEqualTo("a");
  }

  @Test
  void when_snapshotWithoutSessionsIsRestored_then_aDuplicateIsExecutedAgain() {
    app.execute("c1", 1, new Command.Append("k", "a"));
    Snapshot bare = app.snapshot().withoutSessions();

    assertThat(bare.sessions()).isEmpty();
    assertThat(bare.data()).isEqualTo(app.snapshot().data());

    AmoApplication restored = AmoApplication.restore(bare);
    restored.execute("c1", 1, new Command.Append("k", "a"));

    assertThat(restored.get("k")).as("why state transfer must carry the table").isEqualTo("aa");
  }

  @Test
  void when_stateChangesAfterASnapshot_then_theSnapshotDoesNot() {
    app.execute("c1", 1, new Command.Put("k", "v1"));
    Snapshot snapshot = app.snapshot();

    app.execute("c1", 2, new Command.Put("k", "v2"));
    app.execute("c2", 1, new Command.Put("other", "x"));

    assertThat(snapshot.data()).containsExactly(Map.entry("k", "v1"));
    assertThat(snapshot.sessions()).containsExactly(Map.entry("c1", new AmoEntry(1, Result.OK)));
    assertThatThrownBy(() -> snapshot.data().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void when_twoAppsAreRestoredFromOneSnapshot_then_theyAreIndependent() {
    app.execute("c1", 1, new Command.Put("k", "v"));
    Snapshot snapshot = app.snapshot();
    AmoApplication one = AmoApplication.restore(snapshot);
    AmoApplication two = AmoApplication.restore(snapshot);

    one.execute("c1", 2, new Command.Append("k", "!"));

    assertThat(one.get("k")).isEqualTo("v!");
    assertThat(two.get("k")).isEqualTo("v");
    assertThat(two.alreadyExecuted("c1", 2)).isFalse();
    assertThat(one).isNotEqualTo(two);
  }

  @Test
  void when_emptySnapshotIsRestored_then_appIsEmpty() {
    AmoApplication restored = AmoApplication.restore(Snapshot.EMPTY);

    assertThat(restored).isEqualTo(new AmoApplication());
    assertThat(restored.size()).isZero();
    assertThat(restored.sessionCount()).isZero();
    assertThat(Snapshot.EMPTY.withoutSessions()).isEqualTo(Snapshot.EMPTY);
  }

  @Test
  void when_executedUnchecked_then_duplicatesRunAgain_andNoEntryIsRecorded() {
    app.executeUnchecked(new Command.Append("k", "a"));
    app.executeUnchecked(new Command.Append("k", "a"));

    assertThat(app.get("k")).isEqualTo("aa");
    assertThat(app.sessionCount()).isZero();
  }

  @Test
  void when_tablesDiffer_then_appsAreNotEqual() {
    AmoApplication other = new AmoApplication();
    app.execute("c1", 1, new Command.Put("k", "v"));
    other.executeUnchecked(new Command.Put("k", "v"));

    assertThat(app.get("k")).isEqualTo(other.get("k"));
    assertThat(app).isNotEqualTo(other);
  }

  @Test
  void when_clientIdIsNull_then_itIsRejected() {
    assertThatThrownBy(() -> app.execute(null, 1, new Command.Get("k")))
        .isInstanceOf(NullPointerException.class);
  }

  // --- the table's byte bound (docs/design.md §4.3) ---------------------------------------------

  @Test
  void when_anAppendResultIsLarge_then_theTableKeepsADigest_andARetryGetsTheWholeResult() {
    String big = "x".repeat(AmoApplication.CACHE_WHOLE_BYTES + 10);
    app.execute("seed", 1, new Command.Put("k", big));
    Result first = app.execute("c1", 1, new Command.Append("k", "a"));
    app.execute("c2", 1, new Command.Append("k", "b")); // only extends the value

    assertThat(app.sessions().get("c1").result()).isInstanceOf(Result.AppendDigest.class);
    assertThat(first).isEqualTo(new Result.Value(big + "a"));
    assertThat(app.execute("c1", 1, new Command.Append("k", "a"))).isEqualTo(first);
    assertThat(app.cachedResult("c1", 1)).isEqualTo(first);
    assertThat(app.get("k")).as("appended once each").isEqualTo(big + "ab");
  }

  @Test
  void when_theKeyWasReplacedSinceALargeAppend_then_aRetryIsTold_executedResultUnavailable() {
    String big = "x".repeat(AmoApplication.CACHE_WHOLE_BYTES + 10);
    app.execute("seed", 1, new Command.Put("k", big));
    app.execute("c1", 1, new Command.Append("k", "a"));
    app.execute("seed", 2, new Command.Put("k", "y".repeat(big.length() + 5)));

    assertThat(app.execute("c1", 1, new Command.Append("k", "a")))
        .isEqualTo(new Result.Unavailable());
    assertThat(app.get("k")).as("not appended again").isEqualTo("y".repeat(big.length() + 5));
    app.execute("seed", 3, new Command.Delete("k"));
    assertThat(app.cachedResult("c1", 1)).isEqualTo(new Result.Unavailable());
  }

  @Test
  void when_seventySessionsAppendToA64KiBValue_then_theTableStaysSmall_unlessKeptWhole() {
    AmoApplication whole = new AmoApplication();
    String big = "x".repeat(64 << 10);
    app.execute("seed", 1, new Command.Put("k", big));
    whole.execute("seed", 1, new Command.Put("k", big), true);
    for (int i = 0; i < 70; i++) {
      app.execute("c" + i, 1, new Command.Append("k", "y"));
      whole.execute("c" + i, 1, new Command.Append("k", "y"), true);
    }
    assertThat(app.tableBytes()).as("70 digests").isLessThan(70 * 200);
    assertThat(whole.tableBytes()).as("70 whole values").isGreaterThan(70L * (64 << 10));
    assertThat(app.copy().tableBytes()).isEqualTo(app.tableBytes());
    assertThat(AmoApplication.restore(app.snapshot()).tableBytes()).isEqualTo(app.tableBytes());
    for (int i = 0; i < AmoApplication.SWEEPS_TO_EXPIRE; i++) {
      app.sweep();
    }
    assertThat(app.sessionCount()).isZero();
    assertThat(app.tableBytes()).as("every entry swept").isZero();
  }

  @Test
  void when_aVerifiedDigestIsRetriedAgain_afterAReplaceAndAnAppend_then_itIsCheckedAgain() {
    String big = "x".repeat(AmoApplication.CACHE_WHOLE_BYTES + 10);
    app.execute("seed", 1, new Command.Put("k", big));
    Result first = app.execute("c1", 1, new Command.Append("k", "a"));
    assertThat(app.cachedResult("c1", 1)).isEqualTo(first); // verified: memo
    app.execute("c2", 1, new Command.Append("k", "b"));
    assertThat(app.cachedResult("c1", 1)).as("only appended since").isEqualTo(first);
    // replaced by a value of the same first bytes but longer: the memo must not vouch for it
    app.execute("seed", 2, new Command.Put("k", "z" + big + "ab"));
    assertThat(app.cachedResult("c1", 1)).isEqualTo(new Result.Unavailable());
    // a new digest of c1 on another key is verified on its own
    app.execute("seed", 3, new Command.Put("j", big));
    Result second = app.execute("c1", 2, new Command.Append("j", "c"));
    app.execute("seed", 4, new Command.Put("j", "y".repeat(big.length() + 1)));
    assertThat(second).isEqualTo(new Result.Value(big + "c"));
    assertThat(app.cachedResult("c1", 2)).isEqualTo(new Result.Unavailable());
  }

  @Test
  void when_sessionsComeAndExpire_then_sessionsAfterListsTheLiveOnes_inIdOrder_fromACursor() {
    app.execute("c3", 1, new Command.Put("k", "v"));
    app.execute("c1", 1, new Command.Put("k", "v"));
    app.execute("c2", 1, new Command.Put("k", "v"));
    assertThat(app.sessionsAfter(null, Long.MAX_VALUE).keySet()).containsExactly("c1", "c2", "c3");
    assertThat(app.sessionsAfter("c1", Long.MAX_VALUE).keySet()).containsExactly("c2", "c3");
    for (int i = 1; i < AmoApplication.SWEEPS_TO_EXPIRE; i++) {
      app.sweep();
    }
    app.execute("c2", 2, new Command.Put("k", "w")); // c2 is active again; c1 and c3 are not
    assertThat(app.sweep()).as("c1 and c3 expire").isEqualTo(2);
    app.execute("c0", 1, new Command.Put("k", "x")); // a new session after the sweep
    assertThat(app.sessionsAfter(null, Long.MAX_VALUE).keySet()).containsExactly("c0", "c2");
    assertThat(app.sessionsAfter("c1", Long.MAX_VALUE).keySet()).containsExactly("c2");
    assertThat(app.copy().sessionsAfter(null, Long.MAX_VALUE))
        .isEqualTo(app.sessionsAfter(null, Long.MAX_VALUE));
    assertThat(app.sessionsAfter(null, 1).keySet())
        .as("at least one, even over the bytes")
        .containsExactly("c0");
  }
}
