package dev.pbkv.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The compact open-addressing table behind {@link KvStore}: probing, collisions, wrap-around,
 * backward-shift deletion, resizing, equality independent of order, lossless strings, and chunked
 * scans. A model-based test compares it with a {@code HashMap} after every operation.
 */
class CompactKvStoreTest {

  /** Keys whose home slot in a 16-slot table is {@code home}. */
  private static List<String> keysWithHome(int home, int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      String k = "c" + i;
      if ((KvStore.hashOf(k) & 15) == home) {
        keys.add(k);
      }
    }
    return keys;
  }

  @Test
  void when_keysCollideAndWrapAround_then_allAreFound_andDeletesKeepTheRestReachable() {
    KvStore store = new KvStore();
    List<String> last = keysWithHome(15, 4); // home slot 15: the run wraps to 0, 1, 2
    List<String> first = keysWithHome(0, 2); // home slot 0: pushed behind the wrapped ones
    for (String k : last) {
      store.put(k, "v-" + k);
    }
    for (String k : first) {
      store.put(k, "v-" + k);
    }
    assertThat(store.slotCount()).as("still the initial table").isEqualTo(16);
    for (String k : concat(last, first)) {
      assertThat(store.get(k)).isEqualTo("v-" + k);
    }

    // Deleting inside the run must shift later entries back, across the wrap, not lose them.
    assertThat(store.remove(last.get(0))).isTrue();
    assertThat(store.remove(last.get(2))).isTrue();
    assertThat(store.remove(last.get(2))).isFalse();

    assertThat(store.get(last.get(0))).isNull();
    assertThat(store.get(last.get(2))).isNull();
    assertThat(store.get(last.get(1))).isEqualTo("v-" + last.get(1));
    assertThat(store.get(last.get(3))).isEqualTo("v-" + last.get(3));
    for (String k : first) {
      assertThat(store.get(k)).isEqualTo("v-" + k);
    }
    assertThat(store.size()).isEqualTo(4);
    Map<String, String> expected = new HashMap<>();
    expected.put(last.get(1), "v-" + last.get(1));
    expected.put(last.get(3), "v-" + last.get(3));
    for (String k : first) {
      expected.put(k, "v-" + k);
    }
    assertThat(store.copyOfData()).isEqualTo(expected);
    assertThat(store).isEqualTo(KvStore.of(expected));
  }

  @Test
  void when_aKeyIsDeletedAndPutAgain_then_itHasOneEntry() {
    KvStore store = new KvStore();
    List<String> keys = keysWithHome(3, 3);
    for (String k : keys) {
      store.put(k, "1");
    }
    store.remove(keys.get(0));
    store.put(keys.get(2), "2"); // an update must find the shifted entry, not add a second one
    store.put(keys.get(0), "3");

    assertThat(store.size()).isEqualTo(3);
    assertThat(store.copyOfData())
        .isEqualTo(Map.of(keys.get(0), "3", keys.get(1), "1", keys.get(2), "2"));
  }

  @Test
  void when_manyKeysAreAdded_then_theTableGrows_andEveryKeyIsFound() {
    KvStore store = new KvStore();
    for (int i = 0; i < 10_000; i++) {
      store.put("key:" + i, "value-" + i);
    }

    assertThat(store.size()).isEqualTo(10_000);
    assertThat(store.slotCount()).isEqualTo(16_384); // load factor at most 3/4
    for (int i = 0; i < 10_000; i++) {
      assertThat(store.get("key:" + i)).isEqualTo("value-" + i);
    }
    assertThat(store.get("key:10000")).isNull();
  }

  @Test
  void when_theSameContentsAreBuiltInDifferentOrders_then_storesAreEqualWithEqualHashCodes() {
    KvStore forward = new KvStore();
    KvStore backward = new KvStore();
    for (int i = 0; i < 500; i++) {
      forward.put("k" + i, "v" + i);
    }
    for (int i = 999; i >= 0; i--) {
      backward.put("k" + i, "v" + i);
    }
    for (int i = 500; i < 1000; i++) {
      backward.remove("k" + i); // a different history and table layout
    }

    assertThat(forward).isEqualTo(backward).hasSameHashCodeAs(backward);
    assertThat(backward).isEqualTo(forward);

    backward.put("k7", "other");
    assertThat(forward).isNotEqualTo(backward);
    backward.put("k7", "v7");
    backward.put("extra", "");
    assertThat(forward).isNotEqualTo(backward);
    backward.remove("extra");
    assertThat(forward).isEqualTo(backward);
  }

  @Test
  void when_stringsAreUnicode_then_theyRoundTripExactly_andStayDistinct() {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("ключ", "значение");
    data.put("鍵-🔑", "値-🔑");
    data.put("\u00e9", "latin-1 e-acute");
    data.put("e\u0301", "e + combining accent");
    data.put("lone-\uD800", "high surrogate alone \uD800");
    data.put("lone-\uDC00", "low surrogate alone \uDC00");
    data.put("\u0000", "nul \u0000 \u00ff");
    data.put("", "");
    data.put("ascii", "\uFFFF");
    KvStore store = new KvStore();
    data.forEach(store::put);

    assertThat(store.size()).isEqualTo(data.size());
    data.forEach((k, v) -> assertThat(store.get(k)).isEqualTo(v));
    assertThat(store.copyOfData()).isEqualTo(data);
    assertThat(store.get("lone-\uDBFF")).isNull();
    assertThat(store.get("e")).isNull();
    assertThat(store.execute(new Command.Append("ключ", "-ü")))
        .isEqualTo(new Result.Value("значение-ü"));
  }

  @Test
  void when_scannedInChunks_then_everyEntryComesExactlyOnce() {
    KvStore store = new KvStore();
    for (int i = 0; i < 1000; i++) {
      store.put("key:" + i, "0123456789abcdef");
    }
    Map<String, String> seen = new HashMap<>();
    int chunks = 0;
    for (int slot = 0; slot < store.slotCount(); chunks++) {
      int before = seen.size();
      slot = store.scan(slot, 300, (k, v) -> assertThat(seen.put(k, v)).isNull());
      assertThat(seen.size() - before)
          .as("a chunk of about 300 bytes, 22-24 per entry")
          .isBetween(1, 14);
    }
    assertThat(seen).isEqualTo(store.copyOfData());
    assertThat(chunks).as("about 24,000 bytes in chunks of 300").isBetween(70, 85);

    List<String> one = new ArrayList<>();
    int next = store.scan(0, 0, (k, v) -> one.add(k));
    assertThat(one).as("maxBytes 0 still reads one entry").hasSize(1);
    assertThat(next).isPositive();
  }

  @Test
  void when_copied_then_theCopyIsIndependent() {
    KvStore store = new KvStore();
    store.put("a", "1");
    KvStore copy = store.copy();

    store.put("a", "2");
    store.put("b", "3");
    copy.remove("a");

    assertThat(store.copyOfData()).isEqualTo(Map.of("a", "2", "b", "3"));
    assertThat(copy.size()).isZero();
    assertThat(copy.get("a")).isNull();
  }

  @Test
  void when_randomOperationsRun_then_theStoreAlwaysAgreesWithAHashMap() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      KvStore store = new KvStore();
      Map<String, String> model = new HashMap<>();
      String[] values = {"", "x", "0123456789abcdef", "ü", "🔑", "\uD800"};
      for (int step = 0; step < 3000; step++) {
        String key = (r.nextInt(4) == 0 ? "é" : "k") + r.nextInt(60);
        String value = values[r.nextInt(values.length)];
        Command c =
            switch (r.nextInt(5)) {
              case 0 -> new Command.Put(key, value);
              case 1 -> new Command.Append(key, value);
              case 2, 3 -> new Command.Delete(key);
              default -> new Command.CompareAndSet(key, model.get(key), value);
            };
        Result expected = apply(model, c);
        assertThat(store.execute(c)).as("seed %d step %d: %s", seed, step, c).isEqualTo(expected);
        assertThat(store.size()).isEqualTo(model.size());
      }
      for (int i = 0; i < 60; i++) {
        assertThat(store.get("k" + i)).isEqualTo(model.get("k" + i));
        assertThat(store.get("é" + i)).isEqualTo(model.get("é" + i));
      }
      assertThat(store.copyOfData()).isEqualTo(model);
      assertThat(store).isEqualTo(KvStore.of(model)).hasSameHashCodeAs(KvStore.of(model));
    }
  }

  private static Result apply(Map<String, String> model, Command c) {
    if (c instanceof Command.Put p) {
      model.put(p.key(), p.value());
      return Result.OK;
    } else if (c instanceof Command.Append a) {
      return new Result.Value(model.merge(a.key(), a.value(), String::concat));
    } else if (c instanceof Command.Delete d) {
      return new Result.Deleted(model.remove(d.key()) != null);
    } else if (c instanceof Command.CompareAndSet cas) {
      String current = model.get(cas.key());
      if (java.util.Objects.equals(current, cas.expected())) {
        model.put(cas.key(), cas.update());
        return new Result.CasResult(true, current);
      }
      return new Result.CasResult(false, current);
    }
    throw new IllegalArgumentException(c.toString());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
