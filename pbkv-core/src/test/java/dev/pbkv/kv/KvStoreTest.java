package dev.pbkv.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KvStoreTest {
  private final KvStore store = new KvStore();

  @Test
  void when_getAbsentKey_then_valueIsNull() {
    assertThat(store.execute(new Command.Get("k"))).isEqualTo(new Result.Value(null));
    assertThat(store.size()).isZero();
  }

  @Test
  void when_put_then_okAndGetReturnsTheValue() {
    assertThat(store.execute(new Command.Put("k", "v1"))).isEqualTo(Result.OK);
    assertThat(store.execute(new Command.Get("k"))).isEqualTo(new Result.Value("v1"));

    assertThat(store.execute(new Command.Put("k", "v2"))).isEqualTo(Result.OK);
    assertThat(store.get("k")).isEqualTo("v2");
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void when_appendToAbsentKey_then_itCountsAsEmpty_andTheNewValueIsReturned() {
    assertThat(store.execute(new Command.Append("k", "a"))).isEqualTo(new Result.Value("a"));
    assertThat(store.get("k")).isEqualTo("a");
  }

  @Test
  void when_appendToPresentKey_then_theNewValueIsReturned() {
    store.execute(new Command.Put("k", "x"));

    assertThat(store.execute(new Command.Append("k", "y"))).isEqualTo(new Result.Value("xy"));
    assertThat(store.execute(new Command.Append("k", "z"))).isEqualTo(new Result.Value("xyz"));
    assertThat(store.get("k")).isEqualTo("xyz");
  }

  @Test
  void when_delete_then_resultTellsWhetherTheKeyWasPresent() {
    store.execute(new Command.Put("k", "v"));

    assertThat(store.execute(new Command.Delete("k"))).isEqualTo(new Result.Deleted(true));
    assertThat(store.get("k")).isNull();
    assertThat(store.execute(new Command.Delete("k"))).isEqualTo(new Result.Deleted(false));
    assertThat(store.size()).isZero();
  }

  @Test
  void when_compareAndSetMatches_then_itSwapsAndReportsThePreviousValue() {
    store.execute(new Command.Put("k", "old"));

    Result r = store.execute(new Command.CompareAndSet("k", "old", "new"));

    assertThat(r).isEqualTo(new Result.CasResult(true, "old"));
    assertThat(store.get("k")).isEqualTo("new");
  }

  @Test
  void when_compareAndSetDoesNotMatch_then_nothingChangesAndTheCurrentValueIsReported() {
    store.execute(new Command.Put("k", "current"));

    Result r = store.execute(new Command.CompareAndSet("k", "other", "new"));

    assertThat(r).isEqualTo(new Result.CasResult(false, "current"));
    assertThat(store.get("k")).isEqualTo("current");
  }

  @Test
  void when_compareAndSetExpectsAbsent_then_itSwapsOnlyIfTheKeyIsAbsent() {
    assertThat(store.execute(new Command.CompareAndSet("k", null, "first")))
        .isEqualTo(new Result.CasResult(true, null));
    assertThat(store.get("k")).isEqualTo("first");

    assertThat(store.execute(new Command.CompareAndSet("k", null, "second")))
        .isEqualTo(new Result.CasResult(false, "first"));
    assertThat(store.get("k")).isEqualTo("first");
  }

  @Test
  void when_compareAndSetOnAbsentKeyExpectsAValue_then_itDoesNotSwap() {
    assertThat(store.execute(new Command.CompareAndSet("k", "x", "y")))
        .isEqualTo(new Result.CasResult(false, null));
    assertThat(store.get("k")).isNull();
  }

  @Test
  void when_askedWhichCommandsAreReads_then_onlyGetIs() {
    assertThat(new Command.Get("k").isRead()).isTrue();
    assertThat(new Command.Put("k", "v").isRead()).isFalse();
    assertThat(new Command.Append("k", "v").isRead()).isFalse();
    assertThat(new Command.Delete("k").isRead()).isFalse();
    assertThat(new Command.CompareAndSet("k", "a", "b").isRead()).isFalse();
  }

  @Test
  void when_builtFromAMap_then_itHoldsACopy() {
    Map<String, String> source = new HashMap<>(Map.of("a", "1"));
    KvStore copy = KvStore.of(source);

    source.put("a", "changed");
    source.put("b", "2");

    assertThat(copy.get("a")).isEqualTo("1");
    assertThat(copy.size()).isEqualTo(1);
  }

  @Test
  void when_copyOfDataIsTaken_then_itIsImmutableAndDoesNotFollowLaterWrites() {
    store.execute(new Command.Put("a", "1"));
    Map<String, String> data = store.copyOfData();

    store.execute(new Command.Put("a", "2"));

    assertThat(data).containsExactly(Map.entry("a", "1"));
    assertThatThrownBy(() -> data.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void when_contentsAreEqual_then_storesAreEqual() {
    KvStore other = new KvStore();
    store.execute(new Command.Put("a", "1"));
    other.execute(new Command.Append("a", "1"));

    assertThat(store).isEqualTo(other).hasSameHashCodeAs(other);

    other.execute(new Command.Delete("a"));
    assertThat(store).isNotEqualTo(other);
  }

  @Test
  void when_commandsAreBuiltWithNulls_then_theyAreRejected() {
    assertThatThrownBy(() -> store.execute(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Command.Put("k", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Command.Get(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Command.CompareAndSet("k", "a", null))
        .isInstanceOf(NullPointerException.class);
  }
}
