package dev.pbkv.debug;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.kv.Command;
import dev.pbkv.node.Address;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActionTest {
  @Test
  void when_anyActionIsWrittenAndRead_then_itIsTheSameAction() {
    Address a = Address.of("A");
    Address vs = Address.of("vs");
    List<Action> all =
        List.of(
            new Action.Deliver(12),
            new Action.Drop(3),
            new Action.Duplicate(99),
            new Action.Fire(a, "ForwardRetry[viewNum=2, ackedIndex=0]"),
            new Action.Start(a),
            new Action.Crash(a),
            new Action.Pause(a),
            new Action.Resume(a),
            new Action.Links(Set.of(new Action.Link(a, vs), new Action.Link(vs, a))),
            new Action.Links(Set.of()),
            new Action.Submit(Address.of("c1"), new Command.Put("x", "2")),
            new Action.Submit(Address.of("c1"), new Command.CompareAndSet("x", "1", "2")));
    for (Action action : all) {
      assertThat(Action.parse(action.text())).as(action.text()).isEqualTo(action);
    }
    assertThat(new Action.Links(Set.of(new Action.Link(vs, a), new Action.Link(a, vs))).text())
        .isEqualTo("links A>vs vs>A");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "fly A",
        "deliver 12",
        "deliver m",
        "deliver m99999999999999999999",
        "fire A PingTick[]",
        "start",
        "crash A B",
        "links A-vs",
        "links A>",
        "submit c1",
        "submit c1 frobnicate x",
        "submit c1 put x"
      })
  void when_anActionIsMalformed_then_oneLineSaysWhy(String text) {
    assertThatThrownBy(() -> Action.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("\n"));
  }

  @Test
  void when_anActionIsHuge_then_itIsRefusedBeforeParsing() {
    assertThatThrownBy(() -> Action.parse("submit c1 put x " + "y".repeat(Action.MAX_TEXT)))
        .hasMessageContaining("longer than");
  }
}
