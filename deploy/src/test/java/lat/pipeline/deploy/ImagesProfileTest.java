package lat.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The Jib set-up lives only in the `images` profile (the default build never touches Jib), and
 * the images that Compose and Kubernetes run are the ones that profile tags.
 */
class ImagesProfileTest {

  static final Path ROOT = RepoRoot.find();

  /** Module, image name, main class, port. */
  static final List<List<String>> DEPLOYABLES = List.of(
      List.of("receiver", "receiver", "lat.pipeline.receiver.ReceiverMain", "8080"),
      List.of("normalizer-streams", "normalizer", "lat.pipeline.normalizer.NormalizerMain", "8082"),
      List.of("bsale-fetcher", "bsale-fetcher", "lat.pipeline.fetcher.FetcherMain", "8083"),
      List.of("console", "console", "lat.pipeline.console.ConsoleMain", "8085"));

  @Test
  void jibIsConfiguredOnlyInsideTheImagesProfile() throws Exception {
    List<Path> poms = new ArrayList<>(List.of(ROOT.resolve("pom.xml")));
    for (Element module : elements(parse(ROOT.resolve("pom.xml")).getDocumentElement(), "module")) {
      poms.add(ROOT.resolve(module.getTextContent().trim()).resolve("pom.xml"));
    }
    int found = 0;
    for (Path pom : poms) {
      for (Element plugin : elements(parse(pom).getDocumentElement(), "plugin")) {
        if (text(plugin, "artifactId").equals("jib-maven-plugin")) {
          found++;
          assertThat(enclosingProfile(plugin)).as(pom + ": jib-maven-plugin outside the images profile").isEqualTo("images");
        }
      }
    }
    assertThat(found).isEqualTo(1 + DEPLOYABLES.size());
  }

  @Test
  void theRootProfileBuildsNonRootImagesOnAJre17WithTheJvmSizedFromTheContainer() throws Exception {
    Element profile = imagesProfile(ROOT.resolve("pom.xml"));
    Element properties = child(profile, "properties");
    assertThat(text(properties, "image.base")).isEqualTo("eclipse-temurin:17-jre");
    Element jib = plugin(profile, "jib-maven-plugin");
    assertThat(text(jib, "version")).isEqualTo("3.5.2");
    Element container = child(child(jib, "configuration"), "container");
    String user = text(container, "user");
    assertThat(user.split(":")[0]).isNotIn("", "0", "root");
    assertThat(elements(container, "jvmFlag")).extracting(Node::getTextContent).contains("-XX:MaxRAMPercentage=75");
  }

  @Test
  void eachDeployableSetsItsMainClassPortAndImageName() throws Exception {
    for (List<String> d : DEPLOYABLES) {
      Path pom = ROOT.resolve(d.get(0)).resolve("pom.xml");
      Element profile = imagesProfile(pom);
      assertThat(text(child(profile, "properties"), "image.name")).as(pom.toString()).isEqualTo(d.get(1));
      Element container = child(child(plugin(profile, "jib-maven-plugin"), "configuration"), "container");
      assertThat(text(container, "mainClass")).as(pom.toString()).isEqualTo(d.get(2));
      assertThat(elements(container, "port")).extracting(Node::getTextContent).as(pom.toString()).containsExactly(d.get(3));
      Path source = ROOT.resolve(d.get(0)).resolve("src/main/java").resolve(d.get(2).replace('.', '/') + ".java");
      assertThat(source).as("main class").exists();
    }
  }

  @Test
  void composeAndKubernetesRunTheImagesTheProfileTags() throws Exception {
    Element properties = child(imagesProfile(ROOT.resolve("pom.xml")), "properties");
    Set<String> tagged = new HashSet<>();
    for (List<String> d : DEPLOYABLES) {
      tagged.add(text(properties, "image.registry") + "/" + d.get(1) + ":" + text(properties, "image.tag"));
    }
    Set<String> used = new HashSet<>();
    Yamls.asMap(DockerComposeTest.COMPOSE.get("services"), "services").values().stream()
        .map(s -> Yamls.asMap(s, "service").get("image"))
        .filter(EnvironmentUse::isOurs)
        .forEach(i -> used.add(String.valueOf(i)));
    assertThat(used).as("docker-compose.yml").isEqualTo(tagged);
    for (String layer : KubernetesManifestsTest.LAYERS) {
      Set<String> k8s = new HashSet<>();
      for (MiniKustomize.Resource r : MiniKustomize.render(KubernetesManifestsTest.K8S.resolve(layer))) {
        Object containers = Yamls.at(r.body(), "spec", "template", "spec", "containers");
        if (containers instanceof List<?> list) {
          list.stream().map(c -> ((Map<?, ?>) c).get("image")).filter(EnvironmentUse::isOurs)
              .forEach(i -> k8s.add(String.valueOf(i)));
        }
      }
      assertThat(k8s).as(layer).isEqualTo(tagged);
    }
  }

  // --- a little DOM ---

  private static Document parse(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return factory.newDocumentBuilder().parse(Files.newInputStream(pom));
  }

  private static Element imagesProfile(Path pom) throws Exception {
    return elements(parse(pom).getDocumentElement(), "profile").stream()
        .filter(p -> text(p, "id").equals("images"))
        .findFirst().orElseThrow(() -> new AssertionError(pom + " has no images profile"));
  }

  private static Element plugin(Element scope, String artifactId) {
    return elements(scope, "plugin").stream().filter(p -> text(p, "artifactId").equals(artifactId))
        .findFirst().orElseThrow(() -> new AssertionError("no " + artifactId));
  }

  private static String enclosingProfile(Node node) {
    for (Node n = node.getParentNode(); n != null; n = n.getParentNode()) {
      if (n instanceof Element e && e.getTagName().equals("profile")) {
        return text(e, "id");
      }
    }
    return null;
  }

  private static List<Element> elements(Element scope, String tag) {
    NodeList nodes = scope.getElementsByTagName(tag);
    List<Element> list = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      list.add((Element) nodes.item(i));
    }
    return list;
  }

  private static Element child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    throw new AssertionError(parent.getTagName() + " has no " + tag);
  }

  private static String text(Element parent, String tag) {
    return child(parent, tag).getTextContent().trim();
  }
}
