package dev.pbkv.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.kv.Command;
import dev.pbkv.kv.Result;
import dev.pbkv.node.Address;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void when_primaryAndBackupRun_then_opsComplete_andFailoverKeepsThem() {
    Cluster c = Cluster.withDefaults(1);
    c.startViewService();
    Address a = c.startServer("A");
    c.sim().runFor(50);
    Address b = c.startServer("B");
    Address client = c.addClient("c1");
    assertThat(c.awaitAckedView(2, a, b, 2000)).as("view 2 = A,B acked; now %s", c.view()).isTrue();
    assertThat(c.call(client, new Command.Put("x", "1"), 1000)).isEqualTo(Result.OK);
    assertThat(c.call(client, new Command.Append("x", "2"), 1000))
        .isEqualTo(new Result.Value("12"));
    assertThat(c.server(b).valueOf("x")).isEqualTo("12");
    c.sim().crash(a);
    assertThat(c.call(client, new Command.Get("x"), 5000)).isEqualTo(new Result.Value("12"));
    assertThat(c.view().primary()).isEqualTo(b);
    System.out.println(
        "events "
            + c.sim().eventsProcessed()
            + " at "
            + c.sim().nowMillis()
            + " ms; view "
            + c.view());
  }
}
