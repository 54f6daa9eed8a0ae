package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where {@code kubectl} is installed, the real Kustomize renders each overlay; its output binds
 * strictly and equals what the test's own renderer produces (so the other tests check what
 * Kustomize would apply). Skipped where there is no kubectl.
 */
class KustomizeAgreementTest {

  @ParameterizedTest
  @ValueSource(strings = {"base", "overlays/small", "overlays/production"})
  void kustomizeRendersWhatTheTestsCheck(String layer) throws Exception {
    Path kubectl = onPath("kubectl");
    assumeTrue(kubectl != null, "kubectl is not installed");
    Path dir = KubernetesManifestsTest.K8S.resolve(layer);
    Process process = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
        .redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(out, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();

    List<Object> real = new ArrayList<>();
    for (Object doc : Yamls.documents(output)) {
      Map<String, Object> body = Yamls.asMap(doc, "kubectl kustomize " + layer);
      StrictManifests.load(body, "kubectl kustomize " + layer);
      real.add(canonical(body));
    }
    List<Object> ours = MiniKustomize.render(dir).stream().map(r -> canonical(r.body())).toList();
    assertThat(sorted(real)).isEqualTo(sorted(ours));
  }

  /** Maps with sorted keys; lists of named items sorted by name (merge order is not meaning). */
  @SuppressWarnings("unchecked")
  private static Object canonical(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), canonical(v)));
      return sorted;
    }
    if (value instanceof List<?> list) {
      List<Object> items = list.stream().map(KustomizeAgreementTest::canonical).toList();
      if (!items.isEmpty() && items.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get("name") != null)) {
        items = items.stream().sorted(Comparator.comparing(i -> String.valueOf(((Map<String, Object>) i).get("name")))).toList();
      }
      return items;
    }
    return value;
  }

  private static List<String> sorted(List<Object> docs) {
    return docs.stream().map(String::valueOf).sorted().toList();
  }

  private static Path onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    return Stream.of(path.split(File.pathSeparator))
        .map(p -> Path.of(p, command))
        .filter(Files::isExecutable)
        .findFirst().orElse(null);
  }
}
