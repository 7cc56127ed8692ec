package dev.pbkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import dev.pbkv.view.View;
import dev.pbkv.view.ViewServiceMessage.ServerHealth;
import dev.pbkv.view.ViewServiceMessage.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The primary is an incarnation (address and boot id), not an address (docs/design.md §1). */
class LivePrimaryTest {
  private static final Address S1 = Address.of("127.0.0.1:7001");
  private static final Address S2 = Address.of("127.0.0.1:7002");
  private static final View VIEW = new View(3, S1, S2, 11, 22);

  private static Status status(ServerHealth... servers) {
    return new Status(VIEW, true, List.of(servers), null);
  }

  @Test
  void when_theNamedPrimaryIsAlive_then_noProblem() {
    Status s = status(new ServerHealth(S1, 11, 0, true), new ServerHealth(S2, 22, 0, true));
    assertThat(KvCommands.primaryProblem(s, "vs")).isNull();
    assertThat(StatusCommand.role(VIEW, s.servers().get(0))).isEqualTo("primary");
    assertThat(StatusCommand.role(VIEW, s.servers().get(1))).isEqualTo("backup");
  }

  @Test
  void when_thePrimaryRestartedAtItsAddress_then_itIsNotALivePrimary() {
    Status s = status(new ServerHealth(S1, 99, 0, true), new ServerHealth(S2, 22, 0, true));
    assertThat(KvCommands.primaryProblem(s, "vs"))
        .isEqualTo(
            "no live primary: 127.0.0.1:7001, primary of view 3, has restarted (it lost its"
                + " state; the view names its earlier incarnation)");
    assertThat(StatusCommand.role(VIEW, s.servers().get(0))).isEqualTo("restarted");
  }

  @Test
  void when_thePrimaryIsDead_then_itsMissedPingsAreNamed() {
    Status s = status(new ServerHealth(S1, 11, 7, false));
    assertThat(KvCommands.primaryProblem(s, "vs")).endsWith("has missed 7 pings");
  }

  @Test
  void when_noServerPinged_then_noPrimaryYet() {
    Status s = new Status(View.INITIAL, true, List.of(), null);
    assertThat(KvCommands.primaryProblem(s, "vs")).startsWith("no primary yet");
  }
}
