package dev.pbkv.check;

import static dev.pbkv.check.CheckSystem.VS;
import static dev.pbkv.check.CheckSystem.append;
import static dev.pbkv.check.CheckSystem.client;
import static dev.pbkv.check.CheckSystem.server;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pbkv.node.Address;
import dev.pbkv.node.Effects;
import dev.pbkv.node.Message;
import dev.pbkv.node.Node;
import dev.pbkv.node.Timer;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchStateTest {

  record Tick(int n) implements Timer {}

  record Note(int n) implements Message {}

  /** A test node: sets the timers it is told to at init, counts what it handled. */
  static final class Probe implements Copyable {
    final long[][] timers;
    int handled;

    Probe(long[][] timers) {
      this.timers = timers;
    }

    @Override
    public void init(Effects fx) {
      for (int i = 0; i < timers.length; i++) {
        fx.setTimer(
            new Tick(timers[i].length > 2 ? (int) timers[i][2] : i), timers[i][0], timers[i][1]);
      }
    }

    @Override
    public void onMessage(Address from, Message msg, Effects fx) {
      handled++;
    }

    @Override
    public void onTimer(Timer timer, Effects fx) {
      handled++;
      fx.send(Address.of("p"), new Note(((Tick) timer).n()));
    }

    @Override
    public Probe copy() {
      Probe p = new Probe(timers);
      p.handled = handled;
      return p;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Probe p && p.handled == handled;
    }

    @Override
    public int hashCode() {
      return handled;
    }
  }

  private static SearchState probe(long[][] timers) {
    LinkedHashMap<Address, Node> nodes = new LinkedHashMap<>();
    nodes.put(Address.of("p"), new Probe(timers));
    return SearchState.initial(nodes);
  }

  @Test
  void when_anEarlierTimersMaxIsNotAboveALaterMin_then_onlyTheEarlierIsEligible() {
    SearchState s = probe(new long[][] {{10, 10}, {10, 20}, {5, 30}});
    List<Event> events = s.events(new SearchSettings());
    // Tick(1) has min 10 >= Tick(0)'s max 10: it must wait; Tick(2) (min 5) may go before Tick(0)
    assertThat(events)
        .extracting(e -> ((Event.Fire) e).timer().timer())
        .containsExactlyInAnyOrder(new Tick(0), new Tick(2));
  }

  @Test
  void when_aMessageIsDelivered_then_itStaysDeliverable() {
    SearchState s = probe(new long[][] {{10, 10}});
    SearchState fired = s.step(s.events(new SearchSettings()).get(0));
    Event deliver = fired.events(new SearchSettings()).get(0);
    assertThat(deliver).isInstanceOf(Event.Deliver.class);
    SearchState once = fired.step(deliver);
    assertThat(once.enabled(deliver, new SearchSettings())).isTrue();
    SearchState twice = once.step(deliver);
    assertThat(twice).isNotEqualTo(once);
    assertThat(((Probe) twice.node(Address.of("p"))).handled).isEqualTo(3);
    assertThat(((Probe) s.node(Address.of("p"))).handled).isZero(); // the parent is untouched
  }

  @Test
  void when_stateIsReachedTwoWays_then_theStatesAreEqual() {
    SearchState s = probe(new long[][] {{10, 20, 7}, {10, 20, 7}});
    List<Event> es = s.events(new SearchSettings());
    assertThat(es).hasSize(1); // the two equal timers: only the first is fired
    SearchState a = s.step(es.get(0));
    assertThat(a.asRoot()).isEqualTo(a).hasSameHashCodeAs(a);
    assertThat(a.trace()).hasSize(1);
    assertThat(a.asRoot().trace()).isEmpty();
  }

  @Test
  void when_nodesAreStoppedOrLinksCut_then_successorsHonourIt() {
    SearchState s = CheckSystem.create().servers(1).client(append("k", "x")).initialState();
    SearchSettings all = new SearchSettings();
    assertThat(s.events(all)).anyMatch(e -> e.node().equals(VS));
    SearchSettings stopped = new SearchSettings().stop(VS);
    assertThat(s.events(stopped)).noneMatch(e -> e.node().equals(VS));
    SearchSettings cut = new SearchSettings().cut(server(1), VS);
    assertThat(s.events(cut))
        .noneMatch(e -> e instanceof Event.Deliver d && d.envelope().from().equals(server(1)));
    SearchSettings quiet = new SearchSettings().timersOff(client(1));
    assertThat(s.events(quiet))
        .noneMatch(e -> e instanceof Event.Fire f && f.node().equals(client(1)));
  }
}
