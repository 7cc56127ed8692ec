import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/**
 * A 3-server ZooKeeper ensemble in one JVM (Curator's TestingCluster, in pbkv.jar) for benchmarks:
 * ticks every 200 ms, writes its connect string to the file given as the argument, runs until
 * killed. Usage: java -cp pbkv-cli/target/pbkv.jar bench/ZkEnsemble.java CONNECT_FILE
 */
public class ZkEnsemble {
  public static void main(String[] args) throws Exception {
    List<InstanceSpec> specs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      specs.add(new InstanceSpec(null, -1, -1, -1, true, -1, 200, -1));
    }
    TestingCluster zk = new TestingCluster(specs);
    zk.start();
    Path out = Path.of(args[0]);
    Files.writeString(out.resolveSibling(out.getFileName() + ".tmp"), zk.getConnectString());
    Files.move(out.resolveSibling(out.getFileName() + ".tmp"), out);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        zk.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    Thread.currentThread().join();
  }
}
