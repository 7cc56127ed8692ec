package dev.pbkv.debug;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pbkv.sim.scenario.Scenarios;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The page's server: loopback only, the token, the Host check, one-line errors, limits. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DebugServerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  DebugServer server;
  String token;

  @BeforeEach
  void start() throws IOException {
    server =
        DebugServer.start(
            new Session(
                ScenarioStart.of(Scenarios.byName("split-brain").orElseThrow(), 1, Set.of())),
            0);
    token = server.uri().getQuery().substring(2);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  record Response(int status, String body) {}

  Response call(String method, String path, String token, String body) throws IOException {
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + server.port() + path).toURL().openConnection();
    c.setConnectTimeout(10_000);
    c.setReadTimeout(30_000);
    c.setRequestMethod(method);
    if (token != null) {
      c.setRequestProperty("X-Pbkv-Token", token);
    }
    if (body != null) {
      c.setDoOutput(true);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = c.getResponseCode();
    InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
    String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    return new Response(status, text);
  }

  @Test
  void when_theServerStarts_then_itListensOnLoopbackOnly() {
    assertThat(server.uri().getHost()).isEqualTo("127.0.0.1");
    assertThat(server.uri().getQuery()).matches("t=[0-9a-f]{32}");
  }

  @Test
  void when_theTokenIsMissingOrWrong_then_nothingIsServedOrDone() throws IOException {
    assertThat(call("GET", "/", null, null).status()).isEqualTo(403);
    assertThat(call("GET", "/?t=0000", null, null).status()).isEqualTo(403);
    assertThat(call("GET", "/api/state", null, null).status()).isEqualTo(403);
    assertThat(call("GET", "/api/state", "bad", null).status()).isEqualTo(403);
    assertThat(call("POST", "/api/do", "bad", "{\"op\":\"next\"}").status()).isEqualTo(403);
    assertThat(call("POST", "/api/quit", null, null).status()).isEqualTo(403);
    assertThat(call("GET", "/api/session", null, null).status()).isEqualTo(403);
    JsonNode state = JSON.readTree(call("GET", "/api/state", token, null).body());
    assertThat(state.get("step").asInt()).as("nothing was done").isZero();
  }

  @Test
  void when_theHostHeaderIsAnotherName_then_theRequestIsRefused() throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(30_000);
      s.getOutputStream()
          .write(
              ("GET /api/state HTTP/1.1\r\nHost: evil.example:"
                      + server.port()
                      + "\r\nX-Pbkv-Token: "
                      + token
                      + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 403");
    }
  }

  @Test
  void when_commandsAreSent_then_theStateAnswersThem() throws IOException {
    Response page = call("GET", "/?t=" + token, null, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("PbkvDiagram(", token).doesNotContain("__TOKEN__");
    JsonNode s = JSON.readTree(call("POST", "/api/do", token, "{\"op\":\"next\"}").body());
    assertThat(s.get("step").asInt()).isEqualTo(1);
    s = JSON.readTree(call("POST", "/api/do", token, "{\"op\":\"run\",\"until\":\"view\"}").body());
    assertThat(s.get("trace").get("events").toString()).contains("\"k\":\"VIEW\"");
    assertThat(s.get("nodes").size()).isEqualTo(6);
    assertThat(s.get("invariants").size()).isEqualTo(3);
    s = JSON.readTree(call("POST", "/api/do", token, "{\"op\":\"undo\"}").body());
    int back = s.get("step").asInt();
    s = JSON.readTree(call("POST", "/api/do", token, "{\"op\":\"redo\"}").body());
    assertThat(s.get("step").asInt()).isEqualTo(back + 1);
    Response session = call("GET", "/api/session?t=" + token, null, null);
    assertThat(session.status()).isEqualTo(200);
    assertThat(session.body())
        .startsWith("{\"pbkv-trace\":1")
        .contains("\"actions\":[\"start vs\"");
  }

  @Test
  void when_aCommandIsBad_then_400AndOneLineAndNoChange() throws IOException {
    for (String bad :
        new String[] {
          "not json",
          "{\"op\":\"fly\"}",
          "{\"op\":\"act\",\"action\":\"deliver m999\"}",
          "{\"op\":\"act\",\"action\":\"submit c1 put\"}",
          "{\"op\":\"go\",\"id\":12345}",
          "{\"op\":\"run\",\"until\":\"forever\"}",
          "{\"op\":\"undo\"}"
        }) {
      Response r = call("POST", "/api/do", token, bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      JsonNode s = JSON.readTree(r.body());
      assertThat(s.get("error").asText()).as(bad).isNotBlank().doesNotContain("\n");
      assertThat(s.get("step").asInt()).as(bad).isZero();
    }
    Response big =
        call("POST", "/api/do", token, "{\"op\":\"" + "x".repeat(DebugServer.MAX_BODY) + "\"}");
    assertThat(big.status()).isEqualTo(400);
    assertThat(JSON.readTree(big.body()).get("error").asText()).contains("larger than");
  }

  @Test
  void when_quitIsAsked_then_theServerStops() throws Exception {
    assertThat(call("POST", "/api/quit", token, null).status()).isEqualTo(200);
    Thread waiter =
        new Thread(
            () -> {
              try {
                server.awaitStop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiter.start();
    waiter.join(30_000);
    assertThat(waiter.isAlive()).isFalse();
  }
}
