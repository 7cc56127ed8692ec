package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The shell splits lines as a POSIX shell (and bash's $'…') would. */
class ShellWordsTest {

  @Test
  void when_wordsAreQuoted_then_spacesAndEmptyValuesSurvive() {
    assertThat(ShellWords.split("put k 'hello world'")).containsExactly("put", "k", "hello world");
    assertThat(ShellWords.split("put k ''")).containsExactly("put", "k", "");
    assertThat(ShellWords.split("put \"a key\" \"say \\\"hi\\\" \\\\ $x\""))
        .containsExactly("put", "a key", "say \"hi\" \\ $x");
    assertThat(ShellWords.split("put k a\\ b")).containsExactly("put", "k", "a b");
    assertThat(ShellWords.split("  get   k  # a comment")).containsExactly("get", "k");
    assertThat(ShellWords.split("put k 'it'\\''s'")).containsExactly("put", "k", "it's");
    assertThat(ShellWords.split("")).isEmpty();
  }

  @Test
  void when_bytesAreWrittenInAnsiCQuotes_then_theWordHoldsExactlyThoseBytes() {
    String w = ShellWords.split("put $'bin\\xff\\xfe\\x00\\n\\'' v").get(1);
    assertThat(ArgBytes.bytes(w)).containsExactly('b', 'i', 'n', 0xff, 0xfe, 0, '\n', '\'');
    String utf8 = ShellWords.split("$'\\xc3\\xa9'").get(0);
    assertThat(new String(ArgBytes.bytes(utf8), StandardCharsets.UTF_8)).isEqualTo("é");
  }

  @Test
  void when_aQuoteIsNotClosed_then_oneLineSaysWhich() {
    assertThatThrownBy(() -> ShellWords.split("put k 'oops"))
        .isInstanceOf(UserError.class)
        .hasMessage("unterminated ' quote");
    assertThatThrownBy(() -> ShellWords.split("put k \"oops")).hasMessage("unterminated \" quote");
    assertThatThrownBy(() -> ShellWords.split("put k $'\\q'"))
        .hasMessage("unknown escape \\q in $'…'");
  }
}
