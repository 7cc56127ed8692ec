package dev.pbkv.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.node.Address;
import dev.pbkv.view.DurableViewState;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view service's file store: atomic, checked, one process at a time. */
class FileViewStoreTest {
  private static final Address A = Address.of("127.0.0.1:7001");
  private static final Address B = Address.of("127.0.0.1:7002");

  @TempDir Path dir;

  private static DurableViewState state() {
    return new DurableViewState(new View(3, A, B, -42, 7), true, java.util.Map.of())
        .retire(A, 99)
        .retire(B, -5);
  }

  @Test
  void when_nothingWasWritten_then_itReadsViewZeroAtVersionZero() {
    FileViewStore s = FileViewStore.open(dir.resolve("new"));
    assertThat(s.read()).isEqualTo(new ViewStore.Stored(0, DurableViewState.INITIAL));
    s.close();
  }

  @Test
  void when_writtenAndReopened_then_theStateAndVersionAreBack() {
    FileViewStore s = FileViewStore.open(dir);
    assertThat(s.compareAndSet(0, state())).isEqualTo(ViewStore.WriteResult.WRITTEN);
    s.close();

    FileViewStore again = FileViewStore.open(dir);
    assertThat(again.read()).isEqualTo(new ViewStore.Stored(1, state()));
    assertThat(again.describe()).contains(FileViewStore.FILE_NAME);
    assertThat(Files.exists(dir.resolve(FileViewStore.FILE_NAME + ".tmp")))
        .as("the temporary file was renamed")
        .isFalse();
    again.close();
  }

  @Test
  void when_theVersionIsStale_then_nothingIsWritten() {
    FileViewStore s = FileViewStore.open(dir);
    assertThat(s.compareAndSet(0, state())).isEqualTo(ViewStore.WriteResult.WRITTEN);
    assertThat(s.compareAndSet(0, DurableViewState.INITIAL))
        .isEqualTo(ViewStore.WriteResult.CONFLICT);
    assertThat(s.read().state()).isEqualTo(state());
    s.close();
  }

  @Test
  void when_anotherProcessHoldsTheFolder_then_openSaysSo() {
    FileViewStore s = FileViewStore.open(dir);
    assertThatThrownBy(() -> FileViewStore.open(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in use by another view service");
    s.close();
  }

  @Test
  void when_theFileIsCorruptOrTorn_then_openRefusesWithOneLineAndLeavesItAlone() throws Exception {
    FileViewStore s = FileViewStore.open(dir);
    s.compareAndSet(0, state());
    s.close();
    Path file = dir.resolve(FileViewStore.FILE_NAME);
    String good = Files.readString(file);

    for (String bad :
        new String[] {
          good.replace("view 3", "view 4"), // edited: the checksum no longer matches
          good.substring(0, good.length() / 2), // torn
          "hello\n",
          "",
        }) {
      Files.writeString(file, bad, StandardCharsets.UTF_8);
      assertThatThrownBy(() -> FileViewStore.open(dir))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot read the view service's state")
          .hasMessageNotContaining("\n");
      assertThat(Files.readString(file)).as("no damage").isEqualTo(bad);
    }
  }

  @Test
  void when_aLeftoverTemporaryFileExists_then_itIsIgnored() throws Exception {
    FileViewStore s = FileViewStore.open(dir);
    s.compareAndSet(0, state());
    s.close();
    Files.writeString(dir.resolve(FileViewStore.FILE_NAME + ".tmp"), "half a write");
    FileViewStore again = FileViewStore.open(dir);
    assertThat(again.read().state()).isEqualTo(state());
    assertThat(again.compareAndSet(1, DurableViewState.INITIAL))
        .isEqualTo(ViewStore.WriteResult.WRITTEN);
    again.close();
  }
}
