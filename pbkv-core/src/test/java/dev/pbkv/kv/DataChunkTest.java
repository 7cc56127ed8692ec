package dev.pbkv.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Chunks of a store in its own encoding: written without decoding, installed without encoding. */
class DataChunkTest {

  @Test
  void when_aStoreIsWrittenInChunks_then_installingThemRebuildsAnEqualStore() {
    KvStore source = new KvStore();
    for (int i = 0; i < 5000; i++) {
      source.put("key:" + i, i % 3 == 0 ? "ключ-🔑-" + i : "0123456789abcdef");
    }
    source.put("lone-\uD800", "\uDC00");
    KvStore target = new KvStore();
    int chunks = 0;
    int entries = 0;
    for (int slot = 0; slot < source.slotCount(); chunks++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      slot = source.writeChunk(slot, 4096, out);
      DataChunk chunk = new DataChunk(out.toByteArray());
      entries += chunk.count();
      target.install(chunk);
    }

    assertThat(entries).isEqualTo(5001);
    assertThat(chunks).isGreaterThan(20);
    assertThat(target).isEqualTo(source).hasSameHashCodeAs(source);
    assertThat(target.get("lone-\uD800")).isEqualTo("\uDC00");
  }

  @Test
  void when_aChunkIsInstalledOverExistingKeys_then_itsValuesWin() {
    KvStore store = new KvStore();
    store.put("a", "old");
    store.put("b", "kept");

    store.install(DataChunk.of(Map.of("a", "new", "c", "added")));

    assertThat(store.copyOfData()).isEqualTo(Map.of("a", "new", "b", "kept", "c", "added"));
  }

  @Test
  void when_chunksHoldTheSameBytes_then_theyAreEqual_andConvertBackToTheirMap() {
    Map<String, String> data = new HashMap<>(Map.of("k", "v", "é", "ü", "鍵", ""));
    DataChunk a = DataChunk.of(data);
    DataChunk b = new DataChunk(a.toByteArray());

    assertThat(b).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(b.count()).isEqualTo(3);
    assertThat(b.toMap()).isEqualTo(data);
    assertThat(DataChunk.EMPTY.count()).isZero();
    assertThat(DataChunk.of(Map.of())).isEqualTo(DataChunk.EMPTY);
    assertThat(a).isNotEqualTo(DataChunk.of(Map.of("k", "v")));
  }

  @Test
  void when_bytesAreMalformed_then_theChunkIsRefused() {
    assertThatThrownBy(() -> new DataChunk(new byte[] {5, 'a'}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overruns");
    assertThatThrownBy(() -> new DataChunk(new byte[] {(byte) 0x80}))
        .hasMessageContaining("bad entry length");
    assertThatThrownBy(() -> new DataChunk(new byte[] {2, 4 << 2, 'k'}))
        .hasMessageContaining("malformed");
    assertThatThrownBy(() -> new DataChunk(new byte[] {3, (2 << 2) | 2, 0, 'k'}))
        .hasMessageContaining("not canonical");
    assertThatThrownBy(() -> new DataChunk(new byte[] {0})).hasMessageContaining("bad header");
  }
}
