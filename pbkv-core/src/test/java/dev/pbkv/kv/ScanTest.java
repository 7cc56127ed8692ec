package dev.pbkv.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Paging through keys with {@link Command.Scan} (docs/design.md §4.4). */
class ScanTest {
  private final KvStore store = new KvStore();

  private Result.Keys scan(String prefix, String after, int limit) {
    return (Result.Keys) store.execute(new Command.Scan(prefix, after, limit));
  }

  /** Every key in range, page by page, following the cursor. */
  private List<String> all(String prefix, int limit) {
    List<String> out = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 10_000; pages++) {
      Result.Keys page = scan(prefix, cursor, limit);
      assertThat(page.keys().size()).isLessThanOrEqualTo(limit);
      out.addAll(page.keys());
      if (page.nextCursor() == null) {
        return out;
      }
      assertThat(page.nextCursor()).isEqualTo(page.keys().get(page.keys().size() - 1));
      cursor = page.nextCursor();
    }
    throw new AssertionError("the scan never ended");
  }

  @Test
  void when_storeIsEmpty_then_onePageWithNoKeysAndNoCursor() {
    assertThat(scan("", null, 10)).isEqualTo(new Result.Keys(List.of(), null));
  }

  @Test
  void when_paging_then_everyKeyWithThePrefixOnceAndInOrder() {
    TreeSet<String> want = new TreeSet<>();
    for (int i = 0; i < 250; i++) {
      store.put("user/" + i, "v");
      want.add("user/" + i);
      store.put("other/" + i, "v");
    }
    for (int limit : new int[] {1, 7, 100, 1000}) {
      assertThat(all("user/", limit)).containsExactlyElementsOf(want);
    }
    assertThat(all("", 13)).hasSize(500).isSorted();
    assertThat(all("nothing", 5)).isEmpty();
  }

  @Test
  void when_pageEndsExactlyAtTheLastKey_then_theNextPageIsEmptyOrThereIsNoCursor() {
    store.put("a", "1");
    store.put("b", "2");
    Result.Keys page = scan("", null, 2);
    assertThat(page.keys()).containsExactly("a", "b");
    assertThat(page.nextCursor()).isNull();
    assertThat(scan("", "b", 2)).isEqualTo(new Result.Keys(List.of(), null));
    assertThat(scan("", "zz", 2)).isEqualTo(new Result.Keys(List.of(), null));
  }

  @Test
  void when_cursorIsNotAKey_then_theScanStartsAfterIt() {
    store.put("a1", "v");
    store.put("a3", "v");
    assertThat(scan("a", "a2", 10).keys()).containsExactly("a3");
    assertThat(scan("a", "a1", 10).keys()).containsExactly("a3");
  }

  @Test
  void when_keysHoldEveryByte_then_theyComeInUnsignedByteOrder() {
    TreeSet<String> want = new TreeSet<>();
    for (int b = 0; b <= 0xFF; b++) {
      String k = "k" + (char) b;
      store.put(k, "v");
      want.add(k);
      store.put((char) b + "", "v");
    }
    want.add("k"); // the one-byte key "k" has the prefix too
    List<String> got = all("k", 17);
    assertThat(got).containsExactlyElementsOf(want);
    assertThat(got.get(0)).isEqualTo("k");
    assertThat(got.get(1)).isEqualTo("k\u0000");
    assertThat(got.get(256)).isEqualTo("k\u00ff");
    assertThat(all("", 1000)).hasSize(512).isSorted();
  }

  @Test
  void when_keysAreLarge_then_aPageStaysWithinTheByteBound() {
    String big = "x".repeat(20_000);
    for (int i = 0; i < 10; i++) {
      store.put(i + big, "v");
    }
    Result.Keys page = scan("", null, 1000);
    assertThat(page.keys()).hasSize(3); // 3 × 20 001 bytes fit in 64 KiB, 4 do not
    assertThat(page.nextCursor()).isNotNull();
    assertThat(all("", 1000)).hasSize(10);

    store.put("y".repeat(Command.Scan.MAX_PAGE_BYTES + 1), "v");
    assertThat(scan("y", null, 10).keys()).hasSize(1); // a page's first key always goes in
  }

  @Test
  void when_keyIsDeletedBetweenPages_then_theScanGoesOn() {
    for (int i = 0; i < 10; i++) {
      store.put("k" + i, "v");
    }
    Result.Keys first = scan("", null, 3);
    store.remove(first.nextCursor());
    assertThat(scan("", first.nextCursor(), 100).keys()).hasSize(7);
  }

  @Test
  void when_limitIsOutOfRange_then_refused() {
    assertThatThrownBy(() -> new Command.Scan("", null, 0))
        .hasMessageContaining("limit must be 1 to 1000");
    assertThatThrownBy(() -> new Command.Scan("", null, 1001))
        .hasMessageContaining("limit must be 1 to 1000");
  }
}
