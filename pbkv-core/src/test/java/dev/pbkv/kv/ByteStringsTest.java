package dev.pbkv.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteStringsTest {

  @Test
  void when_everyByteValueIsConverted_then_itComesBackUnchanged_oneCharPerByte() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    String s = ByteStrings.of(all);
    assertThat(s).hasSize(256);
    assertThat(ByteStrings.bytes(s)).isEqualTo(all);
    KvStore store = new KvStore();
    store.put(s, s);
    assertThat(store.get(s)).isEqualTo(s);
  }

  @Test
  void when_textIsConverted_then_itIsItsUtf8Bytes() {
    assertThat(ByteStrings.fromText("é")).isEqualTo("\u00c3\u00a9");
    assertThat(ByteStrings.toText(ByteStrings.fromText("ключ 🔑"))).isEqualTo("ключ 🔑");
    assertThat(ByteStrings.fromText(null)).isNull();
    assertThatThrownBy(() -> ByteStrings.bytes("鍵"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a byte string");
  }

  @Test
  void when_aValueIsShown_then_textStaysText_andOtherBytesAreEscaped() {
    assertThat(ByteStrings.display(ByteStrings.fromText("Tromsø"))).isEqualTo("Tromsø");
    assertThat(ByteStrings.display("bin\u00ff\u00fe")).isEqualTo("$'bin\\xff\\xfe'");
    assertThat(ByteStrings.display("a\nb'\\")).isEqualTo("$'a\\x0ab\\'\\\\'");
    assertThat(ByteStrings.display("")).isEqualTo("");
  }
}
