package dev.pbkv.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandsTest {

  private static List<String> words(String line) {
    return line.isEmpty() ? List.of() : Arrays.asList(line.split(" "));
  }

  @Test
  void when_eachVerbHasItsArguments_then_itParsesToTheRightCommand() {
    assertThat(Commands.parse(words("get k"))).isEqualTo(new Command.Get("k"));
    assertThat(Commands.parse(words("put k v"))).isEqualTo(new Command.Put("k", "v"));
    assertThat(Commands.parse(words("append k v"))).isEqualTo(new Command.Append("k", "v"));
    assertThat(Commands.parse(words("delete k"))).isEqualTo(new Command.Delete("k"));
    assertThat(Commands.parse(words("cas k old new")))
        .isEqualTo(new Command.CompareAndSet("k", "old", "new"));
  }

  @Test
  void when_documentedWordsAreListed_then_everyOneIsAccepted() {
    assertThat(Commands.WORDS).containsExactly("get", "put", "append", "delete", "cas");
    for (String verb : Commands.WORDS) {
      int arity =
          switch (verb) {
            case "get", "delete" -> 1;
            case "put", "append" -> 2;
            default -> 3;
          };
      List<String> command = new ArrayList<>(List.of(verb));
      for (int i = 0; i < arity; i++) {
        command.add("w" + i);
      }
      assertThat(Commands.parse(command).key()).as(verb).isEqualTo("w0");
    }
  }

  @Test
  void when_valueContainsSpacesWithinOneWord_then_itIsKeptWhole() {
    assertThat(Commands.parse(List.of("put", "k", "hello world")))
        .isEqualTo(new Command.Put("k", "hello world"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"get k", "put k v", "append k v", "delete k", "cas k a b"})
  void when_commandIsPrinted_then_itParsesBackToItself(String line) {
    Command command = Commands.parse(words(line));

    assertThat(command.toString()).isEqualTo(line);
    assertThat(Commands.parse(words(command.toString()))).isEqualTo(command);
  }

  @Test
  void when_verbIsUnknown_then_oneLineMessageNamesItAndTheKnownVerbs() {
    assertThatThrownBy(() -> Commands.parse(words("frobnicate k")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown command 'frobnicate'")
        .hasMessageContaining("get, put, append, delete, cas")
        .hasMessageNotContaining("\n");
  }

  @Test
  void when_commandIsEmpty_then_oneLineMessageSaysSo() {
    assertThatThrownBy(() -> Commands.parse(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty command")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "get|'get' takes 1 argument: get KEY",
        "get a b|'get' takes 1 argument: get KEY",
        "put k|'put' takes 2 arguments: put KEY VALUE",
        "put k v extra|'put' takes 2 arguments: put KEY VALUE",
        "append|'append' takes 2 arguments: append KEY VALUE",
        "delete|'delete' takes 1 argument: delete KEY",
        "delete a b|'delete' takes 1 argument: delete KEY",
        "cas k old|'cas' takes 3 arguments: cas KEY EXPECTED UPDATE",
        "cas k a b c|'cas' takes 3 arguments: cas KEY EXPECTED UPDATE",
      })
  void when_argumentCountIsWrong_then_oneLineMessageNamesTheVerbAndUsage(
      String line, String expected) {
    assertThatThrownBy(() -> Commands.parse(words(line)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(expected)
        .hasMessageNotContaining("\n");
  }
}
