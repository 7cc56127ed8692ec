package dev.pbkv.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pbkv.trace.TraceEvent.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceTest {
  @TempDir Path dir;

  static TraceEvent ev(
      String node,
      Kind kind,
      long lamport,
      Map<String, Long> clock,
      String id,
      String peer,
      String label) {
    return new TraceEvent(
        node, kind, lamport, clock, lamport * 100, id, peer, label, "detail of " + label);
  }

  /** a sends m1 to b (received), b sends m2 to a (lost), a view change at b. */
  static Trace sample() {
    return new Trace(
        Trace.VIRTUAL,
        List.of(
            ev("a", Kind.SEND, 1, Map.of("a", 1L), "m1", "b", "Ping"),
            ev("b", Kind.RECEIVE, 2, Map.of("a", 1L, "b", 1L), "m1", "a", "Ping"),
            ev("b", Kind.VIEW, 3, Map.of("a", 1L, "b", 2L), null, null, "view 2: a, b"),
            ev("b", Kind.SEND, 4, Map.of("a", 1L, "b", 3L), "m2", "a", "ViewReply </script>"),
            ev("b", Kind.DROP, 5, Map.of("a", 1L, "b", 3L), "m2", "a", "ViewReply")));
  }

  @Test
  void when_writtenAndRead_then_theTraceIsTheSame() throws IOException {
    Path f = dir.resolve("t.jsonl");
    sample().write(f);
    assertThat(Files.readAllLines(f).get(0)).contains("\"pbkv-trace\":1", "\"time\":\"virtual\"");
    assertThat(Trace.read(f)).isEqualTo(sample());
  }

  @Test
  void when_aLineIsNotAnEvent_then_readingNamesTheLine() throws IOException {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(
        f, "{\"pbkv-trace\":1,\"time\":\"virtual\"}\n{\"node\":\"a\",\"kind\":\"NOPE\"}\n");
    assertThatThrownBy(() -> Trace.read(f))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("line 2");
    Path g = dir.resolve("notatrace.jsonl");
    Files.writeString(g, "hello\n");
    assertThatThrownBy(() -> Trace.read(g)).hasMessageContaining("not a pbkv trace");
  }

  @Test
  void when_tracesOfSeveralProcessesAreMerged_then_eventsFollowLamportOrder() {
    Trace a = new Trace(Trace.REAL, List.of(sample().events().get(0)));
    Trace b = new Trace(Trace.REAL, sample().events().subList(1, 5));
    Trace merged = Trace.merge(List.of(b, a));
    assertThat(merged.events()).isEqualTo(sample().events());
    assertThat(merged.nodes()).containsExactly("a", "b");
  }

  @Test
  void when_rendered_then_thePageIsSelfContained_andHoldsEveryEvent() {
    String html = DiagramRenderer.render(sample());
    assertThat(html).startsWith("<!doctype html>").contains("PbkvDiagram(", "\"events\":[");
    assertThat(html).doesNotContain("http://cdn", "https://", "<script src");
    assertThat(html).doesNotContain("ViewReply </script>").contains("ViewReply <\\/script>");
    assertThat(html.split("\"k\":").length - 1).isEqualTo(5);
  }

  @Test
  void when_exportedForShiViz_then_eachEventIsTwoLines_withRenumberedClocks() {
    String log = ShiVizExporter.export(sample());
    List<String> lines = log.lines().toList();
    assertThat(lines.get(0)).isEqualTo(ShiVizExporter.PARSER);
    assertThat(lines.get(1)).isEmpty();
    assertThat(lines.subList(2, lines.size())).hasSize(8); // the lost message is no event
    assertThat(lines.get(2)).isEqualTo("SEND Ping to b");
    assertThat(lines.get(3)).isEqualTo("a {\"a\":1}");
    assertThat(lines.get(5)).isEqualTo("b {\"a\":1,\"b\":1}");
    assertThat(lines.get(7)).isEqualTo("b {\"a\":1,\"b\":2}");
    assertThat(lines.get(9)).isEqualTo("b {\"a\":1,\"b\":3}");
  }
}
